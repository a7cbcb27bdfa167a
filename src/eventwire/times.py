"""Temporal expressions: find them in an analysed article and normalise them to TIMEX3 values.

Recognition joins spaCy's DATE and TIME entities with our own patterns for what the model misses
("Thursday", "last month", "two years ago", "now", "the third quarter"). Normalisation is a
chain of small rules over the expression's text, applied against an anchor date: the article's
publication date or, when it has none, the latest explicit full date in its text (and then
every rule name in `TimeRef.how` ends with "/estimated-anchor").

Values follow TIMEX3: `2021-01-20` (day), `2021-W05` (week), `2021-01` (month), `2019-SU`
(season), `2019-Q1` (quarter), `2019` (year), `199` (decade), `19` (century), `P3Y` (duration),
`PRESENT_REF` / `PAST_REF` / `FUTURE_REF` (granularity "ref"). A clock time or part of day is
added to a day value (`2021-02-04T17:00`, `2021-02-04TMO`) and keeps granularity "day".
Explicit full dates are read by a pattern (dateparser only for other spellings); expressions
that need an anchor get value None when there is none. Some expressions refer to a time the story
named before rather than to the anchor: "that year", "later that day", "the following day" and a
bare clock time take the latest earlier expression of that unit. Nothing here raises on odd
input: an impossible date ("Feb 30") gets value None.

Cost: each pattern scans only windows around the words that hold one of its cues, and results
of `normalize` and `parse_full_date` are cached, so finding times costs a few per cent of parsing.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache
from itertools import accumulate, compress
from typing import TYPE_CHECKING

from eventwire.model import TimeRef

if TYPE_CHECKING:
    from spacy.tokens import Span

    from eventwire.nlp import Analysis

# --- word lists ---------------------------------------------------------------------------------

MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
WEEKDAYS: dict[str, int] = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}
SEASONS: dict[str, str] = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
SEASON_MONTH: dict[str, int] = {"SP": 4, "SU": 7, "FA": 10, "WI": 1}  # a month inside each season
NUMBERS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "a hundred": 100, "a dozen": 12, "dozen": 12, "a couple of": 2, "a couple": 2,
    "couple of": 2, "half a": 0.5, "half an": 0.5, "a half": 0.5,
}
# Quantities that say "some number of": the value's count becomes X (PXY).
VAGUE_NUMBERS = ("a few", "few", "several", "some", "many", "a number of", "dozens of", "hundreds of", "numerous")
ORDINALS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "twenty-first": 21, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
}
DECADE_WORDS: dict[str, int] = {
    "twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7,
    "eighties": 8, "nineties": 9,
}
# Unit -> (TIMEX3 duration letter, multiplier); decades and centuries become years.
UNITS: dict[str, tuple[str, int]] = {
    "second": ("S", 1), "minute": ("M", 1), "hour": ("H", 1), "day": ("D", 1), "night": ("D", 1),
    "week": ("W", 1), "weekend": ("WE", 1), "month": ("M", 1), "quarter": ("Q", 1), "year": ("Y", 1),
    "decade": ("Y", 10), "century": ("Y", 100),
}
CLOCK_UNITS = frozenset({"second", "minute", "hour"})
PARTS_OF_DAY: dict[str, str] = {
    "morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "overnight": "NI",
}
REFS: dict[str, str] = {
    "now": "PRESENT_REF", "right now": "PRESENT_REF", "just now": "PRESENT_REF", "currently": "PRESENT_REF",
    "at present": "PRESENT_REF", "the present": "PRESENT_REF", "present": "PRESENT_REF",
    "nowadays": "PRESENT_REF", "these days": "PRESENT_REF", "presently": "PRESENT_REF",
    "at the moment": "PRESENT_REF", "for now": "PRESENT_REF", "until now": "PRESENT_REF",
    "current": "PRESENT_REF", "then current": "PAST_REF", "most recent": "PAST_REF",
    "recently": "PAST_REF", "lately": "PAST_REF", "the past": "PAST_REF", "in the past": "PAST_REF",
    "previously": "PAST_REF", "formerly": "PAST_REF", "once": "PAST_REF", "recent": "PAST_REF",
    "soon": "FUTURE_REF", "the future": "FUTURE_REF", "in the future": "FUTURE_REF", "future": "FUTURE_REF",
    "the near future": "FUTURE_REF", "the near term": "FUTURE_REF", "the short term": "FUTURE_REF",
    "the long term": "FUTURE_REF", "shortly": "FUTURE_REF", "the coming": "FUTURE_REF",
}
SETS: dict[str, str] = {
    "daily": "P1D", "nightly": "P1D", "weekly": "P1W", "monthly": "P1M", "quarterly": "P1Q",
    "annually": "P1Y", "yearly": "P1Y", "annual": "P1Y", "biannual": "P6M", "biennial": "P2Y",
}

# Holidays: (month, day) for fixed dates, (month, weekday, n) for "the n-th weekday of the month"
# (n = -1: the last one). Election Day is the Tuesday after the first Monday of November, which
# is the Tuesday between the 2nd and the 8th. Movable feasts (Easter) are not read.
HOLIDAYS: dict[str, tuple[int, ...]] = {
    "new year's day": (1, 1), "new year's eve": (12, 31), "valentine's day": (2, 14),
    "independence day": (7, 4), "halloween": (10, 31), "veterans day": (11, 11), "christmas": (12, 25),
    "christmas day": (12, 25), "christmas eve": (12, 24), "boxing day": (12, 26),
    "thanksgiving": (11, 3, 4), "thanksgiving day": (11, 3, 4), "labor day": (9, 0, 1), "memorial day": (5, 0, -1),
    "election day": (11, 1, 0),
}

# Frequency words found on their own; the adjectives ("annual report", "quarterly dividend") are
# not expressions of time in TimeML, though a model entity that holds one is still read.
SET_ADVERBS = ("daily", "weekly", "monthly", "annually", "yearly")

# --- recognition patterns (applied to the Doc text) ---------------------------------------------

_MONTH_NAME = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
               r"|Jan\.?|Feb\.?|Mar\.|Apr\.?|Jun\.|Jul\.|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)")
# Month names that are also common words ("may", "march") count only next to a number or a cue.
_SAFE_MONTH = (r"(?:January|February|April|June|July|August|September|October|November|December"
               r"|Jan\.|Feb\.|Apr\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)")
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAYNUM = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:1[0-9]\d\d|20\d\d)"
_NUMWORD = "|".join(sorted((re.escape(k) for k in NUMBERS), key=len, reverse=True))
_VAGUE = "|".join(re.escape(v) for v in VAGUE_NUMBERS)
_NUM = (rf"(?:\d[\d,]*(?:\.\d+)?(?:\s+1/2)?|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-\w+"
        rf"|{_NUMWORD}|{_VAGUE})")
_UNIT = r"(?:seconds?|minutes?|hours?|days?|nights?|weeks?|weekends?|months?|quarters?|years?|decades?|centur(?:y|ies))"
_MOD = (r"(?:(?:the\s+)?(?:very\s+)?(?:early|earlier|late|later|mid|middle|end|beginning|start|first\s+half"
        r"|second\s+half)(?:\s+of)?[\s-]*)")
_REL = r"(?:this|last|next|past|coming|previous|current|the\s+past|the\s+last|the\s+next|the\s+coming|this\s+past)"
_CLOCK = (r"(?:\d{1,2}(?::\d\d)?\s*(?:a\.m\.|p\.m\.|am\b|pm\b|o'clock|in\s+the\s+(?:morning|afternoon|evening))"
          r"(?:\s+[A-Z]{1,2}[SD]?T\b)?"
          r"|\d{1,2}:\d\d\b|noon|midnight|midday)")
_PART = r"(?:morning|afternoon|evening|night|overnight)"
# Cues: words one of which (lowercased) every match of a pattern holds.
_MONTH_CUES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WEEKDAY_CUES = tuple(WEEKDAYS)
_UNIT_CUES = ("second", "minute", "hour", "day", "night", "week", "month", "quarter", "year", "decade", "centur")
_PLURAL_UNIT_CUES = ("years", "decades", "months", "weeks", "days", "hours", "minutes")
_CLOCK_CUES = (":", "a.m.", "p.m.", "am", "pm", "o'clock", "morning", "afternoon", "evening", "noon", "midnight",
               "midday")
_REF_CUES = ("now", "current", "recent", "late", "present", "soon", "future", "term", "days", "past")
_AGO_CUES = ("ago", "earlier", "now", "hence")
_MAY_MARCH_CUES = ("may", "march")
# Some cues say little on their own ("mar" is in "market", "day" in "today"). A word that holds one
# of these counts only if it also has the shape every match gives it: a month or weekday name as
# written, since the patterns read those case-sensitively ("May", not the verb "may"), or a word
# that starts (or, for a unit, follows a hyphen) and ends where the pattern's word does ("days",
# "two-year", "ago"; not "today", "yearly" or "Chicago").
_CUE_SHAPES: dict[tuple[str, ...], re.Pattern[str]] = {
    _MONTH_CUES: re.compile(r"(?:January|February|March|April|May|June|July|August|September|October|November"
                            r"|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)(?!\w)"),
    _MAY_MARCH_CUES: re.compile(r"(?:May|March)(?!\w)"),
    _WEEKDAY_CUES: re.compile(_WEEKDAY),
    _UNIT_CUES: re.compile(rf"(?:^|-){_UNIT}(?!\w)", re.I),
    _AGO_CUES: re.compile(r"^(?:ago|earlier|now|hence)(?!\w)", re.I),
}

_HOLIDAY_NAMES = [re.escape(h.title()).replace("'S", "'s").replace(r"\ ", r"\s+") for h in
                  sorted(HOLIDAYS, key=len, reverse=True)]

PATTERNS: list[tuple[str, str, int, tuple[str, ...]]] = [
    # (rule name, pattern, flags, cues): IGNORECASE only where capitals carry no meaning. Every match
    # holds one of the cues (lowercased); a text with none of them is not scanned with the pattern.
    ("explicit-date", rf"(?:{_WEEKDAY},?\s+)?{_MONTH_NAME}\s+{_DAYNUM},?\s+{_YEAR}\b", 0, _MONTH_CUES),
    ("explicit-date", rf"(?:{_WEEKDAY},?\s+)?{_DAYNUM}\s+(?:of\s+)?{_MONTH_NAME},?\s+{_YEAR}\b", 0, _MONTH_CUES),
    ("numeric-date", r"\b(?:\d{4}-\d\d-\d\d|\d{1,2}/\d{1,2}/(?:\d\d){1,2})\b", 0, ("-", "/")),
    ("month-day", rf"(?:{_WEEKDAY},?\s+)?{_MONTH_NAME}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?!\s*(?:,\s*)?\d)",
     0, _MONTH_CUES),
    ("month-day", rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_NAME}\b", 0, _MONTH_CUES),
    ("month-year", rf"(?:{_MOD})?{_MONTH_NAME},?\s+(?:of\s+)?(?:{_YEAR}\b|(?i:this|last|next)\s+year\b)",
     0, _MONTH_CUES),
    ("month", rf"(?:(?i:{_MOD}|{_REL}\s+))?{_SAFE_MONTH}(?!\w)", 0, _MONTH_CUES),
    ("month", r"\b(?:in|In|since|until|by|last|next|this|early|late|mid|of|from|to|through|during)[\s-]"
              r"(?P<t>(?:May|March))\b", 0, _MAY_MARCH_CUES),
    ("weekday", rf"(?:(?i:{_REL}|early|late)\s+)?{_WEEKDAY}s?(?:,?\s+(?i:{_PART}))?\b", 0, _WEEKDAY_CUES),
    ("decade", r"\b(?:the\s+)?(?:(?:early|mid|late)[\s-]*)?(?:1\d|20)?\d0'?s\b", re.I, ("0s", "0's")),
    ("decade", r"(?:\bthe\s+)?(?:(?:early|mid|late)[\s-]*)?'\d0s\b", re.I, ("0s",)),
    ("decade", rf"\b(?:the\s+)?(?:(?:early|mid|late)[\s-]*)?(?:{'|'.join(DECADE_WORDS)})\b", re.I, ("ties",)),
    ("century", rf"\b(?:the\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)|{'|'.join(ORDINALS)})[\s-]+century\b", re.I, ("century",)),
    ("quarter", r"\b(?:the\s+)?(?:(?:first|second|third|fourth|final|last|latest|current|previous|past|next|same"
                r"|1st|2nd|3rd|4th|year-ago|year-earlier|recent|just-ended|fiscal)[\s-]+)+quarters?"
                rf"(?:\s+of\s+(?:fiscal\s+)?(?:{_YEAR}|this\s+year|last\s+year|next\s+year))?(?:\s+{_YEAR})?\b",
     re.I, ("quarter",)),
    ("quarter", rf"\bQ[1-4](?:\s+{_YEAR})?\b", 0, ("q1", "q2", "q3", "q4")),
    ("quarter-ref", rf"\b(?:the\s+)?(?:(?:latest|just-ended|most\s+recent|same|comparable|year-ago|year-earlier"
                    rf"|{_YEAR})\s+)?(?:quarter|period)\b", re.I, ("quarter", "period")),
    ("half", rf"\b(?:the\s+)?(?:first|second|last)\s+half(?:\s+of\s+(?:{_YEAR}|this\s+year|last\s+year|next\s+year))?",
     re.I, ("half",)),
    ("season", rf"\b(?:{_MOD}|{_REL}\s+|the\s+)*(?:spring|summer|autumn|winter)(?:\s+(?:of\s+)?{_YEAR})?\b",
     re.I, ("spring", "summer", "autumn", "winter")),
    ("season", rf"\b(?:{_MOD}|{_REL}\s+|the\s+)+fall(?:\s+(?:of\s+)?{_YEAR})?\b", re.I, ("fall",)),
    ("season", rf"\bfall\s+(?:of\s+)?{_YEAR}\b", re.I, ("fall",)),
    ("year", rf"\b{_MOD}?(?:fiscal|calendar|the\s+year|model\s+year)\s+(?:{_YEAR}|'\d\d)\b",
     re.I, ("fiscal", "calendar", "year")),
    ("year", r"\b(?:(?:nineteen|twenty)\s+(?:hundred\s+(?:and\s+)?)?(?:(?:twenty|thirty|forty|fifty|sixty|seventy"
             r"|eighty|ninety)(?:-\w+)?|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen"
             r"|nineteen)|(?:the\s+year\s+)?two\s+thousand(?:\s+and\s+\w+)?)\b",
     re.I, ("nineteen", "twenty", "thousand")),
    ("year", r"\b(?:the\s+)?(?:year[\s-]end|year's\s+end|end\s+of\s+the\s+year|(?:current\s+|full\s+)?fiscal\s+year"
             r"|full\s+year)\b", re.I, ("year",)),
    ("year", r"\b(?:in|In|since|Since|until|by|of|from|to|through|during|before|after|By|Until|early|late)\s"
             rf"(?P<t>{_YEAR})\b(?![\d,.]\d)", 0, ("1", "2")),
    ("year", rf"\b(?i:mid|early|late|end\s+of|the\s+end\s+of|the\s+start\s+of)[\s-]+{_YEAR}\b",
     0, ("mid", "early", "late", "end", "start")),
    ("relative", rf"\b{_MOD}?{_REL}\s+(?:week|weekend|month|year|quarter|decade|century)\b", re.I, _UNIT_CUES),
    ("relative", rf"\b(?:{_NUM})[\s-]+{_UNIT}\s+(?:ago|earlier|from\s+now|hence)\b",
     re.I, _AGO_CUES),
    ("relative", r"\b(?:years|decades|months|weeks|days)\s+(?:ago|earlier)\b", re.I, ("ago", "earlier")),
    ("relative", rf"\b(?:in|within)\s+(?:the\s+)?(?:next\s+)?(?:{_NUM})\s+{_UNIT}\b", re.I, _UNIT_CUES),
    ("relative", r"\b(?:the\s+)?(?:same|previous|following|next|prior)\s+(?:day|week|month|year)\b",
     re.I, ("same", "previous", "following", "next", "prior")),
    ("relative", r"\bthe\s+(?:day|week|month|year)\s+(?:before|after)(?:\s+yesterday|\s+tomorrow)?\b",
     re.I, ("before", "after")),
    ("deictic", rf"\b(?:{_MOD})?(?:today|tonight|yesterday|tomorrow|this\s+{_PART}|last\s+night)"
                rf"(?:\s+{_PART})?\b", re.I, ("today", "tonight", "yesterday", "tomorrow", "this", "night")),
    ("weekend", r"\b(?:the|this|last|next|past)\s+weekend\b", re.I, ("weekend",)),
    ("duration", rf"\b(?:(?:the\s+)?(?:past|last|next|coming|first|final|previous|following|recent)\s+)?"
                 r"(?:(?:more\s+than|less\s+than|about|nearly|almost|at\s+least|over|up\s+to|roughly|some"
                 r"|around|only|just)\s+)?"
                 rf"(?:{_NUM})[\s-]+(?:and[\s-]+a[\s-]+half[\s-]+)?{_UNIT}(?:[\s-]+old|[\s-]+long)?\b",
     re.I, _UNIT_CUES),
    ("vague-duration", r"\b(?:(?:the\s+)?(?:past|last|next|coming|recent)\s+(?:few\s+|several\s+)?)?"
                       r"(?:years|decades|months|weeks|days|hours|minutes)\b", re.I, _PLURAL_UNIT_CUES),
    ("clock", rf"\b{_CLOCK}(?:\s+(?:on\s+)?{_WEEKDAY})?", 0, _CLOCK_CUES),
    # "current" and "recent" as adjectives ("the current weakness", "a recent filing"), not the
    # "current account" of economics
    ("ref", r"\b(?:(?:then|most)\s+)?(?:current(?!\s+accounts?\b)|recent)\b(?!-)", re.I, ("current", "recent")),
    ("holiday", rf"\b(?:(?i:last|next|this|the|on)\s+)?(?:{'|'.join(_HOLIDAY_NAMES)})\b", 0,
     ("new", "valentine", "independence", "halloween", "veterans", "christmas", "boxing", "thanksgiving", "labor",
      "memorial", "election")),
    # "the year ended Sept. 30" is a year's length (P1Y) ending on that date
    ("period-ended", r"\bthe\s+(?:fiscal\s+)?year(?=\s+(?:ended|ending)\b)", re.I, ("year",)),
    # anaphora: "that year", "later that day", "the same month" refer to a time the story named
    ("anaphoric", r"\b(?:(?:early|earlier|late|later)\s+(?:in\s+)?)?(?:that|the\s+same|that\s+same)\s+"
                  r"(?:day|week|month|year|quarter)\b", re.I, ("that", "same")),
    # "as soon as" is a conjunction, and "now-dormant" an adjective: neither refers to a time
    ("ref", r"\b(?:now|currently|recently|lately|nowadays|presently|(?<!as\s)soon(?!\s+as\b)|at\s+present"
            r"|the\s+(?:near\s+)?future|the\s+(?:near|short|long)\s+term|these\s+days|the\s+past)\b(?!-)",
     re.I, _REF_CUES),
    ("set", rf"\b(?:{'|'.join(SET_ADVERBS)})\b|\b(?:each|every|per)\s+(?:day|week|month|year|quarter)\b",
     re.I, (*SET_ADVERBS, "each", "every", "per")),
]
_COMPILED = [(name, re.compile(pattern, flags), cues) for name, pattern, flags, cues in PATTERNS]
# A case-insensitive pattern runs several times slower than the same (lower-case) pattern run
# case-sensitively over the lowercased text, and both find the same matches: lowercasing keeps
# every character's place and whether it is a letter, digit or space, and only the dotted and
# dotless i and the long s (_FOLD_APART) match these patterns' letters otherwise than their lowercase
# does, so a text holding one of those is scanned as written.
_LOWERED = [re.compile(pattern, flags & ~re.I) if flags & re.I else None for _, pattern, flags, _ in PATTERNS]
_FOLD_APART = re.compile("[\u0130\u0131\u017f]")  # İ ı ſ
# spaCy DATE entities that carry no time word at all ("44", "the age of") are not kept.
_TIME_WORD = re.compile(
    rf"\d|{_MONTH_NAME}|{_WEEKDAY}|\b(?:{'|'.join(UNITS)}|days|weeks|months|years|decades|centuries|today|tonight"
    rf"|yesterday|tomorrow|now|season|spring|summer|fall|autumn|winter|morning|afternoon|evening|night|noon"
    rf"|midnight|{'|'.join(DECADE_WORDS)}|{'|'.join(SETS)}|weekend)\b", re.I)


# Not times though they look like some: ages, fractions ("three-quarters"), frequency adjectives.
_NOT_TIME = re.compile(r"\b(?:years?|months?|weeks?|days?)[\s-]+old\b|\b(?:one|two|three)-quarters\b"
                       r"|^(?:annual|quarterly|biannual|biennial|semiannual|nightly)$", re.I)

# "a second attempt": the ordinal, not a second of time ("a second later" is one)
_ORDINAL_SECOND = re.compile(r"(?i:a|one)\s+second\s+(?!(?:later|earlier|ago|or|and|before|after)\b)[a-z]")

# --- normalisation --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Norm:
    value: str | None
    granularity: str | None
    how: str


def normalize(text: str, anchor: date | None, tense: str | None = None) -> Norm:
    """TIMEX3 value of one temporal expression against `anchor`; `tense` is past, future or None.

    Never raises: an expression it cannot read, or an impossible date, gets value None. Results
    are cached: the same words read against the same day and tense recur across a corpus.
    """
    return _normalize(_clean(text), anchor, tense)


@lru_cache(maxsize=65_536)
def _normalize(s: str, anchor: date | None, tense: str | None) -> Norm:
    try:
        for rule in _RULES:
            norm = rule(s, anchor, tense)
            if norm is not None:
                return norm
    except (ValueError, OverflowError, KeyError, IndexError):
        return Norm(None, None, "invalid")
    return Norm(None, None, "unknown")


@lru_cache(maxsize=65_536)
def _clean(text: str) -> str:
    s = text.lower().replace("’", "'").replace("‘", "'").replace("–", "-").replace("—", "-")
    s = re.sub(r"\s+", " ", s).strip(" ,.;:")
    return re.sub(r"(?<=[a-z])'s?$", "", s)  # a possessive reads as its noun: "the latest quarter's"


def _num(word: str) -> float | None:
    """A count in digits or words; None when vague ("several")."""
    word = word.strip().replace(",", "")
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(\s+1/2)?", word)
    if m:
        return float(m.group(1)) + (0.5 if m.group(2) else 0)
    if word in NUMBERS:
        return NUMBERS[word]
    tens, _, unit = word.partition("-")
    if tens in NUMBERS and unit in NUMBERS:
        return NUMBERS[tens] + NUMBERS[unit]
    return None


def _unit(word: str) -> str:
    word = word.rstrip("s") if word != "centuries" else "century"
    return "century" if word == "centurie" else word


def _duration(n: float | None, unit: str) -> str:
    letter, mult = UNITS[unit]
    prefix = "PT" if unit in CLOCK_UNITS else "P"
    if unit == "weekend":
        return "P1WE" if n == 1 else f"P{_count(n)}WE"
    if n is None:
        return f"{prefix}X{letter}"
    smaller = {"year": ("month", 12), "month": ("day", 30), "week": ("day", 7), "day": ("hour", 24),
               "hour": ("minute", 60), "minute": ("second", 60), "decade": ("year", 10), "century": ("year", 100)}
    if n != int(n) and mult > 1:  # "a decade and a half": P15Y
        return f"{prefix}{round(n * mult)}{letter}"
    if n != int(n) and unit in smaller:
        sub, factor = smaller[unit]
        if n < 1:  # "half a day": in the smaller unit, PT12H
            return _duration(round(n * factor), sub)
        # "two and a half years": whole units and the rest in the smaller one, P2Y6M, PT5H30M, P1DT12H
        rest = _duration(round((n - int(n)) * factor), sub)
        rest = rest[2:] if prefix == "PT" else rest[1:]  # PT30S -> 30S after PT1M; PT12H -> T12H after P1D
        return f"{prefix}{int(n)}{letter}{rest}"
    return f"{prefix}{int(n) * mult}{letter}"


def _count(n: float | None) -> str:
    return "X" if n is None else str(int(n))


def _year_ok(y: int) -> bool:
    return 1 <= y <= 9999


# Each rule: (cleaned text, anchor, tense) -> Norm or None (not mine). Order matters: the most
# specific reading first ("Thursday, Jan. 28, 2021" is a full date before it is a weekday).

def _rule_ref(s: str, anchor: date | None, tense: str | None) -> Norm | None:
    key = re.sub(r"^(?:until|by|from|for|in|at)\s+(?=now\b)", "", s)
    if key in REFS:
        return Norm(REFS[key], "ref", "ref")
    if re.fullmatch(r"(?:several|many|some|a few|few)?\s*(?:years|decades|months|weeks|days)\s+(?:ago|earlier)", s):
        return Norm("PAST_REF", "ref", "vague-ago")
    return None


def _rule_set(s: str, anchor: date | None, tense: str | None) -> Norm | None:
    if s in SETS:
        return Norm(SETS[s], "duration", "set")
    m = re.fullmatch(r"(?:each|every|per)\s+(day|week|month|year|quarter)", s)
    if m:
        return Norm(_duration(1, m.group(1)), "duration", "set")
    return None


def _rule_explicit(s: str, anchor: date | None, tense: str | None) -> Norm | None:
    m = re.search(rf"(?:{_MONTH_NAME.lower()})\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+{_YEAR}\b"
                  rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTH_NAME.lower()}),?\s+{_YEAR}\b"
                  r"|\b\d{4}-\d\d-\d\d\b|\b\d{1,2}/\d{1,2}/(?:\d\d){1,2}\b", s)
    if not m:
        return None
    d = parse_full_date(m.group(0), anchor)
    if d is None:
        return Norm(None, "day", "explicit-date")
    return _with_clock(s, d.isoformat(), "explicit-date")


def _rule_month_day(s: str, anchor: date | None, tense: str | None) -> Norm | None:
    m = re.search(rf"\b({_MONTH_NAME.lower()})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b"
                  rf"|\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_NAME.lower()})(?!\w)", s)
    if not m:
        return None
    month = MONTHS[(m.group(1) or m.group(4)).rstrip(".")]
    day = int(m.group(2) or m.group(3))
    if anchor is None:
        return Norm(None, "day", "month-day")
    wd = re.search(rf"\b({_WEEKDAY.lower()})\b", s)
    if wd:
        years = [y for y in (anchor.year - 1, anchor.year, anchor.year + 1) if _weekday_is(y, month, day, wd.group(1))]
        if len(years) == 1:
            return _with_clock(s, date(years[0], month, day).isoformat(), "month-day+weekday")
    d = _nearest(lambda y: date(y, month, day), anchor, tense)
    if d is None:
        return Norm(None, "day", "month-day")
    return _with_clock(s, d.isoformat(), "month-day")


def _weekday_is(year: int, month: int, day: int, weekday: str) -> bool:
    try:
        return date(year, month, day).weekday() == WEEKDAYS[weekday]
    except ValueError:
        return False


def _rule_month_year(s: str, anchor: date | None, tense: str | None) -> Norm | None:
    m = re.search(rf"\b({_MONTH_NAME.lower()}),?\s+(?:of\s+)?({_YEAR})\b", s)
    rel = re.search(rf"\b({_MONTH_NAME.lower()}),?\s+(?:of\s+)?(this|last|next)\s+year\b", s)
    if rel:
        if anchor is None:
            return Norm(None, "month", "month-year")
        year = anchor.year + {"this": 0, "last": -1, "next": 1}[rel.group(2)]
        return Norm(f"{year:04d}-{MONTHS[rel.group(1).rstrip('.')]:02d}", "month", "month-year")
    if not m:
        return None
    return Norm(f"{m.group(2)}-{MONTHS[m.group(1).rstrip('.')]:02d}", "month", "month-year")


def _rule_weekday(s: str, anchor: date | None, tense: str | None) -> Norm | None:
    m = re.search(rf"\b(?:({_REL.replace(chr(92) + 's', ' ')}|early|late)\s+)?({_WEEKDAY.lower()})(s)?\b", s)
    if not m:
        return None
    if m.group(3) and not m.group(1):  # "Mondays": a recurring day
        return Norm(None, "day", "weekday-plural")
    if anchor is None:
        return Norm(None, "day", "weekday")
    wd = WEEKDAYS[m.group(2)]
    rel = (m.group(1) or "").replace("  ", " ")
    back = (anchor.weekday() - wd) % 7
    if rel in ("last", "past", "this past", "the past", "the last", "previous"):
        d = anchor - timedelta(days=back or 7)
    elif rel in ("next", "coming", "the next", "the coming") or (tense == "future" and rel != "this"):
        d = anchor + timedelta(days=(wd - anchor.weekday()) % 7 or 7)
    elif tense == "present":  # "meets Monday": the schedule ahead, or today
        d = anchor + timedelta(days=(wd - anchor.weekday()) % 7)
    elif rel == "this":
        d = anchor + timedelta(days=wd - anchor.weekday())
    else:
        d = anchor - timedelta(days=back)
    return _with_clock(s, d.isoformat(), "weekday")


def _rule_holiday(s: str, anchor: date | None, tense: str | None) -> Norm | None:
    m = re.fullmatch(r"(?:(last|next|this|the|on)\s+)?(.+?)", s)
    key = m.group(2) if m else s
    if key not in HOLIDAYS:
        return None
    if anchor is None:
        return Norm(None, "day", "holiday")
    rel = m.group(1) if m else None
    def made(year: int) -> date:
        return _holiday(key, year)

    if rel == "last":
        d = max((c for y in (anchor.year - 1, anchor.year) if (c := made(y)) < anchor), default=None)
    elif rel == "next":
        d = min((c for y in (anchor.year, anchor.year + 1) if (c := made(y)) > anchor), default=None)
    elif rel == "this":
        d = made(anchor.year)
    else:
        d = _nearest(made, anchor, tense if tense in ("past", "future", "ended") else None)
    return Norm(d.isoformat(), "day", "holiday") if d else Norm(None, "day", "holiday")


def _holiday(name: str, year: int) -> date:
    """The day of a holiday in a year (see HOLIDAYS)."""
    rule = HOLIDAYS[name]
    if len(rule) == 2:
        return date(year, *rule)
    month, weekday, n = rule
    if n == -1:  # the last such weekday of the month
        last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    start = date(year, month, 2 if n == 0 else 1)  # Election Day: the first Tuesday from the 2nd
    first = start + timedelta(days=(weekday - start.weekday()) % 7)
    return first + timedelta(weeks=max(n, 1) - 1)


def _rule_deictic(s: str, anchor: date | None, tense: str | None) -> Norm | None:
    m = re.search(rf"\b(today|tonight|yesterday|tomorrow|this ({_PART})|last night)\b", s)
    if not m:
        return None
    if anchor is None:
        return Norm(None, "day", "deictic")
    word = m.group(1)
    shift = {"yesterday": -1, "tomorrow": 1, "last night": -1}.get(word, 0)
    value = (anchor + timedelta(days=shift)).isoformat()
    if word in ("tonight", "last night"):
        value += "TNI"
    return _with_clock(s, value, "deictic")


def _rule_clock(s: str, anchor: date | None, tense: str | None) -> Norm | None:
    if not re.search(rf"{_CLOCK.lower()}|\b{_PART}\b|\d\s*[ap]\.m\b", s):
        return None
    if re.search(r"\b(?:every|each)\b", s) or anchor is None:
        return Norm(None, "day", "clock")
    return _with_clock(s, anchor.isoformat(), "clock")


def _with_clock(s: str, day_value: str, how: str) -> Norm:
    """A day value with the clock time or part of day the expression names, if any."""
    if "T" in day_value:
        return Norm(day_value, "day", how)
    m = re.search(r"\b(\d{1,2})(?::(\d\d))?\s*(a\.m\b\.?|p\.m\b\.?|am\b|pm\b|o'clock"
                  r"|in the (?:morning|afternoon|evening)|at night)", s) or re.search(r"\b(\d{1,2}):(\d\d)\b()", s)
    if m:
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        meridiem = (m.group(3) or "").replace(".", "")
        if meridiem in ("pm", "in the afternoon", "in the evening", "at night") and hour < 12:
            hour += 12
        if meridiem in ("am", "in the morning") and hour == 12:
            hour = 0
        if hour > 24 or minute > 59:
            return Norm(None, "day", how)
        return Norm(f"{day_value}T{hour:02d}:{minute:02d}", "day", _plus(how, "clock"))
    for word, value in (("noon", "12:00"), ("midday", "12:00"), ("midnight", "24:00")):
        if re.search(rf"\b{word}\b", s):
            return Norm(f"{day_value}T{value}", "day", _plus(how, "clock"))
    m = re.search(rf"\b({_PART})\b", s)
    if m:
        return Norm(f"{day_value}T{PARTS_OF_DAY[m.group(1)]}", "day", _plus(how, "part"))
    return Norm(day_value, "day", how)


def _plus(how: str, part: str) -> str:
    return how if how == "clock" else f"{how}+{part}"


def _rule_weekend(s: str, anchor: date | None, tense: str | None) -> Norm | None:
    m = re.fullmatch(r"(?:the\s+)?(this|last|next|past|coming|the)?\s*weekend", s)
    if not m:
        return None
    if anchor is None:
        return Norm(None, "week", "weekend")
    rel = m.group(1) or "the"
    # a bare "the weekend" in a past-tense clause read early in the week is the one just gone
    back = rel in ("last", "past") or (rel == "the" and tense == "past" and anchor.weekday() < 5)
    ahead = rel in ("next", "coming") or (rel == "the" and tense == "future" and anchor.weekday() >= 5)
    return _shifted(anchor, "weekend", -1 if back else 1 if ahead else 0, "weekend")


def _rule_decade(s: str, anchor: date | None, tense: str | None) -> Norm | None:
    m = re.search(r"\b(1\d|20)(\d)0'?s\b", s)
    if m:
        return Norm(m.group(1) + m.group(2), "decade", "decade")
    m = re.search(rf"'(\d)0s\b|\b({'|'.join(DECADE_WORDS)})\b", s)
    if not m:
        return None
    digit = int(m.group(1)) if m.group(1) else DECADE_WORDS[m.group(2)]
    if anchor is None:
        return Norm(None, "decade", "decade-short")
    century = anchor.year // 100
    if digit * 10 > anchor.year % 100:  # "the '90s" read in 2021 is the 1990s
        century -= 1
    return Norm(f"{century}{digit}", "decade", "decade-short")


def _rule_century(s: str, anchor: date | None, tense: str | None) -> Norm | None:
    m = re.search(rf"\b(\d{{1,2}}|{'|'.join(ORDINALS)})(?:st|nd|rd|th)?[\s-]+century\b", s)
    if m:
        n = int(m.group(1)) if m.group(1).isdigit() else ORDINALS[m.group(1)]
        return Norm(f"{n - 1:02d}", "century", "century") if n >= 1 else Norm(None, "century", "century")
    m = re.fullmatch(r"(?:the\s+)?(this|last|next|previous|the\s+past|past)\s+century", s)
    if m and anchor is not None:
        if m.group(1).endswith("past"):
            return Norm("P100Y", "duration", "century-duration")
        shift = {"this": 0, "last": -1, "previous": -1, "next": 1}[m.group(1)]
        return Norm(f"{anchor.year // 100 + shift:02d}", "century", "relative")
    return None


def _rule_quarter(s: str, anchor: date | None, tense: str | None) -> Norm | None:
    m = re.search(r"\b(first|second|third|fourth|1st|2nd|3rd|4th|q[1-4])\b(?:[\s-]+fiscal)?(?:[\s-]+quarter)?", s)
    if m and ("quarter" in s or m.group(1).startswith("q")):
        q = int(m.group(1)[1]) if m.group(1).startswith("q") else ORDINALS[m.group(1)]
        year = _year_in(s, anchor)
        if year is not None:
            return Norm(f"{year}-Q{q}", "quarter", "quarter")
        if anchor is None:
            return Norm(None, "quarter", "quarter")
        current = (anchor.month - 1) // 3 + 1
        # a quarter named in the news is the latest one begun by the anchor, or the next in future tense
        y = anchor.year - (q > current)  # in the news, even "will report third-quarter results" is this year's
        if re.search(r"\b(?:year-ago|year-earlier|a year earlier|a year ago|last year's|prior-year)\b", s):
            y -= 1
        return Norm(f"{y}-Q{q}", "quarter", "quarter")
    m = re.fullmatch(r"(?:the\s+)?(latest|last|past|previous|current|this|next|coming|recent|just-ended|"
                     r"year-ago|year-earlier|same)(?:[\s-]+fiscal)?[\s-]+quarter", s)
    if m:
        if anchor is None:
            return Norm(None, "quarter", "quarter")
        shift = {"current": 0, "this": 0, "next": 1, "coming": 1, "year-ago": -5, "year-earlier": -5,
                 "same": -5}.get(m.group(1), -1)
        return Norm(_quarter(anchor, shift), "quarter", "relative")
    m = re.search(r"\b(first|second|last)\s+half\b", s)
    if m:
        year = _year_in(s, anchor)
        if year is None:
            year = anchor.year if anchor else None
        return Norm(f"{year}-H{1 if m.group(1) == 'first' else 2}" if year else None, "quarter", "half")
    return None


def _quarter(anchor: date, shift: int) -> str:
    index = anchor.year * 4 + (anchor.month - 1) // 3 + shift
    return f"{index // 4}-Q{index % 4 + 1}"


def _year_in(s: str, anchor: date | None) -> int | None:
    """The year an expression names: a number, or this/last/next year against the anchor."""
    m = re.search(rf"\b({_YEAR})\b", s)
    if m:
        return int(m.group(1))
    m = re.search(r"\b(this|last|next)\s+year\b", s)
    if m and anchor:
        return anchor.year + {"this": 0, "last": -1, "next": 1}[m.group(1)]
    return None


def _rule_season(s: str, anchor: date | None, tense: str | None) -> Norm | None:
    m = re.search(r"\b(spring|summer|fall|autumn|winter)\b", s)
    if not m or re.search(r"\b(?:spring|fall)\s+(?:of\s+)?(?:the|a|an)\b", s):
        return None
    code = SEASONS[m.group(1)]
    year = _year_in(s, anchor)
    if year is None:
        if anchor is None:
            return Norm(None, "season", "season")
        rel = re.search(r"\b(this past|last|past|next|coming|this)\s+(?:spring|summer|fall|autumn|winter)", s)
        month = SEASON_MONTH[code]
        if rel and rel.group(1) in ("last", "this past", "past"):
            year = anchor.year - (month >= anchor.month)
        elif rel and rel.group(1) in ("next", "coming"):
            year = anchor.year + (month <= anchor.month)
        elif rel or tense is None:
            year = anchor.year
        else:
            found = _nearest(lambda y: date(y, month, 15), anchor, tense)
            year = found.year if found else anchor.year
    elif re.search(r"\b(?:last|next)\s+(?:spring|summer|fall|autumn|winter)", s):
        year = None  # "last summer of 2019": read as written below
    if year is None:
        year = int(re.search(rf"\b({_YEAR})\b", s).group(1)) if re.search(rf"\b{_YEAR}\b", s) else None
    return Norm(f"{year:04d}-{code}" if year and _year_ok(year) else None, "season", "season")


def _rule_month(s: str, anchor: date | None, tense: str | None) -> Norm | None:
    m = re.search(rf"(?:\b({_REL.replace(chr(92) + 's', ' ')})\s+)?\b({_MONTH_NAME.lower()})(?!\w)", s)
    if not m:
        return None
    month = MONTHS[m.group(2).rstrip(".")]
    if anchor is None:
        return Norm(None, "month", "month")
    rel = m.group(1)
    if rel in ("last", "past", "this past", "previous", "the past", "the last"):
        year = anchor.year - (month >= anchor.month)
    elif rel in ("next", "coming", "the next", "the coming"):
        year = anchor.year + (month <= anchor.month)
    elif rel == "this":
        year = anchor.year
    else:
        found = _nearest(lambda y: date(y, month, 15), anchor, tense if tense in ("future", "ended") else "past",
                         strict=False)
        year = found.year if found else anchor.year
    return Norm(f"{year:04d}-{month:02d}", "month", "month")


def _rule_relative(s: str, anchor: date | None, tense: str | None) -> Norm | None:
    """this/last/next week|month|year|decade; "the same day"; "the year before"."""
    m = re.search(r"\b(this|last|next|past|coming|previous|current|same|following|prior)\s+"
                  r"(week|weekend|month|year|quarter|decade|day)\b", s)
    m2 = re.search(r"\b(?:the\s+)?(day|week|month|year)\s+(before|after)\b(?:\s+(yesterday|tomorrow))?", s)
    if not m and not m2:
        return None
    if m2 and not m:
        if m2.group(3):
            if anchor is None:
                return Norm(None, "day", "relative")
            shift = -2 if m2.group(3) == "yesterday" else 2
            return Norm((anchor + timedelta(days=shift)).isoformat(), "day", "relative")
        unit, rel = m2.group(1), {"before": "previous", "after": "next"}[m2.group(2)]
    else:
        rel, unit = m.group(1), m.group(2)
    # "the past year" is read as the calendar year before, as TimeML annotators mostly read it
    if re.search(rf"\bthe\s+(?:past|last)\s+{unit}\b", s):
        rel = "last"
    elif re.search(rf"\bthe\s+(?:coming|next)\s+{unit}\b", s):
        rel = "next"
    if anchor is None:
        return Norm(None, _granularity(unit), "relative")
    shift = {"this": 0, "current": 0, "same": 0, "last": -1, "past": -1, "previous": -1, "prior": -1,
             "next": 1, "coming": 1, "following": 1}[rel]
    return _shifted(anchor, unit, shift, "relative")


def _granularity(unit: str) -> str:
    return {"weekend": "week", "day": "day", "decade": "decade", "century": "century"}.get(unit, unit)


def _shifted(anchor: date, unit: str, n: int, how: str) -> Norm:
    """The calendar unit `n` units from the anchor's, as a TIMEX3 value."""
    if unit in ("day", "night"):
        return Norm((anchor + timedelta(days=n)).isoformat(), "day", how)
    if unit in ("week", "weekend"):
        y, w, _ = (anchor + timedelta(weeks=n)).isocalendar()
        return Norm(f"{y}-W{w:02d}" + ("-WE" if unit == "weekend" else ""), "week", how)
    if unit == "month":
        index = anchor.year * 12 + anchor.month - 1 + n
        y, mo = divmod(index, 12)
        return Norm(f"{y:04d}-{mo + 1:02d}" if _year_ok(y) else None, "month", how)
    if unit == "quarter":
        return Norm(_quarter(anchor, n), "quarter", how)
    if unit == "year":
        y = anchor.year + n
        return Norm(f"{y:04d}" if _year_ok(y) else None, "year", how)
    if unit == "decade":
        y = anchor.year + 10 * n
        return Norm(f"{y // 10:03d}" if _year_ok(y) else None, "decade", how)
    if unit == "century":
        y = anchor.year + 100 * n
        return Norm(f"{y // 100:02d}" if _year_ok(y) else None, "century", how)
    return Norm(None, None, how)


