"""Questions to the store, answered as plain data: the one query layer under the CLI, the Python
API, the HTTP API and the dashboard.

Every function takes an open DuckDB connection (`connect()`) and returns lists and dicts of JSON
types (dates as ISO strings), or, for the `*_frame` variants, pandas DataFrames. Every value a
user gives travels as a query parameter; the few pieces of SQL text that vary (the sort order)
come from fixed tables in this module, never from user text.

Counting follows the store (docs/schema.md): one `events` row is one happening; negated and
hypothetical events are left out unless asked for (`include_flagged`). An event belongs to a
date range, or to a period of a series, when its whole date range (`date_start`..`date_end`: a
day, or the week, month, quarter or year its date names) lies in it, so an event dated only "2019"
is in 2019 but in none of its months. Events without a date range are left out of date filters and
series.

A connection is not meant to be shared between threads: give each thread `con.cursor()`.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from eventwire import rows
from eventwire.errors import EventwireError
from eventwire.schema import LATEST, sentence_grams

if TYPE_CHECKING:
    import pandas as pd

MAX_LIMIT = 1000
TEXT_IDS_MAX = 100_000  # text matches looked up once per page; more stay a subquery
ALL_GRAMS = 2**64 - 1  # the signature of a row without one: every trigram may be there
TEXT_PREFILTER = True  # the trigram signature test before ILIKE (off only to compare results in tests)
EARTH_KM = 6371.0088  # mean Earth radius
PERIODS = ("day", "week", "month")
# sort name -> ORDER BY over the events table (alias e); the id makes every order total and stable.
SORTS = {
    "date": "e.date_start ASC NULLS LAST, e.id",
    "-date": "e.date_start DESC NULLS LAST, e.id",
    "num_sources": "e.num_sources ASC, e.id",
    "-num_sources": "e.num_sources DESC, e.id",
    "goldstein": "e.goldstein ASC NULLS LAST, e.id",
    "-goldstein": "e.goldstein DESC NULLS LAST, e.id",
    "num_mentions": "e.num_mentions ASC, e.id",
    "-num_mentions": "e.num_mentions DESC, e.id",
}
# sort name -> (column, descending): the column the cutoff of a page is found on (see _page_ids).
_SORT_KEYS = {name: (name.lstrip("-").replace("date", "date_start"), name.startswith("-")) for name in SORTS}
# Columns of an events row in a result, in this order.
EVENT_COLUMNS = (
    "id", "date", "date_granularity", "date_start", "date_end", "code", "root", "quad", "goldstein", "plover",
    "source_code", "source_name", "source_text", "target_code", "target_name", "target_text",
    "place_text", "place_name", "place_geonameid", "place_lat", "place_lon", "place_country", "place_admin1",
    "place_precision", "place_rule", "negated", "hypothetical", "num_mentions", "num_articles", "num_sources",
    "num_stories", "confidence",
)
# The evidence of an event: its first mention (lowest article seq, then position) and that article.
EVIDENCE_COLUMNS = (
    "article_id", "mention_n", "sentence_text", "sentence_start", "sentence_end", "trigger_text", "trigger_start",
    "trigger_end", "rule", "reported", "is_root", "date_rule", "article_title", "article_url", "article_published",
    "article_outlet",
)
_ACTOR = re.compile(r"[A-Z]{1,30}")
_CAMEO = re.compile(r"\d{2,4}")
_ISO3 = re.compile(r"[A-Z]{3}")
_PLOVER = re.compile(r"[A-Z_]{1,30}")
_TRUE = {"1", "true", "yes", "on", "y", "t"}
_FALSE = {"0", "false", "no", "off", "n", "f"}
NOT_FLAGGED = "NOT coalesce(e.negated, false) AND NOT coalesce(e.hypothetical, false)"


class QueryError(EventwireError):
    """A bad filter value; the message names the parameter and says why."""


# --- opening --------------------------------------------------------------------------------------


def connect(db: str | Path, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """Open an eventwire store for queries (read-only by default).

    A missing file, a folder, a file that is not DuckDB, a DuckDB database that is not an eventwire
    store, or one written by a newer eventwire is an `EventwireError` with a one-line message.
    """
    from eventwire.store import StoreError, _connect

    path = os.fspath(db)
    if not os.path.exists(path):
        raise StoreError(f"no database at {path}")
    con = _connect(path, read_only=read_only, wait=0.0)
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if "schema_version" not in tables or "events" not in tables:
            raise StoreError(f"{path} is a DuckDB database but not an eventwire store "
                             f"(no schema_version or events table)")
        version = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()[0][0]
        if version > LATEST:
            raise StoreError(f"{path} has schema version {version}, newer than this eventwire knows ({LATEST}): "
                             f"upgrade eventwire")
    except BaseException:
        con.close()
        raise
    return con


# --- the event filter -----------------------------------------------------------------------------


@dataclass
class EventFilter:
    """Which events to list, and which page of them. Values are checked (and codes upper-cased) when
    the filter is made; a bad one raises QueryError naming the field."""

    source: str | None = None  # actor code or prefix: "USA" matches USA, USAGOV, ...
    target: str | None = None
    dyad: tuple[str, str] | None = None  # two actor codes or prefixes, either direction
    code: str | None = None  # CAMEO code or prefix ("04", "041")
    root: str | None = None  # CAMEO root, "01".."20"
    quad: int | None = None  # QuadClass 1-4
    plover: str | None = None  # PLOVER type (AGREE, ASSAULT, ...)
    since: date | None = None  # the event's whole date range on or after this day ...
    until: date | None = None  # ... and on or before this one
    country: str | None = None  # ISO3 of the event's place
    near: tuple[float, float, float] | None = None  # (lat, lon, km): the event's place within km of the point
    q: str | None = None  # case-insensitive substring of an evidence sentence
    min_sources: int = 1
    include_flagged: bool = False  # also negated and hypothetical events
    limit: int = 50  # page size, at most MAX_LIMIT
    offset: int = 0
    sort: str = "-date"  # one of SORTS

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> EventFilter:
        """Check every value and normalise codes (upper case, a root padded to two digits)."""
        self.source = _actor("source", self.source)
        self.target = _actor("target", self.target)
        if self.dyad is not None:
            if isinstance(self.dyad, str) or len(self.dyad) != 2:
                raise QueryError(f"dyad: two actor codes are needed, got {self.dyad!r}")
            a, b = (_actor("dyad", x) for x in self.dyad)
            if not a or not b:
                raise QueryError(f"dyad: two actor codes are needed, got {self.dyad!r}")
            self.dyad = (a, b)
        if self.code is not None:
            self.code = str(self.code).strip() or None
            if self.code is not None and not _CAMEO.fullmatch(self.code):
                raise QueryError(f"code: not a CAMEO code or prefix (2-4 digits): {self.code!r}")
        if self.root is not None:
            root = str(self.root).strip()
            if not root:
                self.root = None
            elif not (root.isdigit() and 1 <= int(root) <= 20 and len(root) <= 2):
                raise QueryError(f"root: not a CAMEO root (01-20): {self.root!r}")
            else:
                self.root = root.zfill(2)
        if self.quad is not None and (isinstance(self.quad, bool) or not isinstance(self.quad, int)
                                      or not 1 <= self.quad <= 4):
            raise QueryError(f"quad: not a QuadClass (1-4): {self.quad!r}")
        if self.plover is not None:
            self.plover = str(self.plover).strip().upper() or None
            if self.plover is not None and not _PLOVER.fullmatch(self.plover):
                raise QueryError(f"plover: not a PLOVER type: {self.plover!r}")
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
                if isinstance(value, datetime):
                    setattr(self, name, value.date())
                else:
                    raise QueryError(f"{name}: not a date: {value!r}")
        if self.since and self.until and self.since > self.until:
            raise QueryError(f"until: {self.until.isoformat()} is before since ({self.since.isoformat()})")
        if self.country is not None:
            self.country = str(self.country).strip().upper() or None
            if self.country is not None and not _ISO3.fullmatch(self.country):
                raise QueryError(f"country: not an ISO 3166 alpha-3 code: {self.country!r}")
        if self.near is not None:
            self.near = _near(self.near)
        if self.q is not None:
            if not isinstance(self.q, str):
                raise QueryError(f"q: not a text: {self.q!r}")
            self.q = self.q.strip() or None
            if self.q is not None and len(self.q) > 500:
                raise QueryError("q: longer than 500 characters")
        self.min_sources = _integer("min_sources", self.min_sources, 1, None)
        self.limit = _integer("limit", self.limit, 1, MAX_LIMIT)
        self.offset = _integer("offset", self.offset, 0, None)
        if self.sort not in SORTS:
            raise QueryError(f"sort: must be one of {', '.join(SORTS)}, not {self.sort!r}")
        return self

    @classmethod
    def from_strings(cls, **params: str | None) -> EventFilter:
        """A filter from raw CLI or query-string values; None or "" leaves a field at its default.

        `dyad` is "A,B", `near` "LAT,LON,KM", `since`/`until` a day, a month ("2021-02"), a quarter
        ("2019-Q4") or a year ("2021"): `since` takes its first day, `until` its last.
        `include_flagged` is true/false/1/0/yes/no.
        """
        names = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for name, raw in params.items():
            if name not in names:
                raise QueryError(f"{name}: not a filter (known: {', '.join(sorted(names))})")
            if raw is None:
                continue
            text = str(raw).strip()
            if text == "":
                continue
            if name == "dyad":
                parts = [p.strip() for p in text.split(",")]
                if len(parts) != 2 or not all(parts):
                    raise QueryError(f"dyad: two actor codes separated by a comma are needed: {text!r}")
                values[name] = (parts[0], parts[1])
            elif name == "near":
                values[name] = _near_text(text)
            elif name in ("since", "until"):
                values[name] = _day(name, text, last=name == "until")
            elif name in ("quad", "min_sources", "limit", "offset"):
                try:
                    values[name] = int(text)
                except ValueError:
                    raise QueryError(f"{name}: not an integer: {text!r}") from None
            elif name == "include_flagged":
                if text.lower() in _TRUE:
                    values[name] = True
                elif text.lower() in _FALSE:
                    values[name] = False
                else:
                    raise QueryError(f"include_flagged: not true or false: {text!r}")
            else:
                values[name] = text
        return cls(**values)

    def where(self, text_ids: list[str] | None = None) -> tuple[str, list[Any]]:
        """The SQL condition over the events table (aliased `e`) and its parameters.

        `text_ids`: the ids of the events whose evidence matches `q`, when the caller has looked
        them up already (so that a page does not scan every sentence three times).
        """
        self.validate()
        conds: list[str] = []
        params: list[Any] = []
        if not self.include_flagged:
            conds.append(NOT_FLAGGED)
        if self.source:
            conds.append("starts_with(e.source_code, ?)")
            params.append(self.source)
        if self.target:
            conds.append("starts_with(e.target_code, ?)")
            params.append(self.target)
        if self.dyad:
            cond, p = _dyad_condition(*self.dyad, directed=False)
            conds.append(cond)
            params += p
        if self.code:
            conds.append("starts_with(e.code, ?)")
            params.append(self.code)
        if self.root:
            conds.append("e.root = ?")
            params.append(self.root)
        if self.quad is not None:
            conds.append("e.quad = ?")
            params.append(self.quad)
        if self.plover:
            conds.append("e.plover = ?")
            params.append(self.plover)
        cond, p = _date_condition(self.since, self.until)
        if cond:
            conds.append(cond)
            params += p
        if self.country:
            conds.append("e.place_country = ?")
            params.append(self.country)
        if self.near:
            cond, p = _near_condition(*self.near)
            conds.append(cond)
            params += p
        if self.q and text_ids is not None:
            conds.append("e.id = ANY(?::VARCHAR[])")  # looked up through the index on events.id
            params.append(text_ids)
        elif self.q:
            cond, p = _text_condition(self.q)
            conds.append(f"e.id IN (SELECT event_id FROM mentions WHERE {cond})")
            params += p
        if self.min_sources > 1:
            conds.append("e.num_sources >= ?")
            params.append(self.min_sources)
        return " AND ".join(conds) or "true", params


def _actor(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    text = str(value).strip().upper()
    if not text:
        return None
    if not _ACTOR.fullmatch(text):
        raise QueryError(f"{name}: not an actor code or prefix (letters only, e.g. USA, KORGOV): {value!r}")
    return text


def _text_condition(q: str) -> tuple[str, list[Any]]:
    """The case-insensitive substring test of `q` over `sentence_text`, and its parameters.

    A text of three characters or more first needs every bit of its trigram signature in the
    sentence's (`mentions.sentence_grams`, schema.py): a sentence that contains the text contains
    its trigrams, lower-cased per code point as ILIKE does, so the test drops no match and spares
    ILIKE most sentences. A row without a signature is tested by ILIKE alone. A text without LIKE
    wildcards or backslashes goes without an ESCAPE clause: DuckDB matches such a pattern on a
    faster path (about a third off a scan of a million sentences)."""
    if any(c in q for c in "%_\\"):
        cond, params = "sentence_text ILIKE ? ESCAPE '\\'", ["%" + _like_escape(q) + "%"]
    else:
        cond, params = "sentence_text ILIKE ?", ["%" + q + "%"]
    mask = sentence_grams(q) if TEXT_PREFILTER and len(q) >= 3 else 0
    if mask:
        # coalesce rather than OR ... IS NULL: the OR makes DuckDB test ILIKE on every row again
        return f"coalesce(sentence_grams, {ALL_GRAMS}::UBIGINT) & ?::UBIGINT = ?::UBIGINT AND {cond}", \
            [mask, mask, *params]
    return cond, params


def _like_escape(text: str) -> str:
    """A text matched literally by LIKE/ILIKE with ESCAPE '\\': its wildcards and escapes escaped."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _integer(name: str, value: Any, low: int, high: int | None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise QueryError(f"{name}: not an integer: {value!r}")
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise QueryError(f"{name}: must be {bounds}, not {value}")
    return value


