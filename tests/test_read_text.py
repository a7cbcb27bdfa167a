from eventwire.model import Article, Failure
from eventwire.read.decode import binary_kind, decode, sniff
from eventwire.read.text import read_text

STORY = "Macron’s aide René Dupont said the Élysée would not yield, as strikes went on in Paris."


def test_utf8_is_read_as_is():
    article = read_text(STORY.encode("utf-8"), "a.txt")
    assert isinstance(article, Article) and article.text == STORY


def test_latin1_and_cp1252_are_detected_not_failed():
    text = "Le président français a rencontré les syndicats à l'Élysée mardi, après des grèves."
    assert decode(text.encode("latin-1")) == text
    assert decode(STORY.encode("cp1252")) == STORY


def test_invalid_utf8_is_decoded_not_failed():
    data = STORY.encode("utf-8") + b" \xff\xfe broken byte"
    article = read_text(data, "bad.txt")
    assert isinstance(article, Article)
    assert article.text.startswith("Macron")


def test_mojibake_is_repaired_but_typography_kept():
    mangled = STORY.encode("utf-8").decode("cp1252", errors="replace")
    assert "Ã" in mangled
    assert decode(mangled.encode("utf-8")) == STORY


def test_crlf_becomes_lf():
    assert decode(b"Line one\r\nLine two\r\n") == "Line one\nLine two\n"


def test_whitespace_only_is_a_failure():
    failure = read_text(b"  \n\n \t ", "blank.txt")
    assert isinstance(failure, Failure) and "whitespace" in failure.reason


def test_sniffing():
    assert sniff(b"WARC/1.1\r\nWARC-Type: warcinfo") == "warc"
    assert sniff(b'{"text": "hi"}\n') == "jsonl"
    assert sniff(b"  <!DOCTYPE html><html>") == "html"
    assert sniff(b"<?xml version='1.0'?>\n<html xmlns='x'>") == "html"
    assert sniff(b"Advertisement\n\nHeadline") == "text"
    assert sniff(b"<3 this story") == "text"


def test_binary_kinds_are_named():
    assert binary_kind(b"\x89PNG\r\n\x1a\n....") == "PNG image"
    assert binary_kind(b"%PDF-1.7") == "PDF document"
    assert binary_kind(b"abc\x00\x00\x00\x00def" * 10) == "binary data (NUL bytes)"
    assert binary_kind(b"Plain words") is None


def test_cyrillic_legacy_encoding_is_not_mistaken_for_western():
    text = "Москва заявила, что переговоры о прекращении огня продолжатся на следующей неделе."
    assert decode(text.encode("cp1251")) == text
