"""The `eventwire` command: thin wrappers that parse options, call functions and print their data."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date
from importlib import resources

import click
from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.table import Table

from eventwire import __version__
from eventwire.errors import EventwireError
from eventwire.model import Failure, Result, Skip
from eventwire.pipeline import Summary, run
from eventwire.read import DEFAULT_MAX_BYTES, ReadOptions

KIND_STYLE = {
    "headline": "bold", "byline": "cyan", "dateline": "cyan", "caption": "magenta", "credit": "magenta",
    "body": "", "related": "yellow", "boilerplate": "dim",
}


def demo_path() -> str:
    """Folder of the demo corpus shipped inside the package."""
    return str(resources.files("eventwire") / "data" / "demo")


class DateType(click.ParamType):
    name = "DATE"

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not a date in YYYY-MM-DD form", param, ctx)


def read_options(f):  # type: ignore[no-untyped-def]
    f = click.option("--max-bytes", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES, show_default=True,
                     help="Largest text/HTML file, JSONL line or WARC record accepted.")(f)
    f = click.option("--published", type=DateType(), default=None,
                     help="Publication date for inputs that carry none (YYYY-MM-DD).")(f)
    return f


class _Fatal(click.ClickException):
    """A problem with the command or its setup (bad data file, bad option): one line, exit 2."""

    exit_code = 2


class _Group(click.Group):
    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except EventwireError as exc:
            raise _Fatal(str(exc)) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="eventwire")
def main() -> None:
    """eventwire: who did what to whom, when and where, from raw news."""


@main.command("read")
@click.argument("paths", nargs=-1, required=True)
@read_options
@click.option("--json", "as_json", is_flag=True, help="JSON Lines: one object per article (summary on stderr).")
@click.option("--brief", is_flag=True, help="One line per article instead of its segments.")
def read_cmd(paths: tuple[str, ...], published: date | None, max_bytes: int, as_json: bool, brief: bool) -> None:
    """Read PATHS (files, folders, globs, - for stdin) and show each article's typed segments."""
    items = run(paths, ReadOptions(published=published, max_bytes=max_bytes))
    summary, results = _show(items, as_json, render=None if brief else _segments_table)
    _finish(summary, results if brief else [], as_json)


@main.command("demo")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines instead of tables.")
def demo_cmd(as_json: bool) -> None:
    """Read, analyse and code the bundled demo corpus and summarise what came out."""
    from eventwire.pipeline import analyze_and_resolve

    summary, results = _show(analyze_and_resolve(run([demo_path()]), events=True), as_json, render=None)
    if results and not as_json:
        out = Console(highlight=False)
        out.print(_top_actors_table(results))
        out.print(_top_events_table(results))
    _finish(summary, results, as_json)


@main.command("analyze")
@click.argument("paths", nargs=-1, required=True)
@read_options
@click.option("--json", "as_json", is_flag=True, help="JSON Lines: one object per article (summary on stderr).")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="spaCy processes.")
def analyze_cmd(paths: tuple[str, ...], published: date | None, max_bytes: int, as_json: bool,
                workers: int) -> None:
    """Read PATHS, parse them and resolve their actors (CAMEO codes for the article's date), places,
    times and quotes."""
    from eventwire.pipeline import analyze_and_resolve

    items = analyze_and_resolve(run(paths, ReadOptions(published=published, max_bytes=max_bytes)),
                                n_process=workers)
    summary, _ = _show(items, as_json, render=_analysis_tables)
    _finish(summary, [], as_json)


