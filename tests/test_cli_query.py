"""`eventwire events`, `dyad`, `actors --top`, `article` and `export` through the CLI runner, the
GDELT export layout, and the queries on the ingested demo corpus."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from eventwire import export, query
from eventwire.cli import demo_path, main
from querydata import article_id, make_store


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    return str(make_store(tmp_path_factory.mktemp("cliq") / "q.duckdb"))


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args))


def test_events_table_lists_the_page_and_the_total(db):
    result = run("events", "--db", db, "--source", "USA", "--limit", "3")
    assert result.exit_code == 0, result.output
    assert "events 1-3 of 6" in result.output and "USAGOV" in result.output


def test_events_json_is_the_query_result(db):
    result = run("events", "--db", db, "--dyad", "USA,PRK", "--sort", "date", "--format", "json")
    assert result.exit_code == 0, result.output
    page = json.loads(result.stdout)
    assert page["total"] == 5 and [e["date"] for e in page["events"]][:2] == ["2017-08-08", "2017-08-09"]
    assert page["events"][0]["sentence_text"].startswith("Trump threatened")


def test_every_filter_option_reaches_the_query(db):
    args = ["--source", "KOR", "--target", "USA", "--code", "04", "--root", "04", "--quad", "1", "--plover",
            "consult", "--since", "2021-02", "--until", "2021", "--country", "KOR", "--near", "37.5,127,100",
            "--q", "phone", "--min-sources", "4", "--offset", "0", "--sort", "-num_sources"]
    page = json.loads(run("events", "--db", db, "--format", "json", *args).stdout)
    assert [(e["source_code"], e["code"]) for e in page["events"]] == [("KORGOV", "041")]
    flagged = json.loads(run("events", "--db", db, "--format", "json", "--include-flagged", "--code", "046").stdout)
    assert flagged["total"] == 2


def test_events_csv_and_parquet_files(db, tmp_path):
    out = tmp_path / "e.csv"
    result = run("events", "--db", db, "--format", "csv", "--out", str(out), "--limit", "4")
    assert result.exit_code == 0, result.output
    with open(out, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 4 and list(rows[0]) == list(query.EVENT_COLUMNS + query.EVIDENCE_COLUMNS)
    parquet = tmp_path / "e.parquet"
    assert run("events", "--db", db, "--format", "parquet", "--out", str(parquet)).exit_code == 0
    assert pq.read_table(parquet).num_rows == 12
    assert run("events", "--db", db, "--format", "parquet").exit_code == 2  # parquet needs --out


@pytest.mark.parametrize(("args", "message"), [
    (["--since", "not-a-date"], "since: not a date: 'not-a-date'"),
    (["--limit", "5000"], "limit: must be between 1 and 1000"),
    (["--sort", "date; DROP TABLE events"], "sort: must be one of"),
    (["--source", "USA' OR 1=1"], "source: not an actor code"),
    (["--near", "1,2"], "near: LAT,LON,KM is needed"),
])
def test_bad_filter_values_exit_2_with_the_reason(db, args, message):
    result = run("events", "--db", db, *args)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_a_missing_or_foreign_database_is_one_line(tmp_path):
    result = run("events", "--db", str(tmp_path / "none.duckdb"))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: no database at {tmp_path / 'none.duckdb'}"
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"\x00junk" * 1000)
    for command in (["events"], ["dyad", "USA", "PRK"], ["actors", "--top"], ["article", "x"],
                    ["export", "--format", "csv", str(tmp_path / "o.csv")]):
        result = run(*command, "--db", str(junk))
        assert result.exit_code == 1, command
        assert len(result.stderr.strip().splitlines()) == 1 and "not an eventwire database" in result.stderr


def test_dyad_table_json_and_plot(db, tmp_path):
    result = run("dyad", "USA", "PRK", "--db", db)
    assert result.exit_code == 0, result.output
    assert "USA ↔ PRK: 4 events" in result.output and "2017-08" in result.output
    series = json.loads(run("dyad", "usa", "prk", "--db", db, "--format", "json", "--directed").stdout)
    assert sum(p["events"] for p in series) == 2
    weeks = json.loads(run("dyad", "KOR", "USA", "--db", db, "--format", "json", "--by", "week").stdout)
    assert [p["period"] for p in weeks] == ["2021-W05"]
    png = tmp_path / "usa-prk.png"
    result = run("dyad", "USA", "PRK", "--db", db, "--plot", str(png), "--since", "2017", "--until", "2018")
    assert result.exit_code == 0, result.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    assert run("dyad", "USA", "PRK", "--db", db, "--since", "nope").exit_code == 2
    assert run("dyad", "USA", "P-K", "--db", db).exit_code == 2


def test_actors_top_and_actors_name_both_work(db):
    result = run("actors", "--top", "--db", db, "--limit", "2")
    assert result.exit_code == 0, result.output
    assert "USAGOV" in result.output and "PRKGOV" in result.output and "KORGOV" not in result.output
    top = json.loads(run("actors", "--top", "--db", db, "--json", "--since", "2022").stdout)
    assert [a["code"] for a in top] == ["RUS", "RUSMIL", "UKR", "USAGOV"]
    assert run("actors").exit_code == 2  # neither NAME nor --top
    named = run("actors", "North Korea")
    assert named.exit_code == 0 and "PRK" in named.output


def test_article_view(db):
    aid = article_id("phone")
    result = run("article", aid, "--db", db)
    assert result.exit_code == 0, result.output
    assert "Moon and Biden hold phone talks" in result.output and "test.041" in result.output
    view = json.loads(run("article", aid, "--db", db, "--json").stdout)
    assert view["article"]["id"] == aid and len(view["events"]) == 3
    missing = run("article", "nope", "--db", db)
    assert missing.exit_code == 1 and "no article 'nope'" in missing.stderr


def gdelt(db: str, tmp_path: Path, *args: str) -> list[list[str]]:
    out = tmp_path / "events.tsv"
    result = run("export", "--db", db, "--format", "gdelt", str(out), *args)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert not text.startswith("GlobalEventID")  # no header, as GDELT's files
    return [line.split("\t") for line in text.splitlines()]


def test_gdelt_export_has_61_columns_in_gdelt_order(db, tmp_path):
    rows = gdelt(db, tmp_path)
    assert len(rows) == 12 and all(len(r) == 61 for r in rows)
    col = {name: i for i, name in enumerate(export.GDELT_COLUMNS)}
    assert (col["GlobalEventID"], col["Day"], col["Actor1Code"], col["Actor2Code"], col["IsRootEvent"],
            col["EventCode"], col["QuadClass"], col["GoldsteinScale"], col["NumMentions"], col["NumSources"],
            col["NumArticles"], col["AvgTone"], col["Actor1Geo_Type"], col["ActionGeo_Type"],
            col["ActionGeo_Lat"], col["ActionGeo_FeatureID"], col["DATEADDED"], col["SOURCEURL"]) == \
        (0, 1, 5, 15, 25, 26, 29, 30, 31, 32, 33, 34, 35, 51, 56, 58, 59, 60)
    fury = next(r for r in rows if r[26] == "138")
    assert fury[1:5] == ["20170808", "201708", "2017", "2017.6027"]
    assert fury[5:8] == ["USAGOV", "Trump", "USA"] and fury[12] == "GOV"
    assert fury[15:18] == ["PRK", "North Korea", "PRK"]
    assert fury[25:35] == ["1", "138", "138", "13", "3", "-7", "3", "3", "3", ""]
    assert fury[35:51] == [""] * 16  # no actor geography
    assert fury[51:59] == ["3", "Washington, D.C., United States", "US", "US", "", "38.895", "-77.036", "4140963"]
    assert len(fury[59]) == 14 and fury[59].isdigit()
    assert fury[60] == "https://wire.example/fury"
    seoul = next(r for r in rows if r[26] == "041")
    assert seoul[51:54] == ["4", "Seoul, South Korea", "KS"]  # FIPS 10-4, not ISO3
    ids = [int(r[0]) for r in rows]
    assert len(set(ids)) == 12 and all(0 < i < 2 ** 63 for i in ids)
    event_ids = {e["id"] for e in json.loads(run("events", "--db", db, "--format", "json").stdout)["events"]}
    assert {format(i, "015x") for i in ids} == {e[:15] for e in event_ids}


def test_gdelt_export_takes_filters_and_flagged_events(db, tmp_path):
    assert [r[26] for r in gdelt(db, tmp_path, "--country", "USA", "--quad", "3")] == ["138", "141", "111"]
    assert len(gdelt(db, tmp_path, "--include-flagged")) == 13


def test_parquet_and_csv_exports_have_our_columns(db, tmp_path):
    parquet = tmp_path / "all.parquet"
    assert run("export", "--db", db, "--format", "parquet", str(parquet)).exit_code == 0
    table = pq.read_table(parquet)
    assert table.num_rows == 12 and {"id", "code", "sentence_text", "article_url"} <= set(table.column_names)
    out = tmp_path / "all.csv"
    assert run("export", "--db", db, "--format", "csv", str(out), "--since", "2021").exit_code == 0
    with open(out, encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == 5
    bad = run("export", "--db", db, "--format", "csv", str(tmp_path / "no" / "such" / "x.csv"))
    assert bad.exit_code == 2 and "does not exist" in bad.output


def test_fips_codes_come_from_the_geonames_table():
    assert [export.fips_code(c) for c in ("USA", "KOR", "PRK", "DEU", "GBR", "UKR", "KOS", "XXX")] == \
        ["US", "KS", "KN", "GM", "UK", "UP", "KV", ""]


@pytest.mark.model
def test_queries_on_the_ingested_demo_corpus(tmp_path):
    path = tmp_path / "demo.duckdb"
    result = run("ingest", "--db", str(path), "--quiet", demo_path())
    assert result.exit_code == 0, result.output
    con = query.connect(path)
    try:
        page = query.events(con, query.EventFilter(limit=1000, include_flagged=True))
        assert page["total"] == con.execute("SELECT count(*) FROM events").fetchall()[0][0] > 20
        for e in page["events"]:
            assert e["sentence_text"] and e["trigger_text"] in e["sentence_text"]
        busiest = con.execute("SELECT first_article_id FROM events GROUP BY 1 ORDER BY count(*) DESC "
                              "LIMIT 1").fetchall()[0][0]
        view = query.article(con, busiest)
        text = view["article"]["text"]
        for m in view["events"]:
            assert text[m["trigger_start"]:m["trigger_end"]] == m["trigger_text"]
            if m["source_start"] is not None:
                assert text[m["source_start"]:m["source_end"]] == m["source_text"]
        assert query.top_actors(con, limit=5) and query.network(con)["edges"]
    finally:
        con.close()
    rows = gdelt(str(path), tmp_path)
    assert rows and all(len(r) == 61 for r in rows)
