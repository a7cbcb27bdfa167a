"""JSON input: JSON Lines dumps (one article object per line), as news APIs and crawlers export
them, and single JSON documents (one object, or an array of objects, as news-please writes)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from typing import IO, Any

from eventwire.model import Article, Failure
from eventwire.read.decode import decode, repair
from eventwire.read.html import read_html
from eventwire.read.text import with_headline

# Field names we accept, first match wins. The first of each is the documented one; the others
# are what common exports (news-please, Common Crawl news tools, GDELT-style dumps) use.
TEXT_FIELDS = ("text", "maintext", "content", "body")
HTML_FIELDS = ("html", "raw_html")
DATE_FIELDS = ("published", "date_publish", "published_at", "date")
TITLE_FIELDS = ("title", "headline")


def read_json(fh: IO[bytes], source: str, *, max_bytes: int, published: date | None = None
              ) -> Iterator[Article | Failure]:
    """JSON Lines, or one JSON document spread over lines; told apart by the first line."""
    first = fh.readline(max_bytes + 1)
    try:
        json.loads(first)
        is_lines = True
    except ValueError:
        is_lines = False
    if not is_lines:
        rest = fh.read(max_bytes + 1 - len(first))
        try:
            doc = json.loads(decode(first + rest))
        except ValueError:
            doc = None  # not one document either: judge it line by line below
        if doc is not None:
            yield from _document(doc, source, published)
            return
    fh.seek(0)
    yield from read_jsonl(fh, source, max_bytes=max_bytes, published=published)


def _document(doc: Any, source: str, published: date | None) -> Iterator[Article | Failure]:
    if isinstance(doc, list):
        for i, obj in enumerate(doc):
            yield article_from_object(obj, f"{source}[{i}]", published=published)
    else:
        yield article_from_object(doc, source, published=published)


def read_jsonl(fh: IO[bytes], source: str, *, max_bytes: int, published: date | None = None
               ) -> Iterator[Article | Failure]:
    """Yield one `Article` per good line and one `Failure` per bad line; never stop early."""
    lineno = 0
    while True:
        line = fh.readline(max_bytes + 1)
        if not line:
            return
        lineno += 1
        where = f"{source}:{lineno}"
        if len(line) > max_bytes and not line.endswith(b"\n"):
            _skip_rest_of_line(fh)
            yield Failure(where, f"line longer than the {max_bytes:,}-byte limit (--max-bytes)")
            continue
        if not line.strip():
            continue
        try:
            obj = json.loads(decode(line))
        except ValueError as exc:
            yield Failure(where, f"not valid JSON ({exc})")
            continue
        yield article_from_object(obj, where, published=published)


def article_from_object(obj: Any, source: str, *, published: date | None = None) -> Article | Failure:
    """Map one JSON object to an `Article` (`text` or `html`; optional id, url, title, published)."""
    if not isinstance(obj, dict):
        return Failure(source, f"expected a JSON object, got {type(obj).__name__}")
    try:
        obj_date = _parse_date(_first(obj, DATE_FIELDS))
    except ValueError as exc:
        return Failure(source, str(exc))
    url = _str(_first(obj, ("url", "link")))
    text, html = _first(obj, TEXT_FIELDS), _first(obj, HTML_FIELDS)
    title = _str(_first(obj, TITLE_FIELDS))
    if isinstance(text, str) and text.strip():
        text = with_headline(" ".join(title.split()) if title else None, repair(text))
        article: Article | Failure = Article(text=text, source=source, url=url, reader="jsonl")
    elif isinstance(html, str) and html.strip():
        article = read_html(html, source, url=url)
        if isinstance(article, Article):
            article.reader = "jsonl"
    else:
        fields = "/".join(TEXT_FIELDS[:1] + HTML_FIELDS[:1])
        return Failure(source, f"no article text: the object has no non-empty '{fields}' field")
    if isinstance(article, Failure):
        return article
    article.title = title or article.title
    article.published = obj_date or article.published or published
    article.external_id = _str(obj.get("id"))
    return article


def _first(obj: dict[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        if obj.get(name) not in (None, ""):
            return obj[name]
    return None


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _parse_date(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip().replace(" ", "T", 1)).date()
        except ValueError:
            pass
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    raise ValueError(f"'published' is not an ISO date: {value!r}")


def _skip_rest_of_line(fh: IO[bytes]) -> None:
    while True:
        chunk = fh.readline(1 << 20)
        if not chunk or chunk.endswith(b"\n"):
            return
