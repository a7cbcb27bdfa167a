"""The record every stage passes on: plain dataclasses, one per kind of thing we know.

`Result.to_dict()` is the JSON contract of ARCHITECTURE.md; the store uses the same field names.
Offsets (`start`, `end`) are always character offsets into `Article.text`, the original text.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

SegmentKind = Literal[
    "headline", "byline", "dateline", "caption", "credit", "body", "related", "boilerplate"
]
SEGMENT_KINDS: tuple[str, ...] = (
    "headline", "byline", "dateline", "caption", "credit", "body", "related", "boilerplate"
)
# Kinds whose text is the story itself; later stages analyse only these.
CONTENT_KINDS: frozenset[str] = frozenset({"headline", "body"})


@dataclass
class Article:
    """One news item as read from its source, before any analysis."""

    text: str  # the original text, decoded and mojibake-repaired; all offsets point into it
    source: str  # where it came from: a path, `path:line`, `path#record` or a URL
    title: str | None = None
    url: str | None = None
    published: date | None = None
    published_estimated: bool = False
    author: str | None = None
    language: str | None = None
    external_id: str | None = None  # an id the input itself carried (JSONL `id`, WARC-Record-ID)
    reader: str = "text"  # which reader produced it: text, html, warc, jsonl
    id: str = ""  # stable hash of the normalised body, set by `clean.prepare`

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "published_estimated": self.published_estimated,
            "url": self.url,
            "language": self.language,
            "source": self.source,
            "author": self.author,
            "external_id": self.external_id,
            "reader": self.reader,
        }


@dataclass
class Segment:
    """A typed span of the article text: headline, body paragraph, caption, ad line, ..."""

    kind: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "start": self.start, "end": self.end}


@dataclass
class Actor:
    """A mention of a person, organisation or country with its CAMEO actor code."""

    text: str
    start: int
    end: int
    name: str | None = None
    code: str | None = None
    country: str | None = None
    agent: str | None = None
    how: str | None = None
    confidence: float | None = None
    mentions: list[dict[str, Any]] = field(default_factory=list)  # every mention: text, start, end, how
    notes: list[str] = field(default_factory=list)  # caveats, e.g. "no article date: latest role"


@dataclass
class Place:
    """A place mention resolved to a gazetteer entry."""

    text: str
    start: int
    end: int
    name: str | None = None
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None
    country: str | None = None  # ISO3 (CAMEO spelling)
    admin1: str | None = None  # GeoNames admin1 code within the country
    precision: str | None = None  # landmark, city, admin1, country or region
    how: str | None = None  # which rule resolved it: gazetteer, dateline, country, region, context, ...


@dataclass
class TimeRef:
    """A temporal expression normalised against the publication date."""

    text: str
    start: int
    end: int
    value: str | None = None  # TIMEX3 value: 2021-01-20, 2021-W05, 2021-01, 2019-SU, 2019, 199 (decade)
    granularity: str | None = None  # day, week, month, season, quarter, year, decade, century
    how: str | None = None  # which rule normalised it


@dataclass
class Quote:
    """A direct or indirect quotation with its speaker, if one can be told."""

    text: str
    start: int
    end: int
    direct: bool = True
    speaker: dict[str, Any] | None = None  # text, start, end, name, code; None when it cannot be told
    verb: str | None = None  # lemma of the speech verb ("say", "according to"), if any
    how: str | None = None  # how the speaker was found: subject, previous-sentence, according-to, ...


@dataclass
class Event:
    """A coded event: who did what to whom, with the evidence that produced it."""

    id: str
    code: str
    root: str
    quad: int
    goldstein: float
    plover: str | None
    source: dict[str, Any] | None
    target: dict[str, Any] | None
    trigger: dict[str, Any]
    sentence: dict[str, Any]
    negated: bool = False
    hypothetical: bool = False
    reported: bool = False
    date: str | None = None  # TIMEX3-style value, as TimeRef.value
    date_granularity: str | None = None
    date_rule: str | None = None  # expression (a time in its clause), published, or published-estimated
    place: dict[str, Any] | None = None  # a Place's fields plus "rule": sentence or dateline
    rule: str | None = None
    confidence: float | None = None
    is_root: bool = False  # the event of the headline or of the first body sentence

    @property
    def flagged(self) -> bool:
        """Negated and hypothetical events are kept but left out of counts by default."""
        return self.negated or self.hypothetical


@dataclass
class Failure:
    """An input item that could not be used, and why. Recorded; never stops a batch."""

    source: str
    reason: str
    stage: str = "read"

    @property
    def message(self) -> str:
        return f"{self.source}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "reason": self.reason, "stage": self.stage}


@dataclass
class Skip:
    """An input item that is deliberately not an article (e.g. an image record in a WARC)."""

    source: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "reason": self.reason}


@dataclass
class Result:
    """Everything eventwire knows about one article."""

    article: Article
    segments: list[Segment] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    times: list[TimeRef] = field(default_factory=list)

    def segments_of(self, *kinds: str) -> list[Segment]:
        return [s for s in self.segments if s.kind in kinds]

    def to_dict(self) -> dict[str, Any]:
        return {
            "article": self.article.to_dict(),
            "segments": [s.to_dict() for s in self.segments],
            "actors": [asdict(a) for a in self.actors],
            "events": [asdict(e) for e in self.events],
            "quotes": [asdict(q) for q in self.quotes],
            "places": [asdict(p) for p in self.places],
            "times": [asdict(t) for t in self.times],
        }
