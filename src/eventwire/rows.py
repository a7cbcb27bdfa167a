"""Results as table rows: one dict per row, keyed by the store's column names.

Both the DuckDB writer (store.py) and any other sink (Parquet shards) build their rows here, so
the columns are the same everywhere. Rows are built generically from the dataclasses of
model.py: a field becomes a column of the same name, a nested dict (an event's `source`,
`trigger`, `place`; a quote's `speaker`) becomes one column per key (`source_code`,
`trigger_start`, `place_lat`), and lists (an actor's `mentions`, `notes`) are stored as JSON.
`dropped()` tells which keys a set of rows has that a table has no column for, so a field added
to the record without a migration is caught by the tests rather than silently lost.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import fields
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from eventwire.model import Article, Event, Failure, Result
from eventwire.schema import sentence_grams

Row = dict[str, Any]
_NESTED = (list, tuple, dict)  # stored as JSON
# Child tables of an article and the Result attribute each is built from.
CHILD_TABLES = {"segments": "segments", "actors": "actors", "places": "places", "times": "times",
                "quotes": "quotes", "mentions": "events"}
_RECORD_SUFFIX = re.compile(r"(?::\d+|@\d+|#\d+)$")  # dump.jsonl:7, crawl.warc.gz@1234, file#3
_HOST_PREFIXES = ("www.", "m.", "amp.", "mobile.")


def flatten(values: dict[str, Any], nested: frozenset[str] = frozenset()) -> Row:
    """One level of nested dicts becomes prefixed columns; lists and deeper values become JSON.

    `nested` names the dict-typed fields: when one is None, all its columns are simply NULL.
    """
    row: Row = {}
    for key, value in values.items():
        if isinstance(value, dict):
            for sub, inner in value.items():
                row[f"{key}_{sub}"] = json.dumps(inner, ensure_ascii=False) if isinstance(inner, _NESTED) else inner
        elif value is None:
            if key not in nested:
                row[key] = None
        else:
            row[key] = json.dumps(value, ensure_ascii=False) if isinstance(value, _NESTED) else value
    return row


@cache
def _dict_fields(cls: type) -> frozenset[str]:
    """Fields of a record dataclass typed as dicts (an event's source, target, place; a quote's speaker)."""
    return frozenset(f.name for f in fields(cls) if str(f.type).startswith("dict["))


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def outlet(article: Article) -> str:
    """Who published a copy: the URL's host without www./m./amp., else the file it was read from."""
    if article.url:
        host = (urlsplit(article.url).hostname or "").lower()
        for prefix in _HOST_PREFIXES:
            if host.startswith(prefix) and host.count(".") > 1:
                host = host[len(prefix):]
                break
        if host:
            return host
    return "file:" + _RECORD_SUFFIX.sub("", article.source)


def article_row(result: Result, *, seq: int, story_id: str, ingested_at: datetime) -> Row:
    a = result.article
    row = flatten(a.to_dict())
    row["published"] = a.published  # a DATE column, not the contract's ISO string
    row.update(seq=seq, story_id=story_id, outlet=outlet(a), text=a.text, ingested_at=ingested_at,
               coded_at=ingested_at)
    return row


def copy_row(article: Article, *, ingested_at: datetime, article_id: str | None = None) -> Row:
    """One document an article's text was read from (the first copy, or a verbatim reprint)."""
    return {"article_id": article_id or article.id, "source": article.source, "url": article.url,
            "outlet": outlet(article), "published": article.published, "reader": article.reader,
            "ingested_at": ingested_at}


def child_rows(result: Result, story_id: str) -> dict[str, list[Row]]:
    """Rows of every table below `articles` for one article; `n` is the position in its list."""
    article_id = result.article.id
    out: dict[str, list[Row]] = {}
    for table, attr in CHILD_TABLES.items():
        rows = []
        for n, item in enumerate(getattr(result, attr)):
            row: Row = {"article_id": article_id, "n": n}
            # Shallow: nested values are flattened or dumped as JSON below, never kept (asdict deep-copies).
            values = item.to_dict() if hasattr(item, "to_dict") else {name: getattr(item, name)
                                                                       for name in _field_names(type(item))}
            row.update(flatten(values, _dict_fields(type(item))))
            if table == "mentions":
                row.update(_mention_extras(result, item, story_id))
            rows.append(row)
        out[table] = rows
    return out


