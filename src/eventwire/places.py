"""Places: every place mention of an article resolved to a gazetteer entry with coordinates.

Mentions come from the parser's GPE/LOC/FAC entities, from names the gazetteer knows after a
locative preposition that the model missed ("fighting near Bakhmut", "north of Moorhead"), from
the dateline ("SEOUL, South Korea (AP) —"), and from other occurrences of a name the story already
uses as a place ("the Mansfield Police Department"). A capital the actor resolver read as a
government ("Washington said") is an actor, not a place, unless a state or country follows it
("Paris, Texas"); people the resolver named are never places ("Bush", "Obama").

Each distinct name is resolved once per article (a story means one Springfield throughout):
regions and waters from our own list, countries by the names the actor dictionary knows, state
abbreviations, then divisions and towns. Among namesakes the choice weighs population against the
article's context: the countries its actors and unambiguous places belong to (a name never counts
as evidence for its own reading), a state or country written after the town ("Alexandria, La."),
the states already named, and nearness to the places that are not ambiguous.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise

import numpy as np
from spacy.attrs import DEP, LOWER
from spacy.strings import get_string_id
from spacy.tokens import Span

from eventwire.actors.lexicon import Lexicon, default_lexicon
from eventwire.clean.normalize import name_key
from eventwire.datafiles import data_path
from eventwire.gazetteer import Gazetteer, Location, gazetteer
from eventwire.model import Actor, Place
from eventwire.nlp import Analysis

LABELS = frozenset({"GPE", "LOC", "FAC"})
# Prepositions before which a capitalised name the model missed is still read as a place.
LOCATIVE = frozenset({"in", "at", "near", "from", "to", "into", "across", "outside", "inside", "around", "toward",
                      "towards", "throughout", "off", "via", "through", "over", "along", "within", "between"})
# "north of Moorhead", "the outskirts of Kharkiv": "of" is locative after these words only.
AREA_HEADS = frozenset({"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest",
                        "outskirts", "suburbs", "suburb", "center", "centre", "heart", "city", "town", "village",
                        "province", "state", "region", "county", "district", "capital", "streets", "outside"})
MAX_NAME_TOKENS = 4
# The same words and label as ids, as a Doc stores them (a symbol or a hash), to compare without strings.
_PREPOSITIONS = frozenset(get_string_id(w) for w in LOCATIVE | {"of"})
_PREP, _THE = get_string_id("prep"), get_string_id("the")
# "in March", "on Sunday": towns carry these names too (March, Cambridgeshire).
CALENDAR_WORDS = frozenset({"january", "february", "march", "april", "may", "june", "july", "august", "september",
                            "october", "november", "december", "monday", "tuesday", "wednesday", "thursday",
                            "friday", "saturday", "sunday", "christmas", "easter"})
# A town this big is a fair guess even without context; smaller ones need a reason.
KNOWN_TOWN = 15_000
# Dateline at the head of a story: "SEOUL, South Korea (AP) —", "MANSFIELD --", "Kyiv, Ukraine -".
DATELINE = re.compile(r"^\s*(?P<place>[A-Z][A-Za-z.'\- ]{1,40}?)(?:,\s*(?P<region>[A-Z][A-Za-z.' ]{1,30}?))?"
                      r"\s*(?:\((?P<agency>[A-Za-z. ]{1,20})\))?\s*(?:—|–|--|-|:)\s")
# How the actor resolver names actors it placed by a town or by context alone.
GUESSED_ACTORS = frozenset({"place", "metonym", "unresolved", "context"})
# How the actor resolver names people (and their titles): never a place.
PERSON_HOWS = frozenset({"dictionary", "dictionary-short", "name-chain", "pronoun"})
# A dateline in capitals a little way into the text, after a byline or a date the cleaner left
# in the paragraph: "By Jane Roe, March 24, 2009 MANSFIELD -- ...".
CAPS_DATELINE = re.compile(r"(?:^|(?<=\s))(?P<place>[A-Z][A-Z.'\-]+(?: [A-Z][A-Z.'\-]+){0,3})"
                           r"(?:,\s*(?P<region>[A-Z][A-Za-z.' ]{1,30}?))?\s*(?:\((?P<agency>[A-Za-z. ]{1,20})\))?"
                           r"\s*(?:—|–|--)\s")
DATELINE_REACH = 400
# A national capital is what a bare name means more often than its population says
# ("Washington" the city over the state, "Athens" ...).
CAPITAL_BONUS = 1.0
# Nearness that counts as "the same area" when choosing among towns of one name (km).
NEAR_KM = 300.0


@dataclass
class Mention:
    """A place mention before resolution, in Doc character offsets."""

    start: int
    end: int
    text: str
    how: str  # ner, gazetteer, dateline
    label: str = "GPE"
    qualifier: str | None = None  # the state or country written after it: "Alexandria, La."


@dataclass
class Context:
    """What the article says about where it is, for choosing among namesakes."""

    countries: Counter[str] = field(default_factory=Counter)
    # Country evidence each name gave through the actors ("Georgia" -> GEO): a name must not
    # count as evidence for its own reading.
    own: Counter[tuple[str, str]] = field(default_factory=Counter)
    states: set[tuple[str, str]] = field(default_factory=set)
    anchors: list[Location] = field(default_factory=list)  # places with one clear reading


def find_places(analysis: Analysis, actors: Iterable[Actor] = (), lexicon: Lexicon | None = None,
                gaz: Gazetteer | None = None) -> list[Place]:
    """Every place mention in the article's dateline, headline and body, resolved where possible."""
    lexicon = lexicon or default_lexicon()
    gaz = gaz or gazetteer()
    actors = list(actors)
    ents = analysis.doc.ents  # built anew at every access, so read once
    acting = _acting_spans(actors)
    people = _person_spans(analysis, ents, actors)
    # A capital "acting" is a place after all when a state or country follows it: "Paris, Texas".
    mentions = [m for m, span in ((m, analysis.span(m.start, m.end)) for m in _mentions(analysis, ents, lexicon, gaz))
                if (span not in acting or (m.qualifier and _state_or_country(m.qualifier, lexicon, gaz)))
                and not (m.how == "gazetteer" and _overlaps(span, people))]
    readings = _resolve(mentions, actors, lexicon, gaz)
    mentions += _same_names(analysis, mentions, readings, acting, people)
    places = [_place(analysis, m, readings.get(_key(m.text))) for m in mentions]
    places.extend(_separate_datelines(analysis, lexicon, gaz, readings))
    return sorted(places, key=lambda p: p.start)


