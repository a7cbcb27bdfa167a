from datetime import date

import pytest

from eventwire.times import estimate_published, normalize, parse_full_date

from conftest import SEED, need

ANCHOR = date(2021, 2, 4)  # a Thursday


@pytest.mark.parametrize(("text", "value", "granularity"), [
    ("Jan. 20", "2021-01-20", "day"),
    ("Jan. 28, 2021", "2021-01-28", "day"),
    ("Thursday, Jan. 28, 2021", "2021-01-28", "day"),
    ("28 January 2021", "2021-01-28", "day"),
    ("early 2019", "2019", "year"),
    ("mid-2020", "2020", "year"),
    ("last month", "2021-01", "month"),
    ("late last year", "2020", "year"),
    ("next year", "2022", "year"),
    ("this week", "2021-W05", "week"),
    ("the weekend", "2021-W05-WE", "week"),
    ("two years ago", "2019", "year"),
    ("three months ago", "2020-11", "month"),
    ("the 1990s", "199", "decade"),
    ("the '90s", "199", "decade"),
    ("the 20th century", "19", "century"),
    ("last summer", "2020-SU", "season"),
    ("the summer of 2019", "2019-SU", "season"),
    ("the first quarter of 2019", "2019-Q1", "quarter"),
    ("March 1998", "1998-03", "month"),
    ("January last year", "2020-01", "month"),
    ("nineteen ninety-six", "1996", "year"),
    ("yesterday", "2021-02-03", "day"),
    ("this morning", "2021-02-04TMO", "day"),
    ("10:35 p.m.", "2021-02-04T22:35", "day"),
    ("three years", "P3Y", "duration"),
    ("a year and a half", "P1Y6M", "duration"),
    ("2 1/2 years", "P2Y6M", "duration"),
    ("5 1/2 hours", "PT5H30M", "duration"),
    ("a minute and a half", "PT1M30S", "duration"),
    ("a day and a half", "P1DT12H", "duration"),
    ("half an hour", "PT30M", "duration"),
    ("the last half of 2019", "2019-H2", "quarter"),
    ("the latest quarter's", "2020-Q4", "quarter"),
    ("several weeks", "PXW", "duration"),
    ("now", "PRESENT_REF", "ref"),
    ("currently", "PRESENT_REF", "ref"),
    ("recently", "PAST_REF", "ref"),
    ("soon", "FUTURE_REF", "ref"),
    ("current", "PRESENT_REF", "ref"),
    ("then current", "PAST_REF", "ref"),
    ("recent", "PAST_REF", "ref"),
    ("the near term", "FUTURE_REF", "ref"),
])
def test_normalize(text, value, granularity):
    norm = normalize(text, ANCHOR)
    assert (norm.value, norm.granularity) == (value, granularity)


def test_weekday_reads_back_in_the_past_and_ahead_in_the_future():
    assert normalize("Thursday", ANCHOR, "past").value == "2021-02-04"  # the publication day itself
    assert normalize("Tuesday", ANCHOR, "past").value == "2021-02-02"
    assert normalize("Friday", ANCHOR).value == "2021-01-29"  # no tense: the latest on or before
    assert normalize("Friday", ANCHOR, "future").value == "2021-02-05"
    assert normalize("next Thursday", ANCHOR).value == "2021-02-11"
    assert normalize("last Thursday", ANCHOR).value == "2021-01-28"


def test_month_day_takes_the_year_nearest_the_anchor():
    assert normalize("Dec. 20", ANCHOR).value == "2020-12-20"
    assert normalize("March 3", ANCHOR, "future").value == "2021-03-03"
    # a past-tense clause does not send a date two weeks ahead back a whole year
    assert normalize("Nov. 20", date(1989, 11, 2), "past").value == "1989-11-20"
    # a weekday named with the date settles the year
    assert normalize("Monday, Oct. 26", date(1998, 10, 25)).value == "1998-10-26"


