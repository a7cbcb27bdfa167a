"""Event evaluation: readers of five gold formats and their scorers.

Every gold item is a sentence (with a date when the format gives one). Sentences run through the
whole pipeline (analysis, actors, events) as one-segment articles, so no cleaning rule can turn
a short sentence into a headline. Figures:
- pentaclass (`sentence<TAB>0-4`): the class of the highest-confidence unflagged event; accuracy
  over the sentences with a prediction, coverage = share of sentences with one;
- petrarch-xml: (source, target, code) triples, actors compared on country+agent (6 letters);
- plover-json: PLOVER type of the top event, and its source/target against the gold actors;
- cameo-examples (`code`, `example`): an event with the gold code (and root) is produced;
- conll-st: gold source (S) and target (T) spans overlapped by the source/target of a produced
  unflagged event (R spans count for either role).
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from lxml import etree

from eventwire.evaluate.actors import TaggedSentence, read_conll_st, sentence_result
from eventwire.evaluate.readers import LayoutError
from eventwire.events.codebook import codebook
from eventwire.model import Event, Result

# PLOVER renamed two types; gold files may carry either name.
PLOVER_RENAMES = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE"}


@dataclass(frozen=True)
class GoldSentence:
    id: str
    text: str
    gold: Any
    day: date | None = None


def as_results(items: Iterable[GoldSentence]) -> Iterator[Result]:
    for item in items:
        yield sentence_result(item.id, item.text, item.day)


def run_events(items: list[GoldSentence]) -> Iterator[tuple[GoldSentence, Result]]:
    """Each gold sentence with the result of the full pipeline on it."""
    from eventwire.actors import default_lexicon, resolve
    from eventwire.events import code_events, default_patterns
    from eventwire.nlp import analyze

    lexicon, patterns = default_lexicon(), default_patterns()
    for item, analysis in zip(items, analyze(as_results(items)), strict=True):
        analysis.result.actors = resolve(analysis, lexicon)
        analysis.result.events = code_events(analysis, analysis.result.actors, patterns)
        yield item, analysis.result


def top_event(result: Result) -> Event | None:
    events = [e for e in result.events if not e.flagged]
    return max(events, key=lambda e: (e.confidence or 0, e.is_root)) if events else None


# --- readers ----------------------------------------------------------------------------------------

def read_pentaclass(path: Path) -> list[GoldSentence]:
    items = []
    for n, line in enumerate(_lines(path), start=1):
        text, _, label = line.rpartition("\t")
        if not text or label.strip() not in {"0", "1", "2", "3", "4"}:
            raise LayoutError(f"{path}:{n}: expected 'sentence<TAB>label 0-4'")
        items.append(GoldSentence(f"{path.name}:{n}", text.strip(), int(label)))
    return items


def read_petrarch(path: Path) -> list[GoldSentence]:
    try:
        root = etree.parse(str(path), etree.XMLParser(recover=True, resolve_entities=False)).getroot()
    except (OSError, etree.XMLSyntaxError) as exc:
        raise LayoutError(f"{path}: not PETRARCH validation XML ({exc})") from None
    items = []
    for sentence in root.iter("Sentence") if root is not None else ():
        text = " ".join((sentence.findtext("Text") or "").split())
        codings = tuple((c.get("sourcecode", ""), c.get("targetcode", ""), c.get("eventcode", ""))
                        for c in sentence.iter("EventCoding") if c.get("eventcode"))
        if text:
            items.append(GoldSentence(sentence.get("id", str(len(items))), text, codings, _date(sentence.get("date"))))
    if not items:
        raise LayoutError(f"{path}: no <Sentence> records with <Text>")
    return items


def read_plover(path: Path) -> list[GoldSentence]:
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LayoutError(f"{path}: not a PLOVER JSON list ({exc})") from None
    if not isinstance(records, list):
        raise LayoutError(f"{path}: expected a JSON list of records")
    items = []
    for record in records:
        if not isinstance(record, dict) or not record.get("text") or not record.get("event"):
            continue  # the first object documents the file
        items.append(GoldSentence(str(record.get("id", len(items))), record["text"], record))
    if not items:
        raise LayoutError(f"{path}: no records with 'text' and 'event'")
    return items


def read_cameo_examples(path: Path) -> list[GoldSentence]:
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as exc:
        raise LayoutError(f"{path}: cannot read ({exc.strerror})") from None
    if not rows or not {"code", "example"} <= set(rows[0]):
        raise LayoutError(f"{path}: expected CSV columns 'code' and 'example'")
    items = []
    for n, row in enumerate(rows, start=2):
        code = _known_code(row["code"] or "")
        if code and (row["example"] or "").strip():
            items.append(GoldSentence(f"{path.name}:{n}", row["example"].strip(), code))
    return items


def _known_code(text: str) -> str | None:
    """A CAMEO code as spreadsheets leave it: "41" was "041", "1" was "01"."""
    book = codebook()
    text = text.strip()
    return next((c for c in (text, "0" + text) if c in book), None)


def read_conll(path: Path) -> list[GoldSentence]:
    return [GoldSentence(s.id, s.text, s) for s in read_conll_st(path)]


# --- scorers -------------------------------------------------------------------------------------------

@dataclass
class Report:
    figures: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return self.figures


def score_pentaclass(pairs: Iterable[tuple[GoldSentence, Result]]) -> Report:
    book = codebook()
    n = covered = correct = 0
    predicted: Counter[int] = Counter()
    gold_counts: Counter[int] = Counter()
    hits: Counter[int] = Counter()
    for item, result in pairs:
        n += 1
        gold_counts[item.gold] += 1
        event = top_event(result)
        if event is None:
            continue
        covered += 1
        guess = book[event.code].pentaclass
        predicted[guess] += 1
        if guess == item.gold:
            correct += 1
            hits[guess] += 1
    per_class = {str(c): {"precision": _ratio(hits[c], predicted[c]), "recall": _ratio(hits[c], gold_counts[c]),
                          "gold": gold_counts[c], "predicted": predicted[c]} for c in range(5)}
    return Report({"n": n, "accuracy": _ratio(correct, covered), "coverage": _ratio(covered, n),
                   "accuracy_all": _ratio(correct, n), "per_class": per_class})


def score_petrarch(pairs: Iterable[tuple[GoldSentence, Result]]) -> Report:
    tp = fp = fn = rtp = rfp = rfn = n = 0
    for item, result in pairs:
        n += 1
        ours = {(_actor6(e.source), _actor6(e.target), e.code) for e in result.events if not e.flagged}
        gold = {(s[:6], t[:6], c) for s, t, c in item.gold}
        tp += len(ours & gold)
        fp += len(ours - gold)
        fn += len(gold - ours)
        ours_root = {(s, t, c[:2]) for s, t, c in ours}
        gold_root = {(s, t, c[:2]) for s, t, c in gold}
        rtp += len(ours_root & gold_root)
        rfp += len(ours_root - gold_root)
        rfn += len(gold_root - ours_root)
    p, r = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    rp, rr = _ratio(rtp, rtp + rfp), _ratio(rtp, rtp + rfn)
    return Report({"n": n, "precision": p, "recall": r, "f1": _f1(p, r),
                   "root_precision": rp, "root_recall": rr, "root_f1": _f1(rp, rr)})


def score_plover(pairs: Iterable[tuple[GoldSentence, Result]]) -> Report:
    book = codebook()
    n = right = src = tgt = 0
    for item, result in pairs:
        n += 1
        event = top_event(result)
        if event is None:
            continue
        gold_type = PLOVER_RENAMES.get(str(item.gold["event"]).upper(), str(item.gold["event"]).upper())
        ours = book[event.code].plover or ""
        right += PLOVER_RENAMES.get(ours, ours) == gold_type
        src += _actor_matches(event.source, item.gold.get("source"))
        tgt += _actor_matches(event.target, item.gold.get("target"))
    return Report({"n": n, "accuracy": _ratio(right, n), "source_accuracy": _ratio(src, n),
                   "target_accuracy": _ratio(tgt, n)})


def score_cameo_examples(pairs: Iterable[tuple[GoldSentence, Result]]) -> Report:
    n = exact = root = 0
    for item, result in pairs:
        n += 1
        codes = {e.code for e in result.events}
        exact += item.gold in codes
        root += item.gold[:2] in {c[:2] for c in codes}
    return Report({"n": n, "accuracy": _ratio(exact, n), "root_accuracy": _ratio(root, n)})


def score_conll_roles(pairs: Iterable[tuple[GoldSentence, Result]]) -> Report:
    n = gold_s = gold_t = hit_s = hit_t = 0
    for item, result in pairs:
        n += 1
        tagged: TaggedSentence = item.gold
        spans = {"source": [], "target": []}
        for event in result.events:
            if event.flagged:
                continue
            for role in ("source", "target"):
                actor = getattr(event, role)
                if actor:
                    spans[role] += _mention_spans(result, actor)
        for start, end, role in tagged.spans:
            cover = {r: any(s < end and start < e for s, e in spans[r]) for r in ("source", "target")}
            either = cover["source"] or cover["target"]  # a reciprocal (R) span may fill either role
            if role in ("S", "R"):
                gold_s += 1
                hit_s += either if role == "R" else cover["source"]
            if role in ("T", "R"):
                gold_t += 1
                hit_t += either if role == "R" else cover["target"]
    return Report({"n": n, "source_recall": _ratio(hit_s, gold_s), "target_recall": _ratio(hit_t, gold_t)})


def calibration_table(pairs: Iterable[tuple[GoldSentence, Result]], step: float = 0.05
                      ) -> list[tuple[float, float, int]]:
    """(raw score upper bound, share right, n) rows from pentaclass gold, made monotone.

    Every unflagged event of a sentence counts as right when its class is the sentence's class
    (the label judges the main event, so this slightly under-rates secondary events). Scores
    are binned by `step`; adjacent bins that break monotonicity are pooled (isotonic fit).
    """
    book = codebook()
    bins: dict[int, list[int]] = {}
    for item, result in pairs:
        for event in result.events:
            if not event.flagged and event.confidence is not None:
                k = min(int(event.confidence / step), int(1 / step) - 1)
                right, n = bins.setdefault(k, [0, 0])
                bins[k] = [right + (book[event.code].pentaclass == item.gold), n + 1]
    pools: list[list[float]] = []  # [upper, right, n]
    for k in sorted(bins):
        right, n = bins[k]
        pools.append([round((k + 1) * step, 4), right, n])
        while len(pools) > 1 and pools[-2][1] / pools[-2][2] > pools[-1][1] / pools[-1][2]:
            upper, right2, n2 = pools.pop()
            pools[-1] = [upper, pools[-1][1] + right2, pools[-1][2] + n2]
    return [(upper, round(right / n, 3), int(n)) for upper, right, n in pools]


# --- helpers -------------------------------------------------------------------------------------------

def _mention_spans(result: Result, actor: dict[str, Any]) -> list[tuple[int, int]]:
    for a in result.actors:
        if a.code == actor["code"] and a.text == actor["text"]:
            return [(m["start"], m["end"]) for m in a.mentions]
    return []


def _actor6(actor: dict[str, Any] | None) -> str:
    return str(actor["code"])[:6] if actor else ""


def _actor_matches(actor: dict[str, Any] | None, gold: Any) -> bool:
    """Our code matches a gold actor when it starts with its country code (and sector, if given)."""
    if not actor or not isinstance(gold, list):
        return not gold and not actor
    code = str(actor["code"] or "")
    for g in gold:
        if isinstance(g, dict) and g.get("code") and code.startswith(str(g["code"])):
            sector = str(g.get("sector") or "")
            if not sector or sector in code[3:]:
                return True
    return False


def _lines(path: Path) -> list[str]:
    try:
        return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except OSError as exc:
        raise LayoutError(f"{path}: cannot read ({exc.strerror})") from None


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10]) if "-" in text else date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def _ratio(a: float, b: float) -> float:
    return round(a / b, 4) if b else 0.0


def _f1(p: float, r: float) -> float:
    return round(2 * p * r / (p + r), 4) if p + r else 0.0


FORMATS = {
    "pentaclass": (read_pentaclass, score_pentaclass),
    "petrarch-xml": (read_petrarch, score_petrarch),
    "plover-json": (read_plover, score_plover),
    "cameo-examples": (read_cameo_examples, score_cameo_examples),
    "conll-st": (read_conll, score_conll_roles),
}