def _rule_ago(s: str, anchor: date | None, tense: str | None) -> Norm | None:
    m = re.search(rf"\b({_NUM})[\s-]+({_UNIT})\s+(ago|earlier|from now|hence)\b", s)
    m_in = re.search(rf"\b(?:in)\s+(?:the\s+)?({_NUM})\s+({_UNIT})\b", s)
    if not m and not (m_in and s.startswith("in ")):
        return None
    m = m or m_in
    n = _num(m.group(1))
    unit = _unit(m.group(2))
    if n is None:
        return Norm("PAST_REF" if m.lastindex == 3 and m.group(3) in ("ago", "earlier") else "FUTURE_REF",
                    "ref", "vague-ago")
    if anchor is None:
        return Norm(None, _granularity(unit), "ago")
    sign = -1 if m.lastindex == 3 and m.group(3) in ("ago", "earlier") else 1
    if n > 100_000 or n != int(n):
        return Norm(None, _granularity(unit), "ago")
    if unit in CLOCK_UNITS:
        return Norm(anchor.isoformat(), "day", "ago")
    return _shifted(anchor, unit, sign * int(n), "ago")


def _rule_duration(s: str, anchor: date | None, tense: str | None) -> Norm | None:
    m = re.search(rf"\b({_NUM})[\s-]+(and[\s-]+a[\s-]+half[\s-]+)?({_UNIT})\b", s)
    if m:
        n = _num(m.group(1))
        if n is not None and (m.group(2) or re.search(rf"{m.group(3)}\s+and\s+a\s+half\b", s)):
            n += 0.5
        if n is not None and n > 1e9:
            return Norm(None, "duration", "duration")
        return Norm(_duration(n, _unit(m.group(3))), "duration", "duration")
    m = re.search(r"\b(years|decades|months|weeks|days|hours|minutes|centuries)\b", s)
    if m:
        return Norm(_duration(None, _unit(m.group(1))), "duration", "vague-duration")
    return None