# --- finding mentions ----------------------------------------------------------------------------

def _acting_spans(actors: list[Actor]) -> set[tuple[int, int]]:
    """Original spans of capitals and institutions used as actors ("Washington said")."""
    return {(m["start"], m["end"]) for a in actors for m in a.mentions if m.get("how") == "metonym"}


def _person_spans(analysis: Analysis, ents: tuple[Span, ...], actors: list[Actor]) -> list[tuple[int, int]]:
    """Original spans of people: PERSON entities longer than one word and people the actor
    resolver named ("Bush" is a person here, not a town in Louisiana)."""
    spans = [analysis.span(e.start_char, e.end_char) for e in ents if e.label_ == "PERSON" and len(e) > 1]
    spans += [(m["start"], m["end"]) for a in actors for m in a.mentions if m.get("how") in PERSON_HOWS]
    return spans


def _overlaps(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(s < span[1] and span[0] < e for s, e in spans)


def _same_names(analysis: Analysis, mentions: list[Mention], readings: dict[str, tuple[Location, str] | None],
                acting: set[tuple[int, int]], people: list[tuple[int, int]]) -> list[Mention]:
    """Other occurrences of a name the story already uses as a place: "the Mansfield Police
    Department", "Mansfield's pastor", a capitalised dateline "MANSFIELD --" (one sense per story)."""
    names = {m.text for m in mentions if readings.get(_key(m.text)) and m.text[:1].isupper()}
    if not names:
        return []
    text = analysis.text
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b",
                         re.IGNORECASE)
    taken = [(m.start, m.end) for m in mentions]
    found = []
    for match in pattern.finditer(text):
        written = match.group()
        if not (written in names or (written.isupper() and len(written) > 3)):
            continue  # same letters, other case: "Bush" the place is not "bush"
        span = (match.start(), match.end())
        original = analysis.span(*span)
        if _overlaps(span, taken) or original in acting or _overlaps(original, people):
            continue
        found.append(Mention(span[0], span[1], written, "same-name"))
        taken.append(span)
    return found


