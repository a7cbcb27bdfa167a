"""When and where events happened: dates from their own clause, places from their sentence or the
dateline, and undated articles dated from their text, through the whole pipeline."""

from __future__ import annotations

from datetime import date

import pytest

from eventwire.model import Article, Event, Result
from eventwire.pipeline import analyze_and_resolve, process

pytestmark = pytest.mark.model


def code(text: str, published: date | None = date(2021, 2, 4)) -> Result:
    (result,) = analyze_and_resolve(process([Article(text=text, source="test", published=published)]), events=True)
    assert isinstance(result, Result)
    return result


def event(result: Result, trigger: str) -> Event:
    return next(e for e in result.events if e.trigger["text"] == trigger)


def test_time_in_the_clause_dates_the_event() -> None:
    result = code("Talks between the United States and North Korea collapsed in early 2019. "
                  "South Korea criticized North Korea on Monday.")
    criticized = event(result, "criticized")
    assert (criticized.date, criticized.date_granularity, criticized.date_rule) == ("2021-02-01", "day", "expression")


def test_a_date_of_another_noun_does_not_date_the_event() -> None:
    result = code("After his first phone talks with Biden since the president's Jan. 20 inauguration, "
                  "President Moon Jae-in praised the alliance.")
    talks = event(result, "talks")
    assert talks.date == "2021-02-04" and talks.date_rule == "published"


def test_place_of_the_sentence_where_not_who() -> None:
    result = code("The United States stages military drills with South Korea in Pyeongtaek every spring.")
    drills = event(result, "drills")
    assert drills.place is not None and drills.place["name"] == "Pyeongtaek" and drills.place["rule"] == "sentence"


def test_dateline_is_the_fallback_place() -> None:
    result = code("SEOUL, South Korea (AP) — South Korea's president criticized North Korea on Thursday.")
    criticized = event(result, "criticized")
    assert criticized.place is not None and criticized.place["rule"] == "dateline"
    assert criticized.place["country"] == "KOR" and criticized.place["precision"] == "city"


def test_an_undated_article_is_dated_from_its_text() -> None:
    result = code("Thursday, Jan. 28, 2021. President Joe Biden criticized North Korea last month, officials "
                  "said on Thursday.", published=None)
    assert result.article.published == date(2021, 1, 28) and result.article.published_estimated
    assert {t.text: t.value for t in result.times}["last month"] == "2020-12"
    assert all(e.date_rule in ("published-estimated", "expression") for e in result.events)
    assert result.to_dict()["article"]["published_estimated"] is True
