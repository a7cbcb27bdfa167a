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
