"""Readers: paths, directories, globs and stdin in; `Article`, `Failure` and `Skip` records out.

The format of each file is chosen by sniffing its content (gzip is opened transparently), not by
its extension, so a `.txt` that is really HTML or a WARC without `.warc` is still read right.
Every problem with an input becomes a `Failure` with a one-line reason; the batch goes on.
"""

from __future__ import annotations

import fnmatch
import glob
import gzip
import io
import os
import stat
import sys
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO

from eventwire.model import Article, Failure, Skip
from eventwire.read.decode import GZIP_MAGIC, binary_kind, sniff
from eventwire.read.html import read_html
from eventwire.read.jsonl import read_json
from eventwire.read.text import read_text
from eventwire.read.warc import read_warc

Item = Article | Failure | Skip

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# Files that sit beside news in folders but are never news. Hidden files are skipped too.
IGNORED_NAMES = ("README*", "LICENSE*", "NOTICE*", "COPYING*", "CHANGELOG*", "*.md5", "*.sha256")


@dataclass
class ReadOptions:
    published: date | None = None  # used for inputs that carry no date of their own
    max_bytes: int = DEFAULT_MAX_BYTES  # per file (text/HTML), per JSONL line, per WARC record


def read_paths(paths: Iterable[str], options: ReadOptions | None = None) -> Iterator[Item]:
    """Read every input named by `paths` (files, directories, globs, `-` for stdin)."""
    options = options or ReadOptions()
    for path in paths:
        if path == "-":
            yield from read_stream(sys.stdin.buffer, "<stdin>", options)
            continue
        for found in expand(path):
            if isinstance(found, Failure):
                yield found
            else:
                yield from read_file(found, options)


def expand(path: str) -> Iterator[str | Failure]:
    """The files a command-line path stands for, in a stable order."""
    if os.path.isdir(path):
        yield from _walk(path)
    elif os.path.lexists(path):
        yield path
    elif glob.has_magic(path):
        matches = sorted(glob.glob(path, recursive=True))
        if not matches:
            yield Failure(path, "no files match this pattern")
        for match in matches:
            yield from (_walk(match) if os.path.isdir(match) else [match])
    else:
        yield Failure(path, "no such file or directory")


def _walk(top: str) -> Iterator[str | Failure]:
    def onerror(exc: OSError) -> None:
        errors.append(Failure(exc.filename or top, f"cannot list directory: {exc.strerror}"))

    errors: list[Failure] = []
    for root, dirs, files in os.walk(top, onerror=onerror):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        yield from errors
        errors.clear()
        for name in sorted(files):
            if not name.startswith(".") and not any(fnmatch.fnmatch(name, p) for p in IGNORED_NAMES):
                yield os.path.join(root, name)
    yield from errors


def read_file(path: str, options: ReadOptions) -> Iterator[Item]:
    """Read one file of any supported format, plain or gzip-compressed."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            yield Failure(path, "not a regular file")
            return
        if info.st_size == 0:
            yield Failure(path, "empty file")
            return
        with open(path, "rb") as fh:
            head = fh.read(8192)
            gzipped = head.startswith(GZIP_MAGIC)
            if gzipped:
                head = _gunzip_head(head)
            fh.seek(0)
            kind = _kind(head)
            if kind == "warc":
                yield from read_warc(path, max_bytes=options.max_bytes, published=options.published)
            elif kind == "jsonl":
                stream = gzip.GzipFile(fileobj=fh) if gzipped else fh
                yield from _guard(read_json(stream, path, max_bytes=options.max_bytes,
                                             published=options.published), path)
            elif not gzipped and info.st_size > options.max_bytes:
                yield Failure(path, _too_big(info.st_size, options.max_bytes))
            else:
                stream = gzip.GzipFile(fileobj=fh) if gzipped else fh
                data = stream.read(options.max_bytes + 1)
                if gzipped and len(data) <= options.max_bytes:
                    stream.read(1)  # gzip reports a stream cut short only when read to its end
                yield _one(data, path, kind, options)
    except OSError as exc:
        yield Failure(path, _os_reason(exc))
    except (EOFError, zlib.error) as exc:
        yield Failure(path, f"truncated or corrupt gzip data ({exc})")


def read_stream(stream: IO[bytes], source: str, options: ReadOptions) -> Iterator[Item]:
    """Read an input from a byte stream (stdin); WARC and gzip are spooled to a temporary file."""
    with tempfile.NamedTemporaryFile(prefix="eventwire-", suffix=".input") as tmp:
        while chunk := stream.read(1 << 20):
            tmp.write(chunk)
        tmp.flush()
        for item in read_file(tmp.name, options):
            _rename(item, tmp.name, source)
            yield item


def read_bytes(data: bytes, source: str, options: ReadOptions | None = None) -> Iterator[Item]:
    """Read an input held in memory (e.g. an HTTP request body)."""
    yield from read_stream(io.BytesIO(data), source, options or ReadOptions())


def _guard(items: Iterator[Item], path: str) -> Iterator[Item]:
    """Let records already read through when a compressed stream breaks part-way."""
    try:
        yield from items
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        yield Failure(path, f"truncated or corrupt gzip data, rest of file skipped ({exc})")


def _one(data: bytes, path: str, kind: str, options: ReadOptions) -> Item:
    if not data.strip():
        return Failure(path, "empty file" if not data else "no text (only whitespace)")
    if len(data) > options.max_bytes:
        return Failure(path, _too_big(len(data), options.max_bytes, "uncompressed "))
    if kind == "html":
        return read_html(data, path, published=options.published)
    if kind == "text":
        return read_text(data, path, published=options.published)
    return Failure(path, f"binary file ({kind}), not an article")


def _kind(head: bytes) -> str:
    return binary_kind(head) or sniff(head)


def _gunzip_head(head: bytes) -> bytes:
    """The first decompressed bytes, for sniffing; damage further on is found when reading."""
    inflater, out = zlib.decompressobj(wbits=31), b""
    for i in range(0, len(head), 512):
        try:
            out += inflater.decompress(head[i:i + 512])
        except zlib.error:
            break
        if inflater.eof:
            break
    return out


def _too_big(size: int, limit: int, what: str = "") -> str:
    return (f"{what}size {size / 1e6:,.1f} MB is over the {limit / 1e6:,.1f} MB limit "
            "(raise it with --max-bytes)")


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    return f"cannot read: {exc.strerror or exc}"


def _rename(item: Item, tmp: str, source: str) -> None:
    item.source = item.source.replace(tmp, source, 1)
