"""Geoparsing evaluation: LGL/TR-News and GeoWebNews readers, the scorer and `eventwire eval geo`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from eventwire.cli import main
from eventwire.evaluate.geo import GeoArticle, Toponym, read_gwn, read_lgl, score_geo
from eventwire.evaluate.readers import LayoutError
from eventwire.model import Article, Place, Result

from conftest import SHARED, need

TEXT = "Flooding hit Alexandria, La., on Friday. Officials in Paris said aid was coming."
LGL = f"""<?xml version="1.0" encoding="utf-8"?>
<articles>
  <article docid="1"><dltime>2009-03-20 12:24:52-05</dltime>
    <text><![CDATA[{TEXT}]]></text>
    <toponyms>
      <toponym><start>13</start><end>23</end><phrase>Alexandria</phrase>
        <gaztag geonameid="4314550"><name>Alexandria</name><lat>31.3113</lat><lon>-92.4451</lon></gaztag>
      </toponym>
      <toponym><start>25</start><end>28</end><phrase>La.</phrase></toponym>
      <toponym><start>54</start><end>59</end><phrase>Paris</phrase>
        <gaztag geonameid="2988507"><name>Paris</name><lat>48.85341</lat><lon>2.3488</lon></gaztag>
      </toponym>
    </toponyms>
  </article>
</articles>
"""
GWN = f"""<?xml version="1.0" encoding="utf-8"?>
<articles>
  <article><title>t</title><link>http://example.com/1</link>
    <text>{TEXT}</text>
    <toponyms>
      <toponym><extractedName>Alexandria</extractedName><type>Literal</type><start>13</start><end>23</end>
        <latitude>31.3113</latitude><longitude>-92.4451</longitude></toponym>
      <toponym><extractedName>Paris</extractedName><type>Metonymic</type><start>54</start><end>59</end></toponym>
    </toponyms>
  </article>
</articles>
"""


def test_lgl_reader_offsets_coordinates_and_date(tmp_path: Path) -> None:
    path = tmp_path / "lgl.xml"
    path.write_text(LGL)
    (article,) = read_lgl(path)
    assert article.day == date(2009, 3, 20)
    assert [article.text[t.start:t.end] for t in article.toponyms] == ["Alexandria", "La.", "Paris"]
    assert article.toponyms[0].lat == pytest.approx(31.3113) and article.toponyms[1].lat is None


def test_gwn_reader_keeps_literal_toponyms_only(tmp_path: Path) -> None:
    path = tmp_path / "gwn.xml"
    path.write_text(GWN)
    (article,) = read_gwn(path)
    assert [t.text for t in article.toponyms] == ["Alexandria"]  # "Paris" here is a metonym


@pytest.mark.parametrize("content", ["<articles>", "<articles></articles>",
                                     "<articles><article><toponyms><toponym><start>x</start></toponym>"
                                     "</toponyms></article></articles>"])
def test_bad_files_are_layout_errors(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.xml"
    path.write_text(content)
    with pytest.raises(LayoutError):
        read_lgl(path)
    with pytest.raises(LayoutError):
        read_lgl(tmp_path / "missing.xml")


def test_scorer_counts_recognition_and_distance() -> None:
    gold = GeoArticle("1", TEXT, None, (Toponym(13, 23, "Alexandria", 31.3113, -92.4451),
                                        Toponym(25, 28, "La.", None, None),
                                        Toponym(54, 59, "Paris", 48.85, 2.35)))
    places = [Place("Alexandria", 13, 23, lat=31.31, lon=-92.44),  # right
              Place("Paris", 54, 59, lat=33.66, lon=-95.55),  # Paris, Texas: ~8,000 km off
              Place("Friday", 32, 38)]  # not a toponym
    result = Result(Article(text=TEXT, source="1"), places=places)
    report = score_geo([(gold, result)]).to_dict()
    assert report["precision"] == pytest.approx(2 / 3, abs=1e-3)
    assert report["recall"] == pytest.approx(2 / 3, abs=1e-3)
    assert report["acc161"] == pytest.approx(0.5)
    assert report["mean_km"] > 3000


@pytest.mark.model
def test_cli_json_keys_on_a_fixture(tmp_path: Path) -> None:
    path = tmp_path / "lgl.xml"
    path.write_text(LGL)
    result = CliRunner().invoke(main, ["eval", "geo", "--format", "lgl", "--json", str(path)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output.strip().splitlines()[-1])
    assert {"n", "precision", "recall", "f1", "acc161", "mean_km"} <= set(report)
    assert report["n"] == 1 and report["recall"] > 0.5


def test_cli_bad_file_is_one_line_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["eval", "geo", "--format", "gwn", str(tmp_path / "none.xml")])
    assert result.exit_code == 2 and "not a file" in result.output


@pytest.mark.model
def test_dev_lgl_first_articles() -> None:
    path = need(SHARED / "data" / "dev" / "geo" / "lgl.xml")
    result = CliRunner().invoke(main, ["eval", "geo", "--format", "lgl", "--limit", "20", "--json", str(path)])
    report = json.loads(result.output.strip().splitlines()[-1])
    assert report["n"] == 20 and report["precision"] > 0.6 and report["acc161"] > 0.5