def test_without_anchor_only_absolute_expressions_get_values():
    assert normalize("last month", None).value is None
    assert normalize("Thursday", None).value is None
    assert normalize("Jan. 28, 2021", None).value == "2021-01-28"
    assert normalize("the 1990s", None).value == "199"
    assert normalize("2019", None).value == "2019"


@pytest.mark.parametrize("text", ["32 Jan", "Feb 30", "Feb 30, 2020", "year 0", "0000",
                                  "in 99999999999 years", "99999999999 years ago", "25:99 p.m.", "the 0th century",
                                  "", "   ", "the 1990s and ", "Jan. 0, 2020"])
def test_bad_input_never_raises(text):
    norm = normalize(text, ANCHOR)
    assert norm.value is None or norm.value[:1].isdigit() or norm.value.startswith("P")
    if text in ("32 Jan", "Feb 30", "Feb 30, 2020", "in 99999999999 years", "25:99 p.m."):
        assert norm.value is None


def test_holidays_take_the_year_the_tense_points_to():
    assert normalize("Christmas", ANCHOR).value == "2020-12-25"
    assert normalize("Christmas", date(2021, 6, 1), "past").value == "2020-12-25"
    assert normalize("Christmas", date(2021, 6, 1), "future").value == "2021-12-25"
    assert normalize("next Christmas", ANCHOR).value == "2021-12-25"
    assert normalize("New Year's Day", ANCHOR).value == "2021-01-01"
    assert normalize("Thanksgiving", ANCHOR).value == "2020-11-26"  # the fourth Thursday of November
    assert normalize("last Thanksgiving", date(1999, 12, 1)).value == "1999-11-25"
    assert normalize("next Thanksgiving", date(1999, 11, 20)).value == "1999-11-25"
    assert normalize("Election Day", date(1998, 10, 25), "future").value == "1998-11-03"
    assert normalize("Memorial Day", ANCHOR, "future").value == "2021-05-31"  # the last Monday of May
    assert normalize("Christmas", None).value is None


def test_parse_full_date_and_estimate():
    assert parse_full_date("Jan. 28, 2021") == date(2021, 1, 28)
    assert parse_full_date("Feb 30, 2020") is None
    assert parse_full_date("3rd of March, 2001") == date(2001, 3, 3)
    assert parse_full_date("1/2/98") == date(1998, 1, 2)  # month first, a two-digit year as strptime reads it
    assert parse_full_date("25/12/2020") == date(2020, 12, 25)  # no 25th month: day first
    assert parse_full_date("13/13/2020") is None
    text = "Signed on March 3, 2020. President Biden, Thursday, Jan. 28, 2021, in Washington. Jan. 30 was quiet."
    assert estimate_published(text) == date(2021, 1, 28)
    assert estimate_published("No dates here, only last month and 2019.") is None
    assert estimate_published("Plans for Jan. 5, 2999 are ambitious.") is None  # the future is no publication date


@pytest.mark.model
def test_seed_article_times():
    from eventwire.clean import prepare
    from eventwire.nlp import analyze
    from eventwire.read.text import read_text
    from eventwire.times import anchor, find_times

    path = need(SEED)
    article = read_text(path.read_bytes(), str(path), published=date(2021, 2, 4))
    analysis = next(analyze([prepare(article)]))
    times = {t.text: t for t in find_times(analysis)}
    assert times["Thursday"].value == "2021-02-04"
    assert times["Jan. 20"].value == "2021-01-20"
    assert times["early 2019"].value == "2019"
    assert times["last month"].value == "2021-01"
    assert times["2017"].granularity == "year"
    for t in times.values():  # offsets point into the original text
        assert article.text[t.start:t.end] == t.text
    assert not any("dormant" in t for t in times)  # "now-dormant" is no PRESENT_REF

    undated = read_text(path.read_bytes(), str(path))
    analysis = next(analyze([prepare(undated)]))
    assert anchor(analysis) == date(2021, 1, 28)  # the caption's "Thursday, Jan. 28, 2021"
    times = {t.text: t for t in find_times(analysis)}
    assert times["last month"].value == "2020-12" and times["last month"].how.endswith("/estimated-anchor")
    assert times["early 2019"].how == "year"


