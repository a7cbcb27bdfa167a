import json
from datetime import date

import pytest
from click.testing import CliRunner

from eventwire.cli import main
from eventwire.evaluate.readers import LayoutError
from eventwire.evaluate.time import (
    GoldTimex,
    TimeDoc,
    canonical_value,
    parse_timeml,
    read_timeml,
    same_value,
    score_times,
)
from eventwire.model import Failure, TimeRef

TML = """<?xml version="1.0" ?>
<TimeML>
<DOCID>T1</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="1998-11-20" functionInDocument="CREATION_TIME">1998-11-20</TIMEX3></DCT>
<TEXT>
Police <EVENT eid="e1">said</EVENT> <TIMEX3 tid="t1" type="DATE" value="1998-11-20">Friday</TIMEX3> that the suspect \
<EVENT eid="e2">fled</EVENT> in <TIMEX3 tid="t2" type="DATE" value="1998-10">last month</TIMEX3>'s chaos.

The search has lasted <TIMEX3 tid="t3" type="DURATION" value="P3W">three weeks</TIMEX3> and will go on.
</TEXT>
</TimeML>
"""


def test_parse_timeml_offsets_and_dct():
    doc = parse_timeml(TML.encode())
    assert doc.dct == date(1998, 11, 20)
    assert [g.value for g in doc.gold] == ["1998-11-20", "1998-10", "P3W"]
    for g in doc.gold:
        assert doc.text[g.start:g.end] == g.text
    assert "<" not in doc.text and "Police said Friday" in doc.text


def test_read_timeml_folder(tmp_path):
    with pytest.raises(LayoutError):
        read_timeml(tmp_path)  # no .tml files
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.tml").write_text(TML)
    (tmp_path / "b.tml").write_text("<TimeML><broken>")
    docs = read_timeml(tmp_path)
    assert len(docs) == 2
    assert isinstance(docs[0], Failure) and isinstance(docs[1], TimeDoc)
    assert len(read_timeml(tmp_path, limit=1)) == 1


def test_score_relaxed_span_and_value():
    doc = TimeDoc("x", "Friday and last month and then", None, [
        GoldTimex(0, 6, "Friday", "1998-11-20"), GoldTimex(11, 21, "last month", "1998-10")])
    predicted = [TimeRef("Friday", 0, 6, "1998-11-13"), TimeRef("month", 16, 21, "1998-10"),
                 TimeRef("then", 26, 30, "PAST_REF")]
    report = score_times([(doc, predicted), (Failure("y", "bad"), [])]).to_dict()
    assert report["n"] == 1 and report["failed"] == 1
    assert report["precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert report["recall"] == 1.0
    assert report["value_precision"] == pytest.approx(1 / 3, abs=1e-4)
    assert report["value_recall"] == 0.5
    assert report["top_spurious"] == [["then", 1]] or report["top_spurious"] == [("then", 1)]


@pytest.mark.parametrize(("a", "b", "same"), [
    ("2000-W7", "2000-W07", True),
    ("2000-W7-WE", "2000-W07-WE", True),
    ("1989-11-06T17", "1989-11-06T17:00", True),
    ("1989-11-06T17:00:00", "1989-11-06T17:00", True),
    ("1989-11-06T17:30:00", "1989-11-06T17:30", True),
    ("1989-11-06T17:30", "1989-11-06T17:00", False),
    ("1989-11-06T17:00:30", "1989-11-06T17:00", False),
    ("1989-W42", "1989-WXX", False),
    ("P1W", "P7D", False),
    ("PT12H", "PT12H", True),
    ("1998-10-23TNI", "1998-10-23", False),
    (None, "1998", False),
])
def test_values_compare_spelling_aside(a, b, same):
    assert same_value(a, b) is same
    assert canonical_value("2000-W12") == "2000-W12" and canonical_value("PT5H30M") == "PT5H30M"


def test_score_counts_equal_spellings_as_right():
    doc = TimeDoc("x", "this week at 5 p.m.", None, [
        GoldTimex(0, 9, "this week", "2000-W7"), GoldTimex(13, 19, "5 p.m.", "2000-02-15T17")])
    predicted = [TimeRef("this week", 0, 9, "2000-W07"), TimeRef("5 p.m.", 13, 19, "2000-02-15T17:00")]
    report = score_times([(doc, predicted)]).to_dict()
    assert report["value_precision"] == 1.0 and report["value_recall"] == 1.0
    assert report["top_wrong_value"] == []


@pytest.mark.model
def test_cli_json(tmp_path):
    (tmp_path / "a.tml").write_text(TML)
    result = CliRunner().invoke(main, ["eval", "time", "--format", "timeml", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    for key in ("n", "precision", "recall", "f1", "value_precision", "value_recall", "value_f1"):
        assert key in report
    assert report["n"] == 1 and report["gold"] == 3
    assert report["recall"] == 1.0 and report["value_recall"] == 1.0


def test_cli_bad_folder(tmp_path):
    result = CliRunner().invoke(main, ["eval", "time", "--format", "timeml", str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert "Error:" in result.output and len(result.output.strip().splitlines()) == 1
