"""`eventwire ingest` end to end on the demo corpus: storing, resuming, recoding, crashes and faults."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from eventwire import rows
from eventwire.cli import demo_path, main
from eventwire.model import Result
from eventwire.pipeline import analyze_and_resolve, run
from eventwire.schema import sentence_grams, sentence_grams_sql
from eventwire.store import Store
from test_store import TIMESTAMPS, hold, snapshot

DEMO = Path(demo_path())
PAIR = [str(DEMO / "html" / "putin-kim-defence-pact.html"), str(DEMO / "text" / "putin-kim-mutual-defense-pact.txt")]


def ingest(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["ingest", *args])


def contents(path: Path) -> dict[str, list[tuple]]:
    with Store(path) as store:
        return snapshot(store)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> tuple[Path, dict]:
    """The demo corpus ingested once, in batches of 8: the database and the run's JSON summary."""
    path = tmp_path_factory.mktemp("ingest") / "demo.duckdb"
    result = ingest("--db", str(path), "--batch-size", "8", "--json", str(DEMO))
    assert result.exit_code == 0, result.output
    assert "batch 1:" in result.stderr  # one progress line per batch when stderr is not a terminal
    return path, json.loads(result.stdout)


@pytest.mark.model
def test_ingest_stores_every_article_with_its_analysis_and_failures(demo_db):
    path, summary = demo_db
    assert (summary["stored"], summary["failures"], summary["skipped"], summary["batches"]) == (27, 1, 2, 4)
    assert summary["db_articles"] == 27 and summary["error"] is None
    with Store(path) as store:
        assert store.con.execute("SELECT stage, reason FROM failures").fetchall() == [("language", "language: de")]
        assert store.count("segments") > 27 and store.count("actors") > 27
        assert store.count("mentions") == summary["mentions"] > 100
        # the planted near-duplicate pair is one story, told first by the HTML page
        stories = dict(store.con.execute("SELECT source, story_id FROM articles").fetchall())
        html, text = (next(v for k, v in stories.items() if k.endswith(name)) for name in PAIR)
        assert html == text
        assert len(set(stories.values())) == 26
        # every mention counts towards exactly one events row, and the counts add up
        assert store.con.execute("SELECT sum(num_mentions) FROM events").fetchall() == [(store.count("mentions"),)]


@pytest.mark.model
def test_ingested_mentions_carry_the_trigram_signature_of_their_sentence(demo_db):
    path, _ = demo_db
    with Store(path) as store:
        found = store.con.execute(f"SELECT sentence_text, sentence_grams, {sentence_grams_sql('sentence_text')} "
                                  "FROM mentions").fetchall()
    assert len(found) > 100
    assert all(stored is not None and stored == sql == sentence_grams(text) for text, stored, sql in found)


@pytest.mark.model
def test_real_results_lose_no_field_in_the_store(tmp_path):
    results = [r for r in analyze_and_resolve(run(PAIR), events=True) if isinstance(r, Result)]
    with Store(tmp_path / "ew.duckdb") as store:
        for r in results:
            for table, table_rows in rows.child_rows(r, r.article.id).items():
                assert rows.dropped(table_rows, store.columns(table)) == set(), table


@pytest.mark.model
def test_a_second_run_skips_stored_articles_without_parsing_them(demo_db, monkeypatch):
    path, _ = demo_db
    before = contents(path)

    def no_parsing(*args, **kwargs):
        raise AssertionError("stored articles were sent to analysis")

    monkeypatch.setattr("eventwire.ingest.analyze_and_resolve", no_parsing)
    result = ingest("--db", str(path), "--json", str(DEMO))
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["stored"], summary["already_stored"], summary["copies"]) == (0, 27, 0)
    assert contents(path) == before


@pytest.mark.model
def test_one_text_read_from_many_documents_is_parsed_once_and_each_document_is_a_copy(tmp_path, monkeypatch):
    story = DEMO / "text" / "france-pension-strike.txt"
    others = [DEMO / "text" / name for name in ("belarus-march-for-freedom.txt", "us-uk-strike-houthis-yemen.txt")]
    files = []
    for n in range(5):  # the same text under five names, between other stories
        copy = tmp_path / f"reprint-{n}.txt"
        shutil.copy(story, copy)
        files.append(str(copy))
        if n < len(others):
            files.append(str(others[n]))
    parsed = []
    original = analyze_and_resolve

    def counting(items, **kwargs):  # type: ignore[no-untyped-def]
        for item in original(items, **kwargs):
            if isinstance(item, Result):
                parsed.append(item.article.id)
            yield item

    monkeypatch.setattr("eventwire.ingest.analyze_and_resolve", counting)
    monkeypatch.setattr("eventwire.ingest.LOOKUP", 2)  # stored-id lookups split between the reprints
    path = tmp_path / "copies.duckdb"
    result = ingest("--db", str(path), "--batch-size", "1", "--json", *files)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["stored"], summary["copies"]) == (3, 4)
    assert len(parsed) == len(set(parsed)) == 3
    with Store(path) as store:
        counts = store.con.sql("SELECT article_id, count(*) FROM copies GROUP BY 1 ORDER BY 2").fetchall()
    assert [n for _, n in counts] == [1, 1, 5]


@pytest.mark.model
def test_a_run_killed_mid_way_and_run_again_gives_the_rows_of_a_clean_run(demo_db, tmp_path):
    clean, _ = demo_db
    path = tmp_path / "crash.duckdb"
    command = [sys.executable, "-c", "from eventwire.cli import main; main()", "ingest", "--db", str(path),
               "--batch-size", "3", str(DEMO)]
    proc = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    assert proc.stderr is not None
    line = proc.stderr.readline()
    assert line.startswith("batch 1:"), line  # the first batch is committed: kill it while it works on the next
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with Store(path) as store:
        assert 3 <= store.count("articles") < 27
    result = ingest("--db", str(path), "--batch-size", "3", str(DEMO))
    assert result.exit_code == 0, result.output
    assert contents(path) == contents(clean)


