"""The DuckDB store on hand-made results: schema, idempotent writes, aggregation, recoding, faults."""

from __future__ import annotations

import errno
import hashlib
import os
import subprocess
import sys
from datetime import date, datetime

import duckdb
import pytest

from eventwire import rows, schema
from eventwire.model import Actor, Article, Event, Failure, Place, Quote, Result, Segment, TimeRef
from eventwire.schema import DERIVED, DYADS_FROM_EVENTS, LATEST, TABLES, sentence_grams, sentence_grams_sql
from eventwire.store import Batch, Store, StoreError

TIMESTAMPS = ("ingested_at", "coded_at", "first_seen", "applied_at")
BODY = ("Russian President Vladimir Putin and North Korean leader Kim Jong Un signed a mutual defence pact "
        "in Pyongyang on Wednesday, pledging to help each other if either is attacked, in the strongest "
        "show of ties between the two countries since the end of the Cold War. The agreement was signed "
        "during Putin's first visit to the North in 24 years.")
OTHER = ("Finland formally joined NATO on Tuesday, doubling the length of the border the alliance shares "
         "with Russia, in a ceremony at the alliance headquarters in Brussels attended by foreign ministers "
         "of all member states and the secretary general of the alliance.")


def result(body: str = BODY, *, source: str = "a.txt", url: str | None = None, published: date | None = None,
           events: list[Event] | None = None, aid: str | None = None) -> Result:
    headline = "Putin and Kim sign defence pact"
    text = f"{headline}\n\n{body}"
    article = Article(text=text, source=source, url=url, published=published, title=headline, language="en",
                      id=aid or hashlib.sha1(body.encode()).hexdigest()[:20])
    segments = [Segment("headline", 0, len(headline), headline), Segment("body", len(headline) + 2, len(text), body)]
    return Result(article=article, segments=segments, events=events if events is not None else [event()])


def event(code: str = "057", source: str = "RUSGOV", target: str | None = "PRKGOV", day: str | None = "2024-06-19",
          negated: bool = False, place: dict | None = None) -> Event:
    return Event(id=f"{code}-{source}-{target}", code=code, root=code[:2], quad=1, goldstein=8.0, plover="AGREE",
                 source={"text": "Putin", "code": source, "name": "Vladimir Putin", "confidence": 0.95},
                 target={"text": "Kim", "code": target, "name": "Kim Jong Un", "confidence": 0.95} if target else None,
                 trigger={"text": "signed", "start": 110, "end": 116}, sentence={"index": 1, "start": 33, "end": 200},
                 negated=negated, date=day, place=place, rule="agree.sign", confidence=0.7)


def snapshot(store: Store) -> dict[str, list[tuple]]:
    assert dyads(store) == rebuilt_dyads(store)  # the kept summary always equals one built from events
    return {t: store.rows(t, exclude=TIMESTAMPS) for t in TABLES + DERIVED}


def dyads(store: Store) -> list[tuple]:
    return store.con.execute("SELECT * FROM dyads ORDER BY ALL").fetchall()


def rebuilt_dyads(store: Store) -> list[tuple]:
    """`dyads` as the migration builds it from `events` (in a transaction that is rolled back)."""
    store.con.execute("BEGIN TRANSACTION")
    try:
        store.con.execute("DELETE FROM dyads")
        store.con.execute(DYADS_FROM_EVENTS)
        return dyads(store)
    finally:
        store.con.execute("ROLLBACK")


def test_a_new_database_gets_every_table_and_the_latest_schema_version(tmp_path):
    path = tmp_path / "ew.duckdb"
    with Store(path) as store:
        assert store.version == LATEST
        assert all(store.count(t) == 0 for t in TABLES)
    with Store(path) as store:  # opening again applies nothing twice
        assert store.con.execute("SELECT count(*) FROM schema_version").fetchall() == [(LATEST,)]


def test_a_database_from_a_newer_eventwire_is_refused(tmp_path):
    path = tmp_path / "ew.duckdb"
    Store(path).close()
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO schema_version VALUES (999, now(), 'future')")
    con.close()
    with pytest.raises(StoreError, match="schema version 999, newer"):
        Store(path)


def test_writing_the_same_articles_again_changes_nothing(tmp_path):
    with Store(tmp_path / "ew.duckdb") as store:
        batch = Batch(new=[result(), result(OTHER)], failures=[Failure("x.png", "binary file")])
        first = store.write(batch)
        before = snapshot(store)
        second = store.write(batch)
        assert (first.articles, second.articles, second.mentions, second.failures) == (2, 0, 0, 0)
        assert snapshot(store) == before
        assert store.count("articles") == 2 and store.count("failures") == 1


