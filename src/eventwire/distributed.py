"""Ingestion on a Dask distributed cluster: partitions analysed on workers into Parquet shards,
then loaded into the DuckDB store on the client.

    eventwire ingest --dask local --workers 2 news/           # a LocalCluster of 2 worker processes
    eventwire ingest --dask tcp://scheduler:8786 /shared/news/  # an existing cluster

The input files are listed on the client and cut into partitions of `partition_files` files, in
the order a single-process run reads them. Each partition is one Dask task: a worker reads,
cleans, parses, resolves and codes its articles with the same per-article pipeline as
`eventwire ingest` (spaCy and the dictionaries are loaded once per worker process: the task
function lives in this importable module, so it is never shipped with the model), and writes
the rows that the DuckDB writer would store (rows.py) as Parquet shards, one file per table and
publication month:

    SHARDS/articles/month=2021-02/part-0003.parquet    (month=unknown: no date)
    SHARDS/mentions/month=2021-02/part-0003.parquet    ... segments, actors, places, times, quotes,
    SHARDS/failures/part-0003.parquet                  copies, signatures likewise
    SHARDS/_partitions/part-0003.json                  written last: the partition is complete

What a worker cannot know is global and done when the client loads the shards, partition by
partition in input order, one transaction each (`Store.write_shard`): an article met before
(stored earlier, or in an earlier partition) adds only its copy; a new one gets its `seq`, its
near-duplicate story from the MinHash index of everything stored, and its undated mentions the
event of that story; events rows are recomputed from all their mentions. The store thus ends
with the rows a single-process ingest of the same inputs gives.

Faults: Dask runs a partition again when it fails or its worker dies (`retries`, and the
scheduler's own rescheduling of tasks of dead workers). A partition that still fails is reported
with its files and reason, and nothing is loaded; the shards of the others stay, so the same
command run again computes only what is missing, then loads everything. A partition whose
manifest is there (same files, same reading options, same schema) is never computed again.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from eventwire import dedup, rows
from eventwire.errors import EventwireError
from eventwire.model import Article, Failure, Result
from eventwire.read import ReadOptions
from eventwire.schema import LATEST

# Tables a worker writes; `events` is global and made at load time.
SHARD_TABLES = ("articles", "copies", "signatures", "segments", "actors", "places", "times", "quotes", "mentions",
                "failures")
MANIFESTS = "_partitions"
NO_MONTH = "unknown"
ROW_GROUP = 256  # articles per Parquet row group (what a worker holds before writing)
CONNECT_TIMEOUT = "30s"  # to reach an existing scheduler


class DaskError(EventwireError):
    """The cluster cannot be reached or the run cannot start."""


@dataclass(frozen=True)
class Partition:
    index: int
    files: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"part-{self.index:04d}"


def partitions(files: list[str], size: int) -> list[Partition]:
    """Consecutive runs of `size` files, numbered in input order."""
    size = max(1, size)
    return [Partition(i, tuple(files[start:start + size])) for i, start in enumerate(range(0, len(files), size))]


def shards_folder(db: str, shards: str | None) -> str:
    """Where a run's shards go: `shards`, else beside the database (`eventwire.duckdb` -> `eventwire.shards`)."""
    if shards:
        return os.path.abspath(shards)
    base, _ = os.path.splitext(os.path.abspath(db))
    return base + ".shards"


# --- worker side ---------------------------------------------------------------------------------

@cache
def _schemas() -> dict[str, pa.Schema]:
    """The Arrow schema of every table, from the schema itself (an in-memory store)."""
    from eventwire.store import Store

    with Store(":memory:") as store:
        return {t: store.arrow_schema(t) for t in SHARD_TABLES}


def warm() -> str:
    """Load spaCy, the dictionaries, the patterns and the gazetteer in this worker process."""
    from eventwire.actors import default_lexicon
    from eventwire.events import default_patterns
    from eventwire.gazetteer import gazetteer
    from eventwire.nlp import load

    load()
    default_lexicon()
    default_patterns()
    gazetteer()
    _schemas()
    return f"{socket.gethostname()}:{os.getpid()}"