@pytest.mark.model
def test_the_planted_pair_dated_alike_is_one_event_per_happening_with_two_sources(tmp_path):
    path = tmp_path / "pair.duckdb"
    result = ingest("--db", str(path), "--published", "2024-06-19", *PAIR)
    assert result.exit_code == 0, result.output
    with Store(path) as store:
        assert store.con.execute("SELECT count(DISTINCT story_id) FROM articles").fetchall() == [(1,)]
        shared = store.con.execute("SELECT count(*) FROM events WHERE num_sources = 2 AND num_stories = 1"
                                   ).fetchall()[0][0]
        assert shared >= 5
        assert store.con.execute("SELECT max(num_sources) FROM events").fetchall() == [(2,)]


@pytest.mark.model
def test_recode_replaces_the_analysis_of_stored_articles(demo_db, tmp_path, monkeypatch):
    path = tmp_path / "recode.duckdb"
    shutil.copy(demo_db[0], path)
    before = contents(path)
    monkeypatch.setattr("eventwire.events.code_events", lambda *args, **kwargs: [])  # a dictionary that codes nothing
    result = ingest("--db", str(path), "--recode", "--json", *PAIR)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["recoded"] == 2
    with Store(path) as store:
        assert store.con.execute("SELECT count(*) FROM mentions m JOIN articles a ON a.id = m.article_id "
                                 "WHERE a.source IN (?, ?)", PAIR).fetchall() == [(0,)]
        assert store.count("articles") == 27 and 0 < store.count("mentions") < len(before["mentions"])
    monkeypatch.undo()
    result = ingest("--db", str(path), "--recode", *PAIR)
    assert result.exit_code == 0, result.output
    assert contents(path) == before


@pytest.mark.model
def test_a_full_disk_stops_the_run_keeps_earlier_batches_and_says_so(tmp_path, monkeypatch):
    files = [str(DEMO / "text" / name) for name in ("belarus-march-for-freedom.txt", "france-pension-strike.txt",
                                                    "us-uk-strike-houthis-yemen.txt")]
    path = tmp_path / "full.duckdb"
    calls = []
    original = Store._aggregate

    def second_batch_fails(self, event_ids):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return original(self, event_ids)

    monkeypatch.setattr(Store, "_aggregate", second_batch_fails)
    result = ingest("--db", str(path), "--batch-size", "1", *files)
    assert result.exit_code == 1
    assert "disk full (no space left on device); 1 new articles were stored before it" in result.stderr
    with Store(path) as store:
        assert store.count("articles") == 1
        assert store.rows("articles", exclude=TIMESTAMPS)[0][0]  # a whole article with its id
    monkeypatch.undo()
    assert ingest("--db", str(path), "--batch-size", "1", *files).exit_code == 0
    with Store(path) as store:
        assert store.count("articles") == 3


def test_ingest_without_paths_is_a_usage_error():
    result = ingest()
    assert result.exit_code == 2 and "give PATHS" in result.output


def test_a_file_that_is_not_a_database_is_a_one_line_error(tmp_path):
    (tmp_path / "notes.txt").write_text("not a database\n" * 500)
    result = ingest("--db", str(tmp_path / "notes.txt"), str(DEMO / "text"))
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"Error: {tmp_path / 'notes.txt'} is not an eventwire database "
                                                  "(not a DuckDB file)"]


def test_a_second_ingest_on_the_same_database_fails_clearly_and_corrupts_nothing(tmp_path):
    path = tmp_path / "ew.duckdb"
    (tmp_path / "empty.txt").write_text("")
    assert ingest("--db", str(path), str(tmp_path / "empty.txt")).exit_code == 1  # only a failure: nothing read
    holder = hold(path)
    try:
        result = ingest("--db", str(path), str(tmp_path / "empty.txt"))
        assert result.exit_code == 2
        assert f"is in use by another process (PID {holder.pid})" in result.output
    finally:
        holder.kill()
        holder.wait()
    with Store(path) as store:
        assert store.rows("failures", exclude=TIMESTAMPS) == [(str(tmp_path / "empty.txt"), "read", "empty file")]


@pytest.mark.model
def test_words_stay_known_until_the_vocabulary_is_full_and_later_zones_forget_theirs(monkeypatch):
    from eventwire import ingest as ingest_module
    from eventwire.clean import prepare
    from eventwire.model import Article
    from eventwire.nlp import load

    nlp = load()
    # The first run of articles may add words; once it has, every later run is a memory zone.
    monkeypatch.setattr(ingest_module, "VOCAB_KEPT", len(nlp.vocab) + 1)
    body = ("Officials from the {} delegation met ministers in the capital on Tuesday to discuss trade, "
            "and both sides said the talks had been useful and would continue next month.")
    words = ("Zorbaxian", "Quillevonian")
    articles = [prepare(Article(text=body.format(word), source=f"{word}.txt")) for word in words]
    out = list(ingest_module.analysed_in_zones(iter(articles), zone=1))
    assert [type(item) for item in out] == [Result, Result]
    assert "Zorbaxian" in nlp.vocab.strings  # met before the vocabulary was full: kept
    assert "Quillevonian" not in nlp.vocab.strings  # met inside a zone: forgotten when it ended


def test_the_ingest_command_writes_batches_of_the_library_default_size():
    from eventwire.ingest import DEFAULT_BATCH

    option = next(p for p in main.commands["ingest"].params if p.name == "batch_size")
    assert option.default == DEFAULT_BATCH