def _spelled_year(s: str) -> int | None:
    """ "nineteen ninety-six" -> 1996, "two thousand" -> 2000, "two thousand and one" -> 2001."""
    m = re.search(r"\b(nineteen|twenty)\s+(?:hundred\s+(?:and\s+)?)?((?:twenty|thirty|forty|fifty|sixty|seventy|eighty"
                  r"|ninety)(?:-\w+)?|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen"
                  r"|nineteen)\b", s)
    if m:
        rest = _num(m.group(2))
        return NUMBERS[m.group(1)] * 100 + int(rest) if rest is not None and rest < 100 else None
    m = re.search(r"\btwo thousand(?:\s+(?:and\s+)?(\w+(?:-\w+)?))?\b", s)
    if m:
        rest = _num(m.group(1)) if m.group(1) else 0
        return 2000 + int(rest) if rest is not None and rest < 100 else None
    return None


def _rule_year(s: str, anchor: date | None, tense: str | None) -> Norm | None:
    spelled = _spelled_year(s)
    if spelled is not None:
        return Norm(str(spelled), "year", "year-spelled")
    if re.fullmatch(r"(?:around\s+|by\s+|at\s+)?(?:the\s+)?(?:year[\s-]end|year's end|end of the year"
                    r"|(?:current\s+|full\s+)?fiscal\s+year|full\s+year|current\s+year)", s):
        return Norm(f"{anchor.year:04d}", "year", "this-year") if anchor else Norm(None, "year", "this-year")
    m = re.search(rf"(?<![\d,.])({_YEAR})(?![\d,])", s)
    if m:
        return Norm(m.group(1), "year", "fiscal-year" if "fiscal" in s else "year")
    m = re.search(r"(?:fiscal|calendar|year|model year)\s+'(\d\d)\b", s) or re.fullmatch(r"'(\d\d)", s)
    if m and anchor:
        two = int(m.group(1))
        century = anchor.year // 100 - (two > anchor.year % 100 + 10)
        return Norm(f"{century}{two:02d}", "year", "year-short")
    return None