def _mentions(analysis: Analysis, ents: tuple[Span, ...], lexicon: Lexicon, gaz: Gazetteer) -> list[Mention]:
    doc = analysis.doc
    found: list[Mention] = []
    taken: set[int] = set()  # token indices
    dateline = _body_dateline(analysis)
    if dateline:
        found.append(dateline)
        span = doc.char_span(dateline.start, dateline.end, alignment_mode="expand")
        if span:
            taken.update(range(span.start, span.end))
    for ent in ents:
        if ent.label_ not in LABELS or not taken.isdisjoint(range(ent.start, ent.end)):
            continue
        span = _trim(ent)
        if span is None:
            continue
        found.append(Mention(span.start_char, span.end_char, span.text, "ner", ent.label_))
        taken.update(range(ent.start, ent.end))
    for ent in ents:
        # "an Alexandria woman", "the Fargo police": a known town modifying a noun, which the
        # model often takes for a person or an organisation.
        if ent.label_ in ("PERSON", "ORG") and ent.root.dep_ == "compound" and ent.root.head.pos_ == "NOUN" \
                and ent.root.head.is_lower and _known(ent.text, lexicon, gaz):
            found.append(Mention(ent.start_char, ent.end_char, ent.text, "gazetteer"))
            taken.update(range(ent.start, ent.end))
    for ent in ents:
        taken.update(range(ent.start, ent.end))  # people and organisations are not places
    found.extend(_missed_names(analysis, lexicon, gaz, taken))
    found.sort(key=lambda m: m.start)
    _qualify(found, analysis.text)
    return found


def _trim(ent: Span) -> Span | None:
    """The name without a leading "the" or a trailing possessive."""
    start, end = ent.start, ent.end
    while start < end and ent.doc[start].lower_ in ("the", "'s", "’s"):
        start += 1
    while end > start and ent.doc[end - 1].tag_ == "POS":
        end -= 1
    return ent.doc[start:end] if end > start else None


def _body_dateline(analysis: Analysis) -> Mention | None:
    """The dateline that opens the first body paragraph, when the story keeps it there."""
    doc = analysis.doc
    for piece in analysis.pieces:
        if analysis.result.segments[piece.segment].kind != "body":
            continue
        text = piece.norm.text
        match = DATELINE.match(text)
        if not match or not _looks_like_dateline(match):
            match = CAPS_DATELINE.search(text[:DATELINE_REACH])
        if not match:
            return None
        start = piece.doc_start + match.start("place")
        mention = Mention(start, start + len(match.group("place")), match.group("place"), "dateline")
        mention.qualifier = match.group("region")
        return mention if doc.char_span(mention.start, mention.end, alignment_mode="expand") else None
    return None


def _looks_like_dateline(match: re.Match[str]) -> bool:
    # Capitals ("SEOUL") or an agency in brackets: a sentence opening "Moon said -" is not one.
    place = match.group("place").strip()
    return bool(place.replace(".", "").replace(" ", "").isupper() or match.group("agency"))


