from eventwire.clean.normalize import normalize


def test_plain_text_needs_no_map():
    n = normalize("Moon said on Thursday.")
    assert n.text == "Moon said on Thursday." and n.offsets is None
    assert n.to_original(5) == 5


def test_misused_quote_becomes_apostrophe_keeping_offsets():
    original = "South Korea‘s leader met Biden"
    n = normalize(original)
    assert n.text == "South Korea's leader met Biden"
    assert len(n.text) == len(original)


def test_quotes_around_words_are_not_touched():
    assert normalize("he welcomed “America’s return”").text == "he welcomed “America's return”"


def test_nbsp_and_soft_hyphen_map_back_to_original():
    original = "de\u00adnu\u00adclear\u00adi\u00adza\u00adtion\u00a0talks"
    n = normalize(original, base=100)
    assert n.text == "denuclearization talks"
    start = n.text.index("talks")
    o_start, o_end = n.span(start, start + len("talks"))
    assert original[o_start - 100:o_end - 100] == "talks"
    o_start, o_end = n.span(0, len("denuclearization"))
    assert original[o_start - 100:o_end - 100] == "de\u00adnu\u00adclear\u00adi\u00adza\u00adtion"


def test_zero_width_characters_are_dropped():
    n = normalize("Kim\u200b Jong\u2060 Un")
    assert n.text == "Kim Jong Un"
    assert n.span(4, 8) == (5, 9)
