"""The clean stage: typed segments, a stable article id and the language of the story."""

from __future__ import annotations

import hashlib
import unicodedata

from eventwire.clean.language import detect_language
from eventwire.clean.normalize import Normalized, normalize
from eventwire.clean.segment import segment
from eventwire.model import Article, Failure, Result, Segment

# Segments whose text is the story for identity purposes: the same story read from a text
# scrape and from its HTML page has the same body even when headline and furniture differ.
ID_KINDS = ("dateline", "body")

__all__ = ["Normalized", "article_id", "detect_language", "normalize", "prepare", "segment"]


def prepare(article: Article, *, languages: frozenset[str] | None = frozenset({"en"})
            ) -> Result | Failure:
    """Segment an article, give it its id and language; a `Failure` if it has no usable story.

    `languages` lists the languages the later stages handle; None accepts any.
    """
    segments = segment(article.text, title=article.title)
    story = [s for s in segments if s.kind in ID_KINDS]
    if not story:
        return Failure(article.source, "no article text after cleaning (only headline, ads or captions)",
                       stage="clean")
    headline = next((s for s in segments if s.kind == "headline"), None)
    language = detect_language(" ".join(s.text for s in ([headline] if headline else []) + story))
    article.language = language
    if languages is not None and language != "und" and language not in languages:
        return Failure(article.source, f"language: {language}", stage="language")
    article.id = article_id(story)
    if article.title is None and headline is not None:
        article.title = headline.text
    return Result(article=article, segments=segments)


def article_id(story: list[Segment]) -> str:
    """Stable id of a story: a hash of its normalised body text (case, spacing, quotes folded)."""
    text = " ".join(normalize(s.text).text for s in story)
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.translate(_QUOTES)
    digest = hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()
    return digest[:20]


_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "«": '"', "»": '"', "—": "-", "–": "-"})
