"""Temporal expressions against TimeML gold: a reader of `.tml` files and a TIMEX3 scorer.

Reader: every `.tml` file under a folder (recursively). The text is the content of the `TEXT`
element with its tags removed; the document creation time (DCT) is the TIMEX3 whose
`functionInDocument` is `CREATION_TIME`; the gold are the TIMEX3 elements inside `TEXT`, with
character offsets into that plain text and their `value`.

Scorer: recognition with relaxed span match (a predicted expression counts when it overlaps a
gold one, and a gold one is found when some prediction overlaps it), and value match (the same,
but the overlapping pair must also have the same TIMEX3 value). Gold expressions that fall in
text eventwire does not analyse (a line typed as dateline or boilerplate) count as missed.

Values are compared after `canonical_value`, which only rewrites spellings of one and the same
value: a week number with or without its leading zero (`2000-W7` is `2000-W07`), and a clock
time with or without zero minutes and seconds (`T17`, `T17:00` and `T17:00:00` are all 5 p.m.).
Nothing else is equated: `1998-W42` is not `1998-WXX`, nor `P1W` `P7D`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from lxml import etree

from eventwire.evaluate.readers import LayoutError
from eventwire.model import Article, Failure, Result, TimeRef


@dataclass(frozen=True)
class GoldTimex:
    start: int
    end: int
    text: str
    value: str
    type: str = "DATE"


@dataclass
class TimeDoc:
    """One TimeML document: plain text, creation date and gold expressions."""

    source: str
    text: str
    dct: date | None
    gold: list[GoldTimex]


def read_timeml(folder: Path, limit: int | None = None) -> list[TimeDoc | Failure]:
    """Every `.tml` file under `folder` (the first `limit`), sorted by path; a broken file becomes a `Failure`."""
    if not folder.is_dir():
        raise LayoutError(f"{folder} is not a folder of TimeML (.tml) files")
    paths = sorted(folder.rglob("*.tml"))[:limit]
    if not paths:
        raise LayoutError(f"no .tml files under {folder}")
    out: list[TimeDoc | Failure] = []
    for path in paths:
        try:
            out.append(parse_timeml(path.read_bytes(), str(path)))
        except (etree.XMLSyntaxError, ValueError, OSError) as exc:
            out.append(Failure(str(path), f"not TimeML: {exc}", stage="evaluate"))
    return out


def parse_timeml(data: bytes, source: str = "<timeml>") -> TimeDoc:
    parser = etree.XMLParser(recover=False, resolve_entities=False, no_network=True)
    root = etree.fromstring(data, parser)
    text_el = next(iter(root.iter("TEXT")), None)
    if text_el is None:
        raise ValueError("no TEXT element")
    dct = None
    for timex in root.iter("TIMEX3"):
        if timex.get("functionInDocument") == "CREATION_TIME":
            dct = _dct(timex.get("value") or "")
            break
    parts: list[str] = []
    gold: list[GoldTimex] = []
    _walk(text_el, parts, gold, inner=False)
    return TimeDoc(source, "".join(parts), dct, gold)


def _walk(el: Any, parts: list[str], gold: list[GoldTimex], inner: bool) -> None:
    """Collect the element's text into `parts`, recording TIMEX3 offsets on the way."""
    start = sum(map(len, parts))
    if el.text:
        parts.append(el.text)
    for child in el:
        if isinstance(child.tag, str):
            _walk(child, parts, gold, inner=True)
        if child.tail:
            parts.append(child.tail)
    if inner and el.tag == "TIMEX3":
        end = sum(map(len, parts))
        text = "".join(parts)[start:end]
        gold.append(GoldTimex(start, end, text, el.get("value") or "", el.get("type") or "DATE"))


def _dct(value: str) -> date | None:
    match = re.match(r"(\d{4})-?(\d{2})-?(\d{2})", value)
    if not match:
        return None
    try:
        return date(*map(int, match.groups()))
    except ValueError:
        return None