_RULES = [
    _rule_ref, _rule_set, _rule_holiday, _rule_explicit, _rule_month_year, _rule_month_day, _rule_decade, _rule_century,
    _rule_quarter, _rule_ago, _rule_weekend, _rule_relative, _rule_weekday, _rule_deictic, _rule_season, _rule_month,
    _rule_year, _rule_clock, _rule_duration,
]


def _nearest(make, anchor: date, tense: str | None, strict: bool = True) -> date | None:  # type: ignore[no-untyped-def]
    """The candidate date (built for the years around the anchor) the expression most likely means.

    Past tense: the latest on or before the anchor; future tense: the earliest on or after it;
    otherwise the nearest. `make(year)` may raise ValueError ("Feb 30"): then there is none.
    """
    candidates = []
    for y in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            candidates.append(make(y))
        except ValueError:
            continue
    if not candidates:
        return None
    # tense leans only within LEAN days: "Nov. 20" read on Nov. 2 is this November even in a
    # past-tense clause ("said the vote was set for Nov. 20"), not last year's
    slack = 0 if strict else 31
    if tense == "ended":  # over: the latest on or before the anchor, however far back
        done = [c for c in candidates if c <= anchor]
        if done:
            return max(done)
    if tense == "past":
        before = [c for c in candidates if anchor - timedelta(days=LEAN) <= c <= anchor + timedelta(days=slack)]
        if before:
            return max(before)
    if tense == "future":
        after = [c for c in candidates if anchor - timedelta(days=slack) <= c <= anchor + timedelta(days=LEAN)]
        if after:
            return min(after)
    return min(candidates, key=lambda c: (abs((c - anchor).days), c > anchor))


