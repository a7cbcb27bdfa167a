"""Scoring main-text extraction: eventwire's reader plus line typing, next to bare trafilatura.

Two gold formats, two metrics:

- article bodies (ScrapingHub AEB): per page, precision and recall of the bag of body tokens
  (`metrics.page_scores`), averaged over pages; F1 of the averaged precision and recall. Our
  prediction is the text of the `body` and `dateline` segments: the gold is the body alone.
- snippets (trafilatura evaluation set): per page, every must-have snippet should be in the
  extracted text and no must-not-have snippet; counts are summed over pages. Snippets come from
  anywhere in the main text, so our text is every segment except boilerplate, related and credit.

The baseline is `trafilatura.extract(html)` with its default settings, run on the same pages.
A third row, "untyped", scores every line eventwire's reader kept, before line typing: the gap
between it and our row is what the typing of boilerplate, related and credit lines does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

import trafilatura

from eventwire.clean import segment
from eventwire.evaluate.metrics import Confusion, macro, page_scores, tokens
from eventwire.evaluate.readers import Page, Snippets
from eventwire.model import SEGMENT_KINDS, Failure, Segment
from eventwire.read.html import read_html

BODY_KINDS = frozenset({"body", "dateline"})
CONTENT_KINDS = frozenset(SEGMENT_KINDS) - {"boilerplate", "related", "credit"}


@dataclass
class ExtractionReport:
    """Scores of eventwire and of the baseline on one gold set."""

    n: int = 0  # pages scored
    ours: dict[str, Any] = field(default_factory=dict)
    baseline: dict[str, Any] = field(default_factory=dict)
    untyped: dict[str, Any] = field(default_factory=dict)
    failures: Counter[str] = field(default_factory=Counter)  # reason -> pages
    unscored: int = 0  # failed pages left out of the scores because their files are missing or broken

    def unreadable(self, failure: Failure) -> None:
        """A page whose files cannot be read: a failure, and no score."""
        self.failures[failure.reason] += 1
        self.unscored += 1

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, **self.ours, "baseline": self.baseline,
                "untyped": self.untyped, "failures": sum(self.failures.values()),
                "unscored": self.unscored, "failure_reasons": dict(self.failures.most_common())}


def our_segments(page: Page) -> list[Segment] | Failure:
    """What eventwire makes of a page: `read_html`, then `segment` (any language)."""
    try:
        article = read_html(page.html, page.source, url=page.url)
        if isinstance(article, Failure):
            return article
        return segment(article.text, article.title)
    except Exception as exc:  # an evaluation reports a crash on one page and goes on
        return Failure(page.source, f"{type(exc).__name__}: {exc}", stage="evaluate")


def text_of(segments: Iterable[Segment], kinds: Collection[str]) -> str:
    return "\n".join(s.text for s in segments if s.kind in kinds)


def baseline_text(page: Page) -> str:
    """Bare trafilatura on the same page ("" when it finds nothing or fails)."""
    try:
        return trafilatura.extract(page.html) or ""
    except Exception:  # trafilatura raises assorted lxml/ValueError types on odd markup
        return ""


def score_bodies(pairs: Iterable[tuple[Page | Failure, str]]) -> ExtractionReport:
    """Bag-of-tokens precision/recall of the article body, macro-averaged over pages."""
    report = ExtractionReport()
    ours: list[tuple[float, float]] = []
    base: list[tuple[float, float]] = []
    untyped: list[tuple[float, float]] = []
    for page, gold in pairs:
        if isinstance(page, Failure):
            report.unreadable(page)
            continue
        gold_bag = tokens(gold)
        typed, kept = _predicted(page, BODY_KINDS, report)
        ours.append(page_scores(tokens(typed), gold_bag))
        untyped.append(page_scores(tokens(kept), gold_bag))
        base.append(page_scores(tokens(baseline_text(page)), gold_bag))
    report.n = len(ours)
    report.ours, report.untyped, report.baseline = (macro(ours).to_dict(), macro(untyped).to_dict(),
                                                    macro(base).to_dict())
    return report


def score_snippets(pairs: Iterable[tuple[Page | Failure, Snippets]]) -> ExtractionReport:
    """Must-have / must-not-have snippet counts summed over pages."""
    report = ExtractionReport()
    ours, base, untyped = Confusion(), Confusion(), Confusion()
    for page, gold in pairs:
        if isinstance(page, Failure):
            report.unreadable(page)
            continue
        report.n += 1
        typed, kept = _predicted(page, CONTENT_KINDS, report)
        ours.add(typed, gold.wanted, gold.unwanted)
        untyped.add(kept, gold.wanted, gold.unwanted)
        base.add(baseline_text(page), gold.wanted, gold.unwanted)
    report.ours, report.baseline, report.untyped = ours.to_dict(), base.to_dict(), untyped.to_dict()
    return report


def _predicted(page: Page, kinds: Collection[str], report: ExtractionReport) -> tuple[str, str]:
    """Our text of a page (its segments of `kinds`) and every line the reader kept; ("", "") and
    a failure when we find no article."""
    segments = our_segments(page)
    if isinstance(segments, Failure):
        report.failures[segments.reason] += 1
        return "", ""
    return text_of(segments, kinds), text_of(segments, SEGMENT_KINDS)
