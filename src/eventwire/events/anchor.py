"""When and where each coded event happened.

Date: a temporal expression in the trigger's own clause ("talks collapsed in early 2019" ->
2019), else the publication date (flagged when that date was estimated from the text). Place:
the resolved place of the event's sentence closest to the trigger, among those that say where
something is ("in Seoul", "near the border") or are not part of an actor's name ("South Korea's
leader", "the alliance with the U.S." say who, not where); else the story's dateline; else
none. Each choice records its rule.
"""

from __future__ import annotations

import bisect
from dataclasses import asdict

from spacy.tokens import Token

from eventwire.model import Event, Place, TimeRef
from eventwire.nlp import Analysis

# "peace on the Korean Peninsula" and "an attack on Kyiv" name a topic or a target: "on" is left out.
WHERE = frozenset({"in", "at", "near", "into", "across", "throughout", "inside", "outside", "around", "off",
                   "along", "over", "within", "toward", "towards", "through"})
CLAUSE_DEPS = frozenset({"ROOT", "ccomp", "xcomp", "advcl", "relcl", "conj", "acl", "csubj", "pcomp", "parataxis"})


def anchor_events(analysis: Analysis, events: list[Event], times: list[TimeRef], places: list[Place]) -> None:
    """Set `date`, `date_granularity`, `date_rule` and `place` on each event, in place."""
    article = analysis.result.article
    starts = analysis.token_starts() if events else []
    actor_spans = [(m["start"], m["end"]) for a in analysis.result.actors for m in a.mentions if a.how != "place"]
    places = [p for p in places if p.lat is not None and (_where(analysis, starts, p) or not any(
        s < p.end and p.start < e for s, e in actor_spans))]
    published = article.published.isoformat() if article.published else None
    published_rule = "published-estimated" if article.published_estimated else "published"
    dateline = next((p for p in places if p.how == "dateline"), None)
    for event in events:
        trigger = _token_at(analysis, starts, event.trigger["start"])
        own = _clause_time(analysis, starts, trigger, times) if trigger is not None else None
        if own is not None and own.value:
            event.date, event.date_granularity, event.date_rule = own.value, own.granularity, "expression"
        elif published:
            event.date, event.date_granularity, event.date_rule = published, "day", published_rule
        place, rule = _place(event, places, dateline)
        event.place = {**asdict(place), "rule": rule} if place is not None else None


def _where(analysis: Analysis, starts: list[int], place: Place) -> bool:
    """Whether a place is the object of a preposition of location ("drills in South Korea")."""
    token = _token_at(analysis, starts, place.start)
    if token is None:
        return False
    head = token
    while head.dep_ in ("compound", "amod", "det", "poss", "case") and head.head != head:
        head = head.head
    return head.dep_ == "pobj" and head.head.lower_ in WHERE


def _token_at(analysis: Analysis, starts: list[int], original: int) -> Token | None:
    """The Doc token that holds original offset `original` (tokens' original starts in `starts`)."""
    i = bisect.bisect_right(starts, original) - 1
    return analysis.doc[i] if i >= 0 else None


def _clause(token: Token) -> Token:
    """The head of the clause a token belongs to."""
    while token.dep_ not in CLAUSE_DEPS and token.head != token:
        token = token.head
    return token


def _clause_time(analysis: Analysis, starts: list[int], trigger: Token, times: list[TimeRef]) -> TimeRef | None:
    sent = trigger.sent
    s_start, s_end = analysis.span(sent.start_char, sent.end_char)
    clause = _clause(trigger if trigger.pos_ in ("VERB", "AUX") else trigger.head)
    best: tuple[int, TimeRef] | None = None
    for time in times:
        if not (s_start <= time.start < s_end) or time.granularity in ("duration", "ref"):
            continue
        token = _token_at(analysis, starts, time.start)
        if token is None or token.sent != sent or _clause(token) != clause:
            continue
        head = _span_root(analysis, starts, token, time).head
        if head.pos_ in ("NOUN", "PROPN") and head != trigger:
            continue  # "the president's Jan. 20 inauguration": the date of another noun's event
        distance = abs(token.i - trigger.i)
        if best is None or distance < best[0]:
            best = (distance, time)
    return best[1] if best else None


def _span_root(analysis: Analysis, starts: list[int], token: Token, time: TimeRef) -> Token:
    """The token of a time expression whose head lies outside it."""
    end = _token_at(analysis, starts, max(time.start, time.end - 1))
    inside = range(token.i, (end.i if end is not None else token.i) + 1)
    root = token
    while root.head.i in inside and root.head != root:
        root = root.head
    return root


def _place(event: Event, places: list[Place], dateline: Place | None) -> tuple[Place | None, str | None]:
    s_start, s_end = event.sentence["start"], event.sentence["end"]
    near = [p for p in places if s_start <= p.start < s_end]
    if near:
        return min(near, key=lambda p: abs(p.start - event.trigger["start"])), "sentence"
    if dateline is not None:
        return dateline, "dateline"
    return None, None