# Verbs (and adjectives) whose complement happens later: "is scheduled to close Monday".
FUTURE_GOVERNORS = frozenset({
    "plan", "schedule", "set", "expect", "due", "intend", "hope", "prepare", "aim", "promise", "vow",
    "threaten", "likely", "poise", "slate", "propose", "anticipate", "reschedule", "postpone",
})
LEAN = 240  # days within which a clause's tense decides between last year's and this year's date


# --- explicit full dates (dateparser) -------------------------------------------------------------

_FULL_DATE = re.compile(
    # Every match starts with a month name's capital or a digit; checking that first lets the
    # scan of a whole story pass every other character at once.
    r"(?=[JFMASOND\d])"
    rf"(?:{_MONTH_NAME}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+{_YEAR}\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_NAME},?\s+{_YEAR}\b"
    r"|\b\d{4}-\d\d-\d\d\b)")


_MONTH_LOWER = _MONTH_NAME.lower()
_WRITTEN_DATE = re.compile(
    rf"(?P<m1>{_MONTH_LOWER})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>{_YEAR})\b"
    rf"|\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_MONTH_LOWER}),?\s+(?P<y2>{_YEAR})\b"
    r"|\b(?P<y3>\d{4})-(?P<m3>\d\d)-(?P<d3>\d\d)\b"
    r"|\b(?P<m4>\d{1,2})/(?P<d4>\d{1,2})/(?P<y4>(?:\d\d){1,2})\b")


