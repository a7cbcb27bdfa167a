"""Actor evaluation on CoNLL source/target tags (`token TAG`, tags B/I-S, B/I-T, B/I-R).

Sentences are rebuilt from their tokens (joined by single spaces) and run through the whole
analysis as one-sentence articles with no date. Figures:
- recall: share of gold actor spans overlapped by any of our actor mentions;
- coded_recall: share overlapped by a mention whose code names a country or an IGO/NGO
  (the real test: "the rebels" must become SYRREB, not just be found);
- precision: share of our coded mentions that overlap a gold span.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from eventwire.actors import codes
from eventwire.evaluate.readers import LayoutError
from eventwire.model import Article, Result, Segment


@dataclass(frozen=True)
class TaggedSentence:
    id: str
    text: str
    spans: tuple[tuple[int, int, str], ...]  # (start, end, role S/T/R) in `text`


@dataclass
class ActorReport:
    n: int = 0
    gold: int = 0
    found: int = 0
    coded: int = 0
    ours: int = 0
    ours_correct: int = 0
    by_role: dict[str, list[int]] = field(default_factory=dict)  # role -> [gold, coded]

    def to_dict(self) -> dict[str, object]:
        return {
            "n": self.n,
            "recall": round(self.found / self.gold, 4) if self.gold else 0.0,
            "coded_recall": round(self.coded / self.gold, 4) if self.gold else 0.0,
            "precision": round(self.ours_correct / self.ours, 4) if self.ours else 0.0,
            "gold_spans": self.gold,
            "coded_mentions": self.ours,
            "coded_recall_by_role": {r: round(c / g, 4) if g else 0.0 for r, (g, c) in sorted(self.by_role.items())},
        }


def read_conll_st(path: Path) -> list[TaggedSentence]:
    """Sentences of a CoNLL file with B/I-S, B/I-T, B/I-R actor tags."""
    if not path.is_file():
        raise LayoutError(f"{path}: not a file (expected CoNLL lines 'token TAG')")
    sentences: list[TaggedSentence] = []
    rows: list[tuple[str, str]] = []
    for lineno, line in enumerate([*path.read_text(encoding="utf-8").splitlines(), ""], start=1):
        if not line.strip():
            if rows:
                sentences.append(_sentence(rows, f"{path.name}:{lineno - len(rows)}"))
                rows = []
            continue
        parts = line.rsplit(None, 1)
        if len(parts) != 2 or not (parts[1] == "O" or parts[1][:2] in ("B-", "I-")):
            raise LayoutError(f"{path}:{lineno}: expected 'token TAG' with tags O, B-X, I-X: {line!r}")
        rows.append((parts[0], parts[1]))
    if not sentences:
        raise LayoutError(f"{path}: no tagged sentences")
    return sentences


def _sentence(rows: list[tuple[str, str]], where: str) -> TaggedSentence:
    """Tokens joined by single spaces; each B-X/I-X run becomes a (start, end, X) span."""
    text = " ".join(token for token, _ in rows)
    spans: list[tuple[int, int, str]] = []
    pos = 0
    for token, tag in rows:
        start, pos = pos, pos + len(token)
        role = tag[2:]
        if tag.startswith("I-") and spans and spans[-1][2] == role and spans[-1][1] == start - 1:
            spans[-1] = (spans[-1][0], pos, role)
        elif tag != "O":
            spans.append((start, pos, role))
        pos += 1  # the joining space
    return TaggedSentence(where, text, tuple(spans))


def sentence_result(sid: str, text: str, day: date | None = None) -> Result:
    """A gold sentence as a one-segment article (no cleaning: a short sentence is not a headline)."""
    article = Article(text=text, source=sid, language="en", id=sid, published=day)
    return Result(article=article, segments=[Segment("body", 0, len(text), text)])


def as_results(sentences: Iterable[TaggedSentence]) -> Iterator[Result]:
    for s in sentences:
        yield sentence_result(s.id, s.text)


def score_actors(pairs: Iterable[tuple[TaggedSentence, Result]]) -> ActorReport:
    report = ActorReport()
    for gold, result in pairs:
        report.n += 1
        mentions = [(m["start"], m["end"], codes.has_place(a.code)) for a in result.actors for m in a.mentions]
        for start, end, role in gold.spans:
            hit = [coded for s, e, coded in mentions if s < end and start < e]
            report.gold += 1
            report.found += bool(hit)
            report.coded += any(hit)
            counts = report.by_role.setdefault(role, [0, 0])
            counts[0] += 1
            counts[1] += any(hit)
        for s, e, coded in mentions:
            if coded:
                report.ours += 1
                report.ours_correct += any(s < end and start < e for start, end, _ in gold.spans)
    return report
