"""The line-typing rules of `data/segments.yaml`, loaded and validated once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from eventwire.datafiles import Located, compile_regex, data_path, load_yaml
from eventwire.errors import DataFileError

SECTIONS = ("boilerplate", "related", "credit", "caption", "byline", "dateline", "headline")


@dataclass(frozen=True)
class SegmentRules:
    boilerplate_phrases: frozenset[str]
    boilerplate: tuple[re.Pattern[str], ...]
    related: tuple[re.Pattern[str], ...]
    credit: tuple[re.Pattern[str], ...]
    caption: tuple[re.Pattern[str], ...]
    byline: tuple[re.Pattern[str], ...]
    dateline: tuple[re.Pattern[str], ...]
    headline_max_words: int


def phrase_key(line: str) -> str:
    """How a line is compared with the phrase lists: lowercase, single spaces, no edge punctuation."""
    return " ".join(line.lower().split()).strip(" .:!|»«-–—•·")


@cache
def default_rules() -> SegmentRules:
    return load_rules(data_path("segments.yaml"))


def load_rules(path: Path) -> SegmentRules:
    raw = load_yaml(path)
    if not isinstance(raw, dict):
        raise DataFileError(f"{path}:1: expected a mapping with sections {', '.join(SECTIONS)}")
    unknown = set(raw) - set(SECTIONS)
    if unknown:
        raise DataFileError(f"{path}: unknown section(s): {', '.join(sorted(unknown))}")
    agencies = _strings(raw, "credit", "agencies", path)
    alternation = "|".join(re.escape(a) for a in sorted(agencies, key=len, reverse=True))
    subs = {"agencies": alternation}

    def patterns(section: str) -> tuple[re.Pattern[str], ...]:
        items = _items(raw, section, "patterns", path)
        return tuple(compile_regex(item, path, subs) for item in items)

    max_words = raw.get("headline", {}).get("max_words", Located(30, 1))
    if not isinstance(max_words.value, int) or max_words.value < 1:
        raise DataFileError(f"{path}:{max_words.line}: headline.max_words must be a positive integer")
    return SegmentRules(
        boilerplate_phrases=frozenset(phrase_key(p) for p in _strings(raw, "boilerplate", "phrases", path)),
        boilerplate=patterns("boilerplate"),
        related=patterns("related"),
        credit=patterns("credit"),
        caption=patterns("caption"),
        byline=patterns("byline"),
        dateline=patterns("dateline"),
        headline_max_words=max_words.value,
    )


def _items(raw: dict[str, Any], section: str, key: str, path: Path) -> list[Located]:
    block = raw.get(section, {})
    if not isinstance(block, dict):
        raise DataFileError(f"{path}: section '{section}' must be a mapping")
    items = block.get(key, [])
    if not isinstance(items, list):
        line = items.line if isinstance(items, Located) else "?"
        raise DataFileError(f"{path}:{line}: '{section}.{key}' must be a list")
    for item in items:
        if not isinstance(item, Located) or not isinstance(item.value, str) or not item.value.strip():
            line = item.line if isinstance(item, Located) else "?"
            raise DataFileError(f"{path}:{line}: '{section}.{key}' entries must be non-empty strings")
    return items


def _strings(raw: dict[str, Any], section: str, key: str, path: Path) -> list[str]:
    return [item.value for item in _items(raw, section, key, path)]