def _day(name: str, text: str, *, last: bool) -> date:
    start, end = rows.date_range(text)
    if start is None or end is None:
        raise QueryError(f"{name}: not a date: {text!r} (YYYY-MM-DD, YYYY-MM, YYYY-Qn or YYYY)")
    return end if last else start


def _near_text(text: str) -> tuple[float, float, float]:
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 3:
        raise QueryError(f"near: LAT,LON,KM is needed: {text!r}")
    try:
        lat, lon, km = (float(p) for p in parts)
    except ValueError:
        raise QueryError(f"near: LAT,LON,KM must be numbers: {text!r}") from None
    return _near((lat, lon, km))


def _near(value: Any) -> tuple[float, float, float]:
    try:
        lat, lon, km = (float(v) for v in value)
    except (TypeError, ValueError):
        raise QueryError(f"near: (lat, lon, km) is needed: {value!r}") from None
    if not all(math.isfinite(v) for v in (lat, lon, km)):
        raise QueryError(f"near: not finite numbers: {value!r}")
    if not -90 <= lat <= 90:
        raise QueryError(f"near: latitude must be between -90 and 90, not {lat:g}")
    if not -180 <= lon <= 180:
        raise QueryError(f"near: longitude must be between -180 and 180, not {lon:g}")
    if not 0 < km <= 20_050:
        raise QueryError(f"near: distance must be above 0 and at most 20050 km, not {km:g}")
    return lat, lon, km


