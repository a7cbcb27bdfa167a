"""The chained stages: one article's internal error is its Failure, and the batch goes on."""

from __future__ import annotations

from datetime import date

import pytest

from eventwire import places
from eventwire.model import Article, Failure, Result
from eventwire.pipeline import analyze_and_resolve, process

pytestmark = pytest.mark.model


def test_an_error_in_one_stage_fails_only_that_article(monkeypatch: pytest.MonkeyPatch) -> None:
    real = places.find_places

    def fragile(analysis, actors, lexicon=None, gaz=None):  # type: ignore[no-untyped-def]
        if "Springfield" in analysis.doc.text:
            raise ValueError("no such town")
        return real(analysis, actors, lexicon, gaz)

    monkeypatch.setattr(places, "find_places", fragile)
    articles = [Article(text=f"Officials met in {town} on Friday to discuss the floods.", source=f"{n}.txt",
                        published=date(2021, 2, 4)) for n, town in enumerate(["Seoul", "Springfield", "Kyiv"])]
    out = list(analyze_and_resolve(process(articles), events=True))
    assert [type(o).__name__ for o in out] == ["Result", "Failure", "Result"]
    failure = out[1]
    assert isinstance(failure, Failure) and failure.source == "1.txt" and failure.stage == "places"
    assert failure.reason == "internal error while resolving places: ValueError: no such town"
    assert isinstance(out[2], Result) and out[2].places[0].country == "UKR"
