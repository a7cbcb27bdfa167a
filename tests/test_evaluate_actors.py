import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from eventwire.cli import main
from eventwire.evaluate.actors import TaggedSentence, read_conll_st, score_actors
from eventwire.evaluate.readers import LayoutError
from eventwire.model import Actor, Article, Result

CONLL = Path(__file__).resolve().parents[1].parent / "shared/data/dev/events/conflibert/cameo_ner.train.txt"


def test_reader_rebuilds_sentences_and_spans(tmp_path):
    path = tmp_path / "tiny.txt"
    path.write_text("Iraqi B-S\ntroops I-S\nattacked O\nthe B-T\nrebels I-T\n. O\n\nPutin B-R\nmet O\nXi B-R\n")
    first, second = read_conll_st(path)
    assert first.text == "Iraqi troops attacked the rebels ."
    assert [(first.text[s:e], r) for s, e, r in first.spans] == [("Iraqi troops", "S"), ("the rebels", "T")]
    assert [(second.text[s:e], r) for s, e, r in second.spans] == [("Putin", "R"), ("Xi", "R")]


def test_reader_rejects_other_files(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("just some prose here\n")
    with pytest.raises(LayoutError, match=r"x\.txt:1"):
        read_conll_st(path)


def test_scores_count_found_coded_and_precise_mentions():
    gold = TaggedSentence("s1", "Iraqi troops attacked the rebels .", ((0, 12, "S"), (22, 32, "T")))
    result = Result(article=Article(text=gold.text, source="s1"), actors=[
        Actor("Iraqi troops", 0, 12, code="IRQMIL", mentions=[{"text": "Iraqi troops", "start": 0, "end": 12}]),
        Actor("rebels", 26, 32, code="REB", mentions=[{"text": "rebels", "start": 26, "end": 32}]),
        Actor("Iraqi", 0, 5, code="IRQ", mentions=[{"text": "Iraqi", "start": 0, "end": 5}]),
    ])
    report = score_actors([(gold, result)]).to_dict()
    assert report["recall"] == 1.0  # both spans found
    assert report["coded_recall"] == 0.5  # "rebels" has no country
    assert report["precision"] == 1.0  # both coded mentions overlap gold


@pytest.mark.model
def test_dev_figures_in_a_sane_range():
    if not CONLL.exists():
        pytest.skip("reference data not available")
    result = CliRunner().invoke(main, ["eval", "actors", "--format", "conll-st", "--limit", "60", "--json", str(CONLL)])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["n"] == 60
    assert figures["recall"] > 0.85 and figures["coded_recall"] > 0.75 and figures["precision"] > 0.5
