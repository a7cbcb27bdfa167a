"""`eventwire eval`: score eventwire on gold data in a public format, as tables or JSON."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from eventwire.evaluate.extraction import ExtractionReport, score_bodies, score_snippets
from eventwire.evaluate.readers import GoldSet, LayoutError, read_aeb, read_l3s, read_trafilatura
from eventwire.evaluate.segments import SegmentsReport, score_kinds

T = TypeVar("T")

EXTRACTION: dict[str, tuple[Callable[[Path], GoldSet[Any]], Callable[[Any], ExtractionReport]]] = {
    "aeb": (read_aeb, score_bodies),
    "trafilatura": (read_trafilatura, score_snippets),
}
SEGMENTS: dict[str, tuple[Callable[[Path], GoldSet[Any]], Callable[[Any], SegmentsReport]]] = {
    "l3s": (read_l3s, score_kinds),
}


def _gold_options(formats: list[str], *, format_help: str, unit: str = "pages", argument: str = "folder"):  # type: ignore[no-untyped-def]
    """The options every `eval` command takes: --format, --limit, --json and the gold's path."""
    def decorate(f):  # type: ignore[no-untyped-def]
        f = click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")(f)
        f = click.option("--limit", type=click.IntRange(min=1), default=None,
                         help=f"Score only the first N {unit}.")(f)
        f = click.option("--format", "fmt", type=click.Choice(formats), required=True, help=format_help)(f)
        return click.argument(argument, type=click.Path(path_type=Path))(f)
    return decorate


@click.group("eval")
def eval_group() -> None:
    """Score eventwire on gold data (your own or a public set) in a known format."""


@eval_group.command("extraction")
@_gold_options(sorted(EXTRACTION), format_help="Layout of the gold folder.")
def extraction_cmd(folder: Path, fmt: str, limit: int | None, as_json: bool) -> None:
    """Main-text extraction of the HTML pages in FOLDER, next to bare trafilatura."""
    read, score = EXTRACTION[fmt]
    report = score(_tracked(_open(read, folder).head(limit)))
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
        return
    table = Table(title=f"Extraction, {fmt} format: {report.n} pages", title_justify="left")
    columns = ["precision", "recall", "f1"] + (["accuracy"] if "accuracy" in report.ours else [])
    table.add_column("system")
    for column in columns:
        table.add_column(column, justify="right")
    rows = (("eventwire", report.ours), ("eventwire, lines untyped", report.untyped),
            ("trafilatura (bare)", report.baseline))
    for name, scores in rows:
        table.add_row(name, *(f"{scores[c]:.3f}" for c in columns))
    _print(table, report.failures)


@eval_group.command("segments")
@_gold_options(sorted(SEGMENTS), format_help="Layout of the gold folder.")
def segments_cmd(folder: Path, fmt: str, limit: int | None, as_json: bool) -> None:
    """Segment typing of the HTML pages in FOLDER: token precision/recall/F1 per kind."""
    read, score = SEGMENTS[fmt]
    report = score(_tracked(_open(read, folder).head(limit)))
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
        return
    table = Table(title=f"Segments, {fmt} format: {report.n} pages (tokens, micro-averaged)",
                  title_justify="left")
    for column in ("kind", "precision", "recall", "f1", "gold tokens", "predicted tokens"):
        table.add_column(column, justify="left" if column == "kind" else "right")
    for kind, row in report.to_dict()["per_kind"].items():
        table.add_row(kind, f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1']:.3f}",
                      str(row["gold_tokens"]), str(row["predicted_tokens"]))
    _print(table, report.failures)


@eval_group.command("actors")
@_gold_options(["conll-st"], format_help="CoNLL 'token TAG' with B/I-S source, B/I-T target, B/I-R reciprocal actors.",
               unit="sentences", argument="path")
def actors_cmd(path: Path, fmt: str, limit: int | None, as_json: bool) -> None:
    """Actor mentions and codes against the source/target spans of a CoNLL file."""
    from eventwire.actors import default_lexicon, resolve
    from eventwire.evaluate.actors import as_results, read_conll_st, score_actors
    from eventwire.nlp import analyze

    sentences = _open(read_conll_st, path)[:limit]
    lexicon = default_lexicon()

    def pairs() -> Iterator[tuple[Any, Any]]:
        for sentence, analysis in zip(sentences, analyze(as_results(sentences)), strict=True):
            analysis.result.actors = resolve(analysis, lexicon)
            yield sentence, analysis.result

    report = score_actors(_tracked(pairs(), len(sentences))).to_dict()
    if as_json:
        click.echo(json.dumps(report))
        return
    table = Table(title=f"Actors, {fmt} format: {report['n']} sentences, {report['gold_spans']} gold spans",
                  title_justify="left")
    for column in ("recall", "coded_recall", "precision"):
        table.add_column(column, justify="right")
    table.add_row(*(f"{report[c]:.3f}" for c in ("recall", "coded_recall", "precision")))
    _print(table, Counter())