def _dyad_condition(a: str, b: str, *, directed: bool) -> tuple[str, list[Any]]:
    one = "(starts_with(e.source_code, ?) AND starts_with(e.target_code, ?))"
    if directed:
        return one, [a, b]
    return f"({one} OR {one})", [a, b, b, a]


def _date_condition(since: date | None, until: date | None) -> tuple[str, list[Any]]:
    conds, params = [], []
    if since:
        conds.append("e.date_start >= ?")
        params.append(since)
    if until:
        conds.append("e.date_end <= ?")
        params.append(until)
    return " AND ".join(conds), params


def _near_condition(lat: float, lon: float, km: float) -> tuple[str, list[Any]]:
    """A bounding box the index-free scan can skip fast, then the exact great-circle distance."""
    dlat = math.degrees(km / EARTH_KM)
    conds = ["e.place_lat BETWEEN ? AND ?"]
    params: list[Any] = [lat - dlat, lat + dlat]
    cos_lat = math.cos(math.radians(lat))
    if cos_lat > 1e-6:
        dlon = math.degrees(km / (EARTH_KM * cos_lat))
        if lat + dlat < 90 and lat - dlat > -90 and lon - dlon >= -180 and lon + dlon <= 180:
            conds.append("e.place_lon BETWEEN ? AND ?")  # no pole or antimeridian inside the circle
            params += [lon - dlon, lon + dlon]
    conds.append(f"{2 * EARTH_KM} * asin(least(1.0, sqrt(pow(sin(radians(e.place_lat - ?) / 2), 2) "
                 f"+ cos(radians(?)) * cos(radians(e.place_lat)) * pow(sin(radians(e.place_lon - ?) / 2), 2)))) <= ?")
    params += [lat, lat, lon, km]
    return "(" + " AND ".join(conds) + ")", params