class ShardWriter:
    """One partition's rows, buffered and written as Parquet files per table and month.

    Files are written under temporary names and renamed when the partition is complete, so a
    worker that dies leaves no file that looks finished.
    """

    def __init__(self, root: Path, name: str) -> None:
        self.root, self.name = root, name
        self.schemas = _schemas()
        self.buffers: dict[tuple[str, str | None], list[rows.Row]] = {}
        self.writers: dict[tuple[str, str | None], tuple[pq.ParquetWriter, Path, Path]] = {}
        self.tag = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"

    def path(self, table: str, month: str | None) -> Path:
        folder = self.root / table if month is None else self.root / table / f"month={month}"
        return folder / f"{self.name}.parquet"

    def add(self, month: str | None, tables: dict[str, list[rows.Row]]) -> None:
        for table, new in tables.items():
            if new:
                self.buffers.setdefault((table, month), []).extend(new)

    def flush(self) -> None:
        for key, buffered in self.buffers.items():
            if not buffered:
                continue
            table, month = key
            if key not in self.writers:
                final = self.path(table, month)
                final.parent.mkdir(parents=True, exist_ok=True)
                tmp = final.with_name(f"{final.name}.{self.tag}.tmp")
                self.writers[key] = (pq.ParquetWriter(tmp, self.schemas[table], compression="zstd"), tmp, final)
            self.writers[key][0].write_table(pa.Table.from_pylist(buffered, schema=self.schemas[table]))
            buffered.clear()

    def close(self) -> dict[str, list[str]]:
        """Finish every file; the shard paths (relative to the root) by table."""
        self.flush()
        out: dict[str, list[str]] = {}
        for (table, _), (writer, tmp, final) in sorted(self.writers.items(), key=lambda kv: str(kv[0])):
            writer.close()
            os.replace(tmp, final)
            out.setdefault(table, []).append(str(final.relative_to(self.root)))
        return out

    def abort(self) -> None:
        for writer, tmp, _ in self.writers.values():
            try:
                writer.close()
            finally:
                tmp.unlink(missing_ok=True)


def process_partition(partition: Partition, shards: str, read: ReadOptions) -> dict[str, Any]:
    """Read, analyse and code a partition's files and write its shards; returns its manifest.

    This runs on a worker. The model and dictionaries are loaded once per process (cached in
    their modules); articles go through spaCy in memory zones as in single-process ingestion.
    Within the partition a verbatim repeat of an article becomes a copy row, as in `ingest`.
    """
    from eventwire.ingest import analysed_in_zones
    from eventwire.pipeline import run

    started = time.monotonic()
    root = Path(shards)
    _remove_partition(root, partition.name)
    writer = ShardWriter(root, partition.name)
    now = datetime.now(UTC).replace(tzinfo=None)
    counts: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    waiting: dict[str, list[Article]] = {}  # copies of articles still in analysis
    done: set[str] = set()  # ids written to this partition's shards

    def copy(article: Article) -> None:
        counts["copies"] += 1
        writer.add(_month(article.published), {"copies": [rows.copy_row(article, ingested_at=now)]})

    def select(items: Iterator[Result | Failure | Any]) -> Iterator[Result | Failure | Any]:
        for item in items:
            if isinstance(item, Result):
                counts["read"] += 1
                aid = item.article.id
                if aid in done:
                    copy(_light(item.article))
                    continue
                if aid in waiting:
                    waiting[aid].append(_light(item.article))
                    continue
                waiting[aid] = []
            yield item

    position = 0
    try:
        for item in analysed_in_zones(select(run(list(partition.files), read))):
            if isinstance(item, Result):
                article = item.article
                sig = dedup.to_bytes(dedup.signature(dedup.story_text(item)))
                tables = rows.result_rows(item, seq=position, story_id=article.id, ingested_at=now, signature=sig)
                writer.add(_month(article.published), tables)
                counts["articles"] += 1
                counts["mentions"] += len(tables["mentions"])
                position += 1
                done.add(article.id)
                for repeat in waiting.pop(article.id, []):
                    copy(repeat)
                if position % ROW_GROUP == 0:
                    writer.flush()
            elif isinstance(item, Failure):
                counts["failures"] += 1
                reasons[item.reason.split(" (", 1)[0]] += 1
                writer.add(None, {"failures": [rows.failure_row(item, at=now)]})
            else:
                counts["skipped"] += 1
        files = writer.close()
    except BaseException:
        writer.abort()
        raise
    manifest = {"partition": partition.index, "name": partition.name, "files": list(partition.files),
                "read": _read_key(read), "schema": LATEST, "shards": files, "counts": dict(counts),
                "failure_reasons": dict(reasons), "seconds": round(time.monotonic() - started, 3),
                "worker": f"{socket.gethostname()}:{os.getpid()}"}
    _write_json(root / MANIFESTS / f"{partition.name}.json", manifest)
    return manifest


