"""Geoparsing evaluation on LGL / TR-News XML and GeoWebNews XML.

Each gold article runs through the whole analysis as a one-segment article (its text is already
clean) dated by its download time. Figures:
- toponym recognition: precision, recall and F1 of our place mentions against gold toponyms,
  a match being any character overlap (the gold spans of these sets differ on "the", "'s" and
  "County", which is not what a reader cares about);
- resolution, over the gold toponyms we found that have gold coordinates: acc161, the share we
  placed within 161 km (100 miles), and mean_km, the mean error where we gave coordinates.
  A found toponym we left unresolved counts as a miss in acc161 and is counted in `unresolved`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from eventwire.evaluate.readers import LayoutError
from eventwire.model import Article, Result, Segment
from eventwire.places import haversine_km

ACC_KM = 161.0


@dataclass(frozen=True)
class Toponym:
    start: int
    end: int
    text: str
    lat: float | None
    lon: float | None
    literal: bool = True  # GeoWebNews marks metonymic and non-locational uses


@dataclass(frozen=True)
class GeoArticle:
    id: str
    text: str
    day: date | None
    toponyms: tuple[Toponym, ...]


@dataclass
class GeoReport:
    n: int = 0
    gold: int = 0
    predicted: int = 0
    matched_gold: int = 0
    matched_predicted: int = 0
    resolvable: int = 0  # found gold toponyms with gold coordinates
    within: int = 0
    unresolved: int = 0
    errors_km: list[float] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        precision = self.matched_predicted / self.predicted if self.predicted else 0.0
        recall = self.matched_gold / self.gold if self.gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        errors = sorted(self.errors_km)
        return {
            "n": self.n,
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "acc161": round(self.within / self.resolvable, 4) if self.resolvable else 0.0,
            "mean_km": round(sum(errors) / len(errors), 1) if errors else 0.0,
            "median_km": round(errors[len(errors) // 2], 1) if errors else 0.0,
            "gold_toponyms": self.gold,
            "predicted_places": self.predicted,
            "resolvable": self.resolvable,
            "unresolved": self.unresolved,
        }


# --- readers -------------------------------------------------------------------------------------

def read_lgl(path: Path) -> list[GeoArticle]:
    """LGL and TR-News: `<article>` with `<text>`, `<dltime>` and `<toponyms>` of `<toponym>` with
    `start`, `end`, `phrase` and, when resolved, `<gaztag>` holding `lat` and `lon`."""
    articles = []
    for n, node in enumerate(_articles(path), start=1):
        toponyms = []
        for t in node.iter("toponym"):
            gaz = t.find("gaztag")
            lat, lon = (_float(gaz.findtext("lat")), _float(gaz.findtext("lon"))) if gaz is not None else (None, None)
            toponyms.append(Toponym(_int(t.findtext("start"), path, n), _int(t.findtext("end"), path, n),
                                    t.findtext("phrase") or "", lat, lon))
        articles.append(GeoArticle(node.get("docid") or str(n), node.findtext("text") or "",
                                   _day(node.findtext("dltime")), tuple(toponyms)))
    return articles


def read_gwn(path: Path) -> list[GeoArticle]:
    """GeoWebNews: `<article>` with `<text>` and `<toponyms>` of `<toponym>` with `extractedName`,
    `type`, `nonLocational`, `start`, `end` and (for some) `latitude` and `longitude`. Only literal,
    locational toponyms count as gold: a metonym such as "Washington said" is an actor for us."""
    articles = []
    for n, node in enumerate(_articles(path), start=1):
        toponyms = []
        for t in node.iter("toponym"):
            kind = (t.findtext("type") or "").strip()
            literal = kind not in ("Metonymic", "Demonym", "Non_Toponym", "Homonym", "Embedded_Non_Lit") and \
                (t.findtext("nonLocational") or "").strip().lower() not in ("true", "1", "yes")
            if not literal:
                continue
            toponyms.append(Toponym(_int(t.findtext("start"), path, n), _int(t.findtext("end"), path, n),
                                    t.findtext("extractedName") or "", _float(t.findtext("latitude")),
                                    _float(t.findtext("longitude"))))
        articles.append(GeoArticle(node.findtext("link") or str(n), node.findtext("text") or "", None,
                                   tuple(toponyms)))
    return articles


def _articles(path: Path) -> Iterator[ET.Element]:
    if not path.is_file():
        raise LayoutError(f"{path}: not a file (expected an XML file of <article> elements)")
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise LayoutError(f"{path}: not well-formed XML ({exc})") from None
    found = list(root.iter("article"))
    if not found:
        raise LayoutError(f"{path}: no <article> elements")
    yield from found


def _int(value: str | None, path: Path, n: int) -> int:
    try:
        return int((value or "").strip())
    except ValueError:
        raise LayoutError(f"{path}: article {n}: toponym offset is not a number: {value!r}") from None


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value and value.strip() else None
    except ValueError:
        return None


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value.strip()[:10]) if value else None
    except ValueError:
        return None


# --- running and scoring -------------------------------------------------------------------------

def as_results(articles: Iterable[GeoArticle]) -> Iterator[Result]:
    for a in articles:
        article = Article(text=a.text, source=a.id, language="en", id=a.id, published=a.day)
        yield Result(article=article, segments=[Segment("body", 0, len(a.text), a.text)])


def run_geo(articles: list[GeoArticle]) -> Iterator[tuple[GeoArticle, Result]]:
    """Each gold article with our actors and places."""
    from eventwire.actors import default_lexicon, resolve
    from eventwire.nlp import analyze
    from eventwire.places import find_places

    lexicon = default_lexicon()
    for gold, analysis in zip(articles, analyze(as_results(articles)), strict=True):
        analysis.result.actors = resolve(analysis, lexicon)
        analysis.result.places = find_places(analysis, analysis.result.actors, lexicon)
        yield gold, analysis.result


def score_geo(pairs: Iterable[tuple[GeoArticle, Result]]) -> GeoReport:
    report = GeoReport()
    for gold, result in pairs:
        report.n += 1
        places = result.places
        report.gold += len(gold.toponyms)
        report.predicted += len(places)
        report.matched_predicted += sum(any(p.start < t.end and t.start < p.end for t in gold.toponyms)
                                        for p in places)
        for t in gold.toponyms:
            hits = [p for p in places if p.start < t.end and t.start < p.end]
            if not hits:
                continue
            report.matched_gold += 1
            if t.lat is None or t.lon is None:
                continue
            report.resolvable += 1
            place = hits[0]
            if place.lat is None or place.lon is None:
                report.unresolved += 1
                continue
            km = haversine_km(t.lat, t.lon, place.lat, place.lon)
            report.errors_km.append(km)
            report.within += km <= ACC_KM
    return report


FORMATS = {"lgl": read_lgl, "gwn": read_gwn}