@cache
def _parser():  # type: ignore[no-untyped-def]
    """One dateparser for the whole run (it is slow to build): full dates need no relative base."""
    from dateparser.date import DateDataParser

    settings = {"REQUIRE_PARTS": ["day", "month", "year"], "PREFER_DATES_FROM": "past",
                "DATE_ORDER": "MDY", "PREFER_LOCALE_DATE_ORDER": False}
    return DateDataParser(languages=["en"], settings=settings)


@lru_cache(maxsize=16_384)
def parse_full_date(text: str, anchor: date | None = None) -> date | None:
    """A date with day, month and year written out ("Jan. 28, 2021", "28 January 2021", "2021-01-28").

    The usual spellings (month name, ISO, US month/day/year) are read directly; dateparser reads
    anything else. A full date does not depend on `anchor`, which is kept for callers' sake.
    """
    m = _WRITTEN_DATE.search(text.lower())
    if m:
        g = m.groupdict()
        month = g["m1"] or g["m2"] or g["m3"] or g["m4"]
        y = g["y1"] or g["y2"] or g["y3"] or g["y4"]
        year = int(y) if len(y) == 4 else int(y) + (1900 if int(y) >= 69 else 2000)  # strptime's %y pivot
        mo = int(month) if month.isdigit() else MONTHS[month.rstrip(".")]
        day = int(g["d1"] or g["d2"] or g["d3"] or g["d4"])
        if g["m4"] and mo > 12 >= day:
            mo, day = day, mo  # "25/12/2020" can only be day first
        try:
            return date(year, mo, day)
        except ValueError:
            return None  # "Feb 30, 2020"
    text = re.sub(r"(\d)(?:st|nd|rd|th)\b", r"\1", text)
    try:
        found = _parser().get_date_data(text).date_obj
    except (ValueError, OverflowError, TypeError, AttributeError):
        return None
    return found.date() if found else None


def estimate_published(source: Analysis | str) -> date | None:
    """The latest explicit full date (day, month and year) in an article's text, or None.

    For articles without a publication date: the story's own date is very often the latest one
    it writes out in full (a dateline, a caption's "Thursday, Jan. 28, 2021"). Dates after today
    are left out, since no article is published in the future.
    """
    text = source if isinstance(source, str) else source.result.article.text
    return _latest_full_date(text, date.today())


@lru_cache(maxsize=8)
def _latest_full_date(text: str, today: date) -> date | None:
    """The latest full date in `text` not after `today`.

    Cached for the last few texts: an article without a date is estimated before its actors are
    resolved, and again by `anchor` when finding its times if that found nothing.
    """
    found = [d for m in _FULL_DATE.finditer(text) if (d := parse_full_date(m.group(0))) and d <= today]
    return max(found, default=None)


