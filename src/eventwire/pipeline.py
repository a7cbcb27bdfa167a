"""The stages chained for a stream of inputs: read -> clean -> analyze -> resolve.

Every function streams: records go through one at a time (spaCy in batches), failures pass
through as they come, and one article's error becomes its `Failure` without ending the run.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from eventwire.clean import prepare
from eventwire.model import Article, Failure, Result, Skip
from eventwire.read import ReadOptions, read_paths


@dataclass
class Summary:
    """What a run did, for the closing line people and scripts read."""

    articles: int = 0
    failures: int = 0
    skipped: int = 0
    segments: Counter[str] = field(default_factory=Counter)
    failure_reasons: Counter[str] = field(default_factory=Counter)
    skip_reasons: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)

    def add(self, item: Result | Failure | Skip) -> None:
        if isinstance(item, Result):
            self.articles += 1
            self.segments.update(s.kind for s in item.segments)
            self.languages[item.article.language or "und"] += 1
        elif isinstance(item, Failure):
            self.failures += 1
            self.failure_reasons[_reason_kind(item.reason)] += 1
        else:
            self.skipped += 1
            self.skip_reasons[_reason_kind(item.reason)] += 1

    def to_dict(self) -> dict[str, object]:
        return {
            "articles": self.articles,
            "failures": self.failures,
            "skipped": self.skipped,
            "segments": dict(self.segments),
            "failure_reasons": dict(self.failure_reasons),
            "skip_reasons": dict(self.skip_reasons),
            "languages": dict(self.languages),
        }


def _reason_kind(reason: str) -> str:
    """Group reasons for counting: 'not HTML: image/png (http://…)' -> 'not HTML: image/png'."""
    return reason.split(" (", 1)[0]


def process(items: Iterable[Article | Failure | Skip]) -> Iterator[Result | Failure | Skip]:
    """Clean each article that was read; failures and skips pass through."""
    for item in items:
        if isinstance(item, Article):
            try:
                yield prepare(item)
            except Exception as exc:  # a bug on one article must not end the batch; say which
                yield Failure(item.source, f"internal error while cleaning: {type(exc).__name__}: {exc}",
                              stage="clean")
        else:
            yield item


def run(paths: Iterable[str], options: ReadOptions | None = None) -> Iterator[Result | Failure | Skip]:
    """Read and clean every input named by `paths`."""
    yield from process(read_paths(paths, options))


def analyze_and_resolve(items: Iterable[Result | Failure | Skip], *, n_process: int = 1,
                        events: bool = False) -> Iterator[Result | Failure | Skip]:
    """Parse the content of each cleaned article, resolve its actors and (with `events`) code them."""
    from eventwire.actors import default_lexicon, resolve
    from eventwire.events import code_events, default_patterns
    from eventwire.nlp import analyze

    lexicon = default_lexicon()  # load (and validate) the dictionaries before any parsing
    patterns = default_patterns() if events else None
    side: deque[Failure | Skip] = deque()

    def results() -> Iterator[Result]:
        for item in items:
            if isinstance(item, Result):
                yield item
            else:
                side.append(item)

    for analysis in analyze(results(), n_process=n_process):
        while side:
            yield side.popleft()
        stage = "resolve"
        try:
            analysis.result.actors = resolve(analysis, lexicon)
            if patterns is not None:
                stage = "code"
                analysis.result.events = code_events(analysis, analysis.result.actors, patterns)
        except Exception as exc:  # one article's bug must not end the batch; say which
            what = {"resolve": "resolving actors", "code": "coding events"}[stage]
            yield Failure(analysis.result.article.source,
                          f"internal error while {what}: {type(exc).__name__}: {exc}", stage=stage)
            continue
        yield analysis.result
    yield from side