@eval_group.command("events")
@_gold_options(["pentaclass", "petrarch-xml", "plover-json", "cameo-examples", "conll-st"],
               format_help="Layout of the gold file.", unit="sentences", argument="path")
@click.option("--calibrate", type=click.Path(path_type=Path), default=None,
              help="With --format pentaclass: write the confidence calibration table to this TSV file.")
def events_cmd(path: Path, fmt: str, limit: int | None, as_json: bool, calibrate: Path | None) -> None:
    """Coded events against gold sentences: classes, triples, PLOVER types, example codes or roles."""
    from eventwire.evaluate.events import FORMATS, calibration_table, run_events

    read, score = FORMATS[fmt]
    if calibrate and fmt != "pentaclass":
        raise click.BadParameter("calibration needs --format pentaclass", param_hint="--calibrate")
    items = _open(read, path)[:limit]
    pairs = list(_tracked(run_events(items), len(items)))
    report = score(pairs).to_dict()
    if calibrate:
        rows = calibration_table(pairs)
        calibrate.write_text("raw_upto\tconfidence\tn\n" + "".join(f"{u}\t{c}\t{n}\n" for u, c, n in rows))
    if as_json:
        click.echo(json.dumps(report))
        return
    table = Table(title=f"Events, {fmt} format: {report['n']} sentences", title_justify="left")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key, value in report.items():
        if key == "per_class":
            for label, row in value.items():
                table.add_row(f"class {label} precision / recall (gold {row['gold']}, predicted {row['predicted']})",
                              f"{row['precision']:.3f} / {row['recall']:.3f}")
        elif key != "n":
            table.add_row(key, f"{value:.3f}" if isinstance(value, float) else str(value))
    _print(table, Counter())


@eval_group.command("geo")
@_gold_options(["lgl", "gwn"], unit="articles", argument="path",
               format_help="lgl: LGL or TR-News XML (toponyms with gaztag lat/lon); gwn: GeoWebNews XML.")
def geo_cmd(path: Path, fmt: str, limit: int | None, as_json: bool) -> None:
    """Place mentions and their coordinates: recognition P/R/F1, accuracy within 161 km, mean error."""
    from eventwire.evaluate.geo import FORMATS, run_geo, score_geo

    articles = _open(FORMATS[fmt], path)[:limit]
    report = score_geo(_tracked(run_geo(articles), len(articles))).to_dict()
    if as_json:
        click.echo(json.dumps(report))
        return
    table = Table(title=f"Places, {fmt} format: {report['n']} articles, {report['gold_toponyms']} gold toponyms",
                  title_justify="left")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key, value in report.items():
        if key not in ("n", "gold_toponyms"):
            table.add_row(key, f"{value:.3f}" if isinstance(value, float) else str(value))
    _print(table, Counter())


@eval_group.command("time")
@_gold_options(["timeml"], format_help="timeml: .tml files (TimeBank, AQUAINT, TempEval-3) under the folder.",
               unit="documents", argument="path")
def time_cmd(path: Path, fmt: str, limit: int | None, as_json: bool) -> None:
    """Temporal expressions against TIMEX3 gold: recognition (overlap) and value P/R/F1."""
    from eventwire.evaluate.time import read_timeml, run_times, score_times

    docs = _open(lambda folder: read_timeml(folder, limit=limit), path)
    report = score_times(_tracked(run_times(docs), len(docs))).to_dict()
    if as_json:
        click.echo(json.dumps(report))
        return
    table = Table(title=f"Time expressions, {fmt} format: {report['n']} documents, {report['gold']} gold TIMEX3",
                  title_justify="left")
    for column in ("match", "precision", "recall", "f1"):
        table.add_column(column, justify="left" if column == "match" else "right")
    table.add_row("span (overlap)", *(f"{report[c]:.3f}" for c in ("precision", "recall", "f1")))
    table.add_row("span + value", *(f"{report[c]:.3f}" for c in ("value_precision", "value_recall", "value_f1")))
    _print(table, Counter())


def _open(read: Callable[[Path], T], folder: Path) -> T:
    """What `read` makes of the gold at `folder`; a wrong layout is one line and exit code 2."""
    try:
        return read(folder)
    except LayoutError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise click.exceptions.Exit(2) from None


def _tracked(pairs: Iterable[T], total: int | None = None) -> Iterator[T]:
    """The pairs, with a progress bar on stderr when it is a terminal."""
    console = Console(stderr=True)
    columns = (TextColumn("scoring"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress:
        yield from progress.track(pairs, total=len(pairs) if total is None else total)  # type: ignore[arg-type]


def _print(table: Table, failures: Counter[str]) -> None:
    out = Console(highlight=False)
    out.print(table)
    if failures:
        reasons = ", ".join(f"{reason} ×{n}" for reason, n in failures.most_common(5))
        out.print(f"[dim]{sum(failures.values())} failed pages: {escape(reasons)}[/dim]")