def test_every_field_of_the_record_has_a_column():
    """A field added to model.py without a migration must fail here, not vanish from the store."""
    place = {"text": "Pyongyang", "start": 0, "end": 9, "name": "Pyongyang", "geonameid": 1871859, "lat": 39.03,
             "lon": 125.75, "country": "PRK", "admin1": "12", "precision": "city", "how": "gazetteer",
             "rule": "sentence"}
    r = result(events=[event(place=place)])
    ev = r.events[0]
    ev.date_granularity, ev.date_rule, ev.reported, ev.is_root = "day", "expression", True, True
    r.actors = [Actor("Putin", 0, 5, "Vladimir Putin", "RUSGOV", "RUS", "GOV", "dictionary", 0.95,
                      [{"text": "Putin", "start": 0, "end": 5, "how": "dictionary"}], ["a note"])]
    r.places = [Place("Pyongyang", 0, 9, "Pyongyang", 1871859, 39.03, 125.75, "PRK", "12", "city", "gazetteer")]
    r.times = [TimeRef("Wednesday", 0, 9, "2024-06-19", "day", "weekday")]
    r.quotes = [Quote("we will help", 0, 12, True, {"text": "Putin", "start": 0, "end": 5, "name": "Vladimir Putin",
                                                    "code": "RUSGOV"}, "say", "subject")]
    with Store(":memory:") as store:
        tables = rows.result_rows(r, seq=1, story_id=r.article.id, ingested_at=datetime(2024, 1, 1), signature=b"")
        for table, table_rows in tables.items():
            assert table_rows, table
            assert rows.dropped(table_rows, store.columns(table)) == set(), table
        store.write(Batch(new=[r]))
        assert store.con.execute("SELECT place_lat, place_rule, sentence_text FROM mentions").fetchall() == [
            (39.03, "sentence", r.article.text[33:200])]
        assert store.con.execute("SELECT speaker_code FROM quotes").fetchall() == [("RUSGOV",)]


def test_one_event_reported_by_three_outlets_is_one_row_with_three_sources(tmp_path):
    copies = [result(BODY + f" Report number {n} from its own desk.", url=f"https://outlet{n}.example/story",
                     published=date(2024, 6, 19)) for n in range(3)]
    copies.append(result(OTHER, url="https://other.example/x", events=[event(negated=True)]))
    with Store(tmp_path / "ew.duckdb") as store:
        store.write(Batch(new=copies[:2]))
        store.write(Batch(new=copies[2:]))
        found = store.con.execute(
            "SELECT negated, num_mentions, num_articles, num_sources, first_article_id FROM events ORDER BY negated"
        ).fetchall()
        assert found == [(False, 3, 3, 3, copies[0].article.id), (True, 1, 1, 1, copies[3].article.id)]
        assert store.count("mentions") == 4


def test_a_verbatim_copy_from_another_outlet_adds_a_source_not_an_article(tmp_path):
    first = result(url="https://wire.example/a")
    reprint = result(url="https://www.paper.example/b", source="b.html", aid=first.article.id)
    with Store(tmp_path / "ew.duckdb") as store:
        store.write(Batch(new=[first]))
        written = store.write(Batch(new=[reprint]))
        assert (written.articles, written.copies) == (0, 1)
        assert store.count("articles") == 1
        assert store.con.execute("SELECT outlet FROM copies ORDER BY outlet").fetchall() == [
            ("paper.example",), ("wire.example",)]
        assert store.con.execute("SELECT num_sources, num_articles, num_mentions FROM events").fetchall() == [(2, 2, 2)]
        store.write(Batch(copies=[reprint.article]))  # the same copy again changes nothing
        assert store.count("copies") == 2


def test_undated_events_merge_only_within_their_story(tmp_path):
    near = result(BODY + " Putin then flew on to Vietnam.", events=[event(day=None)], source="b.txt")
    with Store(tmp_path / "ew.duckdb") as store:
        store.write(Batch(new=[result(events=[event(day=None)]), near,
                               result(OTHER, events=[event(day=None)])]))
        assert sorted(store.con.execute("SELECT num_articles FROM events").fetchall()) == [(1,), (2,)]


def test_near_duplicates_share_a_story_id_across_runs(tmp_path):
    path = tmp_path / "ew.duckdb"
    original = result()
    with Store(path) as store:
        store.write(Batch(new=[original, result(OTHER)]))
    edited = result(BODY.replace("on Wednesday", "on Wednesday, June 19,") + " Putin then flew on to Vietnam.",
                    source="c.txt")
    with Store(path) as store:  # a later run: the index is rebuilt from stored signatures
        store.write(Batch(new=[edited]))
        stories = dict(store.con.execute("SELECT id, story_id FROM articles").fetchall())
    assert stories[edited.article.id] == original.article.id
    assert len(set(stories.values())) == 2