@pytest.mark.model
def test_tense_moves_weekdays_and_spans_keep_their_own_values():
    from eventwire.clean import prepare
    from eventwire.model import Article
    from eventwire.nlp import analyze
    from eventwire.times import find_times

    text = ("Talks resume\n\nThe ministers met on Tuesday and will meet again on Monday. "
            "Profit rose in the fourth quarter ended Sept. 30, from $2 a year earlier.")
    result = prepare(Article(text=text, source="t.txt", published=ANCHOR))
    times = {t.text: t.value for t in find_times(next(analyze([result])))}
    assert times["Tuesday"] == "2021-02-02"
    assert times["Monday"] == "2021-02-08"
    assert times["the fourth quarter"] == "2020-Q4"
    assert times["Sept. 30"] == "2020-09-30"
    assert times["a year earlier"] == "2019-Q4"


def test_window_scan_finds_what_a_full_scan_finds():
    from eventwire.times import _COMPILED, _windows

    text = ("Talks resume. On Thursday, Jan. 28, 2021, the ministers met for 2 1/2 hours; two years ago they met "
            "in the summer of 2019 and again in the '90s. " + "Nothing happens here at all. " * 40 +
            "Profit rose in the fourth quarter ended Sept. 30, from $2 a year earlier, and will rise next year. "
            "The vote is set for 10:30 a.m. EST Monday, the 20th century's last Christmas, now and daily.")
    windows = _windows(text)
    for (name, pattern, _cues), spans in zip(_COMPILED, windows, strict=True):
        full = [m.span() for m in pattern.finditer(text)]
        assert [m.span() for a, b in spans for m in pattern.finditer(text, a, b)] == full, name
    assert sum(b - a for spans in windows for a, b in spans) < len(text) * len(windows)  # not every pattern scans all


def _times(text, published=ANCHOR):
    from eventwire.clean import prepare
    from eventwire.model import Article
    from eventwire.nlp import analyze
    from eventwire.times import find_times

    result = prepare(Article(text=text, source="t.txt", published=published))
    return [(t.text, t.value) for t in find_times(next(analyze([result])))]


@pytest.mark.model
def test_anaphora_takes_the_time_named_last():
    times = dict(_times("Fire at the plant\n\nThe plant opened in June 1998 and closed later that year. "
                        "A fire broke out on Oct. 23, 2019. Earlier that day, workers left at 10 p.m., "
                        "and officials returned the following day.", published=date(2021, 2, 4)))
    assert times["later that year"] == "1998"
    assert times["Earlier that day"] == "2019-10-23"
    assert times["10 p.m."] == "2019-10-23T22:00"  # a bare clock time is on the day in question
    assert times["the following day"] == "2019-10-24"
    times = dict(_times("Quiet week\n\nNothing was decided that year."))
    assert times["that year"] is None  # nothing named before it to refer to


@pytest.mark.model
def test_year_lists_periods_and_adjectives():
    times = _times("Results\n\nSales grew between 1985 and 1987. Revenue was $76 million for the year ended "
                   "March 31. A second attempt failed. The current weakness follows a recent sale, "
                   "and the current account deficit widened.")
    assert ("1985", "1985") in times and ("1987", "1987") in times
    assert ("the year", "P1Y") in times
    assert ("March 31", "2020-03-31") in times  # after "ended": over by the anchor, however far back
    assert not any(text.lower().startswith("a second") for text, _ in times)
    assert ("current", "PRESENT_REF") in times and ("recent", "PAST_REF") in times
    assert sum(text == "current" for text, _ in times) == 1  # "current account" is economics, not time