def run_times(docs: Iterable[TimeDoc | Failure]) -> Iterator[tuple[TimeDoc | Failure, list[TimeRef]]]:
    """Each document through clean -> analyze -> find_times, with its predicted expressions."""
    from eventwire.clean import prepare
    from eventwire.nlp import analyze
    from eventwire.times import find_times

    docs = list(docs)
    prepared: list[tuple[TimeDoc | Failure, Result | Failure]] = []
    for doc in docs:
        if isinstance(doc, Failure):
            prepared.append((doc, doc))
            continue
        prepared.append((doc, prepare(Article(text=doc.text, source=doc.source, published=doc.dct),
                                      languages=None)))
    results = [r for _, r in prepared if isinstance(r, Result)]
    analyses = iter(analyze(results))
    for doc, result in prepared:
        if isinstance(result, Result):
            yield doc, find_times(next(analyses))
        else:
            yield doc, []


@dataclass
class TimeReport:
    n: int = 0
    failed: int = 0
    gold: int = 0
    predicted: int = 0
    gold_found: int = 0
    predicted_right: int = 0
    gold_value: int = 0
    predicted_value: int = 0
    missed: Counter[str] = field(default_factory=Counter)  # lowercased gold text not found
    spurious: Counter[str] = field(default_factory=Counter)  # predicted text overlapping no gold
    wrong_value: Counter[str] = field(default_factory=Counter)  # "text: predicted != gold"

    def to_dict(self) -> dict[str, Any]:
        p, r = _ratio(self.predicted_right, self.predicted), _ratio(self.gold_found, self.gold)
        vp, vr = _ratio(self.predicted_value, self.predicted), _ratio(self.gold_value, self.gold)
        return {
            "n": self.n, "failed": self.failed, "gold": self.gold, "predicted": self.predicted,
            "precision": round(p, 4), "recall": round(r, 4), "f1": round(_f1(p, r), 4),
            "value_precision": round(vp, 4), "value_recall": round(vr, 4), "value_f1": round(_f1(vp, vr), 4),
            "top_missed": self.missed.most_common(15),
            "top_spurious": self.spurious.most_common(15),
            "top_wrong_value": self.wrong_value.most_common(15),
        }


def score_times(pairs: Iterable[tuple[TimeDoc | Failure, list[TimeRef]]]) -> TimeReport:
    report = TimeReport()
    for doc, predicted in pairs:
        if isinstance(doc, Failure):
            report.failed += 1
            continue
        report.n += 1
        report.gold += len(doc.gold)
        report.predicted += len(predicted)
        for g in doc.gold:
            hits = [p for p in predicted if _overlaps(p.start, p.end, g.start, g.end)]
            report.gold_found += bool(hits)
            report.gold_value += any(same_value(p.value, g.value) for p in hits)
            if not hits:
                report.missed[g.text.lower()] += 1
            elif not any(same_value(p.value, g.value) for p in hits):
                report.wrong_value[f"{g.text.lower()}: {hits[0].value} != {g.value}"] += 1
        for p in predicted:
            hits = [g for g in doc.gold if _overlaps(p.start, p.end, g.start, g.end)]
            report.predicted_right += bool(hits)
            report.predicted_value += any(same_value(p.value, g.value) for g in hits)
            if not hits:
                report.spurious[p.text.lower()] += 1
    return report


_WEEK = re.compile(r"(?<=-W)(\d)(?!\d)")
_CLOCK = re.compile(r"T(\d\d)(?::(\d\d))?(?::(\d\d))?(?![\d.])")


def _clock(m: re.Match[str]) -> str:
    hour, minute, second = m.group(1), m.group(2) or "00", m.group(3) or "00"
    if second != "00":
        return f"T{hour}:{minute}:{second}"
    return f"T{hour}" if minute == "00" else f"T{hour}:{minute}"


def canonical_value(value: str | None) -> str | None:
    """One spelling for each TIMEX3 value: `2000-W7` -> `2000-W07`, `T17:00:00` -> `T17`, `T17:30:00` -> `T17:30`."""
    if value is None:
        return None
    value = value.strip()
    return _CLOCK.sub(_clock, _WEEK.sub(r"0\1", value))


def same_value(predicted: str | None, gold: str) -> bool:
    """Whether two TIMEX3 values are the same, spelling aside (see `canonical_value`)."""
    return predicted is not None and canonical_value(predicted) == canonical_value(gold)


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0