def _missed_names(analysis: Analysis, lexicon: Lexicon, gaz: Gazetteer, taken: set[int]) -> list[Mention]:
    """Capitalised names after a locative preposition that the gazetteer knows and NER missed."""
    doc = analysis.doc
    if not len(doc):
        return []
    table = doc.to_array([DEP, LOWER])
    found: list[Mention] = []
    for i in _prepositions(table):
        first = i + 1
        if first < len(doc) and table[first, 1] == _THE:
            first += 1
        # Most prepositions have no capitalised word after them: that is tested first.
        if first >= len(doc) or first in taken or not doc[first].text[:1].isupper():
            continue
        token = doc[i]
        if not (token.lower_ in LOCATIVE or (token.lower_ == "of" and token.head.lower_ in AREA_HEADS)):
            continue
        names = []
        for end in range(first + 1, min(first + MAX_NAME_TOKENS, len(doc)) + 1):
            if end - 1 in taken or not doc[end - 1].text[:1].isupper():
                break
            names.append(doc[first:end])
        for span in reversed(names):  # the longest name that is a place
            if _known(span.text, lexicon, gaz):
                found.append(Mention(span.start_char, span.end_char, span.text, "gazetteer"))
                taken.update(range(span.start, span.end))
                break
    return found


def _prepositions(table: np.ndarray) -> list[int]:
    """Indexes of the tokens `_missed_names` may start from: "prep" dependents (DEP, column 0 of
    `table`) that are a locative or "of" (LOWER, column 1)."""
    preps = np.flatnonzero(table[:, 0] == np.uint64(_PREP))
    return [i for i, lower in zip(preps.tolist(), table[preps, 1].tolist(), strict=True) if lower in _PREPOSITIONS]


def _known(name: str, lexicon: Lexicon, gaz: Gazetteer) -> bool:
    """Whether a name the model did not tag is a place all the same: a country, region or
    division, or the main name of a sizeable town that is not also a calendar word or an actor."""
    entry = lexicon.lookup(name)
    if entry is not None and entry.kind != "metonym":  # a capital after "in" is the town ("met in Kyiv")
        return entry.kind == "country"  # "Hamas", "the Pentagon": actors the dictionary knows
    if name_key(name) in CALENDAR_WORDS:
        return False
    return bool(gaz.region(name) or gaz.states(name)
                or any(c.population >= KNOWN_TOWN for c in gaz.by_name.get(name_key(name), ())))


def _qualify(mentions: list[Mention], text: str) -> None:
    """Note the state or country written right after a town: "Long Beach, Calif." / "Paris, Texas"."""
    for mention, nxt in pairwise(mentions):
        between = text[mention.end:nxt.start]
        if between.strip() == ",":
            mention.qualifier = nxt.text
    for mention in mentions:
        if mention.qualifier is None:
            match = re.match(r",\s*([A-Z][a-z]{0,4}\.(?:\s?[A-Z][a-z]?\.)?|[A-Z]{2}\b)", text[mention.end:])
            if match:
                mention.qualifier = match.group(1)


# --- resolving -----------------------------------------------------------------------------------

def _key(text: str) -> str:
    key = name_key(text)
    return key[4:] if key.startswith("the ") else key


