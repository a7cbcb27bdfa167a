"""The bundled demo corpus end to end: what `make run` shows."""

import json
from collections import Counter

from click.testing import CliRunner

from eventwire.cli import demo_path, main
from eventwire.model import Failure, Result, Skip
from eventwire.pipeline import run


def test_demo_corpus_reads_in_every_format():
    items = list(run([demo_path()]))
    results = [i for i in items if isinstance(i, Result)]
    failures = [i for i in items if isinstance(i, Failure)]
    skips = [i for i in items if isinstance(i, Skip)]
    assert 20 <= len(results) <= 30
    assert Counter(r.article.reader for r in results).keys() == {"text", "html", "warc", "jsonl"}
    assert [f.reason for f in failures] == ["language: de"]
    assert sorted(s.reason.split(" (")[0] for s in skips) == ["not HTML: image/png", "not HTML: text/plain"]
    assert len({r.article.id for r in results}) == len(results)
    for r in results:
        assert r.article.title, r.article.source
        assert [s.kind for s in r.segments].count("headline") == 1, r.article.source
        assert r.segments_of("body"), r.article.source
        for s in r.segments:
            assert r.article.text[s.start:s.end] == s.text
    dated = [r for r in results if r.article.reader != "text"]
    assert all(r.article.published for r in dated)


def test_near_duplicate_wire_stories_share_their_body():
    results = [i for i in run([demo_path()]) if isinstance(i, Result)]

    def paragraphs(r):
        return {" ".join(s.text.split()) for s in r.segments_of("body")}

    best = max(
        (len(paragraphs(a) & paragraphs(b)) / min(len(paragraphs(a)), len(paragraphs(b))), a.article.source,
         b.article.source)
        for i, a in enumerate(results) for b in results[i + 1:]
        if a.article.reader != b.article.reader
    )
    assert best[0] >= 0.8, best


def test_demo_command_analyses_the_corpus():
    result = CliRunner().invoke(main, ["demo", "--json"])
    assert result.exit_code == 0
    assert "articles read, 1 failed, 2 skipped" in result.stderr
    docs = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(docs) >= 20 and all(d["segments"] and d["actors"] for d in docs)
    codes = {a["code"] for d in docs for a in d["actors"]}
    assert {"USAGOV", "RUSGOV", "PRKGOV", "IGONAT"} <= codes