# --- events ---------------------------------------------------------------------------------------


def events(con: duckdb.DuckDBPyConnection, f: EventFilter) -> dict[str, Any]:
    """One page of events matching `f`, each with the evidence of its first mention.

    {"events": [row, ...], "total": N, "limit": L, "offset": O}; a row has the EVENT_COLUMNS and
    the EVIDENCE_COLUMNS (the first mention's sentence, trigger offsets and rule, and its article).
    """
    text_ids = _text_ids(con, f.q) if f.q else None
    where, params = f.where(text_ids)
    if text_ids is not None:  # few events: count and page them in one scan (each scan of events.id costs)
        found = con.execute(f"SELECT e.id, count(*) OVER () FROM events e WHERE {where} ORDER BY {SORTS[f.sort]} "
                            f"LIMIT ? OFFSET ?", [*params, f.limit, f.offset]).fetchall()
        ids = [r[0] for r in found]
        total = found[0][1] if found else None
    if text_ids is None or total is None:
        total = con.execute(f"SELECT count(*) FROM events e WHERE {where}", params).fetchall()[0][0]
        ids = _page_ids(con, where, params, f, total) if total > f.offset else []
    return {"events": _rows(con, ids), "total": total, "limit": f.limit, "offset": f.offset}


def _text_ids(con: duckdb.DuckDBPyConnection, q: str) -> list[str] | None:
    """The ids of the events with a mention whose sentence contains `q`, looked up once; None when
    there are more than TEXT_IDS_MAX (the filter then stays a subquery)."""
    cond, params = _text_condition(q)
    found = con.execute(f"SELECT DISTINCT event_id FROM mentions WHERE {cond} LIMIT ?",
                        [*params, TEXT_IDS_MAX + 1]).fetchall()
    return [r[0] for r in found] if len(found) <= TEXT_IDS_MAX else None


def _page_ids(con: duckdb.DuckDBPyConnection, where: str, params: list[Any], f: EventFilter,
              total: int) -> list[str]:
    """The ids of one page, in order.

    Sorting every match by (column, id) is slow on a large store (the string tie-break); a top-N
    of the sort column alone is fast. So the column's value at the page's last position is found
    first, and only the rows on the near side of it are sorted in full. NULLs sort last: when the
    page reaches them, the plain full sort is used.
    """
    column, desc = _SORT_KEYS[f.sort]
    order = SORTS[f.sort]
    cut: list[tuple[Any, ...]] = []
    if total > f.offset + f.limit:
        cut = con.execute(f"SELECT e.{column} FROM events e WHERE {where} AND e.{column} IS NOT NULL "
                          f"ORDER BY e.{column} {'DESC' if desc else 'ASC'} LIMIT 1 OFFSET ?",
                          [*params, f.offset + f.limit - 1]).fetchall()
    if cut:
        where = f"{where} AND e.{column} {'>=' if desc else '<='} ?"
        params = [*params, cut[0][0]]
    found = con.execute(f"SELECT e.id FROM events e WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
                        [*params, f.limit, f.offset]).fetchall()
    return [r[0] for r in found]


