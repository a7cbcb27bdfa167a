"""Plain-text articles: scraped pages saved as text, wire copy, one story per file."""

from __future__ import annotations

from datetime import date

from eventwire.model import Article, Failure
from eventwire.read.decode import decode


def read_text(data: bytes, source: str, *, published: date | None = None) -> Article | Failure:
    """Decode one text file (any encoding, mojibake repaired) into an `Article`."""
    text = decode(data)
    if not text.strip():
        return Failure(source, "no text (only whitespace)")
    return Article(text=text, source=source, published=published, reader="text")


def with_headline(title: str | None, body: str) -> str:
    """The body with its headline on top, as on the page, unless it already stands near the top.

    Readers that get title and body separately (HTML metadata, JSON fields) rebuild the layout
    of a scraped page so the cleaner types the headline the same way for every format.
    """
    top = [line.strip() for line in body.split("\n", 5)[:5]]
    return body if not title or title in top else f"{title}\n\n{body}"
