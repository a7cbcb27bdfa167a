"""The store's schema as numbered migration steps (documented in docs/schema.md).

A step is never edited once released: a change is a new step appended to MIGRATIONS (ALTER TABLE
..., a new table, a backfill). `store.Store` applies the steps a database lacks, each in one
transaction together with its row in `schema_version`.

Column names follow the JSON contract (`Result.to_dict()`); nested objects are flattened with an
underscore (`source_code`, `trigger_start`, `place_lat`). `start` and `end` keep their contract
names; `end` is an SQL keyword, so queries write it quoted: `"end"`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import duckdb

_PLACE = """
    place_text VARCHAR, place_start INTEGER, place_end INTEGER, place_name VARCHAR, place_geonameid BIGINT,
    place_lat DOUBLE, place_lon DOUBLE, place_country VARCHAR, place_admin1 VARCHAR, place_precision VARCHAR,
    place_how VARCHAR, place_rule VARCHAR"""

_V1 = f"""
CREATE TABLE articles (
    id VARCHAR PRIMARY KEY,            -- hash of the normalised body (clean.article_id)
    seq BIGINT NOT NULL,               -- ingestion order: "first seen" means lowest seq
    title VARCHAR, published DATE, published_estimated BOOLEAN, url VARCHAR, language VARCHAR,
    source VARCHAR, author VARCHAR, external_id VARCHAR, reader VARCHAR,
    outlet VARCHAR NOT NULL,           -- URL host (www. dropped), else file:<path>
    story_id VARCHAR NOT NULL,         -- id of the first-seen article of its near-duplicate cluster
    text VARCHAR NOT NULL,             -- the original text; every offset points into it
    ingested_at TIMESTAMP NOT NULL,
    coded_at TIMESTAMP NOT NULL        -- last analysis and coding (changes with --recode)
);
CREATE TABLE copies (                  -- every document an article's text was read from
    article_id VARCHAR NOT NULL, source VARCHAR NOT NULL, url VARCHAR, outlet VARCHAR NOT NULL,
    published DATE, reader VARCHAR, ingested_at TIMESTAMP NOT NULL,
    PRIMARY KEY (article_id, source)
);
CREATE TABLE segments (
    article_id VARCHAR NOT NULL, n INTEGER NOT NULL,
    kind VARCHAR, text VARCHAR, start INTEGER, "end" INTEGER,
    PRIMARY KEY (article_id, n)
);
CREATE TABLE actors (
    article_id VARCHAR NOT NULL, n INTEGER NOT NULL,
    text VARCHAR, start INTEGER, "end" INTEGER, name VARCHAR, code VARCHAR, country VARCHAR, agent VARCHAR,
    how VARCHAR, confidence DOUBLE, mentions JSON, notes JSON,
    PRIMARY KEY (article_id, n)
);
CREATE TABLE places (
    article_id VARCHAR NOT NULL, n INTEGER NOT NULL,
    text VARCHAR, start INTEGER, "end" INTEGER, name VARCHAR, geonameid BIGINT, lat DOUBLE, lon DOUBLE,
    country VARCHAR, admin1 VARCHAR, precision VARCHAR, how VARCHAR,
    PRIMARY KEY (article_id, n)
);
CREATE TABLE times (
    article_id VARCHAR NOT NULL, n INTEGER NOT NULL,
    text VARCHAR, start INTEGER, "end" INTEGER, value VARCHAR, granularity VARCHAR, how VARCHAR,
    PRIMARY KEY (article_id, n)
);
CREATE TABLE quotes (
    article_id VARCHAR NOT NULL, n INTEGER NOT NULL,
    text VARCHAR, start INTEGER, "end" INTEGER, direct BOOLEAN,
    speaker_text VARCHAR, speaker_start INTEGER, speaker_end INTEGER, speaker_name VARCHAR, speaker_code VARCHAR,
    verb VARCHAR, how VARCHAR,
    PRIMARY KEY (article_id, n)
);
CREATE TABLE mentions (                -- one row per coded event occurrence in an article
    article_id VARCHAR NOT NULL, n INTEGER NOT NULL,
    id VARCHAR,                        -- the occurrence's id in the JSON contract (events[].id)
    event_id VARCHAR NOT NULL,         -- the events row it counts towards
    code VARCHAR, root VARCHAR, quad INTEGER, goldstein DOUBLE, plover VARCHAR,
    source_text VARCHAR, source_code VARCHAR, source_name VARCHAR, source_confidence DOUBLE,
    target_text VARCHAR, target_code VARCHAR, target_name VARCHAR, target_confidence DOUBLE,
    trigger_text VARCHAR, trigger_start INTEGER, trigger_end INTEGER,
    sentence_index INTEGER, sentence_start INTEGER, sentence_end INTEGER, sentence_text VARCHAR,
    negated BOOLEAN, hypothetical BOOLEAN, reported BOOLEAN,
    date VARCHAR, date_granularity VARCHAR, date_rule VARCHAR, date_start DATE, date_end DATE,
    {_PLACE},
    rule VARCHAR, confidence DOUBLE, is_root BOOLEAN,
    PRIMARY KEY (article_id, n)
);
CREATE INDEX mentions_event ON mentions (event_id);
CREATE TABLE events (                  -- one row per distinct happening, GDELT-style
    id VARCHAR PRIMARY KEY,            -- hash of (date, source, target, code, place, flags)
    date VARCHAR, date_granularity VARCHAR, date_start DATE, date_end DATE,
    code VARCHAR, root VARCHAR, quad INTEGER, goldstein DOUBLE, plover VARCHAR,
    source_code VARCHAR, source_name VARCHAR, source_text VARCHAR,
    target_code VARCHAR, target_name VARCHAR, target_text VARCHAR,
    {_PLACE},
    negated BOOLEAN, hypothetical BOOLEAN,
    num_mentions INTEGER,              -- occurrences in all copies of all articles
    num_articles INTEGER,              -- documents (copies) that mention it
    num_sources INTEGER,               -- distinct outlets among them
    num_stories INTEGER,               -- distinct near-duplicate clusters among them
    confidence DOUBLE,                 -- highest mention confidence
    first_article_id VARCHAR, first_mention_n INTEGER
);
CREATE TABLE failures (
    source VARCHAR NOT NULL, stage VARCHAR NOT NULL, reason VARCHAR NOT NULL, first_seen TIMESTAMP,
    PRIMARY KEY (source, stage, reason)
);
CREATE TABLE signatures (              -- MinHash of each article's body, to cluster later articles
    article_id VARCHAR PRIMARY KEY, signature BLOB NOT NULL
);
"""

# Version 2: `dyads`, a summary of `events` per directed pair of actor codes, kept by the store in
# the transaction that recomputes the events (store._aggregate) and built here for existing stores.
# Only events with both codes count; `flagged` splits off negated or hypothetical ones. Goldstein
# sums are DECIMAL so that adding and taking away events leaves exactly the sum of the rows left,
# whatever order batches came in.
DYADS_FROM_EVENTS = """
INSERT INTO dyads
SELECT source_code, target_code, coalesce(negated, false) OR coalesce(hypothetical, false) AS flagged,
       count(*) AS events, count_if(quad = 1) AS quad1, count_if(quad = 2) AS quad2,
       count_if(quad = 3) AS quad3, count_if(quad = 4) AS quad4,
       count(goldstein) AS goldstein_n, coalesce(sum(goldstein::DECIMAL(38, 10)), 0) AS goldstein_sum
