import json

from click.testing import CliRunner

from eventwire.cli import main

from conftest import article_html

STORY = "Leaders met in Geneva on Monday and agreed to resume arms control talks next month."


def test_read_json_lines_one_article_per_line_summary_on_stderr(tmp_path):
    (tmp_path / "a.txt").write_text("Leaders meet in Geneva\n\nAdvertisement\n\n" + STORY)
    (tmp_path / "b.html").write_text(article_html())
    (tmp_path / "c.png").write_bytes(b"\x89PNG\r\n\x1a\n0000")
    result = CliRunner().invoke(main, ["read", "--json", str(tmp_path)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().split("\n")
    assert len(lines) == 2
    docs = [json.loads(line) for line in lines]
    assert {d["article"]["title"] for d in docs} == {
        "Leaders meet in Geneva", "Finland joins NATO, doubling alliance border with Russia"}
    first = docs[0]
    assert [s["kind"] for s in first["segments"]] == ["headline", "boilerplate", "body"]
    assert "2 articles read, 1 failed" in result.stderr


def test_read_table_shows_segments(tmp_path):
    (tmp_path / "a.txt").write_text("Leaders meet in Geneva\n\nSponsored content\n\n" + STORY)
    result = CliRunner().invoke(main, ["read", str(tmp_path / "a.txt")])
    assert result.exit_code == 0
    assert "boilerplate" in result.stdout and "Sponsored content" in result.stdout
    assert "1 articles read" in result.stdout


def test_published_option_and_stdin(tmp_path):
    result = CliRunner().invoke(main, ["read", "--json", "--published", "2024-03-07", "-"], input=STORY)
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["article"]["published"] == "2024-03-07" and doc["article"]["source"] == "<stdin>"


def test_exit_1_when_nothing_read_and_2_for_bad_usage(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    result = CliRunner().invoke(main, ["read", str(tmp_path / "empty.txt")])
    assert result.exit_code == 1
    assert "empty.txt: empty file" in result.stderr
    assert CliRunner().invoke(main, ["read"]).exit_code == 2
    bad_date = CliRunner().invoke(main, ["read", "--published", "yesterday", str(tmp_path)])
    assert bad_date.exit_code == 2 and "YYYY-MM-DD" in bad_date.stderr


def test_code_and_explain_commands(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text("Leaders talk\n\nPresident Joe Biden criticized Russian President Vladimir Putin on Monday.\n")
    result = CliRunner().invoke(main, ["code", "--published", "2022-03-01", str(story)])
    assert result.exit_code == 0, result.output
    assert "USAGOV" in result.stdout and "RUSGOV" in result.stdout and "111" in result.stdout
    as_json = CliRunner().invoke(main, ["code", "--json", "--published", "2022-03-01", str(story)])
    (doc,) = [json.loads(line) for line in as_json.stdout.splitlines()]
    event = next(e for e in doc["events"] if e["code"] == "111")
    assert event["source"]["code"] == "USAGOV" and event["target"]["code"] == "RUSGOV"
    assert {"id", "root", "quad", "goldstein", "plover", "trigger", "sentence", "negated", "hypothetical",
            "reported", "date", "rule", "confidence", "is_root"} <= set(event)
    number = doc["events"].index(event) + 1
    explained = CliRunner().invoke(main, ["explain", str(story), "--event", str(number),
                                          "--published", "2022-03-01"])
    assert explained.exit_code == 0
    assert "criticized" in explained.stdout and "rule:" in explained.stdout and "USAGOV" in explained.stdout
    assert CliRunner().invoke(main, ["explain", str(story), "--event", "99"]).exit_code == 2
