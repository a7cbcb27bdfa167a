"""WARC / WARC.gz crawls: every HTML response record becomes an article.

Records that are not HTML pages (images, robots.txt, redirects) are skipped with a reason.
A corrupt record in the middle of a crawl does not lose the rest: we resynchronise on the next
record boundary (the next gzip member that starts with a WARC header, or the next `WARC/1.`
line in an uncompressed file) and go on.
"""

from __future__ import annotations

import mmap
import zlib
from collections.abc import Iterator
from datetime import date
from typing import IO

from fastwarc.warc import ArchiveIterator, WarcRecordType

from eventwire.model import Article, Failure, Skip
from eventwire.read.decode import GZIP_MAGIC
from eventwire.read.html import read_html

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_RECORDS = WarcRecordType.response | WarcRecordType.resource


def read_warc(path: str, *, max_bytes: int, published: date | None = None
              ) -> Iterator[Article | Failure | Skip]:
    """Stream the HTML responses of a WARC file (plain or gzip per record) as articles."""
    with open(path, "rb") as fh:
        gzipped = fh.read(2) == GZIP_MAGIC
        offset: int | None = 0
        while offset is not None:
            fh.seek(offset)
            start = offset + 1  # where to look for the next boundary if this pass breaks
            try:
                for record in ArchiveIterator(fh, record_types=_RECORDS, parse_http=True):
                    where = record.stream_pos  # absolute: fastwarc counts from the file start
                    yield _record_item(record, f"{path}@{where}", max_bytes, published)
                    start = where + 1
                return
            except Exception as exc:  # fastwarc raises OSError/ValueError on damaged data
                bad, offset = _resync(fh, start, gzipped)
                end = "the end of the file" if offset is None else f"byte {offset}"
                yield Failure(f"{path}@{bad}", f"corrupt WARC record, skipped up to {end} ({exc})")


def _record_item(record, source: str, max_bytes: int, published: date | None
                 ) -> Article | Failure | Skip:
    uri = record.headers.get("WARC-Target-URI") or None
    status = record.http_headers.status_code if record.http_headers is not None else 200
    if status != 200:
        return Skip(source, f"HTTP status {status} ({uri})")
    ctype = (record.http_content_type or "").lower()
    if record.record_type == WarcRecordType.resource:
        ctype = (record.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if ctype not in HTML_TYPES:
        return Skip(source, f"not HTML: {ctype or 'no content type'} ({uri})")
    body = record.reader.read(max_bytes + 1)
    if len(body) > max_bytes:
        return Failure(source, f"record larger than the {max_bytes:,}-byte limit (--max-bytes)")
    declared = record.http_headers.get("Content-Length") if record.http_headers is not None else None
    if declared and declared.isdigit() and len(body) < int(declared) <= max_bytes:
        return Failure(source, f"record truncated: {len(body):,} of {int(declared):,} bytes (file cut short?)")
    crawled = record.record_date.date() if record.record_date else None
    article = read_html(body, source, url=uri, published=published)
    if isinstance(article, Article):
        article.reader = "warc"
        article.url = uri or article.url  # the URI we fetched, not a canonical guess
        article.external_id = record.record_id
        if article.published is None and crawled is not None:
            # The crawl date bounds the publication date from above; say it is an estimate.
            article.published, article.published_estimated = crawled, True
    return article


def _resync(fh: IO[bytes], start: int, gzipped: bool) -> tuple[int, int | None]:
    """(where the damage starts, offset of the next readable record or None) after `start`.

    The damage starts at the first record boundary after `start` that does not read, or just
    before `start` when the record read last was itself cut short.
    """
    bad = None
    try:
        view = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    except ValueError:  # empty file
        return start - 1, None
    with view:
        marker = GZIP_MAGIC + b"\x08" if gzipped else b"WARC/1."
        pos = view.find(marker, start)
        while pos != -1:
            if not gzipped or _gzip_starts_warc(view[pos:pos + 8192]):
                return (start - 1 if bad is None else bad), pos
            bad = pos if bad is None else bad
            pos = view.find(marker, pos + 1)
    return (start - 1 if bad is None else bad), None


def _gzip_starts_warc(chunk: bytes) -> bool:
    try:
        return zlib.decompressobj(wbits=31).decompress(chunk, 16).startswith(b"WARC/")
    except zlib.error:
        return False