def test_recoding_replaces_the_analysis_and_the_events_it_fed(tmp_path):
    with Store(tmp_path / "ew.duckdb") as store:
        r = result()
        store.write(Batch(new=[r]))
        again = store.load_result(r.article.id)
        assert again is not None and again.article.text == r.article.text
        assert [s.kind for s in again.segments] == ["headline", "body"]
        again.events = [event(code="042")]
        written = store.write(Batch(recoded=[again]))
        assert written.recoded == 1
        assert store.con.execute("SELECT code FROM events").fetchall() == [("042",)]
        assert store.con.execute("SELECT code FROM mentions").fetchall() == [("042",)]
        assert store.count("articles") == 1 and store.count("segments") == 2


def test_the_dyads_summary_follows_every_kind_of_write(tmp_path):
    """`dyads` equals a summary built afresh from `events` after new articles, copies, recoding and
    flagged events, and when the same pairs are reached in another batch order."""
    plain = [result(BODY + f" Report {n}.", url=f"https://o{n}.example/x", events=[
        event(day=f"2024-06-{10 + n}"), event(code="190", source="USA", target="RUS"), event(target=None)])
        for n in range(3)]
    flagged = result(OTHER, events=[event(negated=True), event(code="190", source="USA", target="RUS")])
    tables = []
    for order in ([*plain, flagged], [flagged, *reversed(plain)]):
        with Store(tmp_path / f"ew{len(tables)}.duckdb") as store:
            for r in order:
                store.write(Batch(new=[r]))
                snapshot(store)
            store.write(Batch(copies=[Article(text=plain[0].article.text, source="z.txt", id=plain[0].article.id,
                                              url="https://copy.example/y")]))
            snapshot(store)
            again = store.load_result(plain[1].article.id)
            again.events = [event(code="042", source="USA", target="RUS")]  # one pair loses, another gains
            store.write(Batch(recoded=[again]))
            tables.append(snapshot(store)["dyads"])
            assert (store.con.execute("SELECT events, quad1, goldstein_sum FROM dyads WHERE source_code = 'USA' "
                                      "AND NOT flagged").fetchall() == [(2, 2, 16)])  # 190 and 042, one event each
    assert tables[0] == tables[1]


def drop_sentence_grams(store: Store) -> None:
    """Make `mentions` as a store before schema version 3 has it."""
    store.con.execute("DROP INDEX mentions_event")
    store.con.execute("ALTER TABLE mentions DROP COLUMN sentence_grams")
    store.con.execute("CREATE INDEX mentions_event ON mentions (event_id)")


def test_an_older_store_gets_its_dyads_built_from_its_events(tmp_path):
    path = tmp_path / "ew.duckdb"
    with Store(path) as store:
        store.write(Batch(new=[result(), result(OTHER, events=[event(code="190", source="USA", target="RUS")])]))
        expected = dyads(store)
        store.con.execute("DROP TABLE dyads")
        drop_sentence_grams(store)
        store.con.execute("DELETE FROM schema_version WHERE version > 1")
    with Store(path) as store:
        assert store.version == LATEST and dyads(store) == expected and len(expected) == 2


def test_an_older_store_gets_the_sentence_signatures_the_writer_gives(tmp_path):
    path = tmp_path / "ew.duckdb"
    unicode_event = event(code="190", source="USA", target="RUS")
    unicode_event.sentence = {"index": 0, "start": 0, "end": 45}
    with Store(path) as store:
        store.write(Batch(new=[result(), result("İSTANBUL: ΟΔΟΣ Straße, KELVIN (K) — «ação» 🇺🇦 100% a_b.",
                                                events=[unicode_event])]))
        written = store.rows("mentions", exclude=TIMESTAMPS)
        assert store.con.execute("SELECT count(*) FROM mentions WHERE sentence_grams IS NULL").fetchall() == [(0,)]
        drop_sentence_grams(store)
        store.con.execute("DELETE FROM schema_version WHERE version > 2")
    with Store(path) as store:
        assert store.version == LATEST
        assert store.rows("mentions", exclude=TIMESTAMPS) == written


@pytest.mark.parametrize("text", [None, "", "a", "ab", "abc", "Abc", BODY, OTHER, "İstanbul ıi ΟΔΟΣ οδος ẞß Straße",
                                  "K Kelvin Ω Å ǅ ϴ ẞ", "«ação» — 100% a_b\\c 🇺🇦 👩‍👩‍👧 \x00\t\n", "𐐀𐐨 Ⱥⱥ Ȿ Ʂ"])
