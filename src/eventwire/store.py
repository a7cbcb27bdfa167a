"""The DuckDB store: schema migrations, idempotent batch writes and GDELT-style event aggregation.

One `Store` holds one connection to one database file. `write(batch)` stores a batch of results in
one transaction: a batch is either wholly in the database or not at all, so a run killed at any
point leaves whole batches and a rerun adds exactly what is missing. Articles are keyed by their
id (a hash of the normalised body): writing a stored article again changes nothing; reading the
same text from another document adds a row to `copies` (a verbatim reprint), which counts towards
the reach of its events.

`events` rows are derived: after each batch, every event a written mention or copy touches is
recomputed from `mentions`, `copies` and `articles`, so the counts always agree with the rows they
count, whatever order batches came in. The schema is in schema.py and docs/schema.md.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from eventwire import dedup, rows
from eventwire.errors import EventwireError
from eventwire.model import Article, Failure, Result, Segment
from eventwire.schema import DERIVED, LATEST, MIGRATIONS, TABLES, fill_sentence_grams

DEFAULT_DB = "eventwire.duckdb"
# Child tables that analysis produces; --recode replaces them. Segments come from cleaning and stay.
ANALYSIS_TABLES = ("actors", "places", "times", "quotes", "mentions")
_LOCK_PID = re.compile(r"\(PID (\d+)\)")


class StoreError(EventwireError):
    """The database cannot be opened or written; the message says which file and why."""


@dataclass
class Batch:
    """What one transaction writes."""

    new: list[Result] = field(default_factory=list)  # articles to store (already-stored ones become copies)
    recoded: list[Result] = field(default_factory=list)  # stored articles analysed again
    copies: list[Article] = field(default_factory=list)  # other documents carrying a stored article's text
    failures: list[Failure] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.new) + len(self.recoded) + len(self.copies) + len(self.failures)


@dataclass
class Written:
    """What a batch changed."""

    articles: int = 0
    recoded: int = 0
    copies: int = 0  # new copies of articles stored before or in this batch
    mentions: int = 0
    failures: int = 0
    events: int = 0  # events rows recomputed
    held: list[Article] = field(default_factory=list)  # copies whose article is not stored (yet)


class Store:
    """A DuckDB database of articles, their analysis and aggregated events."""

    def __init__(self, path: str | os.PathLike[str] = DEFAULT_DB, *, read_only: bool = False,
                 wait: float = 0.0) -> None:
        self.path = os.fspath(path)
        self.read_only = read_only
        self.con = _connect(self.path, read_only=read_only, wait=wait)
        self._arrow: dict[str, pa.Schema] = {}
        self._index: dedup.StoryIndex | None = None
        try:
            self.version = self._migrate()
            if not read_only:
                # A writer runs many small statements per batch, where DuckDB's parallel execution
                # costs more CPU than it saves; the cores belong to the analysis.
                self.con.execute("SET threads = 1")
            self._next_seq = self.con.execute("SELECT coalesce(max(seq), 0) + 1 FROM articles").fetchall()[0][0]
        except BaseException:
            self.con.close()
            raise

    # --- opening -----------------------------------------------------------------------------

    def _migrate(self) -> int:
        """Apply the migration steps the database lacks, each in its own transaction."""
        con = self.con
        has_version = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'").fetchall()[0][0]
        current = 0
        if has_version:
            current = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()[0][0]
        if current > LATEST:
            raise StoreError(f"{self.path} has schema version {current}, newer than this eventwire knows "
                             f"({LATEST}): upgrade eventwire")
        if current == LATEST:
            return current
        if self.read_only:
            raise StoreError(f"{self.path} has schema version {current}, this eventwire needs {LATEST}: "
                             f"run `eventwire ingest` on it once to upgrade it")
        if not has_version and con.execute("SELECT count(*) FROM information_schema.tables").fetchall()[0][0]:
            raise StoreError(f"{self.path} is a DuckDB database but not an eventwire store "
                             f"(it has other tables and no schema_version)")
        for version, description, sql in MIGRATIONS:
            if version <= current:
                continue
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute("CREATE TABLE IF NOT EXISTS schema_version "
                            "(version INTEGER PRIMARY KEY, applied_at TIMESTAMP, description VARCHAR)")
                con.execute(sql)
                con.execute("INSERT INTO schema_version VALUES (?, ?, ?)", [version, _now(), description])
                con.execute("COMMIT")
            except duckdb.Error as exc:
                con.execute("ROLLBACK")
                raise StoreError(f"cannot upgrade {self.path} to schema version {version}: {_first_line(exc)}") \
                    from None
        return LATEST

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- reading -----------------------------------------------------------------------------

    def has_article(self, article_id: str) -> bool:
        return self.con.execute("SELECT 1 FROM articles WHERE id = ?", [article_id]).fetchall() != []

    def stored_ids(self, article_ids: list[str]) -> set[str]:
        """Which of `article_ids` are stored (one query)."""
        return self._existing("articles", "id", article_ids)

    def has_copy(self, article_id: str, source: str) -> bool:
        return self.con.execute("SELECT 1 FROM copies WHERE article_id = ? AND source = ?",
                                [article_id, source]).fetchall() != []

    def article_ids(self) -> list[str]:
        """Every stored article id, in ingestion order."""
        return [r[0] for r in self.con.sql("SELECT id FROM articles ORDER BY seq").fetchall()]

    def count(self, table: str) -> int:
        if table not in TABLES + DERIVED:
            raise ValueError(f"no table {table!r}")
        return self.con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]

    def load_result(self, article_id: str) -> Result | None:
        """A stored article with its segments, as cleaning made it: the input of --recode."""
        row = self.con.execute(
            "SELECT text, source, title, url, published, published_estimated, author, language, external_id, "
            "reader FROM articles WHERE id = ?", [article_id]).fetchall()
        if not row:
            return None
        text, source, title, url, published, estimated, author, language, external_id, reader = row[0]
        article = Article(text=text, source=source, title=title, url=url, published=published,
                          published_estimated=bool(estimated), author=author, language=language,
                          external_id=external_id, reader=reader or "text", id=article_id)
        segments = [Segment(kind, start, end, seg_text) for kind, start, end, seg_text in self.con.execute(
            'SELECT kind, start, "end", text FROM segments WHERE article_id = ? ORDER BY n', [article_id]).fetchall()]
        return Result(article=article, segments=segments)

    # --- writing -----------------------------------------------------------------------------

    def write(self, batch: Batch) -> Written:
        """Store a batch in one transaction; on any error nothing of it is stored and StoreError is raised."""
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only")
        index = self._story_index()
        now = _now()
        out = Written()
        assigned: list[str] = []
        next_seq = self._next_seq
        con = self.con
        with self._transaction(index, assigned):
            tables: dict[str, list[rows.Row]] = {}
            affected: set[str] = set()

            # New articles. One already stored, or repeated in this batch, is a copy of it instead.
            ids = [r.article.id for r in batch.new]
            stored = self._existing("articles", "id", ids)
            copies = list(batch.copies)
            fresh: dict[str, Result] = {}
            for result in batch.new:
                aid = result.article.id
                if aid in stored or aid in fresh:
                    copies.append(result.article)
                    continue
                fresh[aid] = result
                sig = dedup.signature(dedup.story_text(result))
                story_id = index.assign(aid, sig, next_seq)
                assigned.append(aid)
                for table, new_rows in rows.result_rows(result, seq=next_seq, story_id=story_id, ingested_at=now,
                                                        signature=dedup.to_bytes(sig)).items():
                    tables.setdefault(table, []).extend(new_rows)
                next_seq += 1
            out.articles = len(fresh)

            # Re-coded articles: their analysis rows are replaced; articles, copies and segments stay.
            recoded = {r.article.id: r for r in batch.recoded if r.article.id not in fresh}
            if recoded:
                rec_ids = list(recoded)
                affected |= self._event_ids_of(rec_ids)
                for table in ANALYSIS_TABLES:
                    con.execute(f"DELETE FROM {table} WHERE article_id IN (SELECT unnest(?::VARCHAR[]))", [rec_ids])
                con.execute("UPDATE articles SET coded_at = ? WHERE id IN (SELECT unnest(?::VARCHAR[]))",
                            [now, rec_ids])
                stories = dict(con.execute("SELECT id, story_id FROM articles WHERE id IN "
                                           "(SELECT unnest(?::VARCHAR[]))", [rec_ids]).fetchall())
                for aid, result in recoded.items():
                    for table, new_rows in rows.child_rows(result, stories.get(aid, aid)).items():
                        if table in ANALYSIS_TABLES:
                            tables.setdefault(table, []).extend(new_rows)
                out.recoded = len(recoded)

            # Copies: new (article, source) pairs of articles that are stored or stored now.
            wanted: dict[tuple[str, str], Article] = {}
            for article in copies:
                wanted.setdefault((article.id, article.source), article)
            known = self._existing("articles", "id", [aid for aid, _ in wanted]) | set(fresh)
            have = self._existing_copies(list(wanted))
            added = []
            for (aid, source), article in wanted.items():
                if (aid, source) in have or any(r["source"] == source and r["article_id"] == aid
                                                for r in tables.get("copies", [])):
                    continue
                if aid not in known:
                    out.held.append(article)
                    continue
                added.append(rows.copy_row(article, ingested_at=now))
            tables.setdefault("copies", []).extend(added)
            out.copies = len(added)
            affected |= self._event_ids_of(list({r["article_id"] for r in added} - set(fresh)))

            for table in ("articles", "copies", "signatures", "segments", *ANALYSIS_TABLES):
                self._insert(table, tables.get(table, []))
            out.mentions = len(tables.get("mentions", []))
            affected |= {r["event_id"] for r in tables.get("mentions", [])}

            failures = [rows.failure_row(f, at=now) for f in batch.failures]
            out.failures = self._add_failures(pa.Table.from_pylist(failures, schema=self.arrow_schema("failures")))
            out.events = self._aggregate(sorted(affected))
        self._next_seq = next_seq
        return out

    def write_shard(self, tables: dict[str, pa.Table]) -> Written:
        """Store one partition's rows as Parquet shards hold them (see distributed.py), like `write`.

        `tables` maps table names to the partition's rows: `articles` with `seq` = position in the
        partition, `story_id` = the article's own id, and mentions keyed on that id. Articles are
        taken in position order: one already stored (or earlier in the shard) adds only its copy
        rows; a new one gets the next `seq` and its story from the near-duplicate index, and its
        undated mentions the event of that story. One transaction, as `write`.
        """
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only")
        index = self._story_index()
        out = Written()
        assigned: list[str] = []
        next_seq = self._next_seq
        con = self.con
        empty = {t: pa.Table.from_pylist([], schema=self.arrow_schema(t)) for t in TABLES}
        tables = {t: tables.get(t) or empty[t] for t in TABLES}
        with self._transaction(index, assigned):
            articles = tables["articles"].sort_by("seq")
            ids = articles.column("id").to_pylist()
            signatures = dict(zip(tables["signatures"].column("article_id").to_pylist(),
                                  tables["signatures"].column("signature").to_pylist(), strict=True))
            stored = self._existing("articles", "id", ids)
            fresh: dict[str, tuple[int, str]] = {}  # id -> (seq, story_id)
            for aid in ids:
                if aid in stored or aid in fresh:
                    continue
                story_id = index.assign(aid, dedup.from_bytes(signatures[aid]), next_seq)
                assigned.append(aid)
                fresh[aid] = (next_seq, story_id)
                next_seq += 1
            out.articles = len(fresh)

            def only_fresh(table: str, column: str = "article_id") -> pa.Table:
                data = tables[table]
                return data.filter(pc.is_in(data.column(column), pa.array(list(fresh), pa.string())))

            keep = articles.filter(pc.is_in(articles.column("id"), pa.array(list(fresh), pa.string())))
            keep = _dedupe_first(keep, "id")
            new_ids = keep.column("id").to_pylist()
            keep = keep.set_column(keep.schema.get_field_index("seq"), "seq",
                                   pa.array([fresh[a][0] for a in new_ids], pa.int64()))
            keep = keep.set_column(keep.schema.get_field_index("story_id"), "story_id",
                                   pa.array([fresh[a][1] for a in new_ids], pa.string()))
            self._insert_table("articles", keep)
            self._insert_table("signatures", _dedupe_first(only_fresh("signatures"), "article_id"))
            for table in ("segments", "actors", "places", "times", "quotes"):
                self._insert_table(table, only_fresh(table))

            mentions = only_fresh("mentions")
            if mentions.num_rows:
                moved = {aid for aid, (_, story) in fresh.items() if story != aid}
                if moved:  # undated mentions of articles that joined another story: their event is that story's
                    rows_ = mentions.to_pylist()
                    event_ids = [rows.mention_event_id(r, fresh[r["article_id"]][1])
                                 if r["article_id"] in moved and r["date"] is None else r["event_id"] for r in rows_]
                    mentions = mentions.set_column(mentions.schema.get_field_index("event_id"), "event_id",
                                                   pa.array(event_ids, pa.string()))
                self._insert_table("mentions", mentions)
                if mentions.schema.get_field_index("sentence_grams") < 0 \
                        or mentions.column("sentence_grams").null_count:  # shards of an older eventwire
                    fill_sentence_grams(con)
            out.mentions = mentions.num_rows
            affected = set(mentions.column("event_id").to_pylist())

            # Copies: each (article, source) pair not stored yet, of an article stored before or now.
            copies = tables["copies"]
            wanted: dict[tuple[str, str], int] = {}
            for i, (aid, source) in enumerate(zip(copies.column("article_id").to_pylist(),
                                                  copies.column("source").to_pylist(), strict=True)):
                wanted.setdefault((aid, source), i)
            known = self._existing("articles", "id", [aid for aid, _ in wanted]) | set(fresh)
            have = self._existing_copies(list(wanted))
            take = [i for pair, i in wanted.items() if pair not in have and pair[0] in known]
            added = copies.take(pa.array(sorted(take), pa.int64()))
            self._insert_table("copies", added)
            out.copies = max(0, added.num_rows - len(fresh))  # an article's own first copy is not a reprint
            affected |= self._event_ids_of(list(set(added.column("article_id").to_pylist()) - set(fresh)))

            out.failures = self._add_failures(tables["failures"])
            out.events = self._aggregate(sorted(affected))
        self._next_seq = next_seq
        return out

    @contextlib.contextmanager
    def _transaction(self, index: Any, assigned: list[str]) -> Iterator[None]:
        """One batch's transaction: on any error nothing of it stays, in the database or in the
        near-duplicate index, and database, disk and Arrow errors become one StoreError line."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
            self.con.execute("COMMIT")
        except BaseException as exc:
            _rollback(self.con)
            index.forget(assigned)
            if isinstance(exc, (duckdb.Error, OSError, pa.ArrowException)):
                raise StoreError(f"cannot write to {self.path}: {_reason(exc)}") from exc
            raise

    def _add_failures(self, data: pa.Table) -> int:
        """Insert failure rows; the same failure seen again is one row. Returns how many were new."""
        before = self.count("failures")
        self._insert_table("failures", data, ignore=True)
        return self.count("failures") - before

    def _insert_table(self, table: str, data: pa.Table, *, ignore: bool = False) -> None:
        if not data.num_rows:
            return
        self.con.register("_eventwire_rows", data)
        try:
            # `table` is one of the schema's own names, never user input; the values go as Arrow data.
            self.con.execute(f"INSERT {'OR IGNORE ' if ignore else ''}INTO {table} BY NAME "
                             f"SELECT * FROM _eventwire_rows")
        finally:
            self.con.unregister("_eventwire_rows")

    def _aggregate(self, event_ids: Sequence[str]) -> int:
        """Recompute the events rows of `event_ids` from their mentions (an event left with none goes)."""
        if not event_ids:
            return 0
        params = [list(event_ids)]
        # `dyads` follows: the old rows' share is taken away and the new rows' share added (see schema.py).
        self.con.execute(f"CREATE TEMP TABLE IF NOT EXISTS _eventwire_dyad_delta AS {_DYAD_DELTA.format(sign=1)} "
                         f"WITH NO DATA", params)
        self.con.execute("DELETE FROM _eventwire_dyad_delta")
        self.con.execute(f"INSERT INTO _eventwire_dyad_delta {_DYAD_DELTA.format(sign=-1)}", params)
        self.con.execute("DELETE FROM events WHERE id IN (SELECT unnest(?::VARCHAR[]))", params)
        firsts = ", ".join(f"first(m.{c} ORDER BY a.seq, m.n) AS {c}" for c in _EVENT_FIRSTS)
        self.con.execute(f"""
            INSERT INTO events BY NAME
            SELECT m.event_id AS id, {firsts},
                   count(*) AS num_mentions,
                   count(DISTINCT (c.article_id, c.source)) AS num_articles,
                   count(DISTINCT c.outlet) AS num_sources,
                   count(DISTINCT a.story_id) AS num_stories,
                   max(m.confidence) AS confidence,
                   first(m.article_id ORDER BY a.seq, m.n) AS first_article_id,
                   first(m.n ORDER BY a.seq, m.n) AS first_mention_n
            FROM mentions m
            JOIN articles a ON a.id = m.article_id
            JOIN copies c ON c.article_id = m.article_id
            WHERE m.event_id IN (SELECT unnest(?::VARCHAR[]))
            GROUP BY m.event_id""", params)
        self.con.execute(f"INSERT INTO _eventwire_dyad_delta {_DYAD_DELTA.format(sign=1)}", params)
        sums = ", ".join(f"sum({c})" for c in _DYAD_COUNTS)
        updates = ", ".join(f"{c} = dyads.{c} + excluded.{c}" for c in _DYAD_COUNTS)
        self.con.execute(f"""
            INSERT INTO dyads SELECT source_code, target_code, flagged, {sums}
            FROM _eventwire_dyad_delta GROUP BY 1, 2, 3
            ON CONFLICT (source_code, target_code, flagged) DO UPDATE SET {updates}""")
        self.con.execute("DELETE FROM dyads WHERE events = 0")
        return len(event_ids)

    def _insert(self, table: str, new_rows: list[rows.Row], *, ignore: bool = False) -> None:
        if not new_rows:
            return
        self._insert_table(table, pa.Table.from_pylist(new_rows, schema=self.arrow_schema(table)), ignore=ignore)

    def arrow_schema(self, table: str) -> pa.Schema:
        """The Arrow schema of a table's rows (also the schema of a Parquet shard of that table)."""
        if table not in self._arrow:
            if table not in TABLES + DERIVED:
                raise ValueError(f"no table {table!r}")
            self._arrow[table] = self.con.sql(f"SELECT * FROM {table} LIMIT 0").to_arrow_table().schema
        return self._arrow[table]

    def columns(self, table: str) -> list[str]:
        return self.arrow_schema(table).names

    def _existing(self, table: str, column: str, values: list[str]) -> set[str]:
        if not values:
            return set()
        return {r[0] for r in self.con.execute(
            f"SELECT {column} FROM {table} WHERE {column} IN (SELECT unnest(?::VARCHAR[]))", [values]).fetchall()}

    def _existing_copies(self, pairs: list[tuple[str, str]]) -> set[tuple[str, str]]:
        if not pairs:
            return set()
        found = self.con.execute(
            "SELECT article_id, source FROM copies WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
            [list({aid for aid, _ in pairs})]).fetchall()
        return {(aid, source) for aid, source in found}

    def _event_ids_of(self, article_ids: list[str]) -> set[str]:
        if not article_ids:
            return set()
        return {r[0] for r in self.con.execute(
            "SELECT DISTINCT event_id FROM mentions WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
            [article_ids]).fetchall()}

    def _story_index(self) -> dedup.StoryIndex:
        """The near-duplicate index of every stored article, rebuilt from stored signatures once."""
        if self._index is None:
            index = dedup.StoryIndex()
            index.load(self._signature_rows())
            self._index = index
        return self._index

    def _signature_rows(self) -> Iterator[tuple[str, bytes, int, str]]:
        cur = self.con.cursor()  # its own cursor: the rows stream while nothing else runs on it
        try:
            cur.execute("SELECT s.article_id, s.signature, a.seq, a.story_id FROM signatures s "
                        "JOIN articles a ON a.id = s.article_id ORDER BY a.seq")
            while chunk := cur.fetchmany(10_000):
                yield from chunk
        finally:
            cur.close()

    def rows(self, table: str, *, exclude: Iterable[str] = ()) -> list[tuple[Any, ...]]:
        """All rows of a table in a stable order, without the `exclude` columns (for comparisons)."""
        cols = [c for c in self.columns(table) if c not in set(exclude)]
        quoted = ", ".join(f'"{c}"' for c in cols)
        return self.con.sql(f"SELECT {quoted} FROM {table} ORDER BY ALL").fetchall()