def anchor(analysis: Analysis) -> date | None:
    """The date expressions are normalised against: publication date, else the estimate from the text."""
    return analysis.result.article.published or estimate_published(analysis)


# --- finding expressions in a Doc -----------------------------------------------------------------

@dataclass
class _Candidate:
    start: int
    end: int
    rule: str


def find_times(analysis: Analysis) -> list[TimeRef]:
    """Every temporal expression in the article's headline and body, normalised against its anchor.

    The anchor is the publication date; when the article has none (or its date was itself
    estimated), the latest explicit full date in the text, and each `how` ends with
    "/estimated-anchor".
    """
    article = analysis.result.article
    base = anchor(analysis)
    estimated = base is not None and (article.published is None or article.published_estimated)
    doc = analysis.doc
    doc_text = _doc_text(analysis)
    sent_starts = _sentence_starts(doc)
    found: list[tuple[_Candidate, Norm, int]] = []
    for cand in _candidates(doc, doc_text):
        text = doc_text[cand.start:cand.end]
        if _NOT_TIME.search(text) or _ORDINAL_SECOND.match(doc_text, cand.start):
            continue  # an age ("a 44-year-old", "6 years old") or "a second attempt" is not a time
        span = doc.char_span(cand.start, cand.end, alignment_mode="expand")
        tense = _tense(span) if span is not None else None
        norm = _PERIOD_ENDED if cand.rule == "period-ended" else normalize(text, base, tense)
        if norm.how == "unknown" and cand.rule == "spacy":
            continue  # a model entity no rule can read ("the age of", "44"): more noise than signal
        sent = sent_starts[bisect_right(sent_starts, span.start) - 1] if span is not None and sent_starts else 0
        found.append((cand, norm, sent))
    found = _quarter_context(doc_text, _anaphora(doc_text, found))
    out: list[TimeRef] = []
    for cand, norm, _sent in found:
        if norm.value is None and cand.rule == "quarter-ref":
            continue  # "the period" with no quarter around it to refer to
        start, end = analysis.span(cand.start, cand.end)
        how = norm.how + ("/estimated-anchor" if estimated and norm.value and not _absolute(norm) else "")
        out.append(TimeRef(text=article.text[start:end], start=start, end=end, value=norm.value,
                           granularity=norm.granularity, how=how))
    return out


_PERIOD_ENDED = Norm("P1Y", "duration", "period-ended")

# "that year", "later that day", "the same month": the time of that unit the story named last.
_ANAPHORA = re.compile(r"(?:(?:early|earlier|late|later) (?:in )?)?(?:that|the same|that same) "
                       r"(day|week|month|year|quarter)")
_SHIFTED = re.compile(r"the (?:(following|next|previous|prior) (day|week|month|year)"
                      r"|(day|week|month|year) (before|after))")
_DAY_VALUE = re.compile(r"(\d{4})-(\d\d)-(\d\d)")


def _anaphora(text: str, found: list[tuple[_Candidate, Norm, int]]) -> list[tuple[_Candidate, Norm, int]]:
    """Read "that year", "earlier that day", "the same month" against the latest time named before.

    The antecedent is the nearest earlier expression whose value is at least as fine as the unit
    ("that month" takes the month of "Oct. 23, 1998"); with none, the value is None.
    """
    out: list[tuple[_Candidate, Norm, int]] = []
    for cand, norm, sent in found:
        m = _ANAPHORA.fullmatch(_clean(text[cand.start:cand.end]))
        if m:
            unit = m.group(1)
            value = next((v for _, n, _ in reversed(out) if (v := _as_unit(n.value, unit))), None)
            norm = Norm(value, _granularity(unit), "anaphoric")
        if norm.how == "clock" and norm.value and "T" in norm.value:  # "10 p.m.": on the day in question
            day = next((v for _, n, _ in reversed(out) if (v := _as_unit(n.value, "day"))), None)
            if day is not None:
                norm = Norm(day + norm.value[10:], "day", "clock/anaphoric")
        shifted = _SHIFTED.fullmatch(_clean(text[cand.start:cand.end]))
        if shifted:
            unit = shifted.group(2) or shifted.group(3)
            step = -1 if (shifted.group(1) or shifted.group(4)) in ("previous", "prior", "before") else 1
            value = next((v for _, n, _ in reversed(out) if (v := _as_unit(n.value, unit))), None)
            if value is not None and unit != "week":
                base = date(int(value[:4]), int(value[5:7] or 1) if len(value) > 4 else 1,
                            int(value[8:10]) if len(value) > 7 else 1)
                norm = Norm(_shifted(base, unit, step, "anaphoric").value, _granularity(unit), "anaphoric")
        out.append((cand, norm, sent))
    return out


def _as_unit(value: str | None, unit: str) -> str | None:
    """The day, week, month, quarter or year a TIMEX3 value falls in, if it is that fine."""
    if not value or not value[:4].isdigit() or (len(value) > 4 and value[4] != "-"):
        return None
    if unit == "year":
        return value[:4]
    if unit == "quarter" and re.match(r"\d{4}-Q[1-4]\b", value):
        return value[:7]
    if unit == "week" and re.match(r"\d{4}-W\d\d\b", value):
        return value[:8]
    day = _DAY_VALUE.match(value)
    month = re.match(r"(\d{4})-(\d\d)(?![\d-])|(\d{4})-(\d\d)-", value)
    if unit == "day":
        return day.group(0) if day else None
    if unit == "month":
        return value[:7] if month else None
    if unit == "quarter" and month:
        return f"{value[:4]}-Q{(int(value[5:7]) - 1) // 3 + 1}"
    if unit == "week" and day:
        try:
            y, w, _ = date(*map(int, day.groups())).isocalendar()
        except ValueError:
            return None
        return f"{y}-W{w:02d}"
    return None


# A year back from a quarter ("profit fell from $2 a year earlier"), and quarters named by
# reference ("the quarter", "the 1988 period"): they take their quarter from a nearby one.
_YEAR_BACK = re.compile(
    r"(?:a year (?:ago|earlier)|last year(?:'s)?(?: (?:quarter|period))?|(?:the )?(?:comparable )?year-(?:ago|earlier)"
    r"(?: (?:quarter|period|results))?|the (?:same|comparable|corresponding) (?:period|quarter)"
    r"(?: (?:a year (?:ago|earlier)|last year|of last year))?)")
_QUARTER_REF = re.compile(r"(?:the )?(?:latest|just-ended|most recent|recent|current|same|comparable)?\s*"
                          r"(?:quarter|period)|(?:the )?(\d{4}) (?:quarter|period)")
_QUARTER = re.compile(r"(\d{4})-Q([1-4])")


def _quarter_context(text: str, found: list[tuple[_Candidate, Norm, int]]) -> list[tuple[_Candidate, Norm, int]]:
    """Read year-back and by-reference expressions against the nearest quarter in the story.

    The quarter must be in the same sentence, or (for "a year ago", "the quarter") the latest
    one in an earlier sentence; "last year" alone changes only next to a quarter.
    """
    def source(c: _Candidate, n: Norm) -> bool:  # a quarter named outright ("the third quarter")
        return n.how == "quarter" and bool(_QUARTER.fullmatch(n.value or "")) and \
            not _YEAR_BACK.search(_clean(text[c.start:c.end]))

    out = []
    for i, (cand, norm, sent) in enumerate(found):
        s = _clean(text[cand.start:cand.end])
        back, ref = _YEAR_BACK.fullmatch(s), _QUARTER_REF.fullmatch(s)
        if ref and norm.value and not ref.group(1):
            ref = None  # "the latest quarter" was read already, against the anchor
        if back or ref:
            same = [n for c, n, st in found if st == sent and source(c, n) and c is not cand]
            earlier = [n for c, n, st in found[:i] if st < sent and source(c, n)]
            near = same[:1] or ([] if back and s.startswith("last year") else earlier[-1:])
            if near:
                y, q = _QUARTER.fullmatch(near[0].value or "").groups()  # type: ignore[union-attr]
                year = int(ref.group(1)) if ref and ref.group(1) else int(y) - (1 if back else 0)
                norm = Norm(f"{year}-Q{q}", "quarter", "quarter-context")
        out.append((cand, norm, sent))
    return out


def _doc_text(analysis: Analysis) -> str:
    """The Doc's text, from the pieces it was made of (Doc.text joins every token, each time)."""
    return analysis.text


def _sentence_starts(doc) -> list[int]:  # type: ignore[no-untyped-def]
    """Token index of each sentence's first token (from one array: Span.sent walks the Doc each time)."""
    from spacy.attrs import SENT_START

    if not len(doc):
        return []
    flags = doc.to_array([SENT_START])
    return [0, *(int(i) for i in (flags[1:] == 1).nonzero()[0] + 1)]


