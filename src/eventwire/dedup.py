"""Near-duplicate stories: MinHash LSH over word shingles of the normalised body.

Syndicated wire copy reaches readers through many outlets, each with its own headline, byline,
page furniture and small edits (a sentence added at the end, a paragraph cut). Exact ids (a hash
of the normalised body) catch verbatim copies only; this module groups the edited copies into one
*story*. Every article gets a `story_id`: the id of the first-seen article of its cluster.

Only body segments count: headlines, bylines and datelines differ from outlet to outlet by
design. The text is folded like the article id (NFKC, case, quote style) and cut into word
shingles; an article joins a story when the estimated Jaccard similarity of its shingle set with
a stored article's reaches `THRESHOLD` (see docs/dedup.md for how the value was chosen).

The index state (each article's signature) is stored with the articles, so a resumed or later run
clusters new articles against everything stored before.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from eventwire.clean import normalize
from eventwire.model import Result

NUM_PERM = 128
SHINGLE = 5  # words per shingle
THRESHOLD = 0.5  # estimated Jaccard similarity of shingle sets at which two bodies are one story
# Signatures stored by one run must be comparable with the next's: fix the permutations (seed) and
# datasketch's hashing scheme rather than rely on its defaults.
SEED = 1
SCHEME = "affine32"
_WORD = re.compile(r"\w+")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "«": '"', "»": '"', "—": "-", "–": "-"})


def story_text(result: Result) -> str:
    """The text that identifies a story: its body segments, normalised and folded."""
    text = " ".join(normalize(s.text).text for s in result.segments if s.kind == "body")
    return unicodedata.normalize("NFKC", text).casefold().translate(_QUOTES)


def shingles(text: str, size: int = SHINGLE) -> set[bytes]:
    """Overlapping runs of `size` words; a body shorter than that is one shingle."""
    words = _WORD.findall(text)
    if len(words) <= size:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i:i + size]).encode() for i in range(len(words) - size + 1)}


def signature(text: str, size: int = SHINGLE) -> np.ndarray:
    """The MinHash signature of a story text, as NUM_PERM unsigned 32-bit values."""
    m = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, permutations=_permutations())
    grams = shingles(text, size)
    if grams:
        m.update_batch(list(grams))
    return m.hashvalues.astype(np.uint32)


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The (seeded, so fixed) permutation parameters, drawn once rather than for every signature."""
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def to_bytes(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()


def from_bytes(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u4").astype(np.uint32)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    return float(np.count_nonzero(a == b)) / len(a)


@dataclass
class StoryIndex:
    """The LSH index of every stored article, and which story each belongs to."""

    threshold: float = THRESHOLD
    _lsh: MinHashLSH = field(init=False, repr=False)
    _sigs: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _story: dict[str, tuple[int, str]] = field(default_factory=dict, repr=False)  # id -> (seq, story_id)

    def __post_init__(self) -> None:
        self._lsh = MinHashLSH(threshold=self.threshold, num_perm=NUM_PERM)

    def __len__(self) -> int:
        return len(self._sigs)

    def load(self, rows: Iterable[tuple[str, bytes, int, str]]) -> None:
        """Add stored articles: (article id, signature bytes, seq, story id)."""
        for article_id, blob, seq, story_id in rows:
            self._add(article_id, from_bytes(blob), seq, story_id)

    def assign(self, article_id: str, sig: np.ndarray, seq: int) -> str:
        """The story of a new article (the earliest matching article's story, else its own id); indexes it."""
        if article_id in self._story:
            return self._story[article_id][1]
        best: tuple[int, str] | None = None
        for other in self._lsh.query(self._lean(sig)):
            # LSH gives candidates; the signature comparison keeps only pairs above the threshold.
            if similarity(sig, self._sigs[other]) >= self.threshold:
                seen = self._story[other]
                if best is None or seen < best:
                    best = seen
        story_id = best[1] if best else article_id
        self._add(article_id, sig, seq, story_id)
        return story_id

    def forget(self, article_ids: Iterable[str]) -> None:
        """Drop articles whose write was rolled back."""
        for article_id in article_ids:
            if article_id in self._sigs:
                self._lsh.remove(article_id)
                del self._sigs[article_id], self._story[article_id]

    def _add(self, article_id: str, sig: np.ndarray, seq: int, story_id: str) -> None:
        self._lsh.insert(article_id, self._lean(sig), check_duplication=False)
        self._sigs[article_id] = sig
        self._story[article_id] = (seq, story_id)

    @staticmethod
    def _lean(sig: np.ndarray) -> LeanMinHash:
        return LeanMinHash(seed=SEED, hashvalues=sig, scheme=SCHEME)