# Columns an events row takes from its first mention (lowest article seq, then position).
_EVENT_FIRSTS = ("date", "date_granularity", "date_start", "date_end", "code", "root", "quad", "goldstein", "plover",
                 "source_code", "source_name", "source_text", "target_code", "target_name", "target_text",
                 "place_text", "place_start", "place_end", "place_name", "place_geonameid", "place_lat",
                 "place_lon", "place_country", "place_admin1", "place_precision", "place_how", "place_rule",
                 "negated", "hypothetical")


# The share of the events rows of a list of ids in `dyads`, times `sign` (1 or -1; not user input).
_DYAD_COUNTS = ("events", "quad1", "quad2", "quad3", "quad4", "goldstein_n", "goldstein_sum")
_DYAD_DELTA = """
    SELECT source_code, target_code, coalesce(negated, false) OR coalesce(hypothetical, false) AS flagged,
           {sign} * count(*) AS events, {sign} * count_if(quad = 1) AS quad1, {sign} * count_if(quad = 2) AS quad2,
           {sign} * count_if(quad = 3) AS quad3, {sign} * count_if(quad = 4) AS quad4,
           {sign} * count(goldstein) AS goldstein_n,
           ({sign} * coalesce(sum(goldstein::DECIMAL(38, 10)), 0))::DECIMAL(38, 10) AS goldstein_sum
    FROM events WHERE id IN (SELECT unnest(?::VARCHAR[])) AND source_code IS NOT NULL AND target_code IS NOT NULL
    GROUP BY 1, 2, 3"""


