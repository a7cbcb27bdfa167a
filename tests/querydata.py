"""A small hand-made store for the query tests: a dozen stories with known events, written through
the store's own writer (no spaCy), so every filter has a known answer."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from eventwire.events import codebook
from eventwire.model import Actor, Article, Event, Place, Result, Segment
from eventwire.store import Batch, Store

WASHINGTON = {"name": "Washington, D.C.", "geonameid": 4140963, "lat": 38.895, "lon": -77.036, "country": "USA",
              "precision": "city"}
PYONGYANG = {"name": "Pyongyang", "geonameid": 1871859, "lat": 39.034, "lon": 125.755, "country": "PRK",
             "precision": "city"}
SEOUL = {"name": "Seoul", "geonameid": 1835848, "lat": 37.566, "lon": 126.978, "country": "KOR", "precision": "city"}
SINGAPORE = {"name": "Singapore", "geonameid": 1880252, "lat": 1.290, "lon": 103.850, "country": "SGP",
             "precision": "city"}
KYIV = {"name": "Kyiv", "geonameid": 703448, "lat": 50.450, "lon": 30.523, "country": "UKR", "precision": "city"}
MINNEAPOLIS = {"name": "Minneapolis", "geonameid": 5037649, "lat": 44.980, "lon": -93.264, "country": "USA",
               "precision": "city"}


@dataclass
class Ev:
    """One event of a sentence: actors are (text, code) pairs found in the sentence by their text."""

    source: tuple[str, str | None] | None
    target: tuple[str, str | None] | None
    code: str
    trigger: str
    day: str | None
    granularity: str | None = "day"
    place: dict | None = None
    negated: bool = False
    hypothetical: bool = False


@dataclass
class Story:
    name: str
    headline: str
    sentences: list[tuple[str, list[Ev]]]
    published: date
    outlets: list[str] = field(default_factory=lambda: ["news.example"])


STORIES = [
    Story("fury", "Trump warns North Korea", [
        ("Trump threatened North Korea with fire and fury on Tuesday.",
         [Ev(("Trump", "USAGOV"), ("North Korea", "PRK"), "138", "threatened", "2017-08-08", place=WASHINGTON)]),
        ("Pyongyang accused Washington of provocations.",
         [Ev(("Pyongyang", "PRKGOV"), ("Washington", "USAGOV"), "112", "accused", "2017-08-09", place=PYONGYANG)]),
    ], date(2017, 8, 9), ["wire.example", "daily.example", "herald.example"]),
    Story("summit", "Trump and Kim meet in Singapore", [
        ("Trump met Kim Jong Un in Singapore on Tuesday.",
         [Ev(("Trump", "USAGOV"), ("Kim Jong Un", "PRKGOV"), "043", "met", "2018-06-12", place=SINGAPORE)]),
        ("Kim praised Trump for the talks.",
         [Ev(("Kim", "PRKGOV"), ("Trump", "USAGOV"), "051", "praised", "2018-06-12", place=SINGAPORE)]),
    ], date(2018, 6, 12), ["wire.example", "daily.example"]),
    Story("hanoi", "Hanoi talks collapse", [
        ("Talks between Trump and Kim collapsed in early 2019.",
         [Ev(("Trump", "USAGOV"), ("Kim", "PRKGOV"), "046", "Talks", "2019", granularity="year")]),
    ], date(2019, 3, 1)),
    Story("phone", "Moon and Biden hold phone talks", [
        ("Moon held his first phone talks with Biden on Thursday.",
         [Ev(("Moon", "KORGOV"), ("Biden", "USAGOV"), "041", "phone talks", "2021-02-04", place=SEOUL)]),
        ("Biden will not sit down for talks with Kim.",
         [Ev(("Biden", "USAGOV"), ("Kim", "PRKGOV"), "046", "talks", "2021-02-04", negated=True,
             hypothetical=True)]),
        ("The U.S. stages military drills with South Korea this month.",
         [Ev(("The U.S.", "USA"), ("South Korea", "KOR"), "062", "drills", "2021-02", granularity="month")]),
    ], date(2021, 2, 4), ["wire.example", "daily.example", "herald.example", "times.example"]),
    Story("invasion", "Russia invades Ukraine", [
        ("Russian troops attacked Ukraine from three sides on Thursday.",
         [Ev(("Russian troops", "RUSMIL"), ("Ukraine", "UKR"), "190", "attacked", "2022-02-24", place=KYIV)]),
        ("Biden condemned Russia for the attack.",
         [Ev(("Biden", "USAGOV"), ("Russia", "RUS"), "111", "condemned", "2022-02-24", place=WASHINGTON)]),
    ], date(2022, 2, 24), ["wire.example", "daily.example"]),
    Story("protest", "Protesters march in Minneapolis", [
        ("Protesters marched against police violence on Saturday.",
         [Ev(("Protesters", None), ("police", "USACOP"), "141", "marched", "2020-05-30", place=MINNEAPOLIS)]),
    ], date(2020, 5, 31)),
    Story("odd", "An odd story", [
        ("Officials said the 100% rise was '; DROP TABLE events; -- nothing to worry about.",
         [Ev(("Officials", "USAGOV"), None, "010", "said", "2021-03-01", place=WASHINGTON)]),
    ], date(2021, 3, 1)),
    Story("undated", "Kim criticised Seoul", [
        ("Kim criticised Seoul over leaflets.",
         [Ev(("Kim", "PRKGOV"), ("Seoul", "KORGOV"), "111", "criticised", None, granularity=None)]),
    ], date(2020, 6, 10)),
]


def build(story: Story) -> list[Result]:
    """The story as one Result per outlet (the same text: one article, one copy per outlet)."""
    body = " ".join(s for s, _ in story.sentences)
    text = f"{story.headline}\n\n{body}"
    offset = len(story.headline) + 2
    events: list[Event] = []
    actors: dict[str, Actor] = {}
    book = codebook()
    for index, (sentence, evs) in enumerate(story.sentences):
        for ev in evs:
            trig = sentence.index(ev.trigger)

            def actor(side: tuple[str, str | None] | None, sentence: str = sentence,
                      offset: int = offset) -> dict | None:
                if side is None:
                    return None
                at = offset + sentence.index(side[0])
                found = actors.setdefault(side[0], Actor(side[0], at, at + len(side[0]), name=side[0], code=side[1],
                                                         how="dictionary", confidence=0.95))
                if not any(m["start"] == at for m in found.mentions):
                    found.mentions.append({"text": side[0], "start": at, "end": at + len(side[0]), "how": "name"})
                return {"text": side[0], "code": side[1], "name": side[0], "confidence": 0.95}

            c = book[ev.code]
            place = dict(ev.place, text=ev.place["name"], start=None, end=None, admin1=None, how="gazetteer",
                         rule="sentence") if ev.place else None
            events.append(Event(
                id=f"{story.name}-{len(events)}", code=ev.code, root=c.root, quad=c.quad, goldstein=c.goldstein,
                plover=c.plover, source=actor(ev.source), target=actor(ev.target),
                trigger={"text": ev.trigger, "start": offset + trig, "end": offset + trig + len(ev.trigger)},
                sentence={"index": index, "start": offset, "end": offset + len(sentence)},
                negated=ev.negated, hypothetical=ev.hypothetical, date=ev.day, date_granularity=ev.granularity,
                date_rule="expression" if ev.day else None, place=place, rule=f"test.{ev.code}", confidence=0.8,
                is_root=index == 0))
        offset += len(sentence) + 1
    aid = hashlib.sha1(story.name.encode()).hexdigest()[:20]
    segments = [Segment("headline", 0, len(story.headline), story.headline),
                Segment("body", len(story.headline) + 2, len(text), body)]
    places = [Place(e.place["name"], 0, 0, name=e.place["name"], lat=e.place["lat"], lon=e.place["lon"],
                    country=e.place["country"], precision="city", how="gazetteer") for e in events if e.place]
    out = []
    for outlet in story.outlets:
        article = Article(text=text, source=f"{outlet}/{story.name}.html", url=f"https://{outlet}/{story.name}",
                          published=story.published, title=story.headline, language="en", id=aid)
        out.append(Result(article=article, segments=segments, actors=list(actors.values()), events=events,
                          places=places))
    return out


def make_store(path: Path) -> Path:
    """Write every story (and a copy per further outlet) into a new store at `path`."""
    with Store(path) as store:
        store.write(Batch(new=[build(s)[0] for s in STORIES]))
        store.write(Batch(copies=[r.article for s in STORIES for r in build(s)[1:]]))
    return path


def article_id(name: str) -> str:
    return hashlib.sha1(name.encode()).hexdigest()[:20]