FROM events WHERE source_code IS NOT NULL AND target_code IS NOT NULL
GROUP BY 1, 2, 3;
"""
_V2 = """
CREATE TABLE dyads (                   -- events per directed pair of actor codes (derived from events)
    source_code VARCHAR NOT NULL, target_code VARCHAR NOT NULL,
    flagged BOOLEAN NOT NULL,          -- negated or hypothetical events
    events BIGINT NOT NULL, quad1 BIGINT NOT NULL, quad2 BIGINT NOT NULL, quad3 BIGINT NOT NULL,
    quad4 BIGINT NOT NULL,
    goldstein_n BIGINT NOT NULL,       -- events with a Goldstein value
    goldstein_sum DECIMAL(38, 10) NOT NULL,
    PRIMARY KEY (source_code, target_code, flagged)
);
""" + DYADS_FROM_EVENTS

# Version 3: `mentions.sentence_grams`, a 64-bit signature of the lower-cased character trigrams of
# `sentence_text`, so that the text search (query.py) skips the sentences that cannot contain the
# searched text before it runs ILIKE. A trigram (a, b, c) of code points sets the bit
# (a * 7919 + b * 104729 + c * 1299709) % 1000003 % 64. Lower-casing is per code point, as DuckDB's
# lower() and ILIKE do it (`_lower`). The writer computes the signature in Python (`sentence_grams`,
# rows.py) and this SQL computes the same for existing rows; the two must stay equal
# (tests/test_store.py), and a change to either is a new step that recomputes the column.
GRAM_BITS = 64
_GRAM_MULT = (7919, 104729, 1299709)
_GRAM_PRIME = 1_000_003


def sentence_grams_sql(column: str) -> str:
    """The SQL expression of `sentence_grams` for a text column or expression (a UBIGINT; 0 for a
    text of fewer than three characters, NULL for NULL)."""
    a, b, c = _GRAM_MULT
    return (f"(SELECT coalesce(list_aggregate(list_transform(range(len(cps) - 2), "
            f"lambda i: (1::UBIGINT << ((cps[i + 1] * {a} + cps[i + 2] * {b} + cps[i + 3] * {c}) % {_GRAM_PRIME} "
            f"% {GRAM_BITS})::INTEGER)), 'bit_or'), 0::UBIGINT) "
            f"FROM (SELECT list_transform(string_split(lower({column}), ''), lambda ch: unicode(ch)::BIGINT) AS cps) "
            f"WHERE cps IS NOT NULL)")


FILL_SENTENCE_GRAMS = f"UPDATE mentions SET sentence_grams = {sentence_grams_sql('sentence_text')} " \
                      "WHERE sentence_grams IS NULL AND sentence_text IS NOT NULL;"
_V3 = "ALTER TABLE mentions ADD COLUMN sentence_grams UBIGINT;\n" + FILL_SENTENCE_GRAMS

# (version, description, SQL). Append only.
MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "articles, copies, segments, actors, places, times, quotes, mentions, events, failures, signatures", _V1),
    (2, "dyads: events per directed pair of actor codes", _V2),
    (3, "mentions.sentence_grams: trigram signature of the sentence for the text search", _V3),
]
LATEST = MIGRATIONS[-1][0]
TABLES = ("articles", "copies", "segments", "actors", "places", "times", "quotes", "mentions", "events",
          "failures", "signatures")
DERIVED = ("dyads",)  # summaries of `events` the store keeps in step with it


def rebuild_dyads(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild `dyads` from `events`: for stores whose events were written by other means (benchmarks, tests)."""
    con.execute("DELETE FROM dyads")
    con.execute(DYADS_FROM_EVENTS)


