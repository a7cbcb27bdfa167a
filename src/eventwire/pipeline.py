"""The stages chained for a stream of inputs: read -> clean -> analyze -> resolve -> code.

Every function streams: records go through one at a time (spaCy in batches), failures pass
through as they come, and one article's error becomes its `Failure` without ending the run.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from eventwire.clean import prepare
from eventwire.model import Article, Failure, Result, Skip
from eventwire.read import ReadOptions, read_paths

if TYPE_CHECKING:  # the analysis stages load spaCy; reading and cleaning must not
    from eventwire.actors.lexicon import Lexicon
    from eventwire.events.patterns import Patterns
    from eventwire.nlp import Analysis


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
    """Parse the content of each cleaned article and resolve its actors, times, places and quotes;
    with `events`, code its events and give each a date and a place."""
    from eventwire.actors import default_lexicon
    from eventwire.events import default_patterns
    from eventwire.gazetteer import gazetteer
    from eventwire.nlp import analyze

    lexicon = default_lexicon()  # load (and validate) the dictionaries before any parsing
    patterns = default_patterns() if events else None
    gazetteer()
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
        try:
            resolve_all(analysis, lexicon, patterns)
        except StageError as exc:  # one article's bug must not end the batch; say which and where
            cause = exc.__cause__
            yield Failure(analysis.result.article.source,
                          f"internal error while {STAGES[exc.stage]}: {type(cause).__name__}: {cause}",
                          stage=exc.stage)
            continue
        yield analysis.result
    yield from side


STAGES = {"date": "estimating the date", "resolve": "resolving actors", "times": "reading times",
          "places": "resolving places", "quotes": "attributing quotes", "code": "coding events"}


class StageError(Exception):
    def __init__(self, stage: str) -> None:
        super().__init__(stage)
        self.stage = stage


def resolve_all(analysis: Analysis, lexicon: Lexicon, patterns: Patterns | None) -> None:
    """Fill in an analysed article's record: actors, times, places, quotes and (with patterns) events."""
    from eventwire.actors import resolve
    from eventwire.events import code_events
    from eventwire.events.anchor import anchor_events
    from eventwire.places import find_places
    from eventwire.quotes import find_quotes
    from eventwire.times import estimate_published, find_times

    result, stage = analysis.result, "date"
    try:
        article = result.article
        if article.published is None:
            # Offices are dated: who "the president" is depends on the day, so estimate it first.
            article.published = estimate_published(analysis)
            article.published_estimated = article.published is not None
        stage = "resolve"
        result.actors = resolve(analysis, lexicon)
        stage = "times"
        result.times = find_times(analysis)
        stage = "places"
        result.places = find_places(analysis, result.actors, lexicon)
        stage = "quotes"
        result.quotes = find_quotes(analysis, result.actors)
        if patterns is not None:
            stage = "code"
            result.events = code_events(analysis, result.actors, patterns)
            anchor_events(analysis, result.events, result.times, result.places)
    except Exception as exc:
        raise StageError(stage) from exc