def test_the_signature_in_python_equals_the_signature_in_sql(text):
    con = duckdb.connect()
    assert con.execute(f"SELECT {sentence_grams_sql('?')}", [text]).fetchall() == [(sentence_grams(text),)]


def test_python_lowercases_every_code_point_as_duckdb_does():
    """The writer's signature (Python) and the migration's and ILIKE's (DuckDB) lower-case alike."""
    con = duckdb.connect()
    pairs = con.execute("SELECT i, lower(chr(i::INTEGER)) FROM range(1, 1114112) t(i) "
                        "WHERE i < 55296 OR i > 57343").fetchall()
    assert [(i, low) for i, low in pairs if schema._lower(chr(i)) != low] == []


def test_a_failed_write_leaves_earlier_batches_and_nothing_of_its_own(tmp_path, monkeypatch):
    with Store(tmp_path / "ew.duckdb") as store:
        store.write(Batch(new=[result()]))
        before = snapshot(store)

        def full(*args, **kwargs):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(Store, "_aggregate", full)  # fails after the batch's rows were inserted
        with pytest.raises(StoreError, match="disk full"):
            store.write(Batch(new=[result(OTHER)]))
        monkeypatch.undo()
        assert snapshot(store) == before
        assert store.write(Batch(new=[result(OTHER)])).articles == 1  # and the store still works


def test_a_file_that_is_not_a_database_is_one_clear_error(tmp_path):
    path = tmp_path / "notes.duckdb"
    path.write_text("these are my notes, not a database\n" * 200)
    with pytest.raises(StoreError, match="not an eventwire database"):
        Store(path)


def test_a_duckdb_database_of_something_else_is_left_alone(tmp_path):
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE sales (amount INTEGER)")
    con.close()
    with pytest.raises(StoreError, match="not an eventwire store"):
        Store(path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_a_read_only_folder_is_one_clear_error(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(StoreError, match="read-only"):
            Store(folder / "ew.duckdb")
    finally:
        folder.chmod(0o755)


def test_a_read_only_file_system_is_one_clear_error(tmp_path, monkeypatch):
    path = tmp_path / "ew.duckdb"

    def refuse(*args, **kwargs):
        raise duckdb.IOException(f'IO Error: Cannot open file "{path}": Read-only file system')

    monkeypatch.setattr(duckdb, "connect", refuse)
    with pytest.raises(StoreError, match=r"cannot write the database .*ew.duckdb: the path is read-only"):
        Store(path)


def test_a_missing_folder_is_one_clear_error(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        Store(tmp_path / "no" / "such" / "ew.duckdb")


def hold(path) -> subprocess.Popen:
    """Another process that holds the database open for a few seconds."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('open', flush=True);"
         " time.sleep(float(sys.argv[2]))", str(path), "1.5"], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
    return holder


def test_a_database_in_use_by_another_process_fails_clearly_or_waits(tmp_path):
    path = tmp_path / "ew.duckdb"
    Store(path).close()
    holder = hold(path)
    try:
        with pytest.raises(StoreError, match=rf"in use by another process \(PID {holder.pid}\)"):
            Store(path)
        with Store(path, wait=30) as store:  # waits until the other process lets go
            assert holder.poll() is not None
            assert store.version == LATEST
    finally:
        holder.kill()
        holder.wait()


def test_date_ranges_of_timex_values():
    assert rows.date_range("2021-02-04") == (date(2021, 2, 4), date(2021, 2, 4))
    assert rows.date_range("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert rows.date_range("2021-W05") == (date(2021, 2, 1), date(2021, 2, 7))
    assert rows.date_range("2019-Q4") == (date(2019, 10, 1), date(2019, 12, 31))
    assert rows.date_range("2019") == (date(2019, 1, 1), date(2019, 12, 31))
    assert rows.date_range("2019-SU") == (None, None)
    assert rows.date_range("2021-02-30") == (None, None)


def test_outlets_are_url_hosts_or_files():
    assert rows.outlet(Article("x", "a.html", url="https://www.bbc.example/news/1")) == "bbc.example"
    assert rows.outlet(Article("x", "a.html", url="https://m.capitalherald.example/amp/")) == "capitalherald.example"
    assert rows.outlet(Article("x", "dump.jsonl:7")) == "file:dump.jsonl"
    assert rows.outlet(Article("x", "crawl.warc.gz@1234")) == "file:crawl.warc.gz"
