"""Scorers, gold readers and `eventwire eval` on small hand-made cases and on the dev data."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from eventwire.cli import main
from eventwire.evaluate.extraction import score_bodies
from eventwire.evaluate.metrics import Confusion, Tally, macro, page_scores, tokens
from eventwire.evaluate.readers import Page, label_bags, read_aeb, read_l3s, read_trafilatura
from eventwire.evaluate.segments import predicted_bags
from eventwire.model import Failure, Segment

SHARED = Path(__file__).parents[1] / ".." / "shared"
EXTRACTION = SHARED / "data" / "dev" / "extraction"


# --- scorer math ------------------------------------------------------------------------------

def test_tokens_are_lowercase_word_bags() -> None:
    assert tokens("Seoul's  SEOUL, Ünïcode—2024!") == Counter({"seoul": 2, "s": 1, "ünïcode": 1, "2024": 1})


def test_page_scores_count_repeated_tokens() -> None:
    # shared: one "a" (2 predicted, 1 gold) and one "b" (1 predicted, 2 gold)
    assert page_scores(tokens("a a b c"), tokens("a b b d")) == (0.5, 0.5)
    assert page_scores(tokens("a b"), tokens("a b c d")) == (1.0, 0.5)


def test_page_scores_of_empty_sides() -> None:
    assert page_scores(Counter(), tokens("a b")) == (0.0, 0.0)
    assert page_scores(tokens("a"), Counter()) == (0.0, 0.0)
    assert page_scores(Counter(), Counter()) == (1.0, 1.0)


def test_macro_average_takes_f1_of_the_means() -> None:
    scores = macro([(1.0, 0.0), (0.0, 0.5)])
    assert (scores.precision, scores.recall) == (0.5, 0.25)
    assert scores.f1 == pytest.approx(1 / 3)
    assert macro([]).f1 == 0.0


def test_tally_is_a_micro_average() -> None:
    tally = Tally()
    tally.add(tokens("a b c d"), tokens("a b"))  # 2 shared of 4 predicted, 2 gold
    tally.add(tokens("x"), tokens("x y y y y y"))  # 1 shared of 1 predicted, 6 gold
    assert (tally.shared, tally.predicted, tally.gold) == (3, 5, 8)
    assert (tally.scores().precision, tally.scores().recall) == (0.6, 0.375)


def test_confusion_of_snippets() -> None:
    counts = Confusion()
    counts.add("Alpha beta gamma.", wanted=["beta", "delta"], unwanted=["gamma", "Impressum"])
    counts.add("Alpha", wanted=["Alpha"], unwanted=[])
    assert (counts.tp, counts.fn, counts.fp, counts.tn) == (2, 1, 1, 1)
    assert counts.scores().precision == pytest.approx(2 / 3)
    assert counts.scores().recall == pytest.approx(2 / 3)
    assert counts.accuracy == 0.6


# --- ScrapingHub AEB layout ---------------------------------------------------------------------

STORY = [
    "The city council voted on Tuesday to expand the harbour, a project that has divided residents "
    "for more than a decade and drawn protests from fishermen.",
    "Supporters say the new quay will bring container traffic and hundreds of jobs to a town that "
    "lost its shipyard in the 1990s, while opponents fear for the bay.",
    "The mayor said construction would begin next spring and take three years, with the regional "
    "government paying for most of the work.",
]
JUNK = ["Advertisement", "Sign up for our daily newsletter to get the latest news in your inbox"]


def _news_page(title: str, paragraphs: list[str], junk: list[str]) -> str:
    blocks = []
    for i, paragraph in enumerate(paragraphs):
        blocks.append(f"<p>{paragraph}</p>")
        if i < len(junk):
            blocks.append(f"<p>{junk[i]}</p>")
    return (f"<!DOCTYPE html><html><head><title>{title}</title></head><body>"
            f"<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
            f"<article><h1>{title}</h1>{''.join(blocks)}</article>"
            f"<footer>Contact us</footer></body></html>")


@pytest.fixture
def aeb(tmp_path: Path) -> Path:
    """Three pages with ad and newsletter lines inside the article, and one missing page."""
    (tmp_path / "html").mkdir()
    truth = {}
    for n, title in enumerate(["Harbour expansion approved", "Quay plan divides town", "Work to start in spring"]):
        page_id = f"page{n}"
        paragraphs = STORY[n:] + STORY[:n]
        html = _news_page(title, paragraphs, JUNK)
        (tmp_path / "html" / f"{page_id}.html.gz").write_bytes(gzip.compress(html.encode("utf-8")))
        truth[page_id] = {"articleBody": "\n".join(paragraphs), "url": f"https://example.org/{page_id}"}
    truth["gone"] = {"articleBody": "A page whose HTML file is missing.", "url": "https://example.org/gone"}
    (tmp_path / "ground-truth.json").write_text(json.dumps(truth), encoding="utf-8")
    return tmp_path


def test_aeb_reader_pairs_pages_with_their_bodies(aeb: Path) -> None:
    gold = read_aeb(aeb)
    assert len(gold) == 4
    pairs = list(gold)
    page, body = pairs[0]
    assert isinstance(page, Page)
    assert (page.id, page.url) == ("page0", "https://example.org/page0")
    assert b"Harbour expansion approved" in page.html
    assert body.startswith("The city council voted")
    missing, _ = pairs[3]
    assert isinstance(missing, Failure) and missing.reason == "file missing"
    assert len(gold.head(2)) == 2


def test_aeb_scores_our_cleaning_above_bare_trafilatura(aeb: Path) -> None:
    report = score_bodies(read_aeb(aeb))
    assert (report.n, report.unscored, sum(report.failures.values())) == (3, 1, 1)
    assert (report.ours["precision"], report.ours["recall"]) == (1.0, 1.0)
    assert report.baseline["recall"] == 1.0
    assert report.baseline["precision"] < report.ours["precision"]
    # before typing, the ad and newsletter lines (and the headline) are still in
    assert report.untyped["recall"] == 1.0 and report.untyped["precision"] < 1.0


def test_cli_extraction_json(aeb: Path) -> None:
    result = CliRunner().invoke(main, ["eval", "extraction", "--format", "aeb", str(aeb), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"n", "precision", "recall", "f1", "baseline", "failures"} <= set(data)
    assert (data["n"], data["f1"], data["failures"]) == (3, 1.0, 1)
    assert set(data["baseline"]) >= {"precision", "recall", "f1"}
    assert set(data["untyped"]) >= {"precision", "recall", "f1"}


def test_cli_extraction_table_and_limit(aeb: Path) -> None:
    result = CliRunner().invoke(main, ["eval", "extraction", "--format", "aeb", str(aeb), "--limit", "1"])
    assert result.exit_code == 0, result.output
    assert "trafilatura (bare)" in result.stdout and "lines untyped" in result.stdout
    assert "1 pages" in result.stdout


@pytest.mark.parametrize("command", [
    ["extraction", "--format", "aeb"],
    ["extraction", "--format", "trafilatura"],
    ["segments", "--format", "l3s"],
])
def test_cli_bad_layout_exits_2(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "stray.txt").write_text("not a gold set", encoding="utf-8")
    for folder in (tmp_path, tmp_path / "absent"):
        result = CliRunner().invoke(main, ["eval", *command, str(folder), "--json"])
        assert result.exit_code == 2
        assert result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1 and str(folder) in result.stderr


def test_bad_ground_truth_json_is_a_layout_error(tmp_path: Path) -> None:
    (tmp_path / "html").mkdir()
    (tmp_path / "ground-truth.json").write_text("[1, 2]", encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "extraction", "--format", "aeb", str(tmp_path)])
    assert result.exit_code == 2 and "JSON object" in result.stderr


# --- L3S-GN1 layout ------------------------------------------------------------------------------

ANNOTATED = """<html><head><title>Ignored title</title><style>.x {}</style></head><body>
<div>Home | World</div>
<h1><span class="x-nc-sel1">Storm hits coast</span></h1>
<span class="x-nc-sel3">By Ann Lee</span>
<p><span class="x-nc-sel2">The storm hit the coast on Monday.</span> <a>
<span class="x-nc-sel2">Power</span></a><span class="x-nc-sel2"> was cut.</span></p>
<div class="x-nc-invisible"><span class="x-nc-sel2">Hidden text</span></div>
<script>var ad = 1;</script>
<ul><li><span class="x-nc-sel4">Floods last year</span></li></ul>
<div><span class="x-nc-sel5">Great story</span><span class="x-nc-sel0">Share</span></div>
</body></html>"""


def test_l3s_label_bags() -> None:
    bags = label_bags(ANNOTATED.encode("utf-8"))
    assert bags["headline"] == tokens("Storm hits coast")
    assert bags["caption"] == tokens("By Ann Lee")
    assert bags["body"] == tokens("The storm hit the coast on Monday. Power was cut.")
    assert bags["related"] == tokens("Floods last year")
    assert bags["boilerplate"] == tokens("Home World Great story Share")


def test_predicted_bags_count_dropped_text_as_boilerplate() -> None:
    visible = tokens("Home World Storm hits coast By Ann Lee The storm hit the coast")
    segments = [Segment("headline", 0, 16, "Storm hits coast"), Segment("byline", 17, 27, "By Ann Lee"),
                Segment("body", 28, 47, "The storm hit the coast"), Segment("related", 48, 53, "Share")]
    bags = predicted_bags(segments, visible)
    assert bags["headline"] == tokens("Storm hits coast")
    assert bags["caption"] == tokens("By Ann Lee")
    assert bags["related"] == tokens("Share")
    assert bags["boilerplate"] == tokens("Home World")


def test_l3s_reader_pairs_original_with_annotated(tmp_path: Path) -> None:
    for sub in ("original", "annotated"):
        (tmp_path / sub).mkdir()
    (tmp_path / "original" / "abc.html.gz").write_bytes(gzip.compress(b"<html><body><p>x</p></body></html>"))
    (tmp_path / "annotated" / "abc.html").write_text(ANNOTATED, encoding="utf-8")
    (tmp_path / "annotated" / "lonely.html").write_text(ANNOTATED, encoding="utf-8")
    (tmp_path / "url-mapping.txt").write_text("<urn:uuid:abc>\thttps://example.org/abc\n", encoding="utf-8")
    (page, gold), (missing, _) = list(read_l3s(tmp_path))
    assert isinstance(page, Page) and page.url == "https://example.org/abc"
    assert gold["headline"] == tokens("Storm hits coast")
    assert isinstance(missing, Failure) and missing.reason == "file missing"


# --- the dev data in ../shared ----------------------------------------------------------------------

def _needs(path: Path) -> Path:
    if not path.is_dir():
        pytest.skip(f"dev data not found: {path}")
    return path


@pytest.mark.shared
def test_trafilatura_eval_first_pages() -> None:
    folder = _needs(EXTRACTION / "trafilatura-eval")
    assert len(read_trafilatura(folder)) == 990
    result = CliRunner().invoke(main, ["eval", "extraction", "--format", "trafilatura", str(folder),
                                       "--limit", "20", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["n"] == 20 and data["unscored"] == 0
    assert 0.7 <= data["precision"] <= 1.0 and 0.8 <= data["recall"] <= 1.0
    assert data["baseline"]["recall"] >= 0.8


@pytest.mark.shared
def test_l3s_first_pages() -> None:
    folder = _needs(EXTRACTION / "l3s-gn1")
    result = CliRunner().invoke(main, ["eval", "segments", "--format", "l3s", str(folder), "--limit", "20", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["n"] == 20
    assert set(data["per_kind"]) == {"headline", "body", "caption", "related", "boilerplate"}
    assert data["per_kind"]["body"]["f1"] >= 0.8
    assert data["per_kind"]["boilerplate"]["f1"] >= 0.7
    assert data["per_kind"]["headline"]["precision"] >= 0.5
