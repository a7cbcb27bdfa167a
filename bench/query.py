"""Query speed on a synthetic store of a million events.

    .venv/bin/python bench/query.py                 # 1,000,000 events, 15 timed runs per query
    .venv/bin/python bench/query.py --quick         # 100,000 events, 7 runs
    .venv/bin/python bench/query.py --json
    .venv/bin/python bench/query.py --db /tmp/q.duckdb --keep   # keep (or reuse) the synthetic store

The store is built directly with DuckDB SQL into eventwire's own schema (migrations applied by
`Store`): `events` rows with a first mention each in `mentions` and four events per `articles`
row, then the `dyads` summary of `events` that the store keeps. The distribution is skewed as news
is: 200 countries whose weight falls off as a power law (the first few - USA, CHN, RUS, ... - take
most events), ten agents (none, GOV, MIL, ...), the CAMEO codes of the codebook with statements,
consultations and appeals far more frequent than force, five years (2020-2024) of dates with 90%
days, 7% months and 3% years, places for 70% of events around their actor's country, a
long-tailed `num_sources`, and 8% flagged events.

Each query function of `eventwire.query` is timed as the CLI and the API call it: through a
fresh read-only connection, median of N runs after one warm-up (the first, cold run is reported
too). The project's target: each under 200 ms on this machine. The HTTP API's share of the
same queries is measured by bench/api.py.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

TARGET_MS = 200.0
# Countries by weight: the heavily reported first, then every other ISO3 code, 200 in all.
LEADERS = ["USA", "CHN", "RUS", "UKR", "GBR", "ISR", "IRN", "IND", "FRA", "DEU", "JPN", "KOR", "PRK", "TUR", "SYR",
           "PAK", "AFG", "IRQ", "SAU", "BRA", "CAN", "AUS", "MEX", "EGY", "NGA", "ZAF", "ITA", "ESP", "POL", "TWN"]
AGENTS = ["", "GOV", "MIL", "OPP", "REB", "BUS", "CVL", "ELI", "COP", "MED"]
# Relative frequency of CAMEO roots in news event data (statements, consultations and appeals lead).
ROOT_WEIGHTS = {"01": 18, "02": 9, "03": 6, "04": 20, "05": 8, "06": 3, "07": 2, "08": 2, "09": 1, "10": 2,
                "11": 7, "12": 2, "13": 3, "14": 2, "15": 1, "16": 2, "17": 4, "18": 3, "19": 5, "20": 1}


def countries() -> list[str]:
    from eventwire.actors.codes import REGIONS, country_names

    rest = sorted(c for c in country_names() if c not in LEADERS and c not in REGIONS and len(c) == 3)
    return (LEADERS + rest)[:200]


def weighted_codes() -> list[str]:
    """Codes repeated by their root's weight over the codes of that root: sampling this list is skewed."""
    from eventwire.events import codebook

    book = codebook()
    out: list[str] = []
    for root, weight in ROOT_WEIGHTS.items():
        codes = sorted(c for c in book if book[c].root == root and len(c) >= 3) or [root]
        for i, code in enumerate(codes):
            out += [code] * max(1, round(weight * 12 / (i + 1) / len(codes) * 4))  # the root's first codes lead
    return out