def _light(article: Article) -> Article:
    return Article(text="", source=article.source, title=article.title, url=article.url,
                   published=article.published, published_estimated=article.published_estimated,
                   reader=article.reader, id=article.id)


def _month(day: date | None) -> str:
    return day.strftime("%Y-%m") if day else NO_MONTH


def _read_key(read: ReadOptions) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(read).items()}


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def _remove_partition(root: Path, name: str) -> None:
    """Shards an earlier attempt at this partition left (a partition's files may have changed)."""
    (root / MANIFESTS / f"{name}.json").unlink(missing_ok=True)
    for table in SHARD_TABLES:
        folder = root / table
        if folder.is_dir():
            for path in folder.glob(f"**/{name}.parquet"):
                path.unlink(missing_ok=True)


# --- client side ---------------------------------------------------------------------------------

def completed(root: Path, partition: Partition, read: ReadOptions) -> dict[str, Any] | None:
    """The manifest of a partition that is complete in the shards folder for these inputs, else None."""
    path = root / MANIFESTS / f"{partition.name}.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if manifest.get("files") != list(partition.files) or manifest.get("read") != _read_key(read) \
            or manifest.get("schema") != LATEST:
        return None
    if not all((root / p).is_file() for paths in manifest.get("shards", {}).values() for p in paths):
        return None
    return manifest