def _rows(con: duckdb.DuckDBPyConnection, ids: list[str]) -> list[dict[str, Any]]:
    """The events rows of `ids` (in that order), each with its first mention's evidence.

    Looked up through the indexes on events.id and mentions.event_id: a page costs the same on a
    store of any size.
    """
    if not ids:
        return []
    cols = ", ".join(f"e.{c}" for c in EVENT_COLUMNS)
    found = {r["id"]: r for r in _dicts(con.execute(
        f"SELECT {cols}, e.first_article_id, e.first_mention_n FROM events e "
        f"WHERE e.id IN (SELECT unnest(?::VARCHAR[]))", [ids]))}
    evidence: dict[tuple[str, int], dict[str, Any]] = {}
    for r in _dicts(con.execute("""
            SELECT m.article_id, m.n AS mention_n, m.sentence_text, m.sentence_start, m.sentence_end,
                   m.trigger_text, m.trigger_start, m.trigger_end, m.rule, m.reported, m.is_root, m.date_rule
            FROM mentions m WHERE m.event_id IN (SELECT unnest(?::VARCHAR[]))""", [ids])):
        evidence[r["article_id"], r["mention_n"]] = r
    firsts = list({r["first_article_id"] for r in found.values() if r["first_article_id"]})
    articles = {r.pop("id"): r for r in _dicts(con.execute(
        "SELECT a.id, a.title AS article_title, a.url AS article_url, a.published AS article_published, "
        "a.outlet AS article_outlet FROM articles a WHERE a.id IN (SELECT unnest(?::VARCHAR[]))", [firsts]))}
    out = []
    for event_id in ids:
        row = found.get(event_id)
        if row is None:  # gone between the two statements (a writer's transaction): skip it
            continue
        first = (row.pop("first_article_id"), row.pop("first_mention_n"))
        row.update(dict.fromkeys(EVIDENCE_COLUMNS))
        row.update(evidence.get(first, {}))
        row.update(articles.get(first[0], {}))
        out.append(row)
    return out


def event(con: duckdb.DuckDBPyConnection, event_id: str) -> dict[str, Any] | None:
    """One event by id with all its mentions (sentence, trigger, rule, article), or None."""
    cols = ", ".join(f"e.{c}" for c in EVENT_COLUMNS)
    found = _dicts(con.execute(f"SELECT {cols} FROM events e WHERE e.id = ?", [event_id]))
    if not found:
        return None
    out = found[0]
    out["mentions"] = _dicts(con.execute("""
        SELECT m.article_id, m.n AS mention_n, m.sentence_text, m.sentence_start, m.sentence_end, m.trigger_text,
               m.trigger_start, m.trigger_end, m.rule, m.confidence, m.reported, m.is_root, m.date_rule,
               a.title AS article_title, a.url AS article_url, a.published AS article_published,
               a.outlet AS article_outlet
        FROM mentions m JOIN articles a ON a.id = m.article_id
        WHERE m.event_id = ? ORDER BY a.seq, m.n""", [event_id]))
    return out


# --- series, rankings, network --------------------------------------------------------------------


def dyad_series(con: duckdb.DuckDBPyConnection, a: str, b: str, by: str = "month", directed: bool = False,
                since: date | None = None, until: date | None = None,
                include_flagged: bool = False) -> list[dict[str, Any]]:
    """Events between two actors (codes or prefixes) per day, ISO week or month.

    [{"period": "2021-02", "events": n, "goldstein_mean": x, "goldstein_sum": y, "quad1": n1, ...
    "quad4": n4}], every period from the first to the last (or from `since` to `until`), empty
    ones with 0 events and a None mean. `directed`: only events with source `a` and target `b`.
    An event counts in a period when its whole date range lies in it (docs at the top).
    """
    a_code, b_code = _actor("a", a), _actor("b", b)
    if not a_code or not b_code:
        raise QueryError("dyad: two actor codes are needed")
    if by not in PERIODS:
        raise QueryError(f"by: must be one of {', '.join(PERIODS)}, not {by!r}")
    since, until = _range(since, until)
    conds, params = [], []
    if not include_flagged:
        conds.append(NOT_FLAGGED)
    cond, p = _dyad_condition(a_code, b_code, directed=directed)
    conds.append(cond)
    params += p
    cond, p = _date_condition(since, until)
    if cond:
        conds.append(cond)
        params += p
    conds.append(f"date_trunc('{by}', e.date_start) = date_trunc('{by}', e.date_end)")  # `by` is from PERIODS
    cur = con.execute(f"""
        SELECT CAST(date_trunc('{by}', e.date_start) AS DATE) AS start, count(*) AS events,
               avg(e.goldstein) AS goldstein_mean, sum(e.goldstein) AS goldstein_sum,
               count_if(e.quad = 1) AS quad1, count_if(e.quad = 2) AS quad2,
               count_if(e.quad = 3) AS quad3, count_if(e.quad = 4) AS quad4
        FROM events e WHERE {" AND ".join(conds)}
        GROUP BY 1 ORDER BY 1""", params)
    found = {r[0]: r for r in cur.fetchall()}
    if not found and not (since and until):
        return []
    first = _period_start(since, by) if since else min(found)
    last = _period_start(until, by) if until else max(found)
    out = []
    day = first
    while day <= last:
        r = found.get(day)
        out.append({"period": _period_label(day, by), "start": day.isoformat(),
                    "events": r[1] if r else 0,
                    "goldstein_mean": round(r[2], 4) if r and r[2] is not None else None,
                    "goldstein_sum": round(r[3], 4) if r and r[3] is not None else 0.0,
                    "quad1": r[4] if r else 0, "quad2": r[5] if r else 0,
                    "quad3": r[6] if r else 0, "quad4": r[7] if r else 0})
        day = _next_period(day, by)
    return out