def fill_sentence_grams(con: duckdb.DuckDBPyConnection) -> None:
    """Compute `mentions.sentence_grams` where it is missing: for rows written by other means
    (benchmarks, tests, shards of an older eventwire)."""
    con.execute(FILL_SENTENCE_GRAMS)


def _lower(ch: str) -> str:
    """One code point lower-cased as DuckDB's lower() does it: the simple case mapping, so 'İ'
    becomes 'i' (Python's 'i' + combining dot) and a final 'Σ' becomes 'σ' (as every 'Σ')."""
    return ch.lower()[0]


def sentence_grams(text: str | None) -> int | None:
    """The trigram signature of a text, as `sentence_grams_sql` computes it in the store."""
    if text is None:
        return None
    if text.isascii():  # the common case: one byte per code point, lower-cased alike everywhere
        cps = np.frombuffer(text.lower().encode("ascii"), dtype=np.uint8).astype(np.int64)
    else:
        cps = np.fromiter((ord(_lower(ch)) for ch in text), dtype=np.int64, count=len(text))
    if len(cps) < 3:
        return 0
    a, b, c = _GRAM_MULT
    bits = (cps[:-2] * a + cps[1:-1] * b + cps[2:] * c) % _GRAM_PRIME % GRAM_BITS  # < 2**42: no overflow
    return int(np.bitwise_or.reduce(np.left_shift(np.uint64(1), bits.astype(np.uint64))))
