import gzip
import json
from datetime import date

from eventwire.model import Article, Failure
from eventwire.read import ReadOptions, read_paths

from conftest import article_html

STORY = "Sweden became the 32nd member of NATO on Thursday after depositing its documents in Washington."


def _dump(tmp_path, lines, name="dump.jsonl"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_text_and_html_objects_with_metadata(tmp_path):
    path = _dump(tmp_path, [
        json.dumps({"id": "n1", "text": STORY, "url": "https://x.example/1", "title": "Sweden joins NATO",
                    "published": "2024-03-07T18:00:00+00:00"}),
        json.dumps({"id": 2, "html": article_html()}),
    ])
    first, second = read_paths([path])
    assert first.text == "Sweden joins NATO\n\n" + STORY and first.title == "Sweden joins NATO"
    assert first.published == date(2024, 3, 7) and first.external_id == "n1"
    assert first.source == f"{path}:1" and first.reader == "jsonl"
    assert second.title.startswith("Finland joins NATO") and second.published == date(2023, 4, 4)
    assert second.external_id == "2" and second.source == f"{path}:2"


def test_bad_lines_fail_one_by_one_and_the_rest_is_read(tmp_path):
    path = _dump(tmp_path, [
        json.dumps({"text": STORY}),
        "{not json",
        json.dumps({"id": "x", "title": "no text here"}),
        json.dumps(["a", "list"]),
        json.dumps({"text": STORY, "published": "last Tuesday"}),
        "",
        json.dumps({"text": STORY + " Again."}),
    ])
    items = list(read_paths([path]))
    kinds = [type(i).__name__ for i in items]
    assert kinds == ["Article", "Failure", "Failure", "Failure", "Failure", "Article"]
    reasons = [i.reason for i in items if isinstance(i, Failure)]
    assert reasons[0].startswith("not valid JSON")
    assert reasons[1].startswith("no article text")
    assert reasons[2] == "expected a JSON object, got list"
    assert "'last Tuesday'" in reasons[3]
    assert next(i.source for i in items if isinstance(i, Failure)) == f"{path}:2"


def test_published_option_fills_missing_dates(tmp_path):
    path = _dump(tmp_path, [json.dumps({"text": STORY})])
    (article,) = read_paths([path], ReadOptions(published=date(2024, 3, 8)))
    assert article.published == date(2024, 3, 8)


def test_overlong_line_fails_alone(tmp_path):
    path = _dump(tmp_path, [json.dumps({"text": "word " * 1000}), json.dumps({"text": STORY})])
    first, second = read_paths([path], ReadOptions(max_bytes=1000))
    assert isinstance(first, Failure) and "longer than" in first.reason
    assert isinstance(second, Article)


def test_gzipped_jsonl_truncated_keeps_earlier_lines(tmp_path):
    lines = [json.dumps({"text": f"{STORY} Paragraph {i}. " + "More words. " * 50}) for i in range(50)]
    data = gzip.compress(("\n".join(lines) + "\n").encode())
    path = tmp_path / "dump.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    items = list(read_paths([str(path)]))
    assert isinstance(items[0], Article)
    assert isinstance(items[-1], Failure) and "truncated or corrupt gzip" in items[-1].reason
    assert 0 < sum(isinstance(i, Article) for i in items) < 50


def test_pretty_printed_json_document_and_array(tmp_path):
    one = tmp_path / "one.json"
    one.write_text(json.dumps({"title": "Sweden joins NATO", "text": STORY, "date_publish": "2024-03-07T00:00:00",
                               "url": "https://x.example/1"}, indent=2))
    many = tmp_path / "many.json"
    many.write_text(json.dumps([{"text": STORY}, {"headline": "no text"}], indent=1))
    items = list(read_paths([str(one), str(many)]))
    assert [type(i).__name__ for i in items] == ["Article", "Article", "Failure"]
    assert items[0].published == date(2024, 3, 7) and items[0].source == str(one)
    assert items[2].source == f"{many}[1]"