def _resolve(mentions: list[Mention], actors: list[Actor], lexicon: Lexicon,
             gaz: Gazetteer) -> dict[str, tuple[Location, str] | None]:
    """One reading per distinct name: (location, rule), or None when the gazetteer has none.

    Names with one reading come first and become the context; then towns with a state or
    country written after them; then the other ambiguous names, each adding to the context.
    """
    context = Context()
    # Countries of actors named outright ("President Moon", "Egypt") are evidence of where the
    # story is; an actor placed by a town name is a guess of the same kind as ours, so it is not.
    for actor in actors:
        if actor.country and actor.how not in GUESSED_ACTORS and not (actor.how or "").endswith("+context"):
            context.countries[actor.country] += 1
            context.own.update((_key(m["text"]), actor.country) for m in actor.mentions[:1])
    readings: dict[str, tuple[Location, str] | None] = {}
    pending: dict[str, tuple[list[Location], Mention]] = {}
    for mention in mentions:
        key = _key(mention.text)
        if key in readings or key in pending:
            continue
        # "Lebanon, Pa." is a town whatever the country of that name.
        fixed = None if mention.qualifier and gaz.cities(mention.text) else \
            _fixed(mention.text, lexicon, gaz, demonym=mention.label == "GPE")
        candidates = _candidates(mention, lexicon, gaz) if fixed is None else []
        if fixed is None and len(candidates) == 1 and mention.label != "FAC":
            fixed = candidates[0], "gazetteer"
        if fixed is not None:
            readings[key] = fixed
            _learn(context, fixed[0], anchor=True)
        else:
            pending[key] = (candidates, mention)
    qualified = {k: v for k, v in pending.items() if v[1].qualifier}
    for key, (candidates, mention) in [*qualified.items(), *(i for i in pending.items() if i[0] not in qualified)]:
        best = _choose(candidates, mention, context, lexicon, gaz)
        readings[key] = best
        if best is not None:
            _learn(context, best[0], anchor=key in qualified)
    return readings


def _fixed(name: str, lexicon: Lexicon, gaz: Gazetteer, demonym: bool = False) -> tuple[Location, str] | None:
    """Names with one reading whatever the context: regions and waters, countries, "Calif.";
    with `demonym`, a people's name the model tagged as a place ("Sri Lankan") is its country."""
    region = gaz.region(name)
    if region is not None:
        return region, "region"
    entry = lexicon.lookup(name) or lexicon.lookup(f"the {name}")  # "the North": North Korea
    if demonym and entry is not None and entry.kind == "demonym" and entry.country in gaz.countries:
        return gaz.countries[entry.country], "demonym"
    if entry is not None and entry.kind == "country" and entry.country in gaz.countries and not gaz.states(name) \
            and not gaz.by_name.get(name_key(name)):  # "Palestine", a town in Texas too
        return gaz.countries[entry.country], "country"
    code = us_state_abbreviations().get(name.replace(" ", ""))
    if code and ("USA", code) in gaz.admin1:
        return gaz.admin1[("USA", code)], "abbreviation"
    return None


def _candidates(mention: Mention, lexicon: Lexicon, gaz: Gazetteer) -> list[Location]:
    """Every reading of an ambiguous name: the country ("Georgia"), divisions, towns."""
    entry = lexicon.lookup(mention.text)
    country = [gaz.countries[entry.country]] if entry and entry.kind == "country" and entry.country in gaz.countries \
        else []
    return [*country, *gaz.states(mention.text), *gaz.city_candidates(_clean_name(mention.text))]


def _clean_name(text: str) -> str:
    # Datelines are in capitals ("SEOUL"); the gazetteer's names are not.
    return text.title() if text.isupper() and len(text) > 3 else text


def _state_or_country(text: str, lexicon: Lexicon, gaz: Gazetteer) -> Location | None:
    """What a qualifier names: "La." and "Louisiana" are states, "Texas" beats Paris, France."""
    fixed = _fixed(text, lexicon, gaz)
    if fixed is not None and fixed[0].kind in ("admin1", "country"):
        return fixed[0]
    states = gaz.states(text)
    return states[0] if states else None


def _learn(context: Context, location: Location, anchor: bool) -> None:
    if location.country:
        context.countries[location.country] += 1
    if location.kind in ("city", "admin1") and location.country:
        context.states.add((location.country, location.admin1))
    if anchor and location.kind in ("city", "admin1"):
        context.anchors.append(location)


