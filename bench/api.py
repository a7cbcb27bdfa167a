"""HTTP API overhead: the queries of bench/query.py as API requests, against the direct calls, in one run.

    .venv/bin/python bench/api.py                   # 1,000,000 events, 21 rounds per query
    .venv/bin/python bench/api.py --quick           # 100,000 events, 9 rounds
    .venv/bin/python bench/api.py --db /tmp/q.duckdb --keep   # keep (or reuse) the synthetic store
    .venv/bin/python bench/api.py --json

The store is bench/query.py's synthetic one. Each query is timed three ways, one right after the
other: the `eventwire.query` function on a cursor of a read-only connection opened once (what the
server does per request, minus the server), the same request to the app in-process (FastAPI's
TestClient: routing, validation, the worker thread and time limit, JSON encoding), and over HTTP
on 127.0.0.1 to `eventwire serve` in its own process (uvicorn and the loopback socket too; the
client keeps its connection open and reads the whole body). The three alternate round by round.
What the API adds is measured per request: its time minus the time the query function took inside
that same request (the server reports it in a `Server-Timing` header), median over the rounds; on
a shared, noisy machine this paired figure is steadier than a difference of two medians. The ratio
is the request median over the direct median. The project's target: under 20 ms added.
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from query import store_options, synthetic_store

API_TARGET_MS = 20.0  # what the API may add per request over the direct query


def cases() -> list[tuple[str, Callable[[Any], Any], str]]:
    from eventwire import query
    from eventwire.query import EventFilter

    return [
        ("dyad series USA-CHN by month", lambda c: query.dyad_series(c, "USA", "CHN"), "/api/dyads/USA/CHN/series"),
        ("dyad series RUSGOV-UKRGOV by week, directed",
         lambda c: query.dyad_series(c, "RUSGOV", "UKRGOV", by="week", directed=True),
         "/api/dyads/RUSGOV/UKRGOV/series?by=week&directed=true"),
        ("event page: source RUS, target UKR, 2022, quad 4",
         lambda c: query.events(c, EventFilter(source="RUS", target="UKR", since=date(2022, 1, 1),
                                               until=date(2022, 12, 31), quad=4)),
         "/api/events?source=RUS&target=UKR&since=2022-01-01&until=2022-12-31&quad=4"),
        ("event page: newest 50, no filter", lambda c: query.events(c, EventFilter()), "/api/events"),
        ("event page: newest 1000, no filter", lambda c: query.events(c, EventFilter(limit=1000)),
         "/api/events?limit=1000"),
        ("event page: code 04, min_sources 3, offset 500",
         lambda c: query.events(c, EventFilter(code="04", min_sources=3, sort="-num_sources", offset=500)),
         "/api/events?code=04&min_sources=3&sort=-num_sources&offset=500"),
        ("event page: within 300 km of a point", lambda c: query.events(c, EventFilter(near=(-4.0, 25.0, 300))),
         "/api/events?near=-4,25,300"),
        ("network 2023, top 100 edges", lambda c: query.network(c, since=date(2023, 1, 1), until=date(2023, 12, 31)),
         "/api/network?since=2023-01-01&until=2023-12-31"),
        ("top actors 2024", lambda c: query.top_actors(c, since=date(2024, 1, 1), until=date(2024, 12, 31)),
         "/api/actors?since=2024-01-01&until=2024-12-31"),
    ]


def rounds(ways: dict[str, Callable[[], float | None]], repeats: int) -> dict[str, dict[str, float]]:
    """Each way once per round, in an order rotated from round to round, after one warm-up each:
    the machine's noise falls on all ways alike. Median, min and max ms per way; for a request,
    also the median of (its time - the query time the server reported for that same request)."""
    names = list(ways)
    times: dict[str, list[float]] = {name: [] for name in names}
    added: dict[str, list[float]] = {name: [] for name in names}
    for name in names:
        ways[name]()
    for i in range(repeats):
        for name in names[i % len(names):] + names[:i % len(names)]:
            start = time.perf_counter()
            server_ms = ways[name]()
            took = (time.perf_counter() - start) * 1000
            times[name].append(took)
            if server_ms is not None:
                added[name].append(took - server_ms)
    out = {}
    for name, t in times.items():
        out[name] = {"median_ms": round(statistics.median(t), 1), "min_ms": round(min(t), 1),
                     "max_ms": round(max(t), 1)}
        if added[name]:
            out[name]["added_ms"] = round(statistics.median(added[name]), 2)
    return out


def query_ms(headers: Any) -> float:
    """The query time the server reports in its Server-Timing header."""
    value = headers.get("server-timing") or ""
    if "dur=" not in value:
        raise RuntimeError(f"no Server-Timing in the answer: {value!r}")
    return float(value.split("dur=")[1].split(";")[0].split(",")[0])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`eventwire serve` in a subprocess, and a keep-alive HTTP connection to it."""

    def __init__(self, db: Path) -> None:
        self.port = free_port()
        script = Path(sys.executable).parent / "eventwire"
        command = [str(script)] if script.exists() else [sys.executable, "-c", "from eventwire.cli import main; main()"]
        self.proc = subprocess.Popen([*command, "serve", "--db", str(db), "--port", str(self.port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                self.get("/api/health")
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.close()
                    raise SystemExit("eventwire serve did not start") from None
                time.sleep(0.2)

    def get(self, path: str) -> tuple[bytes, float | None]:
        """The body and the server's query time."""
        self.conn.request("GET", path)
        response = self.conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{path}: {response.status} {body[:200]!r}")
        return body, query_ms(response.headers) if response.headers.get("server-timing") else None

    def close(self) -> None:
        self.conn.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def measure(db: Path, repeats: int) -> dict[str, dict[str, Any]]:
    """Per query: direct, in-process and HTTP medians, overheads and ratios."""
    from fastapi.testclient import TestClient

    from eventwire import query
    from eventwire.api import create_app

    def ok(client: Any, path: str) -> float:
        r = client.get(path)
        if r.status_code != 200:
            raise RuntimeError(f"{path}: {r.status_code} {r.text[:200]}")
        return query_ms(r.headers)

    out: dict[str, dict[str, Any]] = {}
    con = query.connect(db)
    server = Server(db)
    try:
        with TestClient(create_app(db)) as client:
            for name, fn, path in cases():
                def call(fn: Callable[[Any], Any] = fn) -> None:
                    cur = con.cursor()
                    try:
                        fn(cur)
                    finally:
                        cur.close()
                    return None

                ways = {"direct": call, "in_process": lambda path=path: ok(client, path),
                        "http": lambda path=path: server.get(path)[1]}
                direct, asgi, over_http = (rounds(ways, repeats)[w] for w in ("direct", "in_process", "http"))
                size = len(server.get(path)[0])
                row: dict[str, Any] = {"path": path, "bytes": size, "direct": direct, "in_process": asgi,
                                       "http": over_http}
                for way in ("in_process", "http"):
                    row[f"{way}_added_ms"] = row[way]["added_ms"]
                    row[f"{way}_ratio"] = round(row[way]["median_ms"] / max(direct["median_ms"], 0.05), 2)
                out[name] = row
    finally:
        server.close()
        con.close()
    return out


def main() -> None:
    import duckdb

    args = store_options(__doc__.splitlines()[0], quick_repeats=9, repeats=21)
    repeats = args.repeats
    with synthetic_store(args) as (db, stored, _):
        results = measure(db, repeats)
    worst = max(max(r["in_process_added_ms"], r["http_added_ms"]) for r in results.values())
    figures = {"events": stored, "repeats": repeats, "target_added_ms": API_TARGET_MS, "queries": results,
               "worst_added_ms": worst, "all_under_target": worst < API_TARGET_MS,
               "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "duckdb": duckdb.__version__}}
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"{stored:,} events; median of {repeats} alternating rounds after a warm-up")
    width = max(len(k) for k in results)
    print(f"{'query':<{width}}  {'direct':>8}  {'in-proc':>8}  {'added':>7}  {'HTTP':>8}  {'added':>7}  {'ratio':>5}"
          f"  {'bytes':>8}")
    for name, r in results.items():
        print(f"{name:<{width}}  {r['direct']['median_ms']:>6.1f}ms  {r['in_process']['median_ms']:>6.1f}ms  "
              f"{r['in_process_added_ms']:>5.1f}ms  {r['http']['median_ms']:>6.1f}ms  {r['http_added_ms']:>5.1f}ms  "
              f"{r['http_ratio']:>5.2f}  {r['bytes']:>8,}")
    print(f"most added per request: {worst:.1f} ms; under {API_TARGET_MS:.0f} ms: {figures['all_under_target']}")


if __name__ == "__main__":
    main()
