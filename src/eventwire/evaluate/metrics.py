"""The arithmetic shared by the scorers: token bags, precision/recall/F1, averages and counts.

Text is compared as a bag (multiset) of lowercase `\\w+` tokens: the overlap of two bags is the
sum of the per-token minimum counts, so order and layout do not matter, repetitions do.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")


def tokens(text: str) -> Counter[str]:
    """The bag of lowercase word tokens of `text`."""
    return Counter(_TOKEN.findall(text.lower()))


def overlap(a: Counter[str], b: Counter[str]) -> int:
    """How many tokens two bags share, counting repetitions."""
    return sum((a & b).values())


def size(bag: Counter[str]) -> int:
    return sum(bag.values())


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


@dataclass(frozen=True)
class PRF:
    precision: float
    recall: float
    f1: float

    def to_dict(self) -> dict[str, float]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


def page_scores(predicted: Counter[str], gold: Counter[str]) -> tuple[float, float]:
    """Precision and recall of one page's predicted bag against its gold bag.

    An empty side scores 1.0 when the other is empty too and 0.0 otherwise, so a page where
    nothing was extracted counts as precision 0 and recall 0.
    """
    shared = overlap(predicted, gold)
    n_pred, n_gold = size(predicted), size(gold)
    precision = shared / n_pred if n_pred else float(not n_gold)
    recall = shared / n_gold if n_gold else float(not n_pred)
    return precision, recall


def macro(scores: Iterable[tuple[float, float]]) -> PRF:
    """Mean precision and mean recall over pages; F1 of those two means."""
    pairs = list(scores)
    if not pairs:
        return PRF(0.0, 0.0, 0.0)
    precision = sum(p for p, _ in pairs) / len(pairs)
    recall = sum(r for _, r in pairs) / len(pairs)
    return PRF(precision, recall, f1(precision, recall))


@dataclass
class Tally:
    """Token counts summed over pages for a micro average: shared, predicted and gold tokens."""

    shared: int = 0
    predicted: int = 0
    gold: int = 0

    def add(self, predicted: Counter[str], gold: Counter[str]) -> None:
        self.shared += overlap(predicted, gold)
        self.predicted += size(predicted)
        self.gold += size(gold)

    def scores(self) -> PRF:
        precision = self.shared / self.predicted if self.predicted else 0.0
        recall = self.shared / self.gold if self.gold else 0.0
        return PRF(precision, recall, f1(precision, recall))


@dataclass
class Confusion:
    """Counts of a snippet test: must-have snippets found (tp) or missing (fn), must-not-have
    snippets found (fp) or absent (tn)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, text: str, wanted: Iterable[str], unwanted: Iterable[str]) -> None:
        for snippet in wanted:
            if snippet in text:
                self.tp += 1
            else:
                self.fn += 1
        for snippet in unwanted:
            if snippet in text:
                self.fp += 1
            else:
                self.tn += 1

    def scores(self) -> PRF:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return PRF(precision, recall, f1(precision, recall))

    @property
    def accuracy(self) -> float:
        total = self.tp + self.fp + self.fn + self.tn
        return (self.tp + self.tn) / total if total else 0.0

    def to_dict(self) -> dict[str, float | int]:
        return {**self.scores().to_dict(), "accuracy": round(self.accuracy, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn}
