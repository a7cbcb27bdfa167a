"""Typing the lines of an article: headline, byline, dateline, caption, credit, body, related, boilerplate.

Nothing is deleted: every non-blank line becomes one or more segments with offsets into the
original text, and later stages pick the kinds they want. The rules are data (`segments.yaml`);
this module only decides the order in which they apply and what the layout around a line says.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from eventwire.clean.rules import SegmentRules, default_rules, phrase_key
from eventwire.model import Segment

# A teaser's quoted title, e.g. Click to play video: 'Title' -> Title (any quote style).
_QUOTED = re.compile(r"""[:\s]\s*["'‘’“”«‹]\s*(.+?)\s*["'‘’“”»›]\s*$""")
# A line ending like a sentence is not a headline; an ellipsis ("Rivals of the Apple...") may be.
KICKER_MAX_WORDS = 6
_TITLE_PARTS = re.compile(r"\s+(?:[-–—|:»·•_]|::)\s+")
_SENTENCE_END = re.compile(r"""(?<!\.\.)[.;]["'’”»)\]]*$""")


def segment(text: str, title: str | None = None, rules: SegmentRules | None = None) -> list[Segment]:
    """Split `text` into typed segments; `title` (from page metadata) helps find the headline."""
    rules = rules or default_rules()
    title_key = phrase_key(title) if title else None
    teasers: set[str] = set()  # titles announced by video/related teasers, repeated later
    out: list[Segment] = []
    seen_content = False  # a headline can only come before the story starts
    dateline_done = False
    lines = list(_lines(text))
    # Where the known title stands as a line; short lines above it are kickers and section labels.
    title_at = next((a for a, b in lines if title_key and phrase_key(text[a:b]) == title_key), -1)
    for start, end in lines:
        line = text[start:end]
        key = phrase_key(line)
        uncredited = _strip_credits(line, rules)  # the line without trailing photo credits, if it has any
        kind = _furniture(line, key, rules, teasers, uncredited)
        if kind is None and start < title_at and len(line.split()) <= KICKER_MAX_WORDS:
            kind = "boilerplate"
        if kind is not None:
            out.append(Segment(kind, start, end, line))
            continue
        caption = _caption(line, start, rules, uncredited)
        if caption:
            out.extend(caption)
            continue
        if not seen_content and _is_headline(line, key, title_key, rules):
            out.append(Segment("headline", start, end, line))
            seen_content = True
            continue
        if any(p.search(line) for p in rules.byline) and len(line.split()) <= 40:
            out.append(Segment("byline", start, end, line))
            continue
        seen_content = True
        if not dateline_done:
            dateline_done = True
            match = _first_match(rules.dateline, line)
            if match and match.end() < len(line):
                cut = start + match.end()
                out.append(Segment("dateline", start, cut, text[start:cut]))
                start = cut
        out.append(Segment("body", start, end, text[start:end]))
    return out


def _lines(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each non-blank line, without its surrounding whitespace."""
    for match in re.finditer(r"[^\n]+", text):
        line = match.group()
        stripped = line.strip()
        if stripped:
            start = match.start() + (len(line) - len(line.lstrip()))
            yield start, start + len(stripped)


def _furniture(line: str, key: str, rules: SegmentRules, teasers: set[str], uncredited: str | None) -> str | None:
    """boilerplate / related / credit for a whole line, or None."""
    if key in rules.boilerplate_phrases or any(p.search(line) for p in rules.boilerplate):
        return "boilerplate"
    if key in teasers:
        return "related"
    if any(p.search(line) for p in rules.related):
        quoted = _QUOTED.search(line)
        if quoted:
            teasers.add(phrase_key(quoted.group(1)))
        return "related"
    if uncredited == "":
        return "credit"
    return None


def _caption(line: str, start: int, rules: SegmentRules, rest: str | None) -> list[Segment] | None:
    """A caption line (`rest`: the line without its trailing photo credits, None if it has none),
    with its credit(s) split off as credit segments."""
    if rest is None:
        if any(p.search(line) for p in rules.caption):
            return [Segment("caption", start, start + len(line), line)]
        return None
    cut = len(rest)
    caption = Segment("caption", start, start + cut, line[:cut])
    credit_start = cut + (len(line[cut:]) - len(line[cut:].lstrip()))
    credit = Segment("credit", start + credit_start, start + len(line), line[credit_start:])
    return [caption, credit]


def _strip_credits(line: str, rules: SegmentRules) -> str | None:
    """The line without its trailing photo credits; None if it has none."""
    rest, found = line, False
    while rest:
        for pattern in rules.credit:
            match = _last_match(pattern, rest)
            if match and not rest[match.end():].strip(" .;,"):
                rest, found = rest[: match.start()].rstrip(), True
                break
        else:
            break
    return rest if found else None


def _is_headline(line: str, key: str, title_key: str | None, rules: SegmentRules) -> bool:
    if title_key:
        # The page told us its title: only a line repeating it (or the headline part of a title
        # like "Headline - Section - Site") is the headline. Guessing would turn the first
        # paragraph of a headline-less body (a JSON export's `text`) into one.
        parts = {phrase_key(p) for p in _TITLE_PARTS.split(title_key)}
        return key == title_key or (title_key.startswith(key) and len(key) > 15) or \
            (key in parts and len(key.split()) >= 3)
    words = len(line.split())
    return 0 < words <= rules.headline_max_words and not _SENTENCE_END.search(line)


def _first_match(patterns: tuple[re.Pattern[str], ...], line: str) -> re.Match[str] | None:
    for pattern in patterns:
        match = pattern.match(line)
        if match:
            return match
    return None


def _last_match(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    last = None
    for match in pattern.finditer(text):
        last = match
    return last
