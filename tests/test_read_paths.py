"""Walking inputs: folders, globs, stdin, gzip, sniffing, and every kind of bad input."""

import builtins
import gzip
import io
import json
import os

import pytest

from eventwire.model import Article, Failure
from eventwire.read import ReadOptions, read_bytes, read_paths, read_stream

from conftest import PNG_BYTES, article_html, warc_record

STORY = ("Thousands of workers marched in Paris on Thursday against the pension reform, "
         "and unions called a new strike for next week.")


def by_source(items):
    return {os.path.basename(i.source): i for i in items}


def test_folder_is_walked_recursively_and_formats_sniffed(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "story.txt").write_text(STORY)
    (tmp_path / "a" / "page.txt").write_text(article_html())  # HTML despite the extension
    (tmp_path / "dump.data").write_text(json.dumps({"text": STORY}) + "\n")
    (tmp_path / "crawl.bin").write_bytes(warc_record("https://n.example/1", article_html().encode()))
    (tmp_path / "README.md").write_text("This folder holds news.")
    (tmp_path / ".hidden.txt").write_text(STORY)
    items = list(read_paths([str(tmp_path)]))
    assert all(isinstance(i, Article) for i in items), items
    readers = sorted(i.reader for i in items)
    assert readers == ["html", "jsonl", "text", "warc"]


def test_glob_and_gzip_are_transparent(tmp_path):
    (tmp_path / "one.txt.gz").write_bytes(gzip.compress(STORY.encode()))
    (tmp_path / "two.html.gz").write_bytes(gzip.compress(article_html().encode()))
    (tmp_path / "skip.log").write_text(STORY)
    items = list(read_paths([str(tmp_path / "*.gz")]))
    assert [i.reader for i in items] == ["text", "html"]
    assert items[0].text == STORY


def test_unmatched_glob_and_missing_path_are_failures(tmp_path):
    items = list(read_paths([str(tmp_path / "*.none"), str(tmp_path / "missing.txt")]))
    assert [i.reason for i in items] == ["no files match this pattern", "no such file or directory"]


def test_stdin_stream_and_bytes(tmp_path):
    (article,) = read_stream(io.BytesIO(STORY.encode()), "<stdin>", ReadOptions())
    assert article.source == "<stdin>" and article.text == STORY
    (page,) = read_bytes(gzip.compress(article_html().encode()), "<request>")
    assert page.source == "<request>" and page.reader == "html"


# --- bad inputs: one specific failure each, and the batch goes on ---

def bad_batch(tmp_path):
    """A folder with one good story after each kind of bad file."""
    files = {
        "01-empty.txt": b"",
        "02-image.png": PNG_BYTES,
        "03-blank.txt": b"   \n\n  ",
        "04-truncated.txt.gz": gzip.compress(" ".join(map(str, range(20000))).encode())[:300],
        "05-nav-only.html": b"<html><head><title>Home</title></head><body><nav>Home</nav></body></html>",
        "06-bad.jsonl": b'{"text": 1\n',
        "07-latin1.txt": "Grève générale à Paris: les syndicats défilent jeudi.".encode("latin-1"),
        "08-bad-utf8.txt": STORY.encode() + b"\xff caf\xc3\xa9",
        "99-good.txt": STORY.encode(),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    return {os.path.basename(i.source): i for i in read_paths([str(tmp_path)])}


def test_each_bad_input_gets_a_specific_one_line_failure(tmp_path):
    got = bad_batch(tmp_path)
    expected = {
        "01-empty.txt": "empty file",
        "02-image.png": "binary file (PNG image), not an article",
        "03-blank.txt": "no text (only whitespace)",
        "04-truncated.txt.gz": "truncated or corrupt gzip data",
        "05-nav-only.html": "no article text found in the HTML page",
        "06-bad.jsonl:1": "not valid JSON",
    }
    for name, reason in expected.items():
        item = got[name]
        assert isinstance(item, Failure), (name, item)
        assert item.reason.startswith(reason), (name, item.reason)
        assert "\n" not in item.message
    for name in ("07-latin1.txt", "08-bad-utf8.txt", "99-good.txt"):
        assert isinstance(got[name], Article), got[name]
    assert got["07-latin1.txt"].text.startswith("Grève générale")


def test_file_over_the_size_limit_fails_without_being_read(tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.write((STORY + "\n").encode() * (50 * 1024 * 1024 // len(STORY)))
    assert big.stat().st_size >= 50 * 1024 * 1024
    (tmp_path / "ok.txt").write_text(STORY)
    items = by_source(read_paths([str(tmp_path)]))
    assert isinstance(items["big.txt"], Failure)
    assert "over the 21.0 MB limit" in items["big.txt"].reason
    assert isinstance(items["ok.txt"], Article)
    (again,) = read_paths([str(big)], ReadOptions(max_bytes=60 * 1024 * 1024))
    assert isinstance(again, Article)


def test_gzip_bomb_is_stopped_at_the_limit(tmp_path):
    path = tmp_path / "bomb.txt.gz"
    path.write_bytes(gzip.compress(b"a " * 5_000_000))
    (item,) = read_paths([str(path)], ReadOptions(max_bytes=1_000_000))
    assert isinstance(item, Failure) and "uncompressed size" in item.reason


def test_unreadable_files_in_a_folder(tmp_path, monkeypatch):
    (tmp_path / "locked.txt").write_text(STORY)
    (tmp_path / "ok.txt").write_text(STORY)
    os.symlink(tmp_path / "nowhere.txt", tmp_path / "dangling.txt")
    os.mkfifo(tmp_path / "pipe.txt")
    real_open = builtins.open

    def guarded_open(path, *args, **kwargs):  # root ignores chmod, so deny access here
        if str(path).endswith("locked.txt"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)
    items = by_source(read_paths([str(tmp_path)]))
    assert items["locked.txt"].reason == "permission denied"
    assert items["dangling.txt"].reason.startswith("cannot read")
    assert items["pipe.txt"].reason == "not a regular file"
    assert isinstance(items["ok.txt"], Article)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can list any directory")
def test_unlistable_subfolder(tmp_path):
    sub = tmp_path / "secret"
    sub.mkdir()
    (tmp_path / "ok.txt").write_text(STORY)
    sub.chmod(0)
    try:
        items = list(read_paths([str(tmp_path)]))
    finally:
        sub.chmod(0o755)
    assert any(isinstance(i, Failure) and "cannot list" in i.reason for i in items)