def _range(since: date | str | None, until: date | str | None) -> tuple[date | None, date | None]:
    """since/until as dates (ISO strings accepted, a month or year as its first/last day)."""
    out = []
    for name, value in (("since", since), ("until", until)):
        if isinstance(value, str):
            value = _day(name, value.strip(), last=name == "until") if value.strip() else None
        elif isinstance(value, datetime):
            value = value.date()
        elif value is not None and not isinstance(value, date):
            raise QueryError(f"{name}: not a date: {value!r}")
        out.append(value)
    if out[0] and out[1] and out[0] > out[1]:
        raise QueryError(f"until: {out[1].isoformat()} is before since ({out[0].isoformat()})")
    return out[0], out[1]


def _period_start(day: date, by: str) -> date:
    if by == "week":
        return day - timedelta(days=day.weekday())
    if by == "month":
        return day.replace(day=1)
    return day


def _next_period(day: date, by: str) -> date:
    if by == "day":
        return day + timedelta(days=1)
    if by == "week":
        return day + timedelta(days=7)
    return (day + timedelta(days=32)).replace(day=1)


def _period_label(day: date, by: str) -> str:
    if by == "month":
        return day.strftime("%Y-%m")
    if by == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return day.isoformat()


def _period_where(since: date | str | None, until: date | str | None, include_flagged: bool,
                  extra: str = "") -> tuple[str, list[Any]]:
    since, until = _range(since, until)
    conds = [] if include_flagged else [NOT_FLAGGED]
    cond, params = _date_condition(since, until)
    if cond:
        conds.append(cond)
    if extra:
        conds.append(extra)
    return " AND ".join(conds) or "true", params


def _side_counts(con: duckdb.DuckDBPyConnection, where: str, params: list[Any]) -> tuple[dict[str, int],
                                                                                      dict[str, int]]:
    """Events per source code and per target code among the rows `where` selects (one column each: fast)."""
    out = []
    for side in ("source", "target"):
        out.append(dict(con.execute(f"SELECT e.{side}_code, count(*) FROM events e WHERE {where} "
                                    f"AND e.{side}_code IS NOT NULL GROUP BY 1", params).fetchall()))
    return out[0], out[1]


def top_actors(con: duckdb.DuckDBPyConnection, since: date | None = None, until: date | None = None,
               limit: int = 20) -> list[dict[str, Any]]:
    """The actor codes in most events of the period: [{"code", "name", "events", "as_source", "as_target"}].

    `name` is the code spelled out for a country or international code ("United States GOV"),
    else the name its events give it most often.
    """
    limit = _integer("limit", limit, 1, MAX_LIMIT)
    where, params = _period_where(since, until, False)
    as_source, as_target = _side_counts(con, where, params)
    totals = {c: as_source.get(c, 0) + as_target.get(c, 0) for c in as_source.keys() | as_target.keys()}
    top = sorted(totals, key=lambda c: (-totals[c], c))[:limit]
    names = {c: actor_label(c) for c in top}
    unnamed = [c for c, name in names.items() if not name]
    if unnamed:
        names.update(con.execute(f"""
            WITH ends AS (SELECT e.source_code AS code, e.source_name AS name FROM events e WHERE {where}
                          UNION ALL SELECT e.target_code, e.target_name FROM events e WHERE {where})
            SELECT code, mode(name) FROM ends WHERE code IN (SELECT unnest(?::VARCHAR[])) GROUP BY code""",
                                 [*params, *params, unnamed]).fetchall())
    return [{"code": c, "name": names.get(c), "events": totals[c], "as_source": as_source.get(c, 0),
             "as_target": as_target.get(c, 0)} for c in top]


def actor_label(code: str | None) -> str | None:
    """'KORGOV' -> 'South Korea GOV', 'USA' -> 'United States'; None for a code with no country block."""
    if not code:
        return None
    from eventwire.actors.codes import country_names

    names = country_names()
    first = code[:3]
    if first not in names:
        return None
    rest = " ".join(code[i:i + 3] for i in range(3, len(code), 3))
    return f"{names[first]} {rest}".strip()