def _connect(path: str, *, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    """Open the database file, turning DuckDB's errors into one clear line."""
    if os.path.isdir(path):
        raise StoreError(f"{path} is a directory, not a database file")
    if read_only and not os.path.exists(path):
        raise StoreError(f"no database at {path}")
    deadline = time.monotonic() + wait
    while True:
        try:
            return duckdb.connect(path, read_only=read_only)
        except duckdb.Error as exc:
            message = str(exc)
            if "Could not set lock" in message or "Conflicting lock" in message:
                if time.monotonic() < deadline:
                    time.sleep(0.25)
                    continue
                pid = _LOCK_PID.search(message)
                who = f" (PID {pid[1]})" if pid else ""
                raise StoreError(f"{path} is in use by another process{who}: wait for it to finish, "
                                 f"use --wait SECONDS, or use another --db") from None
            raise StoreError(_open_reason(path, message)) from None


def _open_reason(path: str, message: str) -> str:
    if "not a valid DuckDB database" in message:
        return f"{path} is not an eventwire database (not a DuckDB file)"
    if "Read-only file system" in message or "Permission denied" in message:
        return f"cannot write the database {path}: the path is read-only"
    if "No such file or directory" in message or "Not a directory" in message:
        return f"cannot create the database {path}: its folder {os.path.dirname(path) or '.'} does not exist"
    return f"cannot open the database {path}: {_first_line(message)}"


def _reason(exc: BaseException) -> str:
    if (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or "No space left" in str(exc):
        return "disk full (no space left on device)"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return _first_line(exc)


def _first_line(exc: BaseException | str) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    with contextlib.suppress(duckdb.Error):  # gone already if a failed COMMIT rolled back itself
        con.execute("ROLLBACK")


def _dedupe_first(table: pa.Table, column: str) -> pa.Table:
    """The rows of `table` whose `column` value was not seen in an earlier row."""
    seen: set[str] = set()
    keep = []
    for i, value in enumerate(table.column(column).to_pylist()):
        if value not in seen:
            seen.add(value)
            keep.append(i)
    return table if len(keep) == table.num_rows else table.take(pa.array(keep, pa.int64()))


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)  # TIMESTAMP columns hold UTC without a zone

