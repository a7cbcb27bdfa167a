import json

import pytest

from eventwire.evaluate.events import (
    GoldSentence,
    read_cameo_examples,
    read_pentaclass,
    read_petrarch,
    read_plover,
    score_cameo_examples,
    score_pentaclass,
    score_petrarch,
    score_plover,
)
from eventwire.evaluate.readers import LayoutError
from eventwire.model import Article, Event, Result


def event(code, source=None, target=None, confidence=0.8, **flags):
    from eventwire.events import codebook

    info = codebook()[code]
    return Event(id="e", code=code, root=info.root, quad=info.quad, goldstein=info.goldstein, plover=info.plover,
                 source={"code": source, "text": source} if source else None,
                 target={"code": target, "text": target} if target else None,
                 trigger={}, sentence={}, confidence=confidence, **flags)


def result(*events):
    return Result(article=Article(text="x", source="x"), events=list(events))


def test_readers(tmp_path):
    (tmp_path / "p.tsv").write_text("Troops attacked the town.\t4\nLeaders met.\t1\n")
    assert [(g.text, g.gold) for g in read_pentaclass(tmp_path / "p.tsv")] == [
        ("Troops attacked the town.", 4), ("Leaders met.", 1)]
    (tmp_path / "bad.tsv").write_text("no label here\n")
    with pytest.raises(LayoutError, match=r"bad\.tsv:1"):
        read_pentaclass(tmp_path / "bad.tsv")
    (tmp_path / "v.xml").write_text('<Validation><Sentence date="20150302" id="a1"><EventCoding sourcecode="USAGOV" '
                                    'targetcode="RUSGOV" eventcode="111"/><Text>\n The US criticised Russia.\n</Text>'
                                    '</Sentence></Validation>')
    (gold,) = read_petrarch(tmp_path / "v.xml")
    assert gold.text == "The US criticised Russia." and gold.gold == (("USAGOV", "RUSGOV", "111"),)
    assert gold.day.isoformat() == "2015-03-02"
    (tmp_path / "g.json").write_text(json.dumps([{"about": "this file"}, {"id": "1", "text": "A met B.",
                                                                         "event": "CONSULT", "source": []}]))
    assert [g.id for g in read_plover(tmp_path / "g.json")] == ["1"]
    (tmp_path / "c.csv").write_text('code,example\n41,"Putin phoned Macron."\n999,"nothing"\n')
    assert [(g.gold, g.text) for g in read_cameo_examples(tmp_path / "c.csv")] == [("041", "Putin phoned Macron.")]


def test_pentaclass_uses_the_top_unflagged_event():
    pairs = [
        (GoldSentence("1", "a", 4), result(event("190", "USA"), event("010", "USA", confidence=0.2))),
        (GoldSentence("2", "b", 1), result(event("190", "USA", negated=True))),  # flagged: no prediction
        (GoldSentence("3", "c", 3), result(event("043", "USA", "RUS"))),
    ]
    figures = score_pentaclass(pairs).to_dict()
    assert figures["n"] == 3 and figures["coverage"] == round(2 / 3, 4) and figures["accuracy"] == 0.5
    assert figures["per_class"]["4"] == {"precision": 1.0, "recall": 1.0, "gold": 1, "predicted": 1}


def test_petrarch_triples_compare_country_and_agent():
    gold = GoldSentence("1", "x", (("USAGOV", "RUSGOV", "111"), ("USAGOV", "RUSGOV", "036")))
    figures = score_petrarch([(gold, result(event("111", "USAGOVXYZ", "RUSGOV"), event("112", "USA", "RUS")))])
    assert figures.to_dict()["precision"] == 0.5 and figures.to_dict()["recall"] == 0.5
    assert figures.to_dict()["root_recall"] == 0.5


def test_plover_and_examples():
    gold = GoldSentence("1", "x", {"event": "DISAPPROVE", "source": [{"code": "USA"}], "target": [{"code": "RUS"}]})
    figures = score_plover([(gold, result(event("111", "USAGOV", "RUSMIL")))]).to_dict()
    assert figures == {"n": 1, "accuracy": 1.0, "source_accuracy": 1.0, "target_accuracy": 1.0}
    figures = score_cameo_examples([(GoldSentence("1", "x", "111"), result(event("112", "USA")))]).to_dict()
    assert figures == {"n": 1, "accuracy": 0.0, "root_accuracy": 1.0}