@main.command("code")
@click.argument("paths", nargs=-1, required=True)
@read_options
@click.option("--json", "as_json", is_flag=True, help="The JSON contract as JSON Lines, one article per line.")
@click.option("--all", "show_all", is_flag=True, help="Also list negated and hypothetical events.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True, help="spaCy processes.")
def code_cmd(paths: tuple[str, ...], published: date | None, max_bytes: int, as_json: bool, show_all: bool,
             workers: int) -> None:
    """Read, analyse and code PATHS into CAMEO events (date, source, code, target, evidence)."""
    from eventwire.pipeline import analyze_and_resolve

    items = analyze_and_resolve(run(paths, ReadOptions(published=published, max_bytes=max_bytes)),
                                n_process=workers, events=True)
    summary, _ = _show(items, as_json, render=lambda r: _events_table(r, show_all))
    _finish(summary, [], as_json)


@main.command("ingest")
@click.argument("paths", nargs=-1)
@read_options
@click.option("--db", default="eventwire.duckdb", show_default=True, help="The DuckDB database file.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="spaCy processes (with --dask local: worker processes).")
@click.option("--batch-size", type=click.IntRange(min=1), default=256, show_default=True,
              help="Articles per transaction.")
@click.option("--recode", is_flag=True,
              help="Analyse and code stored articles again (those PATHS name; all of them without PATHS).")
@click.option("--wait", type=click.FloatRange(min=0), default=0, show_default=True,
              help="Seconds to wait while another process holds the database.")
@click.option("--quiet", is_flag=True, help="No progress bar and no summary (errors still go to stderr).")
@click.option("--json", "as_json", is_flag=True, help="Print the run's summary as one JSON object.")
@click.option("--dask", "dask_address", metavar="ADDRESS|local",
              help="Run on a Dask cluster: a scheduler address, or 'local' for a LocalCluster of --workers processes.")
@click.option("--shards", type=click.Path(file_okay=False), help="Parquet shards folder of a --dask run "
              "(default: beside --db, e.g. eventwire.shards).")
@click.option("--partition-files", type=click.IntRange(min=1), default=100, show_default=True,
              help="Input files per partition (task) of a --dask run.")
def ingest_cmd(paths: tuple[str, ...], published: date | None, max_bytes: int, db: str, workers: int,
               batch_size: int, recode: bool, wait: float, quiet: bool, as_json: bool, dask_address: str | None,
               shards: str | None, partition_files: int) -> None:
    """Read, analyse, code and store PATHS in a DuckDB database; a rerun resumes where a run stopped."""
    from eventwire.ingest import IngestOptions, ingest

    if not paths and not recode:
        raise click.UsageError("give PATHS to ingest (or --recode to re-code the stored articles)")
    if dask_address and (recode or "-" in paths):
        raise click.UsageError("--dask reads files: no --recode, no - for standard input")
    options = IngestOptions(db=db, workers=workers, batch_size=batch_size, recode=recode, wait=wait,
                            read=ReadOptions(published=published, max_bytes=max_bytes), dask=dask_address,
                            shards=shards, partition_files=partition_files)
    err = Console(stderr=True, highlight=False, soft_wrap=True)  # one line per message, never wrapped
    with _ingest_progress(err, enabled=not quiet) as progress:
        summary = ingest(paths, options, progress=progress)
    if as_json:
        print(json.dumps(summary.to_dict(), ensure_ascii=False))
    elif not quiet:
        Console(highlight=False).print(_ingest_summary(summary))
    if summary.error:
        err.print(f"[red]error[/red]: {escape(summary.error)}; {summary.stored} new articles were stored before it, "
                  f"run the same command again to resume")
        sys.exit(1)
    sys.exit(0 if summary.read or summary.stored or summary.recoded else 1)


class _ingest_progress:
    """A progress bar on stderr: files, articles/s, event mentions, failures, ETA when the total is known."""

    def __init__(self, console: Console, *, enabled: bool) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.progress = Progress(
            TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), TextColumn("files"),
            TextColumn("{task.fields[stats]}"), TimeRemainingColumn(), console=console, disable=not enabled,
            transient=True)
        self.task = self.progress.add_task("ingest", total=None, stats="")
        # Not on a terminal (a log file, a batch job): one plain line per written batch instead of a bar.
        self.console, self.lines, self.batches = console, enabled and not console.is_terminal, 0

    def __enter__(self):  # type: ignore[no-untyped-def]
        self.progress.start()
        return self.update

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def update(self, s) -> None:  # type: ignore[no-untyped-def]
        stats = (f"{s.stored + s.recoded} articles ({s.rate:.1f}/s) · {s.already_stored} already stored · "
                 f"{s.mentions} events · {s.failures} failed")
        self.progress.update(self.task, completed=s.files, total=s.files_total, stats=stats)
        if self.lines and s.batches != self.batches:
            self.batches = s.batches
            files = f"{s.files}/{s.files_total}" if s.files_total is not None else str(s.files)
            self.console.print(f"batch {s.batches}: {files} files · {stats}", soft_wrap=True)


def _ingest_summary(s) -> str:  # type: ignore[no-untyped-def]
    line = (f"[bold]{s.stored} articles stored[/bold]"
            + (f", {s.recoded} re-coded" if s.recoded else "")
            + f", {s.already_stored} already stored, {s.copies} new copies; {s.mentions} event mentions; "
            f"{s.failures} failed, {s.skipped} skipped; {s.seconds:.1f} s ({s.rate:.1f} articles/s)"
            f"\n{escape(s.db)} now holds {s.db_articles} articles and {s.db_events} events")
    if s.failure_reasons:
        line += "\nfailures: " + escape(", ".join(f"{r} ×{n}" for r, n in s.failure_reasons.most_common()))
    return line


@main.command("explain")
@click.argument("path")
@click.option("--event", "number", type=click.IntRange(min=1), required=True,
              help="The event's number in the table of `eventwire code PATH --all`.")
@read_options
def explain_cmd(path: str, number: int, published: date | None, max_bytes: int) -> None:
    """Show the sentence of one event of PATH with source, trigger and target marked, and its rule."""
    from eventwire.events.explain import explain_event
    from eventwire.pipeline import analyze_and_resolve

    results = [r for r in analyze_and_resolve(run([path], ReadOptions(published=published, max_bytes=max_bytes)),
                                              events=True) if isinstance(r, Result)]
    events = [(r, e) for r in results for e in r.events]
    if not 1 <= number <= len(events):
        raise click.BadParameter(f"{path} has {len(events)} events", param_hint="--event")
    Console(highlight=False).print(explain_event(*events[number - 1]))


@main.command("patterns")
@click.argument("code")
def patterns_cmd(code: str) -> None:
    """List the pattern rules that give CODE (a CAMEO code such as 041, or a root such as 04)."""
    from eventwire.events import codebook, default_patterns

    book = codebook()
    if code not in book:
        raise click.BadParameter(f"{code!r} is not a CAMEO code", param_hint="CODE")
    rules = default_patterns().for_code(code)
    table = Table(title=f"{code} {book[code].name}: {len(rules)} rules", title_justify="left")
    for col in ("rule", "code", "trigger", "object", "prep", "where"):
        table.add_column(col, overflow="fold")
    for r in rules:
        table.add_row(r.id, r.code, f"{r.trigger}: " + ", ".join(sorted(r.words)), ", ".join(sorted(r.objects)),
                      ", ".join(sorted(r.preps | r.particles)), os.path.basename(r.where))
    Console(highlight=False).print(table)


def _events_table(result: Result, show_all: bool) -> Table:
    from eventwire.events import codebook

    book = codebook()
    a = result.article
    table = Table(title=escape(f"{a.title or '(untitled)'} · {a.published or 'no date'}"), title_justify="left")
    for col in ("#", "date", "source", "event", "target", "where", "trigger in context", "flags"):
        table.add_column(col, overflow="fold")
    for n, e in enumerate(result.events, start=1):
        if e.flagged and not show_all:
            continue
        flags = " ".join(f for f in ("negated", "hypothetical", "reported", "root") if
                         getattr(e, "is_root" if f == "root" else f))
        context = a.text[max(e.sentence["start"], e.trigger["start"] - 40):e.trigger["start"]]
        after = a.text[e.trigger["end"]:min(e.sentence["end"], e.trigger["end"] + 40)]
        where = escape(f"{e.place['name']} ({e.place['rule']})") if e.place else "-"
        table.add_row(str(n), e.date or "", _actor_cell(e.source), f"{e.code} {escape(book[e.code].name)}",
                      _actor_cell(e.target), where, f"…{escape(context)}[bold]{escape(e.trigger['text'])}[/bold]"
                      f"{escape(after)}…", flags)
    return table


def _actor_cell(actor: dict | None) -> str:
    return f"{actor['code']} {escape(str(actor['text']))[:24]}" if actor else "-"


@main.command("actors")
@click.argument("name", required=False)
@click.option("--date", "day", type=DateType(), default=None, help="Resolve for this date (default: today).")
@click.option("--top", is_flag=True, help="Instead of NAME: the actors in most stored events (--db).")
@click.option("--db", default="eventwire.duckdb", show_default=True, help="The DuckDB database file (with --top).")
@click.option("--since", default=None, help="With --top: first day (YYYY-MM-DD, YYYY-MM or YYYY).")
@click.option("--until", default=None, help="With --top: last day (YYYY-MM-DD, YYYY-MM or YYYY).")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True, help="With --top: actors.")
@click.option("--json", "as_json", is_flag=True, help="With --top: JSON instead of a table.")
def actors_cmd(name: str | None, day: date | None, top: bool, db: str, since: str | None, until: str | None,
               limit: int, as_json: bool) -> None:
    """Show how NAME resolves: people with their dated roles, or the country/organisation it names.
    With --top: the actors in most stored events of a period."""
    from eventwire.actors.explain import explain_name

    if top:
        from eventwire.query_cli import top_actors_output

        top_actors_output(db, since, until, limit, as_json)
        return
    if not name:
        raise click.UsageError("give a NAME (or --top for the actors in most stored events)")
    lines = explain_name(name, day or date.today())
    if not lines:
        Console(stderr=True).print(f"no person, country or organisation called {escape(name)!r}")
        sys.exit(1)
    out = Console(highlight=False)
    for line in lines:
        out.print(line)