def _top_pairs(con: duckdb.DuckDBPyConnection, since: date | None, until: date | None, limit: int, *,
               self_pairs: bool, sides: tuple[dict[str, int], dict[str, int]] | None = None) -> list[dict[str, Any]]:
    """The `limit` directed (source, target) pairs with most plain (not flagged) events of the
    period, ordered by events, source, target: [{"source", "target", "events", "cooperation",
    "conflict", "goldstein_mean"}]. `self_pairs`: also pairs whose source is its target.

    Without a period the store's `dyads` summary holds the answer. With one, grouping a large
    store's events by two string columns is slow (hundreds of thousands of pairs), but a pair has
    at most as many events in a period as in `dyads` (all time). So for a threshold T only the
    events of pairs with T or more events in `dyads` are grouped: when at least `limit` of them
    have T events or more in the period, they are exactly the top ones. T starts from the
    all-time ranking scaled to the period's share of events, and falls until that holds (T = 1
    groups every pair).
    """
    pairs = "NOT flagged" if self_pairs else "NOT flagged AND source_code <> target_code"
    if since is None and until is None:
        return _dicts(con.execute(f"""
            SELECT source_code AS source, target_code AS target, events, quad1 + quad2 AS cooperation,
                   quad3 + quad4 AS conflict,
                   CASE WHEN goldstein_n > 0 THEN round(goldstein_sum::DOUBLE / goldstein_n, 4) END AS goldstein_mean
            FROM dyads WHERE {pairs} ORDER BY events DESC, source, target LIMIT ?""", [limit]))
    where, params = _period_where(since, until, False)
    if not self_pairs:
        where += " AND e.source_code <> e.target_code"
    as_source, _ = sides or _side_counts(con, where, params)
    ranked, overall = con.execute(f"""
        SELECT (SELECT events FROM dyads WHERE {pairs} ORDER BY events DESC LIMIT 1 OFFSET ?),
               (SELECT sum(events) FROM dyads WHERE {pairs})""", [limit - 1]).fetchall()[0]
    share = sum(as_source.values()) / overall if overall else 1.0
    threshold = max(1, int((ranked or 0) * share / 2))
    while True:
        found = _dicts(con.execute(f"""
            SELECT e.source_code AS source, e.target_code AS target, count(*) AS events,
                   count_if(e.quad IN (1, 2)) AS cooperation, count_if(e.quad IN (3, 4)) AS conflict,
                   round(avg(e.goldstein), 4) AS goldstein_mean
            FROM events e
            JOIN (SELECT source_code, target_code FROM dyads WHERE {pairs} AND events >= ?) d
              ON d.source_code = e.source_code AND d.target_code = e.target_code
            WHERE {where}
            GROUP BY 1, 2 HAVING count(*) >= ?
            ORDER BY events DESC, source, target LIMIT ?""", [threshold, *params, threshold, limit]))
        if len(found) >= limit or threshold == 1:
            return found
        threshold = max(1, threshold // 4)


def top_dyads(con: duckdb.DuckDBPyConnection, since: date | None = None, until: date | None = None,
              limit: int = 20) -> list[dict[str, Any]]:
    """The directed source -> target pairs with most events: [{"source", "target", "events", "goldstein_mean"}]."""
    limit = _integer("limit", limit, 1, MAX_LIMIT)
    since, until = _range(since, until)
    return [{k: d[k] for k in ("source", "target", "events", "goldstein_mean")}
            for d in _top_pairs(con, since, until, limit, self_pairs=True)]


def network(con: duckdb.DuckDBPyConnection, since: date | None = None, until: date | None = None,
            limit: int = 100) -> dict[str, Any]:
    """The actor network of a period: the `limit` directed edges with most events and their actors.

    {"nodes": [{"id": code, "name", "events": n}], "edges": [{"source", "target", "events",
    "cooperation", "conflict", "goldstein_mean"}]}; cooperation counts quad 1-2 events, conflict
    quad 3-4; an actor's own events (source = target) are no edge; a node's `events` counts all
    its events in the period, as source plus as target.
    """
    limit = _integer("limit", limit, 1, 10 * MAX_LIMIT)
    since, until = _range(since, until)
    where, params = _period_where(since, until, False)
    sides = _side_counts(con, where, params)
    edges = _top_pairs(con, since, until, limit, self_pairs=False, sides=sides)
    codes = {e["source"] for e in edges} | {e["target"] for e in edges}
    counts = {c: sides[0].get(c, 0) + sides[1].get(c, 0) for c in codes}
    nodes = [{"id": c, "name": actor_label(c) or c, "events": counts[c]}
             for c in sorted(codes, key=lambda c: (-counts[c], c))]
    return {"nodes": nodes, "edges": edges}


# --- one article: the evidence view ---------------------------------------------------------------


def article(con: duckdb.DuckDBPyConnection, article_id: str) -> dict[str, Any] | None:
    """Everything stored about one article, or None: the article (with its text) and its copies,
    segments, actors, events (its mentions, with trigger, sentence, source and target offsets,
    the rule and the events row each counts towards), quotes, places and times. Offsets are
    character offsets into `article["text"]`."""
    found = _dicts(con.execute(
        "SELECT id, title, published, published_estimated, url, source, outlet, author, language, reader, "
        "external_id, story_id, seq, ingested_at, coded_at, text FROM articles WHERE id = ?", [str(article_id)]))
    if not found:
        return None
    aid = found[0]["id"]

    def table(sql: str) -> list[dict[str, Any]]:
        return _dicts(con.execute(sql, [aid]))

    actors = table('SELECT n, text, start, "end", name, code, country, agent, how, confidence, mentions, notes '
                   "FROM actors WHERE article_id = ? ORDER BY n")
    for a in actors:
        a["mentions"] = json.loads(a["mentions"]) if a["mentions"] else []
        a["notes"] = json.loads(a["notes"]) if a["notes"] else []
    mentions = table("""
        SELECT m.n, m.id, m.event_id, m.code, m.root, m.quad, m.goldstein, m.plover,
               m.source_text, m.source_code, m.source_name, m.target_text, m.target_code, m.target_name,
               m.trigger_text, m.trigger_start, m.trigger_end, m.sentence_index, m.sentence_start, m.sentence_end,
               m.sentence_text, m.negated, m.hypothetical, m.reported, m.is_root, m.date, m.date_granularity,
               m.date_rule, m.place_text, m.place_start, m.place_end, m.place_name, m.place_country, m.place_lat,
               m.place_lon, m.place_rule, m.rule, m.confidence,
               e.num_mentions AS event_num_mentions, e.num_sources AS event_num_sources
        FROM mentions m LEFT JOIN events e ON e.id = m.event_id
        WHERE m.article_id = ? ORDER BY m.n""")
    spans = [(m["start"], m["end"], m.get("text") or "") for a in actors for m in a["mentions"]
             if isinstance(m, Mapping) and m.get("start") is not None and m.get("end") is not None]
    text = found[0]["text"]
    for m in mentions:
        for side in ("source", "target"):
            m[f"{side}_start"], m[f"{side}_end"] = _locate(m[f"{side}_text"], m, spans, text)
    return {
        "article": found[0],
        "copies": table("SELECT source, url, outlet, published, reader, ingested_at FROM copies "
                        "WHERE article_id = ? ORDER BY ingested_at, source"),
        "segments": table('SELECT n, kind, start, "end", text FROM segments WHERE article_id = ? ORDER BY n'),
        "actors": actors,
        "events": mentions,
        "quotes": table('SELECT n, text, start, "end", direct, speaker_text, speaker_start, speaker_end, '
                        "speaker_name, speaker_code, verb, how FROM quotes WHERE article_id = ? ORDER BY n"),
        "places": table('SELECT n, text, start, "end", name, geonameid, lat, lon, country, admin1, precision, how '
                        "FROM places WHERE article_id = ? ORDER BY n"),
        "times": table('SELECT n, text, start, "end", value, granularity, how FROM times '
                       "WHERE article_id = ? ORDER BY n"),
    }


def _locate(actor_text: str | None, m: dict[str, Any], spans: list[tuple[int, int, str]],
            text: str) -> tuple[int | None, int | None]:
    """Offsets of an event's source or target in its sentence: the actor mention with that text
    nearest the trigger, else the nearest occurrence of the text in the sentence."""
    if not actor_text or m["sentence_start"] is None or m["sentence_end"] is None:
        return None, None
    lo, hi, trigger = m["sentence_start"], m["sentence_end"], m["trigger_start"] or m["sentence_start"]
    inside = [(s, e) for s, e, t in spans if lo <= s and e <= hi and t == actor_text]
    if not inside:
        at = text.find(actor_text, lo, hi)
        while at != -1:
            inside.append((at, at + len(actor_text)))
            at = text.find(actor_text, at + 1, hi)
    if not inside:
        return None, None
    s, e = min(inside, key=lambda span: (abs(span[0] - trigger), span[0]))
    return s, e


# --- pandas ---------------------------------------------------------------------------------------


def events_frame(con: duckdb.DuckDBPyConnection, f: EventFilter) -> pd.DataFrame:
    """`events(con, f)["events"]` as a DataFrame (one row per event; dates as datetime64)."""
    return _frame(events(con, f)["events"], EVENT_COLUMNS + EVIDENCE_COLUMNS,
                  dates=("date_start", "date_end", "article_published"))


def dyad_series_frame(con: duckdb.DuckDBPyConnection, a: str, b: str, by: str = "month", directed: bool = False,
                      since: date | None = None, until: date | None = None,
                      include_flagged: bool = False) -> pd.DataFrame:
    """`dyad_series(...)` as a DataFrame indexed by the period's first day."""
    series = dyad_series(con, a, b, by=by, directed=directed, since=since, until=until,
                         include_flagged=include_flagged)
    columns = ("period", "start", "events", "goldstein_mean", "goldstein_sum", "quad1", "quad2", "quad3", "quad4")
    return _frame(series, columns, dates=("start",)).set_index("start")


def top_actors_frame(con: duckdb.DuckDBPyConnection, since: date | None = None, until: date | None = None,
                     limit: int = 20) -> pd.DataFrame:
    return _frame(top_actors(con, since, until, limit), ("code", "name", "events", "as_source", "as_target"))


def top_dyads_frame(con: duckdb.DuckDBPyConnection, since: date | None = None, until: date | None = None,
                    limit: int = 20) -> pd.DataFrame:
    return _frame(top_dyads(con, since, until, limit), ("source", "target", "events", "goldstein_mean"))


def network_frames(con: duckdb.DuckDBPyConnection, since: date | None = None, until: date | None = None,
                   limit: int = 100) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(nodes, edges) of `network(...)` as DataFrames."""
    net = network(con, since, until, limit)
    return (_frame(net["nodes"], ("id", "name", "events")),
            _frame(net["edges"], ("source", "target", "events", "cooperation", "conflict", "goldstein_mean")))


def _frame(records: list[dict[str, Any]], columns: tuple[str, ...], dates: tuple[str, ...] = ()) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame.from_records(records, columns=list(columns))
    for column in dates:
        frame[column] = pd.to_datetime(frame[column])
    return frame


# --- helpers --------------------------------------------------------------------------------------


def _dicts(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description]
    return [{k: _plain(v) for k, v in zip(names, row, strict=True)} for row in cur.fetchall()]


def _plain(value: Any) -> Any:
    """JSON types only: dates and timestamps as ISO strings."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def to_json(data: Any) -> str:
    """Query results as JSON text."""
    return json.dumps(data, ensure_ascii=False, default=_plain)


__all__ = [
    "EVENT_COLUMNS", "EVIDENCE_COLUMNS", "MAX_LIMIT", "SORTS", "EventFilter", "QueryError", "actor_label", "article",
    "connect", "dyad_series", "dyad_series_frame", "event", "events", "events_frame", "network", "network_frames",
    "to_json", "top_actors", "top_actors_frame", "top_dyads", "top_dyads_frame",
]