@contextmanager
def client_for(scheduler: str, workers: int) -> Iterator[Any]:
    """A Dask client: of a new LocalCluster (`local`: `workers` processes, 1 thread each) or of a scheduler."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - a dependency of eventwire
        raise DaskError("Dask distributed is not installed: pip install 'dask[distributed]'") from None
    if scheduler == "local":
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=logging.ERROR)
        try:
            with Client(cluster) as client:
                yield client
        finally:
            cluster.close()
        return
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT)
    except OSError as exc:
        raise DaskError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    with client:
        yield client


Task = Callable[[Partition, str, ReadOptions], dict[str, Any]]


def ingest_dask(paths: list[str], options: Any, progress: Callable[[Any], None] | None = None,
                task: Task = process_partition) -> Any:
    """`ingest` on a Dask cluster (options.dask): see the module docstring. Returns an IngestSummary."""
    from distributed import as_completed

    from eventwire.ingest import IngestSummary, _inputs
    from eventwire.store import Batch, Store, StoreError

    root = Path(shards_folder(options.db, options.shards))
    summary = IngestSummary(db=options.db, shards=str(root))
    notify = progress or (lambda s: None)
    started = time.monotonic()

    def tick() -> None:
        summary.seconds = time.monotonic() - started
        notify(summary)

    if "-" in paths:
        raise DaskError("a Dask run reads files, not standard input")
    if options.recode:
        raise DaskError("--recode runs in one process: leave out --dask")
    listed = _inputs(paths)
    files = [f for f in listed if isinstance(f, str)]
    unlisted = [f for f in listed if isinstance(f, Failure)]
    parts = partitions(files, options.partition_files)
    summary.files_total, summary.partitions = len(files), len(parts)
    manifests: dict[int, dict[str, Any]] = {}

    def account(manifest: dict[str, Any]) -> None:
        counts = manifest["counts"]
        summary.files += len(manifest["files"])
        summary.read += counts.get("read", 0)
        summary.failures += counts.get("failures", 0)
        summary.skipped += counts.get("skipped", 0)
        summary.failure_reasons.update(manifest.get("failure_reasons", {}))
        summary.batches += 1

    try:
        with Store(options.db, wait=options.wait) as store:  # fail early if the database cannot be written
            todo = []
            for part in parts:
                if (found := completed(root, part, options.read)) is not None:
                    manifests[part.index] = found
                    summary.partitions_reused += 1
                    account(found)
                else:
                    todo.append(part)
            tick()
            if todo:
                root.mkdir(parents=True, exist_ok=True)
                t0 = time.monotonic()
                with client_for(options.dask, options.workers) as client:
                    client.run(warm)  # every worker loads the model now, side by side
                    t1 = time.monotonic()
                    run_id = uuid.uuid4().hex[:8]
                    futures = client.map(task, todo, shards=str(root), read=options.read, pure=False,
                                         retries=options.retries,
                                         key=[f"eventwire-{p.name}-{run_id}" for p in todo])
                    by_key = {f.key: p for f, p in zip(futures, todo, strict=True)}
                    for future in as_completed(futures):
                        part = by_key[future.key]
                        try:
                            manifest = future.result()
                        except Exception as exc:  # the task failed on every try, or its workers died
                            summary.missing.append({"partition": part.index, "name": part.name,
                                                    "files": list(part.files), "reason": _first_line(exc)})
                            continue
                        finally:
                            future.release()
                        manifests[part.index] = manifest
                        account(manifest)
                        tick()
                    summary.timings = {"startup_s": round(t1 - t0, 2), "parallel_s": round(time.monotonic() - t1, 2)}
            if summary.missing:
                summary.missing.sort(key=lambda m: m["partition"])
                lost = sum(len(m["files"]) for m in summary.missing)
                summary.error = (f"{len(summary.missing)} of {len(parts)} partitions failed ({lost} files: "
                                 + "; ".join(f"{m['name']}: {', '.join(m['files'])} ({m['reason']})"
                                             for m in summary.missing)
                                 + f"); the shards of the others are kept in {root}, nothing was loaded")
            else:
                t2 = time.monotonic()
                load(store, root, [manifests[p.index] for p in parts], summary, tick)
                if unlisted:
                    written = store.write(Batch(failures=unlisted))
                    summary.failures += len(unlisted)
                    summary.failure_reasons.update(f.reason.split(" (", 1)[0] for f in unlisted)
                    del written
                summary.timings["load_s"] = round(time.monotonic() - t2, 2)
            summary.db_articles = store.count("articles")
            summary.db_events = store.count("events")
    except (StoreError, DaskError) as exc:
        summary.error = str(exc)
    tick()
    return summary


def load(store: Any, root: Path, manifests: list[dict[str, Any]], summary: Any,
         tick: Callable[[], None] = lambda: None) -> None:
    """Store the shards of `manifests`, in their order, one transaction per partition."""
    for manifest in manifests:
        tables = {table: pa.concat_tables([pq.read_table(root / p, partitioning=None) for p in paths])
                  for table, paths in manifest["shards"].items()}
        written = store.write_shard(tables)
        summary.stored += written.articles
        summary.copies += written.copies
        summary.mentions += written.mentions
        summary.events += written.events
        summary.already_stored += manifest["counts"].get("articles", 0) - written.articles
        tick()


def _first_line(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip()
    return text.splitlines()[0]