def _analysis_tables(result: Result) -> Group:
    """Actors, places, times and quotes of one article."""
    tables: list[Table] = [_actors_table(result)]
    if result.places:
        places = Table(title="places", title_justify="left")
        for col in ("text", "place", "country", "precision", "lat, lon", "how"):
            places.add_column(col, overflow="fold")
        for p in dict((p.text, p) for p in result.places).values():  # each name once
            point = f"{p.lat:.2f}, {p.lon:.2f}" if p.lat is not None and p.lon is not None else "-"
            places.add_row(escape(p.text), escape(p.name or "-"), p.country or "-", p.precision or "-", point,
                           p.how or "")
        tables.append(places)
    if result.times:
        times = Table(title="times", title_justify="left")
        for col in ("text", "value", "granularity", "how"):
            times.add_column(col, overflow="fold")
        for t in result.times:
            times.add_row(escape(t.text), t.value or "-", t.granularity or "-", t.how or "")
        tables.append(times)
    if result.quotes:
        quotes = Table(title="quotes", title_justify="left")
        for col in ("speaker", "verb", "quote"):
            quotes.add_column(col, overflow="fold")
        for q in result.quotes:
            speaker = f"{q.speaker.get('code') or '-'} {q.speaker.get('text')}" if q.speaker else "(unknown)"
            text = q.text if len(q.text) <= 90 else q.text[:87] + "…"
            quotes.add_row(escape(speaker), q.verb or "", escape(f"“{text}”" if q.direct else text))
        tables.append(quotes)
    return Group(*tables)


