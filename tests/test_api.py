"""The HTTP API in-process (FastAPI's TestClient) over a small store built from the demo corpus."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from eventwire import api, query
from eventwire.cli import demo_path, main
from eventwire.errors import EventwireError

pytestmark = pytest.mark.model  # the store is built by the real pipeline

DEMO = Path(demo_path())
FILES = [DEMO / "html" / "putin-kim-defence-pact.html", DEMO / "text" / "hanoi-summit-ends-without-deal.txt",
         DEMO / "text" / "freedom-shield-drills-begin.txt"]
HOSTILE = """Seoul condemns North Korean missile launch

SEOUL, March 3, 2023 — South Korea's government condemned North Korea on Friday after a missile launch, \
officials said. A statement posted online read <script>window.__pwned=1</script> before it was removed.

President Yoon Suk Yeol criticized Pyongyang for the launch and said the image \
<img src=x onerror="window.__pwned=1"> showed the test site.

Japan's government also protested to North Korea through diplomatic channels in Beijing.
"""
NEW_STORY = """Finland and Sweden sign defence pact

HELSINKI, May 9, 2024 — Finland's government signed a defence cooperation agreement with Sweden on Thursday, \
officials said, and the two governments agreed to hold joint military exercises next year.
"""
TOKEN = "s3cret-token-for-tests-0123456789"


def build_store(path: Path, *inputs: Path) -> Path:
    result = CliRunner().invoke(main, ["ingest", "--db", str(path), "--quiet", *map(str, inputs)])
    assert result.exit_code == 0, result.output
    return path


def fingerprint(path: Path) -> tuple[str, int, float]:
    data = path.read_bytes()
    stat = path.stat()
    return hashlib.sha256(data).hexdigest(), stat.st_size, stat.st_mtime


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("api")
    hostile = folder / "hostile-story.txt"
    hostile.write_text(HOSTILE, encoding="utf-8")
    return build_store(folder / "demo.duckdb", *FILES, hostile)


@pytest.fixture(scope="module")
def client(store):  # type: ignore[no-untyped-def]
    with TestClient(api.create_app(store)) as c:
        yield c


def detail(response) -> str:  # type: ignore[no-untyped-def]
    body = response.json()
    assert set(body) == {"detail"}, body
    assert isinstance(body["detail"], str)
    return body["detail"]


# --- read-only endpoints ------------------------------------------------------------------------


def test_health(client):
    r = client.get("/api/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["read_only"] is True and body["ingest"] is False
    assert body["articles"] == len(FILES) + 1 and body["events"] > 10 and body["schema_version"] >= 1


def test_events_page_shape_filters_and_pagination(client):
    r = client.get("/api/events", params={"limit": 5})
    assert r.status_code == 200
    page = r.json()
    assert set(page) == {"events", "total", "limit", "offset"}
    assert page["limit"] == 5 and page["offset"] == 0 and page["total"] > 5 and len(page["events"]) == 5
    first = page["events"][0]
    for key in ("id", "date", "code", "quad", "goldstein", "source_code", "target_code", "num_sources",
                "article_id", "mention_n", "sentence_text", "trigger_start", "rule"):
        assert key in first
    second = client.get("/api/events", params={"limit": 5, "offset": 5}).json()
    assert {e["id"] for e in second["events"]}.isdisjoint({e["id"] for e in page["events"]})
    assert second["total"] == page["total"]

    dyad = client.get("/api/events", params={"dyad": "RUS,PRK", "limit": 1000}).json()
    assert dyad["total"] > 0
    for e in dyad["events"]:
        assert {e["source_code"][:3], e["target_code"][:3]} == {"RUS", "PRK"}
    source = client.get("/api/events", params={"source": "rus", "sort": "date"}).json()
    assert source["total"] > 0 and all(e["source_code"].startswith("RUS") for e in source["events"])
    days = [e["date_start"] for e in source["events"] if e["date_start"]]
    assert days == sorted(days)
    flagged = client.get("/api/events", params={"include_flagged": "true", "limit": 1}).json()
    assert flagged["total"] >= page["total"]
    text = client.get("/api/events", params={"q": "onerror"}).json()
    assert text["total"] >= 1 and all("onerror" in e["sentence_text"] for e in text["events"])


@pytest.mark.parametrize(("params", "reason"), [
    ({"since": "not-a-date"}, r"^since: not a date: 'not-a-date'"),
    ({"until": "2021-13-45"}, r"^until: not a date"),
    ({"since": "2024", "until": "2023"}, r"^until: 2023-12-31 is before since"),
    ({"limit": "1001"}, r"^limit: must be between 1 and 1000"),
    ({"limit": "0"}, r"^limit: must be between 1 and 1000"),
    ({"offset": "-1"}, r"^offset: must be at least 0"),
    ({"quad": "5"}, r"^quad: not a QuadClass"),
    ({"quad": "x"}, r"^quad: not an integer"),
    ({"dyad": "USA"}, r"^dyad: two actor codes"),
    ({"near": "37.5,127"}, r"^near: LAT,LON,KM"),
    ({"sort": "id; DROP TABLE events"}, r"^sort: must be one of"),
    ({"include_flagged": "maybe"}, r"^include_flagged: not true or false"),
    ({"source": "US A"}, r"^source: not an actor code"),
])
def test_bad_event_filters_are_422_with_the_reason(client, params, reason):
    r = client.get("/api/events", params=params)
    assert r.status_code == 422
    assert re.search(reason, detail(r)), detail(r)


def test_dyad_series(client):
    r = client.get("/api/dyads/RUS/PRK/series")
    assert r.status_code == 200
    series = r.json()
    assert sum(p["events"] for p in series) > 0
    assert set(series[0]) >= {"period", "events", "goldstein_mean", "goldstein_sum", "quad1", "quad2", "quad3",
                              "quad4"}
    for p in series:
        assert p["events"] == p["quad1"] + p["quad2"] + p["quad3"] + p["quad4"]
        assert re.fullmatch(r"\d{4}-\d{2}", p["period"])
    directed = client.get("/api/dyads/RUS/PRK/series", params={"directed": "true", "by": "day"}).json()
    assert sum(p["events"] for p in directed) <= sum(p["events"] for p in series)
    assert client.get("/api/dyads/RUS/PRK/series", params={"since": "2030", "until": "2030-02"}).json()[0][
        "events"] == 0

    for params, reason in [({"by": "year"}, r"^by: must be one of day, week, month"),
                           ({"since": "not-a-date"}, r"^since: not a date"),
                           ({"directed": "maybe"}, r"^directed: ")]:
        r = client.get("/api/dyads/RUS/PRK/series", params=params)
        assert r.status_code == 422 and re.search(reason, detail(r)), r.text
    r = client.get("/api/dyads/R1/PRK/series")
    assert r.status_code == 422 and detail(r).startswith("a: not an actor code")


def test_actors_and_dyads(client):
    actors = client.get("/api/actors", params={"limit": 5}).json()
    assert 0 < len(actors) <= 5
    assert set(actors[0]) == {"code", "name", "events", "as_source", "as_target"}
    assert [a["events"] for a in actors] == sorted((a["events"] for a in actors), reverse=True)
    assert actors[0]["events"] == actors[0]["as_source"] + actors[0]["as_target"]
    dyads = client.get("/api/dyads", params={"limit": 3}).json()
    assert 0 < len(dyads) <= 3 and set(dyads[0]) == {"source", "target", "events", "goldstein_mean"}
    assert client.get("/api/actors", params={"limit": 0}).status_code == 422
    r = client.get("/api/actors", params={"limit": "many"})
    assert r.status_code == 422 and detail(r).startswith("limit: ")
    r = client.get("/api/actors", params={"since": "yesterday"})
    assert r.status_code == 422 and detail(r).startswith("since: not a date")


def test_network(client):
    net = client.get("/api/network", params={"limit": 10}).json()
    assert set(net) == {"nodes", "edges"} and 0 < len(net["edges"]) <= 10
    ids = {n["id"] for n in net["nodes"]}
    for e in net["edges"]:
        assert e["source"] in ids and e["target"] in ids
        assert e["cooperation"] + e["conflict"] <= e["events"]
    r = client.get("/api/network", params={"limit": 5000})
    assert r.status_code == 422 and detail(r) == "limit: must be between 1 and 1000, not 5000"


def test_article_and_event_evidence(client):
    row = client.get("/api/events", params={"q": "onerror"}).json()["events"][0]
    r = client.get(f"/api/articles/{row['article_id']}")
    assert r.status_code == 200
    doc = r.json()
    text = doc["article"]["text"]
    assert "<script>window.__pwned=1</script>" in text  # stored and served as it was: escaping is the UI's job
    assert {"article", "copies", "segments", "actors", "events", "quotes", "places", "times"} <= set(doc)
    mention = next(m for m in doc["events"] if m["n"] == row["mention_n"])
    assert text[mention["trigger_start"]:mention["trigger_end"]] == mention["trigger_text"]
    assert text[mention["source_start"]:mention["source_end"]] == mention["source_text"]
    assert mention["rule"]
    event = client.get(f"/api/events/{row['id']}").json()
    assert event["id"] == row["id"] and event["mentions"][0]["article_id"] == row["article_id"]


def test_unknown_ids_and_routes_are_404_json(client):
    r = client.get("/api/articles/no-such-article")
    assert r.status_code == 404 and detail(r) == "no article with id 'no-such-article'"
    r = client.get("/api/events/0000")
    assert r.status_code == 404 and detail(r) == "no event with id '0000'"
    r = client.get("/api/nothing-here")
    assert r.status_code == 404 and detail(r) == "Not Found"
    assert client.post("/api/ingest", content=b"x").status_code in (404, 405)  # not without --allow-ingest


def test_dashboard_and_its_assets_are_served_locally(client):
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'self'" in csp
    html = r.text
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        assert client.get(asset).status_code == 200, asset
    assert "http://" not in html and "https://" not in html  # nothing from another host
    js = client.get("/static/app.js").text
    assert "innerHTML" not in js and "insertAdjacentHTML" not in js and "document.write" not in js
    plotly = client.get("/static/vendor/plotly.min.js")
    assert plotly.status_code == 200 and "plotly.js v" in plotly.text[:200]
    world = client.get("/static/topojson/world_110m.json").json()
    assert {"countries", "land", "coastlines"} <= set(world["objects"])
    spec = client.get("/openapi.json").json()
    assert {"/api/events", "/api/dyads/{a}/{b}/series", "/api/actors", "/api/network", "/api/articles/{article_id}",
            "/api/health"} <= set(spec["paths"])
    names = {p["name"] for p in spec["paths"]["/api/events"]["get"]["parameters"]}
    assert names == {"source", "target", "dyad", "code", "root", "quad", "plover", "since", "until", "country",
                     "near", "q", "min_sources", "include_flagged", "limit", "offset", "sort"}
    assert client.get("/docs").status_code == 200


# --- read-only guarantee, time limit ------------------------------------------------------------------


def test_the_store_is_never_written(store):
    before = fingerprint(store)
    with TestClient(api.create_app(store)) as c:
        for url in ["/api/health", "/api/events?limit=1000&include_flagged=1", "/api/dyads/USA/PRK/series?by=day",
                    "/api/actors", "/api/dyads", "/api/network", "/api/events?q=%27%3B%20DROP%20TABLE%20events%3B--",
                    "/api/articles/x'%20OR%20'1'='1"]:
            assert c.get(url).status_code in (200, 404)
        # the connection the app serves from cannot write, whatever SQL would reach it
        with pytest.raises(Exception, match="read-only"):
            c.app.state.db.run(lambda cur: cur.execute("CREATE TABLE intruder (x INTEGER)"), api._Job())
        with pytest.raises(Exception, match="read-only"):
            c.app.state.db.run(lambda cur: cur.execute("DELETE FROM events"), api._Job())
        assert c.get("/api/health").json()["events"] > 0
    assert fingerprint(store) == before


def test_a_query_over_the_time_limit_is_stopped_with_504(store, monkeypatch):
    outcome: list[str] = []

    def slow(cur, f):  # type: ignore[no-untyped-def]
        try:
            cur.execute("SELECT count(*) FROM range(3000000) a, range(3000000) b WHERE a.range + b.range = -1")
            outcome.append("finished")
        except Exception as exc:
            outcome.append(type(exc).__name__)
            raise

    monkeypatch.setattr(query, "events", slow)
    with TestClient(api.create_app(store, query_timeout=0.5)) as c:
        started = time.monotonic()
        r = c.get("/api/events")
        assert r.status_code == 504
        assert detail(r).startswith("the query took longer than 0.5 s and was stopped")
        assert time.monotonic() - started < 5
        deadline = time.monotonic() + 10
        while not outcome and time.monotonic() < deadline:
            time.sleep(0.05)
        assert outcome == ["InterruptException"]
        assert c.get("/api/health").status_code == 200  # the server goes on


# --- ingestion ------------------------------------------------------------------------------------------


def test_ingest_needs_a_token_to_start(store, monkeypatch):
    monkeypatch.delenv(api.TOKEN_VARIABLE, raising=False)
    with pytest.raises(EventwireError, match="EVENTWIRE_TOKEN"):
        api.create_app(store, allow_ingest=True)
    monkeypatch.setenv(api.TOKEN_VARIABLE, "short")
    with pytest.raises(EventwireError, match="too short"):
        api.create_app(store, allow_ingest=True)
    monkeypatch.delenv(api.TOKEN_VARIABLE)
    result = CliRunner().invoke(main, ["serve", "--db", str(store), "--allow-ingest"])
    assert result.exit_code == 2 and "EVENTWIRE_TOKEN" in result.output
    result = CliRunner().invoke(main, ["serve", "--db", str(store.parent / "missing.duckdb")])
    assert result.exit_code == 2 and "no database at" in result.output


def test_ingest_refuses_bad_requests_without_touching_the_store(store, tmp_path, monkeypatch):
    db = tmp_path / "copy.duckdb"
    shutil.copy(store, db)
    before = fingerprint(db)
    monkeypatch.setenv(api.TOKEN_VARIABLE, TOKEN)
    with TestClient(api.create_app(db, allow_ingest=True, max_ingest_bytes=1000)) as c:
        good = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/plain"}
        r = c.post("/api/ingest", content=NEW_STORY.encode(), headers={"Content-Type": "text/plain"})
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        r = c.post("/api/ingest", content=NEW_STORY.encode(), headers={**good, "Authorization": "Bearer wrong"})
        assert r.status_code == 401 and detail(r) == "a valid bearer token is needed"
        r = c.post("/api/ingest", content=b"x" * 1001, headers=good)
        assert r.status_code == 413 and detail(r) == "the body is larger than 1000 bytes"

        def chunks():  # no Content-Length: the limit holds while streaming
            for _ in range(20):
                yield b"y" * 100

        r = c.post("/api/ingest", content=chunks(), headers=good)
        assert r.status_code == 413
        r = c.post("/api/ingest", content=b"%PDF-1.4", headers={**good, "Content-Type": "application/pdf"})
        assert r.status_code == 415 and "unsupported content type 'application/pdf'" in detail(r)
        r = c.post("/api/ingest", content=b"  \n", headers=good)
        assert r.status_code == 422 and detail(r) == "the body is empty"
        r = c.post("/api/ingest?published=soon", content=NEW_STORY.encode(), headers=good)
        assert r.status_code == 422 and detail(r).startswith("published: ")
        assert c.get("/api/health").json()["ingest"] is True
    assert fingerprint(db) == before


def test_ingest_writes_through_a_short_lived_connection_and_serving_goes_on(store, tmp_path, monkeypatch):
    db = tmp_path / "copy.duckdb"
    shutil.copy(store, db)
    uploads = tmp_path / "tmp"
    uploads.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(uploads))
    with TestClient(api.create_app(db, allow_ingest=True, token=TOKEN)) as c:
        articles = c.get("/api/health").json()["articles"]
        headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/plain; charset=utf-8"}
        # queries running while the upload waits for the store are not broken by it
        errors: list[int] = []

        def reader() -> None:
            for _ in range(20):
                status = c.get("/api/events", params={"limit": 1}).status_code
                if status != 200:
                    errors.append(status)

        thread = threading.Thread(target=reader)
        thread.start()
        r = c.post("/api/ingest", params={"published": "2024-05-09"}, content=NEW_STORY.encode(), headers=headers)
        thread.join()
        assert r.status_code == 200, r.text
        summary = r.json()
        assert summary["stored"] == 1 and summary["mentions"] >= 1 and summary["error"] is None
        assert errors == []
        assert c.get("/api/health").json()["articles"] == articles + 1
        found = c.get("/api/events", params={"source": "FIN", "q": "defence cooperation"}).json()
        assert found["total"] >= 1
        # the same upload again stores nothing new
        again = c.post("/api/ingest", content=NEW_STORY.encode(), headers=headers).json()
        assert again["stored"] == 0 and again["already_stored"] == 1
        # and the store is served read-only again
        with pytest.raises(Exception, match="read-only"):
            c.app.state.db.run(lambda cur: cur.execute("DELETE FROM events"), api._Job())
    assert os.listdir(uploads) == []  # the uploaded file is gone
