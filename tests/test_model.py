from datetime import date

from eventwire.model import SEGMENT_KINDS, Article, Failure, Result, Segment


def test_result_to_dict_follows_the_json_contract():
    article = Article(text="Headline\n\nBody.", source="a.txt", title="Headline", published=date(2021, 2, 4))
    article.id = "abc"
    result = Result(article=article, segments=[Segment("headline", 0, 8, "Headline"), Segment("body", 10, 15, "Body.")])
    d = result.to_dict()
    assert set(d) == {"article", "segments", "actors", "events", "quotes", "places", "times"}
    assert d["article"]["published"] == "2021-02-04"
    assert {"id", "title", "published", "url", "language", "source"} <= set(d["article"])
    assert d["segments"][1] == {"kind": "body", "text": "Body.", "start": 10, "end": 15}
    assert d["events"] == [] and d["actors"] == []


def test_segment_kinds_are_the_documented_eight():
    assert set(SEGMENT_KINDS) == {"headline", "byline", "dateline", "caption", "credit", "body", "related",
                                  "boilerplate"}


def test_failure_message_names_source_and_reason():
    assert Failure("dump.jsonl:3", "not valid JSON").message == "dump.jsonl:3: not valid JSON"