def _actors_table(result: Result) -> Table:
    a = result.article
    date_note = " (estimated)" if a.published_estimated else ""
    table = Table(title=escape(f"{a.title or '(untitled)'} · {a.published or 'no date'}{date_note}"),
                  title_justify="left")
    for col in ("code", "actor", "how", "conf", "mentions"):
        table.add_column(col, overflow="fold")
    for actor in result.actors:
        others = ", ".join(dict.fromkeys(m["text"] for m in actor.mentions[1:]))
        table.add_row(actor.code or "-", escape(actor.name or actor.text), actor.how or "",
                      f"{actor.confidence:.2f}" if actor.confidence is not None else "", escape(others[:80]))
    return table


def _show(items: Iterable[Result | Failure | Skip], as_json: bool,
          render: Callable[[Result], RenderableType] | None) -> tuple[Summary, list[Result]]:
    """Print each article (JSON line, or `render`'s table) and each failure; keep unrendered results."""
    out = Console(highlight=False, soft_wrap=False)
    err = Console(stderr=True, highlight=False, soft_wrap=True)  # one line per failure, never wrapped
    summary, kept = Summary(), []
    for item in items:
        summary.add(item)
        if isinstance(item, Result):
            if as_json:
                print(json.dumps(item.to_dict(), ensure_ascii=False))
            elif render is not None:
                out.print(render(item))
            else:
                kept.append(item)
        elif isinstance(item, Failure):
            err.print(f"[red]failed[/red] {escape(item.message)}")
        elif not as_json:
            err.print(f"[dim]skipped {escape(item.source)}: {escape(item.reason)}[/dim]")
    return summary, kept


def _finish(summary: Summary, results: list[Result], as_json: bool) -> None:
    """The brief table (if results were kept), the summary line, and the exit code."""
    out = Console(highlight=False)
    if results and not as_json:
        out.print(_brief_table(results))
    # With --json, stdout carries only the JSON lines; people read the summary on stderr.
    (Console(stderr=True, highlight=False) if as_json else out).print(_summary_line(summary))
    sys.exit(0 if summary.articles else 1)


def _top_events_table(results: list[Result], top: int = 12) -> Table:
    """The event codes seen most (negated and hypothetical events left out), with an example."""
    from eventwire.events import codebook

    book = codebook()
    counts: Counter[str] = Counter()
    example: dict[str, str] = {}
    for r in results:
        for e in r.events:
            if e.flagged:
                continue
            counts[e.code] += 1
            if e.code not in example and e.source and e.target:
                example[e.code] = f"{e.source['code'] or e.source['text']} → {e.target['code'] or e.target['text']}: " \
                                  f"{r.article.text[e.trigger['start']:e.trigger['end']]}"
    table = Table(title=f"Events ({sum(counts.values())} in all)", title_justify="left")
    for col in ("code", "event", "n", "example"):
        table.add_column(col, justify="right" if col == "n" else "left", overflow="ellipsis", no_wrap=True)
    for code, n in counts.most_common(top):
        table.add_row(code, escape(book[code].name), str(n), escape(example.get(code, "")))
    return table