def result_rows(result: Result, *, seq: int, story_id: str, ingested_at: datetime,
                signature: bytes) -> dict[str, list[Row]]:
    """Every table's rows for one newly stored article (events rows are aggregated from mentions)."""
    out = {"articles": [article_row(result, seq=seq, story_id=story_id, ingested_at=ingested_at)],
           "copies": [copy_row(result.article, ingested_at=ingested_at)],
           "signatures": [{"article_id": result.article.id, "signature": signature}]}
    out.update(child_rows(result, story_id))
    return out


def _mention_extras(result: Result, event: Event, story_id: str) -> Row:
    start, end = date_range(event.date)
    s = event.sentence
    text = result.article.text[s["start"]:s["end"]]
    return {"event_id": event_id(event, story_id), "date_start": start, "date_end": end,
            "sentence_text": text, "sentence_grams": sentence_grams(text)}


def failure_row(failure: Failure, *, at: datetime) -> Row:
    return {"source": failure.source, "stage": failure.stage, "reason": failure.reason, "first_seen": at}


def event_key(event: Event, story_id: str) -> tuple[str, ...]:
    """What makes two mentions the same happening: date, source, target, code, place and flags.

    Negated and hypothetical mentions never merge with plain ones ("talks were held" and "talks
    may be held" are not one event). An actor without a code is keyed by its folded text, so two
    different uncoded actors do not merge. An undated mention merges only within its story
    (near-duplicate cluster): "Russia criticised" on an unknown day in two unrelated stories is no
    evidence of one happening.
    """
    return _key(event.date, event.source, event.target, event.code, event.place, event.negated, event.hypothetical,
                story_id)


def _key(date_value: str | None, source: dict[str, Any] | None, target: dict[str, Any] | None, code: str,
         place: dict[str, Any] | None, negated: bool, hypothetical: bool, story_id: str) -> tuple[str, ...]:
    place = place or {}
    where = place.get("geonameid") or place.get("country") or (place.get("name") or "").casefold()
    return (date_value or f"undated:{story_id}", _actor_key(source), _actor_key(target), code,
            str(where or ""), "negated" if negated else "", "hypothetical" if hypothetical else "")


def event_id(event: Event, story_id: str) -> str:
    return _hash(event_key(event, story_id))


def mention_event_id(row: Row, story_id: str) -> str:
    """The `event_id` of a mentions row for `story_id`, as `event_id` gives it for the row's event.

    Rows built before their article's story was known (Parquet shards) are keyed on the article's
    own id; an undated mention's event changes when the article joins another story.
    """
    def nested(prefix: str) -> dict[str, Any] | None:
        values = {key[len(prefix):]: value for key, value in row.items() if key.startswith(prefix)}
        return values if any(value is not None for value in values.values()) else None

    return _hash(_key(row.get("date"), nested("source_"), nested("target_"), row["code"], nested("place_"),
                      bool(row.get("negated")), bool(row.get("hypothetical")), story_id))


def _hash(key: tuple[str, ...]) -> str:
    return hashlib.sha1("|".join(key).encode("utf-8")).hexdigest()[:16]


def _actor_key(actor: dict[str, Any] | None) -> str:
    if not actor:
        return ""
    if actor.get("code"):
        return str(actor["code"])
    return "?" + " ".join(str(actor.get("text") or "").casefold().split())


def date_range(value: str | None) -> tuple[date | None, date | None]:
    """First and last day of a TIMEX-style date value (day, ISO week, month, quarter, year)."""
    if not value:
        return None, None
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value):
            day = date(*map(int, m.groups()))
            return day, day
        if m := re.fullmatch(r"(\d{4})-W(\d{2})", value):
            monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return monday, monday + timedelta(days=6)
        if m := re.fullmatch(r"(\d{4})-(\d{2})", value):
            first = date(int(m[1]), int(m[2]), 1)
            return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", value):
            first = date(int(m[1]), 3 * int(m[2]) - 2, 1)
            return first, (first + timedelta(days=95)).replace(day=1) - timedelta(days=1)
        if m := re.fullmatch(r"(\d{4})", value):
            return date(int(m[1]), 1, 1), date(int(m[1]), 12, 31)
    except ValueError:  # "2021-02-30", week 54: a bad value has no range
        return None, None
    return None, None


def dropped(rows: Iterable[Row], columns: Iterable[str]) -> set[str]:
    """Keys present in `rows` that are not columns: data a table would lose."""
    have = set(columns)
    return {key for row in rows for key in row if key not in have}
