"""`eventwire events`, `dyad`, `article`, `export` and `actors --top`: thin layers over query.py.

Filter options carry the names of `query.EventFilter`'s fields and are parsed by
`EventFilter.from_strings`, so the CLI and the HTTP API accept and refuse the same values with the
same messages. A bad value exits 2 with that message; a database that cannot be opened exits 1
with one line.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from eventwire import query
from eventwire.errors import EventwireError
from eventwire.query import EventFilter, QueryError
from eventwire.store import DEFAULT_DB

TABLE_FORMATS = ("table", "csv", "json")


def db_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--db", default=DEFAULT_DB, show_default=True, help="The DuckDB database file.")(f)


def filter_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """The EventFilter fields as options, raw strings, checked by EventFilter.from_strings."""
    options = [
        ("--source", "Source actor code or prefix (USA matches USA, USAGOV, ...)."),
        ("--target", "Target actor code or prefix."),
        ("--dyad", "A,B: events between two actors, either direction."),
        ("--code", "CAMEO code or prefix (04, 041)."),
        ("--root", "CAMEO root (01-20)."),
        ("--quad", "QuadClass 1-4."),
        ("--plover", "PLOVER type (AGREE, ASSAULT, ...)."),
        ("--since", "First day (YYYY-MM-DD; YYYY-MM or YYYY: its first day)."),
        ("--until", "Last day (YYYY-MM-DD; YYYY-MM or YYYY: its last day)."),
        ("--country", "ISO3 country of the event's place."),
        ("--near", "LAT,LON,KM: the event's place within KM of a point."),
        ("--q", "Text in the evidence sentence (case-insensitive)."),
        ("--min-sources", "Only events reported by at least this many outlets."),
    ]
    for name, help_text in reversed(options):
        f = click.option(name, default=None, metavar="TEXT" if name in ("--q",) else None, help=help_text)(f)
    return click.option("--include-flagged", is_flag=True, help="Also negated and hypothetical events.")(f)


def page_options(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option("--sort", default=None, help=f"One of {', '.join(query.SORTS)} (default -date).")(f)
    f = click.option("--offset", default=None, help="Events to skip (default 0).")(f)
    return click.option("--limit", default=None, help=f"Events per page, at most {query.MAX_LIMIT} (default 50).")(f)


def make_filter(params: dict[str, Any], *, page: bool = True) -> EventFilter:
    names = ("source", "target", "dyad", "code", "root", "quad", "plover", "since", "until", "country", "near", "q",
             "min_sources") + (("limit", "offset", "sort") if page else ())
    raw = {n: params.get(n) for n in names}
    raw["include_flagged"] = "true" if params.get("include_flagged") else None
    return EventFilter.from_strings(**raw)


def open_db(db: str):  # type: ignore[no-untyped-def]
    """A read-only connection, or one line on stderr and exit 1."""
    try:
        return query.connect(db)
    except QueryError:
        raise
    except EventwireError as exc:
        Console(stderr=True, highlight=False, soft_wrap=True).print(f"[red]error[/red]: {escape(str(exc))}")
        sys.exit(1)


def _write_text(text: str, out: str | None) -> None:
    if out:
        try:
            with open(out, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
        except OSError as exc:
            raise EventwireError(f"cannot write {out}: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(text)


def _csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


# --- events ---------------------------------------------------------------------------------------


@click.command("events")
@db_option
@filter_options
@page_options
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "parquet"]), default="table",
              show_default=True)
@click.option("--out", default=None, help="Write to this file instead of stdout (needed for parquet).")
def events_cmd(db: str, fmt: str, out: str | None, **params: Any) -> None:
    """List stored events matching the filters, newest first, each with its evidence sentence."""
    f = make_filter(params)
    if fmt == "parquet" and not out:
        raise click.UsageError("--format parquet needs --out FILE")
    con = open_db(db)
    try:
        page = query.events(con, f)
    finally:
        con.close()
    columns = list(query.EVENT_COLUMNS + query.EVIDENCE_COLUMNS)
    if fmt == "json":
        _write_text(query.to_json(page) + "\n", out)
    elif fmt == "csv":
        _write_text(_csv(page["events"], columns), out)
    elif fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            pq.write_table(pa.Table.from_pylist(page["events"]) if page["events"] else
                           pa.table({c: pa.array([], pa.string()) for c in columns}), out)
        except OSError as exc:
            raise EventwireError(f"cannot write {out}: {exc.strerror or exc}") from None
    else:
        console = Console(highlight=False, file=open(out, "w", encoding="utf-8") if out else None,  # noqa: SIM115
                          width=200 if out else None)
        try:
            console.print(events_table(page))
        finally:
            if out:
                console.file.close()
    if fmt != "table" and out:
        Console(stderr=True, highlight=False).print(f"{len(page['events'])} of {page['total']} events written to "
                                                    f"{escape(out)}")


def events_table(page: dict[str, Any]) -> Table:
    from eventwire.events import codebook

    book = codebook()
    first = page["offset"] + 1 if page["events"] else 0
    last = page["offset"] + len(page["events"])
    table = Table(title=f"events {first}-{last} of {page['total']}", title_justify="left")
    for col in ("date", "source", "event", "target", "where", "src", "evidence", "article"):
        table.add_column(col, overflow="fold", justify="right" if col == "src" else "left",
                         no_wrap=col in ("date", "src", "article"), ratio=3 if col == "evidence" else None)
    for e in page["events"]:
        name = book[e["code"]].name if e["code"] in book else ""
        table.add_row(e["date"] or "-", _actor(e["source_code"], e["source_text"]), f"{e['code']} {escape(name)}",
                      _actor(e["target_code"], e["target_text"]), escape(e["place_name"] or "-"),
                      str(e["num_sources"]), _evidence(e), (e["article_id"] or "")[:12])
    return table


def _actor(code: str | None, text: str | None) -> str:
    if not code and not text:
        return "-"
    return escape(f"{code or '?'} {(text or '')[:24]}".strip())


def _evidence(e: dict[str, Any], width: int = 40) -> Text:
    """The trigger in bold with some of its sentence around it."""
    sentence, start = e.get("sentence_text"), e.get("sentence_start")
    if not sentence or start is None or e.get("trigger_start") is None:
        return Text(e.get("trigger_text") or "")
    t0, t1 = e["trigger_start"] - start, e["trigger_end"] - start
    before, after = sentence[max(0, t0 - width):t0], sentence[t1:t1 + width]
    text = Text("…" if t0 > width else "")
    text.append(before)
    text.append(sentence[t0:t1], style="bold")
    text.append(after + ("…" if t1 + width < len(sentence) else ""))
    return text


# --- dyad -----------------------------------------------------------------------------------------


@click.command("dyad")
@click.argument("a")
@click.argument("b")
@db_option
@click.option("--by", type=click.Choice(query.PERIODS), default="month", show_default=True)
@click.option("--directed", is_flag=True, help="Only events from A to B.")
@click.option("--since", default=None, help="First day (YYYY-MM-DD, YYYY-MM or YYYY).")
@click.option("--until", default=None, help="Last day (YYYY-MM-DD, YYYY-MM or YYYY).")
@click.option("--include-flagged", is_flag=True, help="Also negated and hypothetical events.")
@click.option("--plot", "plot", default=None, metavar="FILE.png", help="Draw the series into an image file.")
@click.option("--format", "fmt", type=click.Choice(TABLE_FORMATS), default="table", show_default=True)
def dyad_cmd(a: str, b: str, db: str, by: str, directed: bool, since: str | None, until: str | None,
             include_flagged: bool, plot: str | None, fmt: str) -> None:
    """Events between actors A and B (codes or prefixes: USA, PRKGOV) per day, week or month."""
    if since or until:  # check the values before opening anything
        EventFilter.from_strings(since=since, until=until)
    con = open_db(db)
    try:
        series = query.dyad_series(con, a, b, by=by, directed=directed, since=since, until=until,
                                   include_flagged=include_flagged)
    finally:
        con.close()
    a, b = a.strip().upper(), b.strip().upper()
    if plot:
        from eventwire.charts import dyad_chart

        dyad_chart(series, a, b, plot, by=by, directed=directed)
    columns = ["period", "start", "events", "quad1", "quad2", "quad3", "quad4", "goldstein_mean", "goldstein_sum"]
    if fmt == "json":
        print(query.to_json(series))
    elif fmt == "csv":
        sys.stdout.write(_csv(series, columns))
    else:
        arrow = "→" if directed else "↔"
        table = Table(title=f"{escape(a)} {arrow} {escape(b)}: {sum(p['events'] for p in series)} events",
                      title_justify="left")
        for col in ("period", "events", "verbal coop", "material coop", "verbal conflict", "material conflict",
                    "goldstein"):
            table.add_column(col, justify="left" if col == "period" else "right")
        for p in series:
            mean = f"{p['goldstein_mean']:+.2f}" if p["goldstein_mean"] is not None else ""
            table.add_row(p["period"], str(p["events"]), str(p["quad1"]), str(p["quad2"]), str(p["quad3"]),
                          str(p["quad4"]), mean)
        Console(highlight=False).print(table)
    if plot:
        Console(stderr=True, highlight=False).print(f"chart written to {escape(plot)}")


# --- actors --top ---------------------------------------------------------------------------------


def top_actors_output(db: str, since: str | None, until: str | None, limit: int, as_json: bool) -> None:
    """`eventwire actors --top`: the actors in most events of the period."""
    f = EventFilter.from_strings(since=since, until=until)
    con = open_db(db)
    try:
        actors = query.top_actors(con, since=f.since, until=f.until, limit=limit)
    finally:
        con.close()
    if as_json:
        print(query.to_json(actors))
        return
    period = f" {f.since or '…'} to {f.until or '…'}" if (f.since or f.until) else ""
    table = Table(title=f"Actors in most events{period}", title_justify="left")
    for col in ("code", "actor", "events", "as source", "as target"):
        table.add_column(col, justify="right" if col in ("events", "as source", "as target") else "left")
    for r in actors:
        table.add_row(r["code"], escape(r["name"] or ""), str(r["events"]), str(r["as_source"]), str(r["as_target"]))
    Console(highlight=False).print(table)


# --- article --------------------------------------------------------------------------------------


@click.command("article")
@click.argument("article_id")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Everything stored about the article as one JSON object.")
def article_cmd(article_id: str, db: str, as_json: bool) -> None:
    """Show a stored article with its events, their evidence and rules, its quotes and places."""
    con = open_db(db)
    try:
        view = query.article(con, article_id.strip())
    finally:
        con.close()
    if view is None:
        Console(stderr=True, highlight=False).print(f"no article {escape(article_id)!r} in {escape(db)}")
        sys.exit(1)
    if as_json:
        print(query.to_json(view))
        return
    out = Console(highlight=False)
    a = view["article"]
    out.print(f"[bold]{escape(a['title'] or '(untitled)')}[/bold]")
    outlets = ", ".join(dict.fromkeys(c["outlet"] for c in view["copies"]))
    out.print(escape(f"{a['id']} · published {a['published'] or '?'} · {a['url'] or a['source']} · "
                     f"{len(view['copies'])} copies ({outlets})"))
    table = Table(title=f"events ({len(view['events'])})", title_justify="left")
    for col in ("#", "date", "source", "code", "target", "evidence", "rule", "flags"):
        table.add_column(col, overflow="fold")
    for m in view["events"]:
        flags = " ".join(k for k in ("negated", "hypothetical", "reported") if m[k])
        table.add_row(str(m["n"] + 1), m["date"] or "-", _actor(m["source_code"], m["source_text"]), m["code"],
                      _actor(m["target_code"], m["target_text"]), _marked(m), escape(m["rule"] or ""), flags)
    out.print(table)
    if view["quotes"]:
        quotes = Table(title="quotes", title_justify="left")
        for col in ("speaker", "quote"):
            quotes.add_column(col, overflow="fold")
        for q in view["quotes"]:
            speaker = f"{q['speaker_code'] or '-'} {q['speaker_text'] or ''}" if q["speaker_text"] else "(unknown)"
            quotes.add_row(escape(speaker), escape(q["text"][:200]))
        out.print(quotes)
    if view["places"]:
        names = dict.fromkeys(f"{p['text']} → {p['name'] or '?'} ({p['country'] or '-'})" for p in view["places"])
        out.print("places   " + escape(" · ".join(names)))


def _marked(m: dict[str, Any]) -> Text:
    """The sentence with the trigger bold and source and target underlined."""
    sentence, base = m["sentence_text"] or "", m["sentence_start"] or 0
    text = Text(sentence)
    for key, style in (("source", "underline"), ("target", "underline"), ("trigger", "bold")):
        start, end = m.get(f"{key}_start"), m.get(f"{key}_end")
        if start is not None and end is not None:
            text.stylize(style, start - base, end - base)
    return text


# --- export ---------------------------------------------------------------------------------------


@click.command("export")
@click.argument("out")
@db_option
@click.option("--format", "fmt", type=click.Choice(["gdelt", "parquet", "csv"]), required=True,
              help="gdelt: GDELT 2.0 Events TSV (61 columns, no header); parquet or csv: our columns.")
@filter_options
def export_cmd(out: str, db: str, fmt: str, **params: Any) -> None:
    """Write the stored events (those matching the filters) to OUT."""
    from eventwire.export import export

    f = make_filter(params, page=False)
    con = open_db(db)
    try:
        n = export(con, out, fmt, f)
    finally:
        con.close()
    Console(stderr=True, highlight=False).print(f"{n} events written to {escape(out)} ({fmt})")


COMMANDS = (events_cmd, dyad_cmd, article_cmd, export_cmd)


def register(group: click.Group) -> None:
    for command in COMMANDS:
        group.add_command(command)
