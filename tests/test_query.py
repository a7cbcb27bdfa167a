"""The query layer on a small hand-made store: every filter, pages, sorting, series, rankings, the
network, the article view, errors and SQL-injection attempts."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from eventwire import query
from eventwire.errors import EventwireError
from eventwire.query import EventFilter, QueryError
from eventwire.schema import fill_sentence_grams, sentence_grams
from eventwire.store import Batch, Store
from querydata import Ev, Story, article_id, build, make_store


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return make_store(tmp_path_factory.mktemp("query") / "q.duckdb")


@pytest.fixture(scope="module")
def con(db):
    con = query.connect(db)
    yield con
    con.close()


def codes(con, **kw) -> list[tuple]:
    """(source, code, target) of every matching event, sorted."""
    found = query.events(con, EventFilter(limit=1000, **kw))
    assert found["total"] == len(found["events"])
    return sorted(((e["source_code"], e["code"], e["target_code"]) for e in found["events"]),
                  key=lambda t: tuple(x or "" for x in t))


def test_events_page_has_rows_with_evidence_and_the_total(con):
    page = query.events(con, EventFilter(limit=2))
    assert (page["total"], page["limit"], page["offset"]) == (12, 2, 0)  # the negated one is left out
    first = page["events"][0]
    assert first["date"] == "2022-02-24"  # newest first by default
    assert set(query.EVENT_COLUMNS) | set(query.EVIDENCE_COLUMNS) <= set(first)
    assert first["sentence_text"][first["trigger_start"] - first["sentence_start"]:][:len(first["trigger_text"])] \
        == first["trigger_text"]
    assert first["article_url"].startswith("https://") and first["article_title"] == "Russia invades Ukraine"


def test_actor_filters_take_codes_and_prefixes(con):
    assert codes(con, source="USAGOV", target="PRKGOV") == [("USAGOV", "043", "PRKGOV"), ("USAGOV", "046", "PRKGOV")]
    assert [c for c in codes(con, target="prk")] == [("USAGOV", "043", "PRKGOV"), ("USAGOV", "046", "PRKGOV"),
                                                      ("USAGOV", "138", "PRK")]
    assert codes(con, source="RUS") == [("RUSMIL", "190", "UKR")]
    assert codes(con, dyad=("PRK", "USA")) == codes(con, dyad=("USA", "PRK"))
    assert len(codes(con, dyad=("USA", "PRK"))) == 5


def test_code_root_quad_and_plover_filters(con):
    assert codes(con, code="04") == [("KORGOV", "041", "USAGOV"), ("USAGOV", "043", "PRKGOV"),
                                     ("USAGOV", "046", "PRKGOV")]
    assert codes(con, code="041") == [("KORGOV", "041", "USAGOV")]
    assert codes(con, root="4") == codes(con, root="04") == codes(con, code="04")
    assert codes(con, quad=4) == [("RUSMIL", "190", "UKR")]
    assert codes(con, plover="assault") == [("RUSMIL", "190", "UKR")]


def test_date_range_holds_events_whose_whole_date_lies_in_it(con):
    in_2019 = codes(con, since=date(2019, 1, 1), until=date(2019, 12, 31))
    assert in_2019 == [("USAGOV", "046", "PRKGOV")]  # dated "2019"
    assert codes(con, since=date(2019, 3, 1), until=date(2019, 3, 31)) == []  # a year is in none of its months
    feb_2021 = EventFilter.from_strings(since="2021-02", until="2021-02")
    assert (feb_2021.since, feb_2021.until) == (date(2021, 2, 1), date(2021, 2, 28))
    assert codes(con, since=feb_2021.since, until=feb_2021.until) == [("KORGOV", "041", "USAGOV"),
                                                                       ("USA", "062", "KOR")]
    assert len(codes(con, since=date(2022, 1, 1))) == 2


def test_place_filters_country_and_distance(con):
    assert codes(con, country="kor") == [("KORGOV", "041", "USAGOV")]
    near_seoul = codes(con, near=(37.57, 126.98, 300))  # Seoul and Pyongyang (~195 km), not Singapore
    assert near_seoul == [("KORGOV", "041", "USAGOV"), ("PRKGOV", "112", "USAGOV")]
    assert codes(con, near=(37.57, 126.98, 100)) == [("KORGOV", "041", "USAGOV")]
    assert len(codes(con, near=(40.0, -85.0, 1500))) == 4  # Washington ×3 and Minneapolis


def test_text_search_is_a_case_insensitive_substring_of_the_evidence(con):
    assert codes(con, q="PHONE talks") == [("KORGOV", "041", "USAGOV")]
    assert codes(con, q="100%") == [("USAGOV", "010", None)]
    assert codes(con, q="100_") == []  # LIKE wildcards are plain characters
    assert codes(con, q="'; DROP TABLE events; --") == [("USAGOV", "010", None)]


@pytest.mark.parametrize("q", ["phone", "PHONE talks", "100%", "a_b", "\\", "the"])
def test_text_search_pages_equal_the_plain_subquery(con, monkeypatch, q):
    """The looked-up ids with a one-scan page give what the subquery over every sentence gives, on
    every page and past the last one; a text is a case-insensitive substring either way."""
    sentences = con.execute("SELECT event_id, sentence_text FROM mentions").fetchall()
    expected = {e for e, text in sentences if text and q.lower() in text.lower()}
    for sort in ("-date", "num_sources"):
        for offset in (0, 1, 3, 50):
            f = EventFilter(q=q, sort=sort, limit=2, offset=offset, include_flagged=True)
            fast = query.events(con, f)
            with monkeypatch.context() as m:
                m.setattr(query, "TEXT_IDS_MAX", -1)  # the subquery path
                plain = query.events(con, f)
            assert fast == plain
            assert fast["total"] == len(expected)
            assert {e["id"] for e in fast["events"]} <= expected


# Sentences whose lower-casing is not plain ASCII: Turkish dotted I, final sigma, sharp s, the Kelvin
# sign, accents, emoji and punctuation.
UNICODE_SENTENCES = [
    ("Erdoğan met Putin in İSTANBUL on Monday.", "met"),
    ("ΤΣΙΠΡΑΣ praised ΟΔΟΣ officials in Athens.", "praised"),
    ("Scholz visited the Straße des 17. Juni in Berlin.", "visited"),
    ("The KELVIN-scale report (K) criticized Macron.", "criticized"),
    ("Zelensky thanked «allies» for aid 🇺🇦 — again!", "thanked"),
    ("Lula e Petro condenaram a ação: 100% de acordo, a_b\\c.", "condenaram"),
    ("ÉMILE ZOLA accused the army.", "accused"),
]
TEXT_QUERIES = ["i", "İ", "ı", "is", "İS", "istanbul", "İstanbul", "ISTANBUL", "ERDOĞAN", "erdoğan", "σ", "οσ",
                "οδοσ", "οδος", "ΟΔΟΣ", "τσιπρασ", "straße", "STRASSE", "kelvin", "k)", "(k", "«allies»",
                "🇺🇦", "aid 🇺🇦", "— again!", "ação", "AÇÃO", "100%", "% de", "a_b", "_b\\", "b\\c", "émile",
                "éMILE zola", "e", "ZOLA accused", "x", "xyz", "met", "MET PUTIN", "  ", "   ", ".", ".!", "!?",
                "17. juni", "the"]


@pytest.fixture(scope="module")
def unicode_con(tmp_path_factory):
    stories = [Story(f"u{i}", f"Headline {i}", [(text, [Ev((text.split()[0], "AAA"), None, "010", trigger,
                                                             "2024-01-0" + str(i + 1))])],
                     date(2024, 1, i + 1)) for i, (text, trigger) in enumerate(UNICODE_SENTENCES)]
    path = tmp_path_factory.mktemp("unicode") / "u.duckdb"
    with Store(path) as store:
        store.write(Batch(new=[build(s)[0] for s in stories]))
    con = query.connect(path)
    yield con
    con.close()


@pytest.mark.parametrize("q", TEXT_QUERIES)
def test_the_trigram_prefilter_finds_what_the_plain_scan_finds(unicode_con, con, monkeypatch, q):
    """With or without the signature test, a search gives the same page and total as ILIKE alone over
    every sentence, Unicode, punctuation and texts under three characters (no prefilter) included."""
    for c in (unicode_con, con):
        f = EventFilter(q=q, limit=1000, include_flagged=True).validate()
        fast = query.events(c, f)
        with monkeypatch.context() as m:
            m.setattr(query, "TEXT_PREFILTER", False)
            plain = query.events(c, f)
            if f.q:
                cond, params = query._text_condition(f.q)
                expected = {r[0] for r in c.execute(f"SELECT event_id FROM mentions WHERE {cond}", params).fetchall()}
        assert fast == plain
        if f.q:
            assert {e["id"] for e in fast["events"]} == expected


def test_the_prefilter_drops_no_match_for_any_letter_with_a_case(monkeypatch):
    """Every code point that lower() or upper() changes, in a sentence and a query of either case:
    the signature test never removes a row ILIKE matches (those whose UTF-8 length changes with the
    case, and a sample of the rest)."""
    con = duckdb.connect()
    cps = [r[0] for r in con.execute(
        "SELECT i FROM range(1, 1114112) t(i) WHERE (i < 55296 OR i > 57343) "
        "AND (lower(chr(i::INTEGER)) != chr(i::INTEGER) OR upper(chr(i::INTEGER)) != chr(i::INTEGER))").fetchall()]
    cps = [c for n, c in enumerate(cps) if n % 16 == 0
           or len(chr(c).lower().encode()) != len(chr(c).encode()) or len(chr(c).upper()) != 1]
    sentences = [w for c in cps for w in ("ab" + chr(c) + "cd", "AB" + chr(c) + "CD")]
    con.execute("CREATE TABLE mentions (event_id INTEGER, sentence_text VARCHAR, sentence_grams UBIGINT)")
    con.executemany("INSERT INTO mentions VALUES (?, ?, NULL)", list(enumerate(sentences)))
    fill_sentence_grams(con)
    for c in cps:
        for q in ("b" + chr(c) + "c", "B" + chr(c).upper() + "C", "b" + chr(c).lower() + "c"):
            found = []
            for prefilter in (True, False):
                monkeypatch.setattr(query, "TEXT_PREFILTER", prefilter)
                cond, params = query._text_condition(q)
                found.append(con.execute(f"SELECT list(event_id ORDER BY event_id) FROM mentions WHERE {cond}",
                                         params).fetchall())
            assert found[0] == found[1], (hex(c), q)


def test_the_signature_skips_sentences_without_the_trigrams(unicode_con):
    masks = unicode_con.execute("SELECT sentence_text, sentence_grams FROM mentions").fetchall()
    assert all(g == sentence_grams(text) for text, g in masks)
    q = sentence_grams("stanbul")
    assert sum(g & q == q for _, g in masks) < len(masks) / 2  # the prefilter leaves ILIKE few rows
    assert query._text_condition("ab")[0] == "sentence_text ILIKE ?"  # too short for a trigram: plain scan
    assert query._text_condition("abc")[0].startswith("coalesce(sentence_grams")


def test_min_sources_and_flagged_events(con):
    assert codes(con, min_sources=4) == [("KORGOV", "041", "USAGOV"), ("USA", "062", "KOR")]
    assert len(codes(con, include_flagged=True)) == 13
    flagged = [e for e in query.events(con, EventFilter(include_flagged=True, limit=100))["events"] if e["negated"]]
    assert [e["code"] for e in flagged] == ["046"]


def test_pages_are_stable_and_cover_every_event(con):
    ids = [e["id"] for e in query.events(con, EventFilter(limit=100))["events"]]
    pages = [query.events(con, EventFilter(limit=5, offset=o)) for o in (0, 5, 10, 15)]
    assert [e["id"] for p in pages for e in p["events"]] == ids
    assert [len(p["events"]) for p in pages] == [5, 5, 2, 0]
    assert all(p["total"] == 12 for p in pages)


@pytest.mark.parametrize("sort", list(query.SORTS))
def test_every_sort_orders_its_column(con, sort):
    key = {"date": "date_start"}.get(sort.lstrip("-"), sort.lstrip("-"))
    values = [e[key] for e in query.events(con, EventFilter(sort=sort, limit=100))["events"] if e[key] is not None]
    assert values == sorted(values, reverse=sort.startswith("-"))


def test_undated_events_come_last_in_date_order(con):
    assert query.events(con, EventFilter(sort="date", limit=100))["events"][-1]["date"] is None
    assert query.events(con, EventFilter(sort="-date", limit=100))["events"][-1]["date"] is None


@pytest.mark.parametrize(("params", "message"), [
    ({"since": "not-a-date"}, "since: not a date: 'not-a-date'"),
    ({"until": "2021-02-30"}, "until: not a date"),
    ({"since": "2022-01-01", "until": "2021-01-01"}, "until: 2021-01-01 is before since"),
    ({"quad": "5"}, "quad: not a QuadClass"),
    ({"quad": "x"}, "quad: not an integer: 'x'"),
    ({"limit": "1001"}, "limit: must be between 1 and 1000"),
    ({"limit": "0"}, "limit: must be between 1 and 1000"),
    ({"offset": "-1"}, "offset: must be at least 0"),
    ({"min_sources": "0"}, "min_sources: must be at least 1"),
    ({"sort": "date; DROP TABLE events"}, "sort: must be one of"),
    ({"sort": "id"}, "sort: must be one of"),
    ({"source": "USA' OR 1=1 --"}, "source: not an actor code"),
    ({"target": "US%"}, "target: not an actor code"),
    ({"dyad": "USA"}, "dyad: two actor codes"),
    ({"dyad": "USA,PRK,KOR"}, "dyad: two actor codes"),
    ({"code": "4a"}, "code: not a CAMEO code"),
    ({"root": "21"}, "root: not a CAMEO root"),
    ({"country": "KOREA"}, "country: not an ISO 3166"),
    ({"plover": "drop table"}, "plover: not a PLOVER type"),
    ({"near": "37.5,127"}, "near: LAT,LON,KM is needed"),
    ({"near": "x,127,10"}, "near: LAT,LON,KM must be numbers"),
    ({"near": "97,127,10"}, "near: latitude must be between -90 and 90"),
    ({"near": "37,127,0"}, "near: distance must be above 0"),
    ({"include_flagged": "maybe"}, "include_flagged: not true or false"),
    ({"colour": "red"}, "colour: not a filter"),
])
def test_bad_values_are_query_errors_naming_the_parameter(params, message):
    with pytest.raises(QueryError) as err:
        EventFilter.from_strings(**params)
    assert message in str(err.value)
    assert isinstance(err.value, EventwireError)


def test_from_strings_parses_every_kind_of_value():
    f = EventFilter.from_strings(source="usa", dyad="usa, prk", code="041", root="4", quad="1", plover="consult",
                                 since="2021", until="2021-02-04", country="kor", near="37.5,127,50", q=" talks ",
                                 min_sources="2", include_flagged="true", limit="10", offset="20", sort="goldstein")
    assert f == EventFilter(source="USA", dyad=("USA", "PRK"), code="041", root="04", quad=1, plover="CONSULT",
                            since=date(2021, 1, 1), until=date(2021, 2, 4), country="KOR", near=(37.5, 127.0, 50.0),
                            q="talks", min_sources=2, include_flagged=True, limit=10, offset=20, sort="goldstein")
    assert EventFilter.from_strings(source="", quad=None, since="") == EventFilter()


def test_a_filter_made_in_python_is_checked_too():
    with pytest.raises(QueryError, match="quad"):
        EventFilter(quad=7)
    with pytest.raises(QueryError, match="since: not a date"):
        EventFilter(since="2021-01-01")  # type: ignore[arg-type]


def test_injection_attempts_change_nothing(db, con):
    before = con.execute("SELECT count(*) FROM events").fetchall()
    for text in ("'); DROP TABLE events; --", "%' OR '1'='1", "\\' OR 1=1 --"):
        assert query.events(con, EventFilter(q=text))["total"] == 0
    with pytest.raises(QueryError):
        query.dyad_series(con, "USA'--", "PRK")
    with pytest.raises(QueryError):
        query.dyad_series(con, "USA", "PRK", by="month'); DROP TABLE events; --")
    assert con.execute("SELECT count(*) FROM events").fetchall() == before


def test_dyad_series_counts_per_month_with_quads_and_goldstein(con):
    series = query.dyad_series(con, "USA", "PRK", since=date(2017, 8, 1), until=date(2017, 12, 31))
    assert [p["period"] for p in series] == ["2017-08", "2017-09", "2017-10", "2017-11", "2017-12"]
    aug = series[0]
    assert (aug["events"], aug["quad3"], aug["quad1"], aug["goldstein_sum"], aug["goldstein_mean"]) == \
           (2, 2, 0, -9.0, -4.5)
    assert series[1] == {"period": "2017-09", "start": "2017-09-01", "events": 0, "goldstein_mean": None,
                         "goldstein_sum": 0.0, "quad1": 0, "quad2": 0, "quad3": 0, "quad4": 0}
    whole = query.dyad_series(con, "USA", "PRK")
    assert (whole[0]["period"], whole[-1]["period"]) == ("2017-08", "2018-06")  # the "2019" event is in no month
    assert sum(p["events"] for p in whole) == 4
    directed = query.dyad_series(con, "USA", "PRK", directed=True)
    assert sum(p["events"] for p in directed) == 2
    flagged = query.dyad_series(con, "USAGOV", "PRKGOV", include_flagged=True, since="2021-02", until="2021-02")
    assert [p["events"] for p in flagged] == [1]


def test_dyad_series_by_day_and_week(con):
    days = query.dyad_series(con, "USA", "PRK", by="day", since=date(2017, 8, 7), until=date(2017, 8, 10))
    assert [(p["period"], p["events"]) for p in days] == [("2017-08-07", 0), ("2017-08-08", 1), ("2017-08-09", 1),
                                                          ("2017-08-10", 0)]
    weeks = query.dyad_series(con, "KOR", "USA", by="week")
    assert weeks == [{"period": "2021-W05", "start": "2021-02-01", "events": 1, "goldstein_mean": 1.0,
                      "goldstein_sum": 1.0, "quad1": 1, "quad2": 0, "quad3": 0, "quad4": 0}]
    assert query.dyad_series(con, "CHN", "USA") == []


def test_top_actors_and_dyads(con):
    actors = query.top_actors(con, limit=3)
    assert [(a["code"], a["events"], a["as_source"], a["as_target"]) for a in actors] == [
        ("USAGOV", 8, 5, 3), ("PRKGOV", 5, 3, 2), ("KORGOV", 2, 1, 1)]
    assert actors[0]["name"] == "United States GOV"
    assert [a["code"] for a in query.top_actors(con, since=date(2022, 1, 1))] == ["RUS", "RUSMIL", "UKR", "USAGOV"]
    dyads = query.top_dyads(con, limit=2)
    assert [(d["source"], d["target"], d["events"]) for d in dyads] == [("PRKGOV", "USAGOV", 2),
                                                                         ("USAGOV", "PRKGOV", 2)]
    assert dyads[1]["goldstein_mean"] == pytest.approx((2.8 + 7.0) / 2)


def test_network_edges_split_cooperation_and_conflict(con):
    net = query.network(con)
    edges = {(e["source"], e["target"]): e for e in net["edges"]}
    assert (edges["PRKGOV", "USAGOV"]["cooperation"], edges["PRKGOV", "USAGOV"]["conflict"]) == (1, 1)
    assert edges["RUSMIL", "UKR"]["conflict"] == 1
    assert {n["id"] for n in net["nodes"]} == {c for pair in edges for c in pair}
    assert net["nodes"][0] == {"id": "USAGOV", "name": "United States GOV", "events": 8}
    assert len(query.network(con, limit=1)["edges"]) == 1
    assert query.network(con, since=date(2030, 1, 1)) == {"nodes": [], "edges": []}


def test_article_view_has_everything_with_offsets_into_the_text(con):
    view = query.article(con, article_id("phone"))
    text = view["article"]["text"]
    assert view["article"]["title"] == "Moon and Biden hold phone talks"
    assert len(view["copies"]) == 4
    assert [s["kind"] for s in view["segments"]] == ["headline", "body"]
    assert {a["code"] for a in view["actors"]} >= {"KORGOV", "USAGOV"}
    assert len(view["events"]) == 3
    for e in view["events"]:
        assert text[e["trigger_start"]:e["trigger_end"]] == e["trigger_text"]
        assert text[e["source_start"]:e["source_end"]] == e["source_text"]
        assert text[e["target_start"]:e["target_end"]] == e["target_text"]
        assert text[e["sentence_start"]:e["sentence_end"]] == e["sentence_text"]
    assert view["events"][1]["negated"] is True
    assert view["places"] and view["times"] == [] and view["quotes"] == []
    assert query.article(con, "no-such-id") is None
    assert query.article(con, "' OR 1=1 --") is None


def test_one_event_with_all_its_mentions(con):
    first = query.events(con, EventFilter(code="138"))["events"][0]
    found = query.event(con, first["id"])
    # one article read from three outlets: one mention row, counted once per copy
    assert (found["num_mentions"], found["num_sources"], len(found["mentions"])) == (3, 3, 1)
    assert found["mentions"][0]["trigger_text"] == "threatened"
    assert query.event(con, "nope") is None


def test_frames_for_the_python_api(con):
    frame = query.events_frame(con, EventFilter(source="USA", limit=100))
    assert list(frame.columns) == list(query.EVENT_COLUMNS + query.EVIDENCE_COLUMNS)
    assert len(frame) == 6 and str(frame["date_start"].dtype).startswith("datetime64")
    series = query.dyad_series_frame(con, "USA", "PRK")
    assert series["events"].sum() == 4 and series.index.name == "start"
    assert list(query.top_actors_frame(con, limit=2)["code"]) == ["USAGOV", "PRKGOV"]
    assert len(query.top_dyads_frame(con)) == 8
    nodes, edges = query.network_frames(con)
    assert set(edges.columns) == {"source", "target", "events", "cooperation", "conflict", "goldstein_mean"}
    assert len(nodes) == 9


def test_connect_errors_are_one_line(tmp_path):
    with pytest.raises(EventwireError, match="no database at"):
        query.connect(tmp_path / "missing.duckdb")
    junk = tmp_path / "junk.duckdb"
    junk.write_text("not a database at all\n" * 100)
    with pytest.raises(EventwireError, match="not an eventwire database"):
        query.connect(junk)
    other = tmp_path / "other.duckdb"
    with duckdb.connect(str(other)) as c:
        c.execute("CREATE TABLE t (x INTEGER)")
    with pytest.raises(EventwireError, match="not an eventwire store"):
        query.connect(other)
    with pytest.raises(EventwireError, match="is a directory"):
        query.connect(tmp_path)


def test_the_read_only_connection_cannot_write(con):
    with pytest.raises(duckdb.Error):
        con.execute("DELETE FROM events")


def test_top_pairs_pruning_gives_exactly_the_full_ranking(tmp_path):
    """On a skewed random store, the pair rankings from `dyads` (whole store) and from its bound
    (periods, including ones that start and end inside a month) equal a plain GROUP BY of every pair."""
    from eventwire.schema import rebuild_dyads
    from eventwire.store import Store

    path = tmp_path / "skewed.duckdb"
    Store(path).close()
    with duckdb.connect(str(path)) as c:
        c.execute("SELECT setseed(0.1)")
        c.execute("""
            INSERT INTO events BY NAME
            SELECT printf('%016x', i) AS id, '2021' AS date, DATE '2021-01-01' + (i % 400)::INTEGER AS date_start,
                   DATE '2021-01-01' + (i % 400 + CASE WHEN i % 50 = 0 THEN 40 ELSE 0 END)::INTEGER AS date_end,
                   '042' AS code, '04' AS root, 1 + (i % 4) AS quad,
                   CASE WHEN i % 97 = 0 THEN NULL ELSE (i % 7) - 3.3 END AS goldstein,
                   'C' || chr(65 + floor(20 * pow(random(), 3))::INTEGER) AS source_code,
                   CASE WHEN i % 89 = 0 THEN NULL ELSE 'C' || chr(65 + floor(20 * pow(random(), 2))::INTEGER) END
                       AS target_code,
                   i % 13 = 0 AS negated, i % 17 = 0 AS hypothetical, 1 AS num_sources, 1 AS num_mentions
            FROM range(20000) t(i)""")
        rebuild_dyads(c)

        def direct(where: str, params: list) -> list[tuple]:
            return c.execute(f"""
                SELECT source_code, target_code, count(*) AS n, count_if(quad IN (1, 2)), count_if(quad IN (3, 4)),
                       avg(goldstein)
                FROM events WHERE NOT negated AND NOT hypothetical AND {where}
                GROUP BY 1, 2 ORDER BY n DESC, 1, 2""", params).fetchall()

        periods = [(None, None), (date(2021, 3, 1), date(2021, 8, 31)), (date(2021, 2, 14), date(2021, 11, 3)),
                   (date(2021, 5, 5), None), (None, date(2021, 1, 20))]
        expected = {}
        for since, until in periods:
            conds, params = ["source_code IS NOT NULL AND target_code IS NOT NULL"], []
            if since:
                conds.append("date_start >= ?")
                params.append(since)
            if until:
                conds.append("date_end <= ?")
                params.append(until)
            both = " AND ".join(conds)
            expected[since, until] = (direct(both + " AND source_code <> target_code", params), direct(both, params))
    con = query.connect(path)
    try:
        for (since, until), (full, dyads) in expected.items():
            for limit in (1, 5, 37, 400):
                edges = query.network(con, since=since, until=until, limit=limit)["edges"]
                assert [(e["source"], e["target"], e["events"], e["cooperation"], e["conflict"]) for e in edges] \
                    == [r[:5] for r in full[:limit]]
                means = [r[5] and round(r[5], 4) for r in full[:limit]]  # DECIMAL sums: equal to 1e-4
                assert [e["goldstein_mean"] for e in edges] == pytest.approx(means, abs=1e-4)
                found = query.top_dyads(con, since=since, until=until, limit=limit)
                assert [(d["source"], d["target"], d["events"]) for d in found] == [r[:3] for r in dyads[:limit]]
    finally:
        con.close()