def _absolute(norm: Norm) -> bool:
    return norm.how.startswith(("explicit-date", "month-year", "year", "decade", "century", "fiscal-year",
                                "duration", "vague-duration", "set", "ref", "period-ended"))


def _candidates(doc, text: str) -> list[_Candidate]:  # type: ignore[no-untyped-def]
    """Spans from our patterns and spaCy's DATE/TIME entities, overlaps merged.

    A model entity that spans two of our expressions ("the fourth quarter ended Sept. 30") is
    left out, so that each expression keeps its own value. `text` is the Doc's text.
    """
    raw: list[_Candidate] = []
    lower: str | None = text.lower()
    if len(lower) != len(text) or _FOLD_APART.search(text):
        lower = None  # scan as written
    for (name, pattern, _cues), lowered, windows in zip(_COMPILED, _LOWERED, _windows(text), strict=True):
        scanned = text
        if lowered is not None and lower is not None:
            pattern, scanned = lowered, lower
        group = "t" if "t" in pattern.groupindex else 0  # a pattern may name the part it means
        for a, b in windows:
            raw.extend(_Candidate(*m.span(group), name) for m in pattern.finditer(scanned, a, b)
                       if m.end(group) > m.start(group))
    ours = _merge(text, raw)
    for ent in doc.ents:
        if ent.label_ in ("DATE", "TIME") and _TIME_WORD.search(ent.text):
            if _YEAR_LIST.fullmatch(ent.text):  # "between 1985 and 1987": each year on its own
                raw.extend(_Candidate(ent.start_char + m.start(), ent.start_char + m.end(), "year")
                           for m in re.finditer(_YEAR, ent.text))
                continue
            inside = [c for c in ours if c.start < ent.end_char and ent.start_char < c.end]
            if len(inside) < 2:
                raw.append(_Candidate(ent.start_char, ent.end_char, "spacy"))
    return [_trim(text, c) for c in _merge(text, raw)]


# Scanning a whole story with each of ~40 patterns is most of the cost of finding times; instead
# each pattern runs only in windows around the words that hold one of its cues. A match holds a
# cue and is shorter than the margins, so it lies inside a window and is found as in a full scan.
_WORD = re.compile(r"[\w'.:/-]+")  # every cue lies inside one such word
_WORD_SPLIT = re.compile(f"({_WORD.pattern})")
_BEFORE, _AFTER = 120, 80  # characters a window reaches before and after its cue word


_ANY_CUE = re.compile("|".join(sorted({re.escape(cue) for _, _, _, cues in PATTERNS for cue in cues})))
_SHAPES = [_CUE_SHAPES.get(cues) for _, _, cues in _COMPILED]


@lru_cache(maxsize=65_536)
def _cued(word: str) -> tuple[int, ...]:
    """The indexes of the patterns one of whose cues the word holds (lowercased), in the cue's shape."""
    lower = word.lower()
    if not _ANY_CUE.search(lower):
        return ()  # most words
    return tuple(i for i, (_, _, cues) in enumerate(_COMPILED) if any(cue in lower for cue in cues)
                 and (_SHAPES[i] is None or _SHAPES[i].search(word)))


def _windows(text: str) -> list[list[tuple[int, int]]]:
    """For each pattern, the merged (start, end) stretches of `text` worth scanning with it."""
    out: list[list[tuple[int, int]]] = [[] for _ in _COMPILED]
    # Nine words in ten hold no cue: split and look them up in bulk, and place only the cued ones.
    parts = _WORD_SPLIT.split(text)  # separator, word, separator, word, ..., separator
    words = parts[1::2]
    offsets = list(accumulate(map(len, parts), initial=0))
    cued = list(map(_cued, words))
    for k in compress(range(len(words)), cued):
        start = offsets[2 * k + 1]
        a, b = max(0, start - _BEFORE), start + len(words[k]) + _AFTER
        for i in cued[k]:
            spans = out[i]
            if spans and a <= spans[-1][1]:
                spans[-1] = (spans[-1][0], b)
            else:
                spans.append((a, b))
    return out


_YEAR_LIST = re.compile(
    rf"(?:(?:between|from)\s+)?{_YEAR}(?:(?:\s*,\s*|\s*-\s*|,?\s+(?:and|to|or|through)\s+){_YEAR})+")


def _merge(text: str, raw: list[_Candidate]) -> list[_Candidate]:
    merged: list[_Candidate] = []
    for cand in sorted(raw, key=lambda c: (c.start, -c.end)):
        if merged and (cand.start < merged[-1].end or _joins(text, merged[-1], cand)):
            last = merged[-1]
            rule = last.rule if last.rule != "spacy" else cand.rule
            merged[-1] = _Candidate(last.start, max(last.end, cand.end), rule)
        else:
            merged.append(cand)
    return merged


_JOINING_GAP = re.compile(r",?\s{1,2}(?:on\s+)?")
_PART_OF_DAY = re.compile(rf"(?:(?:the\s+)?(?:early|late|mid)[\s-]*)?{_PART}", re.I)


def _joins(text: str, a: _Candidate, b: _Candidate) -> bool:
    """Adjacent pieces that make one expression: "9 a.m. Tuesday", "Friday morning"."""
    gap = text[a.end:b.start]
    if not _JOINING_GAP.fullmatch(gap) or "\n" in gap:
        return False
    return "clock" in (a.rule, b.rule) or bool(_PART_OF_DAY.fullmatch(text, b.start, b.end)) or \
        bool(_PART_OF_DAY.fullmatch(text, a.start, a.end))


_LEAD = re.compile(r"(?:(?:in|on|at|since|during|by|until|for|from|of|between)\s+)+", re.I)
_TAIL = re.compile(r"(?:,|\s)\s*(?:and|or|to)$", re.I)


def _trim(text: str, cand: _Candidate) -> _Candidate:
    """Drop leading prepositions and trailing punctuation a model entity may carry."""
    piece = text[cand.start:cand.end]
    lead = _LEAD.match(piece)
    start = cand.start + (lead.end() if lead and lead.end() < len(piece) else 0)
    end = cand.end
    while end > start + 1 and text[end - 1] in " ,;:":
        end -= 1
    tail = _TAIL.search(text[start:end])  # "between now and"
    if tail and tail.start() > 0:
        end = start + tail.start()
    return _Candidate(start, end, cand.rule)


def _governor(token):  # type: ignore[no-untyped-def]
    """The nearest verb at or above `token` in the parse, or None."""
    for _ in range(8):
        if token.pos_ in ("VERB", "AUX"):
            return token
        if token.head is token:
            return None
        token = token.head
    return None


_AHEAD_CUE = re.compile(r"\b(?:as soon as|as early as|as late as|no later than|starting|beginning)\s*$")
_ENDED_CUE = re.compile(r"\bended\s*$")


def _tense(span: Span) -> str | None:
    """past, future, present, ended or None for the clause an expression sits in.

    From the verb that governs it: "will"/"shall", a modal ("would", "may") or an infinitive
    ("plans to meet Monday") point ahead; a past form or "has"/"had" back; a bare present
    ("meets Monday") is "present". Cue words just before the expression ("until", "as soon as")
    point ahead whatever the verb; "ended" just before it ("the year ended March 31") is "ended",
    a time over by the anchor however far back.
    """
    doc = span.doc
    before = doc[max(span.start - 3, 0):span.start].text.lower()
    if _AHEAD_CUE.search(before):
        return "future"
    if _ENDED_CUE.search(before):
        return "ended"  # "the year ended March 31": a period over by the time of writing
    after = doc[span.end] if span.end < len(doc) else None
    if span[-1].tag_ == "POS" or (after is not None and after.tag_ == "POS"):
        return None  # "Tuesday's ruling" names an event already known: the default reading
    token = _governor(span.root)
    if token is None:
        return None
    for _ in range(4):
        # an infinitive looks ahead under verbs of planning ("planned to leave Thursday"), else
        # it takes the tense of the verb it depends on ("declined to comment Saturday")
        if not (token.tag_ == "VB" and any(c.lower_ == "to" for c in token.children)):
            break
        if token.head.lemma_.lower() in FUTURE_GOVERNORS:
            return "future"
        head = _governor(token.head) if token.head is not token else None
        if head is None:
            return None
        token = head
    aux = [c for c in token.children if c.dep_ in ("aux", "auxpass")]
    words = {t.lower_ for t in aux}
    if token.lemma_.lower() in FUTURE_GOVERNORS and token.tag_ != "VB":
        return "future"  # "is scheduled ... Monday", "planned ... Thursday"
    if words & {"will", "'ll", "shall", "wo", "would", "'d", "may", "might", "should", "must", "ca", "can"} or \
            any(t.lower_ == "going" and t.tag_ == "VBG" for t in aux):
        return "future"
    if any(t.tag_ == "VBD" for t in [*aux, token]) or words & {"had", "has", "have", "'ve"}:
        return "past"
    if token.tag_ == "VBN" and token.dep_ != "amod":
        return "past"
    if token.tag_ in ("VBZ", "VBP"):
        return "present"
    return None