def build(path: Path, n: int) -> float:
    """A synthetic store of `n` events at `path`; the seconds it took."""
    import duckdb

    from eventwire.events import codebook
    from eventwire.schema import fill_sentence_grams, rebuild_dyads
    from eventwire.store import Store

    start = time.perf_counter()
    Store(path).close()  # the schema, by the store's own migrations
    book = codebook()
    codes = weighted_codes()
    con = duckdb.connect(str(path))
    try:
        con.execute("SELECT setseed(0.42)")
        con.execute("CREATE TEMP TABLE codebook AS SELECT unnest(?::VARCHAR[]) AS code, unnest(?::VARCHAR[]) AS root, "
                    "unnest(?::INTEGER[]) AS quad, unnest(?::DOUBLE[]) AS goldstein, unnest(?::VARCHAR[]) AS plover",
                    [list(book), [c.root for c in book.values()], [c.quad for c in book.values()],
                     [c.goldstein for c in book.values()], [c.plover for c in book.values()]])
        con.execute("""
            CREATE TEMP TABLE draws AS
            SELECT i,
                   -- power-law country ranks (1 = USA), actors' agents, a code from the weighted list
                   1 + floor(200 * pow(random(), 3))::INTEGER AS sc,
                   1 + floor(200 * pow(random(), 3))::INTEGER AS tc,
                   1 + floor(10 * pow(random(), 2))::INTEGER AS sa,
                   1 + floor(10 * pow(random(), 2))::INTEGER AS ta,
                   1 + floor(? * random())::INTEGER AS ci,
                   DATE '2020-01-01' + floor(1827 * sqrt(random()))::INTEGER AS day,  -- more news in later years
                   random() AS g, random() AS p, random() AS f, random() AS s, random() AS jx, random() AS jy
            FROM range(?) t(i)""", [len(codes), n])
        con.execute("""
            CREATE TEMP TABLE synth AS
            SELECT d.i,
                   printf('%016x', hash(d.i)) AS id,
                   list_extract(?::VARCHAR[], d.sc) || list_extract(?::VARCHAR[], d.sa) AS source_code,
                   list_extract(?::VARCHAR[], CASE WHEN d.tc = d.sc THEN d.tc % 200 + 1 ELSE d.tc END)
                       || list_extract(?::VARCHAR[], d.ta) AS target_code,
                   list_extract(?::VARCHAR[], d.ci) AS code,
                   CASE WHEN d.g < 0.90 THEN 'day' WHEN d.g < 0.97 THEN 'month' ELSE 'year' END AS gran,
                   d.day, d.p, d.f, d.s, d.jx, d.jy, d.sc
            FROM draws d""", [countries(), AGENTS, countries(), AGENTS, codes])
        con.execute("""
            INSERT INTO events BY NAME
            SELECT s.id,
                   CASE s.gran WHEN 'day' THEN strftime(s.day, '%Y-%m-%d') WHEN 'month' THEN strftime(s.day, '%Y-%m')
                        ELSE strftime(s.day, '%Y') END AS date,
                   s.gran AS date_granularity,
                   CASE s.gran WHEN 'day' THEN s.day WHEN 'month' THEN date_trunc('month', s.day)::DATE
                        ELSE date_trunc('year', s.day)::DATE END AS date_start,
                   CASE s.gran WHEN 'day' THEN s.day
                        WHEN 'month' THEN (date_trunc('month', s.day) + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE
                        ELSE (date_trunc('year', s.day) + INTERVAL 1 YEAR - INTERVAL 1 DAY)::DATE END AS date_end,
                   s.code, c.root, c.quad, c.goldstein, c.plover,
                   s.source_code, s.source_code AS source_name, s.source_code AS source_text,
                   s.target_code, s.target_code AS target_name, s.target_code AS target_text,
                   CASE WHEN s.p < 0.7 THEN 'Place ' || (s.i % 5000) END AS place_text,
                   CASE WHEN s.p < 0.7 THEN 'Place ' || (s.i % 5000) END AS place_name,
                   CASE WHEN s.p < 0.7 THEN 1000000 + s.i % 5000 END AS place_geonameid,
                   -- around a point per country (its rank spread over the globe), within about 5 degrees
                   CASE WHEN s.p < 0.7 THEN ((s.sc * 37) % 140) - 60 + 10 * (s.jy - 0.5) END AS place_lat,
                   CASE WHEN s.p < 0.7 THEN ((s.sc * 71) % 340) - 170 + 10 * (s.jx - 0.5) END AS place_lon,
                   CASE WHEN s.p < 0.7 THEN left(s.source_code, 3) END AS place_country,
                   CASE WHEN s.p < 0.7 THEN 'city' END AS place_precision,
                   CASE WHEN s.p < 0.7 THEN 'sentence' END AS place_rule,
                   s.f < 0.05 AS negated, s.f >= 0.05 AND s.f < 0.08 AS hypothetical,
                   (1 + floor(-ln(1 - s.s) * 2))::INTEGER + 1 AS num_mentions,
                   (1 + floor(-ln(1 - s.s) * 2))::INTEGER AS num_articles,
                   (1 + floor(-ln(1 - s.s) * 1.5))::INTEGER AS num_sources,
                   1 AS num_stories, 0.5 + s.jx / 2 AS confidence,
                   'art' || (s.i // 4) AS first_article_id, (s.i % 4)::INTEGER AS first_mention_n
            FROM synth s JOIN codebook c ON c.code = s.code""")
        con.execute("""
            INSERT INTO mentions BY NAME
            SELECT e.first_article_id AS article_id, e.first_mention_n AS n, e.id || '-m' AS id, e.id AS event_id,
                   e.code, e.root, e.quad, e.goldstein, e.plover, e.source_code, e.source_name, e.source_text,
                   e.target_code, e.target_name, e.target_text,
                   'met' AS trigger_text, 40 * e.first_mention_n + 4 AS trigger_start,
                   40 * e.first_mention_n + 7 AS trigger_end, e.first_mention_n AS sentence_index,
                   40 * e.first_mention_n AS sentence_start, 40 * e.first_mention_n + 39 AS sentence_end,
                   e.source_text || ' met ' || e.target_text || ' about topic ' || (hash(e.id) % 20000)
                       AS sentence_text,
                   e.negated, e.hypothetical, false AS reported, e.first_mention_n = 0 AS is_root,
                   e.date, e.date_granularity, 'published' AS date_rule, e.date_start, e.date_end,
                   e.place_name AS place_text, e.place_name, e.place_geonameid, e.place_lat, e.place_lon,
                   e.place_country, e.place_precision, e.place_rule, 'synthetic' AS rule, e.confidence
            FROM events e""")
        con.execute("""
            INSERT INTO articles BY NAME
            SELECT 'art' || a AS id, a + 1 AS seq, 'Synthetic story ' || a AS title,
                   DATE '2020-01-01' + (a % 1827)::INTEGER AS published, false AS published_estimated,
                   'https://outlet' || (a % 300) || '.example/' || a AS url, 'en' AS language,
                   'synthetic' AS source, 'outlet' || (a % 300) || '.example' AS outlet, 'art' || a AS story_id,
                   'synthetic text' AS text, now()::TIMESTAMP AS ingested_at, now()::TIMESTAMP AS coded_at
            FROM range(?) t(a)""", [(n + 3) // 4])
        fill_sentence_grams(con)  # the store computes it as it writes mentions; here the migration's backfill
        rebuild_dyads(con)  # the store keeps this summary of `events` as it writes them; here it is built once
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return time.perf_counter() - start


def timed(fn: Callable[[], Any], repeats: int) -> dict[str, float]:
    """Cold (first) and median of `repeats` runs after it, in milliseconds."""
    start = time.perf_counter()
    fn()
    cold = (time.perf_counter() - start) * 1000
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return {"cold_ms": round(cold, 1), "median_ms": round(statistics.median(runs), 1),
            "min_ms": round(min(runs), 1), "max_ms": round(max(runs), 1)}


def queries() -> dict[str, Callable[[Any], Any]]:
    """The measured queries, each a function of a connection."""
    from eventwire import query
    from eventwire.query import EventFilter

    return {
        "dyad series USA-CHN by month, 5 years": lambda con: query.dyad_series(con, "USA", "CHN"),
        "dyad series RUSGOV-UKRGOV by week, directed": lambda con: query.dyad_series(
            con, "RUSGOV", "UKRGOV", by="week", directed=True),
        "event page: source RUS, target UKR, 2022, quad 4": lambda con: query.events(con, EventFilter(
            source="RUS", target="UKR", since=date(2022, 1, 1), until=date(2022, 12, 31), quad=4)),
        "event page: newest 50, no filter": lambda con: query.events(con, EventFilter()),
        "event page: code 04, min_sources 3, by -num_sources, offset 500": lambda con: query.events(con, EventFilter(
            code="04", min_sources=3, sort="-num_sources", offset=500)),
        "event page: within 300 km of a point": lambda con: query.events(con, EventFilter(near=(-4.0, 25.0, 300))),
        "event page: text search in the evidence": lambda con: query.events(con, EventFilter(q="topic 1234")),
        "network 2023, top 100 edges": lambda con: query.network(con, since=date(2023, 1, 1), until=date(2023, 12, 31)),
        "network 5 years, top 100 edges": lambda con: query.network(con),
        "top actors 2024": lambda con: query.top_actors(con, since=date(2024, 1, 1), until=date(2024, 12, 31)),
    }


def direct(db: Path, repeats: int) -> dict[str, dict[str, float]]:
    """Each query through a read-only connection opened once, as a server holds it."""
    from eventwire import query

    con = query.connect(db)
    try:
        return {name: timed(lambda q=q: q(con), repeats) for name, q in queries().items()}
    finally:
        con.close()


def store_options(description: str, quick_repeats: int, repeats: int) -> argparse.Namespace:
    """The command line shared with bench/api.py: store size, rounds, where the store lives."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help=f"100,000 events, {quick_repeats} rounds per query")
    parser.add_argument("--events", type=int, default=None, help="events in the synthetic store")
    parser.add_argument("--repeats", type=int, default=None, help="timed rounds per query")
    parser.add_argument("--db", type=Path, default=None, help="store path (reused if it exists)")
    parser.add_argument("--keep", action="store_true", help="keep the store after the run")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    args.events = args.events or (100_000 if args.quick else 1_000_000)
    args.repeats = args.repeats or (quick_repeats if args.quick else repeats)
    return args


@contextlib.contextmanager
def synthetic_store(args: argparse.Namespace) -> Iterator[tuple[Path, int, float | None]]:
    """(path, events stored, seconds it took to build or None when reused): `--db` or a temporary
    store, removed afterwards unless `--keep`."""
    import duckdb

    tmp = None
    if args.db is None:
        tmp = tempfile.TemporaryDirectory(prefix="eventwire-bench-")
        db = Path(tmp.name) / "query.duckdb"
    else:
        db = args.db
    try:
        built = None
        if db.exists():
            print(f"reusing {db}", file=sys.stderr)
        else:
            print(f"building a synthetic store of {args.events:,} events at {db} ...", file=sys.stderr)
            built = round(build(db, args.events), 1)
        with duckdb.connect(str(db), read_only=True) as con:
            stored = con.execute("SELECT count(*) FROM events").fetchall()[0][0]
        yield db, stored, built
    finally:
        if tmp is not None and not args.keep:
            tmp.cleanup()
        elif tmp is not None:
            print(f"store kept at {db}", file=sys.stderr)


def main() -> None:
    import duckdb

    args = store_options(__doc__.splitlines()[0], quick_repeats=7, repeats=15)
    repeats = args.repeats
    with synthetic_store(args) as (db, stored, built):
        results = direct(db, repeats)
        figures: dict[str, Any] = {
            "events": stored, "repeats": repeats, "build_seconds": built, "db_mb": round(db.stat().st_size / 2**20),
            "target_ms": TARGET_MS, "queries": results,
            "all_under_target": all(r["median_ms"] < TARGET_MS for r in results.values()),
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                        "duckdb": duckdb.__version__},
        }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"{stored:,} events, {figures['db_mb']} MB; median of {repeats} runs after a warm-up "
          f"(built in {built} s)" if built else f"{stored:,} events; median of {repeats} runs")
    width = max(len(k) for k in results)
    print(f"{'query':<{width}}  {'median':>8}  {'min':>7}  {'max':>7}  {'cold':>7}")
    for name, r in results.items():
        flag = "" if r["median_ms"] < TARGET_MS else "  over target"
        print(f"{name:<{width}}  {r['median_ms']:>6.1f}ms  {r['min_ms']:>5.1f}ms  {r['max_ms']:>5.1f}ms  "
              f"{r['cold_ms']:>5.1f}ms{flag}")
    print(f"all under {TARGET_MS:.0f} ms: {figures['all_under_target']}")


if __name__ == "__main__":
    main()