def _top_actors_table(results: list[Result], top: int = 12) -> Table:
    """The actors named in most articles, with their codes."""
    articles: Counter[tuple[str, str]] = Counter()
    mentions: Counter[tuple[str, str]] = Counter()
    for r in results:
        seen = set()
        for actor in r.actors:
            if actor.code and actor.how != "unresolved":
                key = (actor.code, actor.name or actor.text)
                mentions[key] += len(actor.mentions)
                seen.add(key)
        articles.update(seen)
    table = Table(title="Most reported actors", title_justify="left")
    for col in ("code", "actor", "articles", "mentions"):
        table.add_column(col, justify="right" if col in ("articles", "mentions") else "left")
    for (code, name), n in articles.most_common(top):
        table.add_row(code, escape(name), str(n), str(mentions[(code, name)]))
    return table


def _segments_table(result: Result) -> Table:
    a = result.article
    title = f"{a.title or '(untitled)'}\n[dim]{a.source} · id {a.id} · {a.language} · published {a.published or '?'}"
    if a.published_estimated:
        title += " (estimated)"
    table = Table(title=escape(title).replace("\\[dim]", "[dim]"), title_justify="left", expand=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("start-end", justify="right", no_wrap=True)
    table.add_column("text", overflow="fold")
    for s in result.segments:
        style = KIND_STYLE.get(s.kind, "")
        table.add_row(s.kind, f"{s.start}-{s.end}", escape(s.text), style=style)
    return table


def _brief_table(results: list[Result]) -> Table:
    root = _common_dir([r.article.source for r in results])
    table = Table(title=f"Articles in {root}" if root else "Articles", title_justify="left")
    table.add_column("published", no_wrap=True, min_width=11)
    table.add_column("source", no_wrap=True, overflow="ellipsis", max_width=30, ratio=2)
    table.add_column("headline", no_wrap=True, overflow="ellipsis", max_width=48, ratio=3)
    table.add_column("main actors", no_wrap=True, overflow="ellipsis", ratio=1)
    for r in results:
        published = f"{r.article.published or '?'}{'~' if r.article.published_estimated else ''}"
        ranked = sorted((a for a in r.actors if a.code and a.how != "unresolved"), key=lambda a: -len(a.mentions))
        main_actors = " ".join(dict.fromkeys(a.code for a in ranked[:4] if a.code))
        table.add_row(published, escape(os.path.relpath(r.article.source, root) if root else r.article.source),
                      escape(r.article.title or ""), main_actors)
    if any(r.article.published_estimated for r in results):
        table.caption, table.caption_justify = "~ date estimated from the text", "left"
    return table


def _common_dir(sources: list[str]) -> str:
    """The folder all file sources share, to print them short."""
    dirs = [os.path.dirname(s) for s in sources if not s.startswith("<")]
    if len(dirs) != len(sources) or not dirs:
        return ""
    try:
        return os.path.commonpath(dirs)
    except ValueError:
        return ""


def _summary_line(s: Summary) -> str:
    kinds = ", ".join(f"{k} {n}" for k, n in s.segments.most_common())
    line = f"[bold]{s.articles} articles[/bold] read, {s.failures} failed, {s.skipped} skipped"
    if kinds:
        line += f"\nsegments: {kinds}"
    if s.failure_reasons:
        line += "\nfailures: " + escape(", ".join(f"{r} ×{n}" for r, n in s.failure_reasons.most_common()))
    if s.skip_reasons:
        line += "\nskipped: " + escape(", ".join(f"{r} ×{n}" for r, n in s.skip_reasons.most_common()))
    return line


@main.command("serve")
@click.option("--db", default="eventwire.duckdb", show_default=True,
              help="The DuckDB database file (opened read-only).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--allow-ingest", is_flag=True,
              help="Also accept POST /api/ingest, guarded by the bearer token in EVENTWIRE_TOKEN.")
def serve_cmd(db: str, host: str, port: int, allow_ingest: bool) -> None:
    """Serve the HTTP API (/api/..., OpenAPI at /docs) and the web dashboard (/) over a store."""
    from eventwire.api import serve

    serve(db, host=host, port=port, allow_ingest=allow_ingest)


def _register_optional() -> None:
    """Subcommand groups that live beside their stage (queries, evaluation)."""
    from eventwire.query_cli import register

    register(main)  # events, dyad, article, export
    try:
        from eventwire.evaluate.cli import eval_group
    except ImportError:
        return
    main.add_command(eval_group, "eval")


_register_optional()
