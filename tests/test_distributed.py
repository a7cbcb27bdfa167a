"""`eventwire ingest --dask`: a LocalCluster of 2 workers stores what a single-process ingest stores."""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from eventwire.cli import demo_path, main
from eventwire.distributed import Partition, partitions, process_partition
from eventwire.ingest import IngestOptions, ingest
from eventwire.read import ReadOptions
from eventwire.store import Store
from test_store import snapshot

DEMO = Path(demo_path())
PARTITION_FILES = 3  # the demo's 20 files make 7 partitions


def contents(path: Path) -> dict[str, list[tuple]]:
    with Store(path) as store:
        return snapshot(store)


@pytest.fixture(scope="module")
def single(tmp_path_factory) -> dict[str, list[tuple]]:
    """The demo corpus ingested in one process: the reference."""
    path = tmp_path_factory.mktemp("single") / "demo.duckdb"
    summary = ingest([str(DEMO)], IngestOptions(db=str(path), batch_size=8))
    assert summary.error is None and summary.stored == 27
    return contents(path)


@pytest.fixture(scope="module")
def cluster():  # type: ignore[no-untyped-def]
    """One LocalCluster of 2 worker processes for the module (workers keep spaCy loaded between runs)."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local, \
            Client(local):
        yield local.scheduler_address


def crash_once(partition: Partition, shards: str, read: ReadOptions) -> dict:
    """The partition task, except that the first worker to run partition 1 dies (a marker file says it did)."""
    marker = Path(shards) / "crashed-once"
    if partition.index == 1 and not marker.exists():
        marker.write_text(str(os.getpid()))
        os._exit(1)  # the worker process dies mid-run, as with an OOM kill
    return process_partition(partition, shards, read)


def always_fails(partition: Partition, shards: str, read: ReadOptions) -> dict:
    if partition.index in (2, 5):
        raise OSError(f"disk gone while writing {partition.name}")
    return process_partition(partition, shards, read)


def test_partitions_keep_the_input_order():
    parts = partitions([f"f{i}" for i in range(10)], 4)
    assert [p.files for p in parts] == [("f0", "f1", "f2", "f3"), ("f4", "f5", "f6", "f7"), ("f8", "f9")]
    assert parts[2].name == "part-0002"


@pytest.mark.model
def test_a_local_cluster_of_two_workers_stores_what_one_process_stores(single, tmp_path):
    db, shards = tmp_path / "dask.duckdb", tmp_path / "shards"
    result = CliRunner().invoke(main, ["ingest", "--dask", "local", "--workers", "2", "--db", str(db),
                                       "--shards", str(shards), "--partition-files", str(PARTITION_FILES),
                                       "--json", str(DEMO)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["stored"], summary["partitions"], summary["missing"], summary["error"]) == (27, 7, [], None)
    assert summary["failures"] == 1 and summary["db_articles"] == 27
    got = contents(db)
    assert got == single  # same ids, seq, story ids, events rows and counts, every row of every table
    # the shards are partitioned by month, and DuckDB reads them directly
    assert list(shards.glob("mentions/month=*/part-*.parquet"))
    con = duckdb.connect()
    n = con.sql(f"SELECT count(*) FROM read_parquet('{shards}/articles/*/*.parquet', hive_partitioning = true)"
                ).fetchall()[0][0]
    assert n == 27

    # a second run reuses every partition and changes nothing
    again = CliRunner().invoke(main, ["ingest", "--dask", "local", "--workers", "2", "--db", str(db),
                                      "--shards", str(shards), "--partition-files", str(PARTITION_FILES),
                                      "--json", str(DEMO)])
    assert again.exit_code == 0, again.output
    summary = json.loads(again.stdout)
    assert (summary["partitions_reused"], summary["stored"], summary["already_stored"]) == (7, 0, 27)
    assert contents(db) == single


@pytest.mark.model
def test_a_worker_killed_mid_run_is_retried_and_the_result_is_complete(cluster, tmp_path):
    files = _files()[:2 * PARTITION_FILES]  # two partitions: the second one's first worker dies
    reference = tmp_path / "single.duckdb"
    assert ingest(files, IngestOptions(db=str(reference))).error is None
    db, shards = tmp_path / "kill.duckdb", tmp_path / "shards"
    options = IngestOptions(db=str(db), dask=cluster, shards=str(shards), partition_files=PARTITION_FILES)
    from eventwire.distributed import ingest_dask

    summary = ingest_dask(files, options, task=crash_once)
    assert (shards / "crashed-once").exists()  # a worker did die
    assert summary.error is None and summary.missing == [] and summary.partitions == 2
    assert summary.stored == contents(reference)["articles"].__len__() > 0
    assert contents(db) == contents(reference)


@pytest.mark.model
def test_partitions_that_keep_failing_are_reported_with_their_files_and_a_rerun_completes(single, cluster,
                                                                                          tmp_path):
    from eventwire.distributed import ingest_dask

    db, shards = tmp_path / "fail.duckdb", tmp_path / "shards"
    options = IngestOptions(db=str(db), dask=cluster, shards=str(shards), partition_files=PARTITION_FILES,
                            retries=1)
    summary = ingest_dask([str(DEMO)], options, task=always_fails)
    parts = partitions(sorted(_files()), PARTITION_FILES)
    assert [(m["partition"], m["files"]) for m in summary.missing] == [(2, list(parts[2].files)),
                                                                       (5, list(parts[5].files))]
    assert "OSError: disk gone while writing part-0002" in summary.missing[0]["reason"]
    assert "2 of 7 partitions failed" in summary.error and parts[5].files[0] in summary.error
    assert summary.stored == 0 and summary.db_articles == 0  # nothing loaded while something is missing
    # the same run again computes only the two missing partitions, then loads everything
    again = ingest_dask([str(DEMO)], options)
    assert again.error is None and again.partitions_reused == 5
    assert contents(db) == single


def _files() -> list[str]:
    from eventwire.ingest import _inputs

    return [f for f in _inputs([str(DEMO)]) if isinstance(f, str)]


def test_the_event_id_of_a_mention_row_is_the_event_id_of_its_event():
    from eventwire import rows
    from eventwire.model import Article, Event, Result

    text = "Russia criticised Ukraine. Talks may be held."
    actor = {"text": "Russia", "start": 0, "end": 6, "code": "RUS", "name": "Russia", "confidence": 0.95}
    uncoded = {"text": "The  Rebels", "start": 27, "end": 38, "code": None, "name": None, "confidence": 0.5}
    place = {"text": "Kyiv", "start": 0, "end": 4, "name": "Kyiv", "geonameid": 703448, "lat": 50.45, "lon": 30.52,
             "country": "UKR", "admin1": "12", "precision": "city", "how": "gazetteer", "rule": "sentence"}
    events = [
        Event("e1", "111", "11", 4, -2.0, "ACCUSE", actor, None, {"text": "criticised", "start": 7, "end": 17},
              {"index": 0, "start": 0, "end": 26}),
        Event("e2", "046", "04", 1, 7.0, "CONSULT", uncoded, actor, {"text": "Talks", "start": 27, "end": 32},
              {"index": 1, "start": 27, "end": 45}, hypothetical=True, date="2024-06-19", place=place),
        Event("e3", "046", "04", 1, 7.0, "CONSULT", None, None, {"text": "Talks", "start": 27, "end": 32},
              {"index": 1, "start": 27, "end": 45}, negated=True, place={**place, "geonameid": None}),
    ]
    result = Result(article=Article(text=text, source="x.txt", id="a1"), events=events)
    for row, event in zip(rows.child_rows(result, "a1")["mentions"], events, strict=True):
        assert row["event_id"] == rows.event_id(event, "a1") == rows.mention_event_id(row, "a1")
        assert rows.mention_event_id(row, "story9") == rows.event_id(event, "story9")
