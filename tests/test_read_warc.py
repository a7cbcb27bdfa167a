from datetime import date

from eventwire.model import Article, Failure, Skip
from eventwire.read import ReadOptions, read_paths

from conftest import PNG_BYTES, article_html, warc_record


def _warc(tmp_path, records, name="crawl.warc.gz"):
    path = tmp_path / name
    path.write_bytes(b"".join(records))
    return str(path)


def test_html_responses_become_articles_and_others_are_skipped(tmp_path):
    path = _warc(tmp_path, [
        warc_record("https://news.example/a", article_html().encode()),
        warc_record("https://news.example/logo.png", PNG_BYTES, "image/png"),
        warc_record("https://news.example/robots.txt", b"User-agent: *\n", "text/plain"),
        warc_record("https://news.example/gone", b"<html>gone</html>", status="404 Not Found"),
    ])
    items = list(read_paths([path]))
    articles = [i for i in items if isinstance(i, Article)]
    skips = [i for i in items if isinstance(i, Skip)]
    assert len(articles) == 1 and len(skips) == 3
    a = articles[0]
    assert a.url == "https://news.example/a" and a.reader == "warc"
    assert a.source == f"{path}@0"
    assert a.published == date(2023, 4, 4) and not a.published_estimated  # the page's own date
    assert a.external_id.startswith("<urn:uuid:")
    reasons = sorted(s.reason for s in skips)
    assert reasons[0].startswith("HTTP status 404")
    assert reasons[1].startswith("not HTML: image/png") and reasons[2].startswith("not HTML: text/plain")


def test_crawl_date_is_an_estimate_when_page_has_no_date(tmp_path):
    page = "<html><head><title>Talks</title></head><body><article><p>"
    page += "Leaders met in Geneva and talked for hours about trade. " * 5 + "</p></article></body></html>"
    path = _warc(tmp_path, [warc_record("https://news.example/b", page.encode(), date="2022-11-15T03:00:00Z")])
    (article,) = read_paths([path])
    assert article.published == date(2022, 11, 15) and article.published_estimated


def test_corrupt_record_in_the_middle_loses_only_that_record(tmp_path):
    good1 = warc_record("https://news.example/1", article_html("First story about the alliance").encode())
    bad = bytearray(warc_record("https://news.example/2", article_html("Second story").encode()))
    bad[30:60] = b"\x00" * 30  # damage the deflate stream of the middle record
    good3 = warc_record("https://news.example/3", article_html("Third story about the summit").encode())
    path = _warc(tmp_path, [good1, bytes(bad), good3])
    items = list(read_paths([path]))
    assert [type(i).__name__ for i in items] == ["Article", "Failure", "Article"]
    assert [i.url for i in items if isinstance(i, Article)] == ["https://news.example/1", "https://news.example/3"]
    failure = items[1]
    assert failure.source == f"{path}@{len(good1)}"
    assert "corrupt WARC record" in failure.reason and f"byte {len(good1) + len(bad)}" in failure.reason


def test_truncated_warc_keeps_records_before_the_cut(tmp_path):
    good = warc_record("https://news.example/1", article_html().encode())
    cut = warc_record("https://news.example/2", article_html("Another story").encode())
    path = _warc(tmp_path, [good, cut[: len(cut) // 2]])
    items = list(read_paths([path]))
    assert isinstance(items[0], Article)
    assert isinstance(items[-1], Failure) and "truncated" in items[-1].reason


def test_uncompressed_warc_is_read_too(tmp_path):
    import gzip
    raw = gzip.decompress(warc_record("https://news.example/1", article_html().encode()))
    path = _warc(tmp_path, [raw], name="plain.warc")
    (article,) = read_paths([path])
    assert isinstance(article, Article)


def test_oversized_record_is_a_failure(tmp_path):
    path = _warc(tmp_path, [warc_record("https://news.example/1", article_html().encode())])
    (item,) = read_paths([path], ReadOptions(max_bytes=500))
    assert isinstance(item, Failure) and "limit" in item.reason
