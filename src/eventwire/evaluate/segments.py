"""Scoring segment typing against pages whose text blocks are labelled by kind (L3S-GN1).

Per page, eventwire reads the original HTML and types its lines; each segment's tokens go to the
evaluation kind of `OUR_KINDS`. Every token of the page's visible text that the reader did not
extract at all counts as predicted boilerplate: dropping a line is calling it boilerplate. The
page's visible text is that of the annotated copy, so gold and prediction share one token bag.

For each kind, precision and recall compare the predicted and gold token bags; shared, predicted
and gold token counts are summed over all pages before dividing (a micro average), so long pages
weigh more than short ones.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from eventwire.evaluate.extraction import our_segments
from eventwire.evaluate.metrics import Tally, tokens
from eventwire.evaluate.readers import KindBags, Page
from eventwire.model import Failure, Segment

EVAL_KINDS = ("headline", "body", "caption", "related", "boilerplate")
# Our segment kinds as evaluation kinds. "caption" stands for L3S's "supplemental" label: text
# that belongs to the article but is not its full text. L3S annotators put bylines there ("By
# DOUG FERGUSON", "Published: Wednesday 16 January 2008") and datelines inside the full text.
OUR_KINDS = {
    "headline": "headline", "body": "body", "dateline": "body", "byline": "caption",
    "caption": "caption", "credit": "caption", "related": "related", "boilerplate": "boilerplate",
}


@dataclass
class SegmentsReport:
    n: int = 0  # pages scored
    per_kind: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in EVAL_KINDS})
    failures: Counter[str] = field(default_factory=Counter)  # reason -> pages
    unscored: int = 0  # failed pages left out of the scores because their files are missing or broken

    def to_dict(self) -> dict[str, Any]:
        per_kind = {kind: {**t.scores().to_dict(), "predicted_tokens": t.predicted, "gold_tokens": t.gold}
                    for kind, t in self.per_kind.items()}
        return {"n": self.n, "per_kind": per_kind, "failures": sum(self.failures.values()),
                "unscored": self.unscored, "failure_reasons": dict(self.failures.most_common())}


def predicted_bags(segments: Iterable[Segment], visible: Counter[str]) -> KindBags:
    """Token bags per evaluation kind; tokens of `visible` we did not extract count as boilerplate."""
    bags: KindBags = {kind: Counter() for kind in EVAL_KINDS}
    for s in segments:
        bags[OUR_KINDS.get(s.kind, "body")].update(tokens(s.text))
    extracted = sum(bags.values(), Counter())
    bags["boilerplate"].update(visible - extracted)
    return bags


def score_kinds(pairs: Iterable[tuple[Page | Failure, KindBags]]) -> SegmentsReport:
    """Per-kind token precision/recall/F1, micro-averaged over pages."""
    report = SegmentsReport()
    for page, gold in pairs:
        if isinstance(page, Failure):
            report.failures[page.reason] += 1
            report.unscored += 1
            continue
        segments = our_segments(page)
        if isinstance(segments, Failure):
            report.failures[segments.reason] += 1
            segments = []
        predicted = predicted_bags(segments, sum(gold.values(), Counter()))
        for kind, tally in report.per_kind.items():
            tally.add(predicted[kind], gold.get(kind, Counter()))
        report.n += 1
    return report