def _choose(candidates: list[Location], mention: Mention, context: Context, lexicon: Lexicon,
            gaz: Gazetteer) -> tuple[Location, str] | None:
    """The most likely reading of an ambiguous name, or None when nothing fits."""
    qualifier = _state_or_country(mention.qualifier, lexicon, gaz) if mention.qualifier else None
    if not candidates:
        return None
    key = _key(mention.text)
    evidence = context.countries - Counter({c: n for (k, c), n in context.own.items() if k == key})
    scored = [(_score(c, qualifier, context, evidence) + CAPITAL_BONUS * gaz.is_capital(c), c) for c in candidates]
    score, best = max(scored, key=lambda sc: sc[0])
    if best.kind == "city" and best.population < KNOWN_TOWN and score < 6:
        return None  # a small town nothing in the story points to: more likely a person or a company
    return best, "context" if len(candidates) > 1 else "gazetteer"


def _score(location: Location, qualifier: Location | None, context: Context, evidence: Counter[str]) -> float:
    """How likely `location` is meant; `evidence` counts the countries the story points to
    without this name's own say."""
    if location.kind == "country":
        score = 8.5  # "Mexico" the country, unless the story is around Mexico, Missouri
    elif location.kind in ("admin1", "admin2"):
        score = 6.0 if location.kind == "admin1" else 5.0
    else:
        score = math.log10(location.population + 10)
    if qualifier is not None:
        if qualifier.kind == "admin1" and (location.country, location.admin1) == (qualifier.country, qualifier.admin1):
            score += 6
        elif qualifier.kind == "country" and location.country == qualifier.country:
            score += 5
    total = sum(evidence.values())
    if location.country and total:
        score += 4.5 * evidence[location.country] / total
    if location.kind == "city" and (location.country, location.admin1) in context.states:
        score += 2.0
    if location.kind != "country" and any(_km(location, a) < NEAR_KM for a in context.anchors[:50]):
        score += 2.0
    return score


def _km(a: Location, b: Location) -> float:
    return haversine_km(a.lat, a.lon, b.lat, b.lon)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


# --- output --------------------------------------------------------------------------------------

def _place(analysis: Analysis, mention: Mention, reading: tuple[Location, str] | None) -> Place:
    start, end = analysis.span(mention.start, mention.end)
    text = analysis.result.article.text[start:end]
    if reading is None:
        precision = "landmark" if mention.label == "FAC" else None
        return Place(text, start, end, precision=precision, how="unresolved")
    location, how = reading
    return _as_place(text, start, end, location, "dateline" if mention.how == "dateline" else how)


def _as_place(text: str, start: int, end: int, location: Location, how: str) -> Place:
    return Place(text, start, end, name=location.name, geonameid=location.geonameid, lat=round(location.lat, 5),
                 lon=round(location.lon, 5), country=location.country, admin1=location.admin1 or None,
                 precision=location.precision, how=how)


def _separate_datelines(analysis: Analysis, lexicon: Lexicon, gaz: Gazetteer,
                        readings: dict[str, tuple[Location, str] | None]) -> list[Place]:
    """Datelines the cleaner typed as their own segment (they are not in the Doc)."""
    places = []
    for segment in analysis.result.segments_of("dateline"):
        match = DATELINE.match(segment.text + " ") or re.match(r"\s*(?P<place>[^,(—–-]+)", segment.text)
        if not match:
            continue
        name = match.group("place").strip()
        qualifier = match.groupdict().get("region")
        reading = readings.get(_key(name))
        if reading is None:
            mention = Mention(0, len(name), name, "dateline", qualifier=qualifier)
            reading = _fixed(name, lexicon, gaz) or _choose(_candidates(mention, lexicon, gaz), mention, Context(),
                                                            lexicon, gaz)
        if reading is not None:
            start = segment.start + segment.text.index(name)
            places.append(_as_place(name, start, start + len(name), reading[0], "dateline"))
    return places


@cache
def us_state_abbreviations() -> dict[str, str]:
    """AP-style and postal abbreviations of US states ("Calif.", "CA") -> GeoNames admin1 code."""
    table = {}
    for line in data_path("places/us-state-abbreviations.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        if line.strip():
            abbreviation, code = line.split("\t")[:2]
            table[abbreviation.replace(" ", "")] = code
    return table

