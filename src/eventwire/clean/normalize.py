"""Text normalised for analysis, with a map back to the original characters.

News text misuses characters in ways that trip tokenizers: "Korea‘s" (an opening quote used as an
apostrophe), non-breaking and thin spaces, soft hyphens and zero-width characters pasted from CMSs.
We fix those for the models, but evidence must point at the original text, so every normalised
character remembers where it came from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Apostrophe look-alikes between letters ("Korea‘s", "don`t", "O´Neill") become a plain apostrophe.
_APOSTROPHE = re.compile(r"(?<=\w)[‘’`´ʼ′](?=\w)")
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u3000"), " ")
_DROPPED = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_HYPHENS = {ord("\u2010"): "-", ord("\u2011"): "-"}
_ANY = re.compile(r"[\u00a0\u2007\u202f\u2009\u200a\u2002-\u2006\u3000\u00ad\u200b-\u200d\u2060\ufeff"
                  r"\u2010\u2011]|(?<=\w)[‘’`´ʼ′](?=\w)")


@dataclass(frozen=True)
class Normalized:
    """`text` for analysis; `offsets[i]` is the original offset of `text[i]` (None: identical)."""

    text: str
    offsets: tuple[int, ...] | None = None
    base: int = 0  # offset of the normalised span in the article's original text

    def to_original(self, i: int) -> int:
        """Original offset of normalised position `i` (`i == len(text)` maps to the span's end)."""
        if self.offsets is None:
            return self.base + i
        return self.base + self.offsets[i]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) of the normalised span [start, end)."""
        if end <= start:
            return self.to_original(start), self.to_original(start)
        return self.to_original(start), self.to_original(end - 1) + 1


def normalize(text: str, base: int = 0) -> Normalized:
    """Normalise `text` (a slice of the original starting at `base`) for analysis."""
    if not _ANY.search(text):
        return Normalized(text, None, base)  # the common case: nothing to do, no map to keep
    text = _APOSTROPHE.sub("'", text).translate(_SPACES).translate(_HYPHENS)
    offsets = [i for i, ch in enumerate(text) if ch not in _DROPPED]
    kept = "".join(text[i] for i in offsets)
    offsets.append(len(text))
    return Normalized(kept, tuple(offsets), base)


@lru_cache(maxsize=200_000)
def name_key(text: str) -> str:
    """Names compared without case, accents, dots, hyphens or apostrophe styles."""
    if not text.isascii():  # most names are plain ASCII and have no accents to drop
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("’", "'").replace("-", " ").replace(".", " ")
    return " ".join(text.split())
