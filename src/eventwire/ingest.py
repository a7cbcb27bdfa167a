"""Batch ingestion: read, clean, analyse, code and store a stream of inputs, resumably.

The inputs stream through the pipeline one article at a time (spaCy in batches, optionally in
several processes) and are written in transactions of `batch_size` articles, so memory stays
bounded whatever the corpus size and a killed run loses at most the batch it was writing.

An article already in the store is recognised by its id right after cleaning, before any parsing:
a second run over the same inputs parses nothing it stored before. Reading the same text from
another document records a copy (a verbatim reprint, which counts towards its events' reach).
With `recode`, stored articles are analysed and coded again from their stored text instead, for
when the dictionaries or patterns changed.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from eventwire.model import Article, Failure, Result, Skip
from eventwire.pipeline import analyze_and_resolve, run
from eventwire.read import ReadOptions, expand
from eventwire.store import DEFAULT_DB, Batch, Store, StoreError, Written

# Articles per transaction. Each write has a fixed cost (inserts into a dozen tables, recomputing
# the events the batch touches) that small batches pay often; a killed run loses at most one
# batch, a few seconds of work at this size.
DEFAULT_BATCH = 256
ZONE = 1000  # articles analysed per spaCy memory zone (see analysed_in_zones)
VOCAB_KEPT = 50_000  # words the pipeline keeps between zones: the common ones, met early (about 2,000 articles' worth)
LOOKUP = 64  # cleaned articles checked against the store in one query


@dataclass
class IngestOptions:
    db: str = DEFAULT_DB
    workers: int = 1  # spaCy processes
    batch_size: int = DEFAULT_BATCH  # articles per transaction
    read: ReadOptions = field(default_factory=ReadOptions)
    recode: bool = False  # analyse and code stored articles again (all of them when no path is given)
    wait: float = 0.0  # seconds to wait for another process that holds the database
    dask: str | None = None  # a Dask scheduler address, or "local": run on a cluster (distributed.py)
    shards: str | None = None  # folder of the Parquet shards of a Dask run (default: beside the database)
    partition_files: int = 100  # input files per partition of a Dask run
    retries: int = 2  # times Dask runs a failed partition again


@dataclass
class IngestSummary:
    """What a run did; `progress` callbacks see it grow."""

    db: str
    files_total: int | None = None  # input files, when known (not for stdin)
    files: int = 0  # input files read so far
    read: int = 0  # articles read and cleaned
    stored: int = 0  # new articles written
    recoded: int = 0
    already_stored: int = 0  # found in the store (or earlier in this run) and not parsed again
    copies: int = 0  # new copies recorded: another document with a stored article's text
    mentions: int = 0  # event mentions written
    events: int = 0  # events rows written or updated
    failures: int = 0
    skipped: int = 0
    batches: int = 0
    seconds: float = 0.0
    failure_reasons: Counter[str] = field(default_factory=Counter)
    db_articles: int = 0  # articles and events in the database at the end
    db_events: int = 0
    error: str | None = None  # why the run stopped early (a write failed), if it did
    # Dask runs only (distributed.py):
    shards: str | None = None  # the shards folder
    partitions: int = 0  # input partitions
    partitions_reused: int = 0  # found complete in the shards folder and not run again
    missing: list[dict[str, Any]] = field(default_factory=list)  # partitions that failed: index, files, reason
    timings: dict[str, float] = field(default_factory=dict)  # startup_s, parallel_s, load_s

    @property
    def rate(self) -> float:
        return (self.stored + self.recoded) / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "db": self.db, "files": self.files, "files_total": self.files_total, "read": self.read,
            "stored": self.stored, "recoded": self.recoded, "already_stored": self.already_stored,
            "copies": self.copies, "mentions": self.mentions, "events": self.events, "failures": self.failures,
            "skipped": self.skipped, "batches": self.batches, "seconds": round(self.seconds, 3),
            "articles_per_second": round(self.rate, 2), "failure_reasons": dict(self.failure_reasons),
            "db_articles": self.db_articles, "db_events": self.db_events, "error": self.error,
        } | ({"shards": self.shards, "partitions": self.partitions, "partitions_reused": self.partitions_reused,
              "missing": self.missing, "timings": self.timings} if self.shards else {})


Progress = Callable[[IngestSummary], None]


@dataclass
class _State:
    """Bookkeeping of one run between the reading side and the writing side."""

    in_flight: set[str] = field(default_factory=set)  # ids sent to analysis and not yet written
    recoding: set[str] = field(default_factory=set)  # ids sent to analysis to be re-coded (once a run)
    copies: list[Article] = field(default_factory=list)  # copies waiting for the next write


def ingest(paths: Iterable[str], options: IngestOptions | None = None,
           progress: Progress | None = None) -> IngestSummary:
    """Ingest every input named by `paths` into the store; see the module docstring."""
    options = options or IngestOptions()
    paths = list(paths)
    if options.dask:
        from eventwire.distributed import ingest_dask

        return ingest_dask(paths, options, progress)
    summary = IngestSummary(db=options.db)
    started = time.monotonic()
    notify = progress or (lambda s: None)

    def tick() -> None:
        summary.seconds = time.monotonic() - started
        notify(summary)

    with Store(options.db, wait=options.wait) as store:
        state = _State()
        batch = Batch()

        def flush() -> None:
            nonlocal batch
            batch.copies, state.copies = state.copies, []
            if not len(batch):
                return
            written = store.write(batch)
            _count(summary, written)
            for result in batch.new + batch.recoded:
                state.in_flight.discard(result.article.id)
            # A copy of an article still in analysis waits for it; one whose article failed is dropped.
            state.copies = [a for a in written.held if a.id in state.in_flight]
            batch = Batch()
            tick()

        if paths:
            inputs = _select(_cleaned(paths, options.read, summary, tick), store, state, options, summary, flush)
        else:
            inputs = _stored(store, state, summary) if options.recode else iter(())
        analysed = _analysed(inputs, options.workers)
        try:
            for item in analysed:
                if isinstance(item, Result):
                    (batch.recoded if item.article.id in state.recoding else batch.new).append(item)
                elif isinstance(item, Failure):
                    summary.failures += 1
                    summary.failure_reasons[item.reason.split(" (", 1)[0]] += 1
                    batch.failures.append(item)
                else:
                    summary.skipped += 1
                if len(batch.new) + len(batch.recoded) >= options.batch_size or \
                        len(batch.failures) >= 4 * options.batch_size:
                    flush()
            flush()
        except StoreError as exc:
            summary.error = str(exc)
        finally:
            analysed.close()  # ends spaCy's worker processes when the run stops early
        summary.db_articles = store.count("articles")
        summary.db_events = store.count("events")
    tick()
    return summary


def _analysed(items: Iterator[Result | Failure | Skip], workers: int) -> Iterator[Result | Failure | Skip]:
    """The analysed stream; spaCy and the dictionaries load only once an article needs them.

    A resumed run over inputs that are all stored parses nothing, and so should load nothing.
    """
    for item in items:
        if isinstance(item, Result):
            yield from analysed_in_zones(chain([item], items), workers)
            return
        yield item


def analysed_in_zones(items: Iterator[Result | Failure | Skip], workers: int = 1,
                      zone: int | None = None) -> Iterator[Result | Failure | Skip]:
    """`analyze_and_resolve` (with events) over runs of `zone` articles, each in a spaCy memory zone.

    A long-running pipeline keeps every new word it meets in its vocabulary and never gives the
    memory of its Docs back to the system; inside `nlp.memory_zone()` both are freed when the zone
    ends, so memory stays flat whatever the corpus size (docs/benchmarks.md has the figures). The
    records leave a zone as plain data: nothing of a Doc outlives it. With several spaCy
    processes, each run of articles starts them anew, which bounds their memory too.

    A word met for the first time costs spaCy more than one it knows, and a zone forgets its words
    when it ends. So runs of articles go without a zone until the vocabulary holds `VOCAB_KEPT`
    words: the common words of the language and of the news, met early, stay known to every later
    zone, and memory is still bounded (by those words and one zone's worth).
    """
    from eventwire.nlp import load

    nlp = load()
    size = zone or ZONE
    more = [True]

    def run_of(limit: int) -> Iterator[Result | Failure | Skip]:
        n = 0
        for item in items:
            yield item
            if isinstance(item, Result):
                n += 1
                if n >= limit:
                    return
        more[0] = False

    while more[0]:
        with nlp.memory_zone() if len(nlp.vocab) >= VOCAB_KEPT else contextlib.nullcontext():
            yield from analyze_and_resolve(run_of(size), n_process=workers, events=True)


def _count(summary: IngestSummary, written: Written) -> None:
    summary.batches += 1
    summary.stored += written.articles
    summary.recoded += written.recoded
    summary.copies += written.copies
    summary.mentions += written.mentions
    summary.events += written.events


def _inputs(paths: list[str]) -> list[str | Failure]:
    """The files the paths stand for (listed up front, for a total), `-` kept for stdin."""
    out: list[str | Failure] = []
    for path in paths:
        out.extend(["-"] if path == "-" else expand(path))
    return out


def _cleaned(paths: list[str], options: ReadOptions, summary: IngestSummary,
             tick: Callable[[], None]) -> Iterator[Result | Failure | Skip]:
    files = _inputs(paths)
    summary.files_total = None if "-" in files else sum(isinstance(f, str) for f in files)
    for found in files:
        if isinstance(found, Failure):
            yield found
            continue
        yield from run([found], options)
        summary.files += 1
        tick()


def _select(items: Iterable[Result | Failure | Skip], store: Store, state: _State, options: IngestOptions,
            summary: IngestSummary, flush: Callable[[], None]) -> Iterator[Result | Failure | Skip]:
    """Pass on what needs analysis; stored articles become copies (or, with recode, their stored form).

    Whether an article is stored is asked for `LOOKUP` articles at a time (one query each, not one
    per article). An article that was in flight then, or is put in flight meanwhile, may have been
    written by the time its turn comes: that one is asked again on its own.
    """
    for chunk in _chunks(items, LOOKUP):
        ids = [item.article.id for item in chunk if isinstance(item, Result)]
        stored = store.stored_ids(ids)
        maybe_written = {aid for aid in ids if aid in state.in_flight}
        for item in chunk:
            if not isinstance(item, Result):
                yield item
                continue
            summary.read += 1
            article = item.article
            aid = article.id
            if aid in state.in_flight:
                state.copies.append(_light(article))
                continue
            if aid in stored or (aid in maybe_written and store.has_article(aid)):
                if options.recode and aid not in state.recoding and (loaded := store.load_result(aid)) is not None:
                    state.in_flight.add(aid)
                    state.recoding.add(aid)
                    if loaded.article.source != article.source:
                        state.copies.append(_light(article))
                    yield loaded
                    continue
                summary.already_stored += 1
                if not store.has_copy(aid, article.source):
                    state.copies.append(_light(article))
                    if len(state.copies) >= options.batch_size:
                        flush()  # a resumed run may find many copies and parse nothing: write them as they come
                continue
            state.in_flight.add(aid)
            maybe_written.add(aid)
            yield item


def _chunks(items: Iterable[Result | Failure | Skip], size: int) -> Iterator[list[Result | Failure | Skip]]:
    """Consecutive items, `size` articles (and whatever came between them) at a time."""
    chunk: list[Result | Failure | Skip] = []
    articles = 0
    for item in items:
        chunk.append(item)
        if isinstance(item, Result):
            articles += 1
            if articles >= size:
                yield chunk
                chunk, articles = [], 0
    if chunk:
        yield chunk


def _stored(store: Store, state: _State, summary: IngestSummary) -> Iterator[Result]:
    """Every stored article, for --recode without paths."""
    for aid in store.article_ids():
        result = store.load_result(aid)
        if result is not None:
            summary.read += 1
            state.in_flight.add(aid)
            state.recoding.add(aid)
            yield result


def _light(article: Article) -> Article:
    """An article without its text: all a copy row needs, kept small while it waits."""
    return Article(text="", source=article.source, title=article.title, url=article.url,
                   published=article.published, published_estimated=article.published_estimated,
                   reader=article.reader, id=article.id)
