"""Near-duplicate stories: shingles, signatures and the story index."""

from __future__ import annotations

import itertools

from eventwire import dedup
from eventwire.cli import demo_path
from eventwire.model import Result
from eventwire.pipeline import run

TEXT = ("north korea blew up the inter-korean liaison office in kaesong on tuesday, days after "
        "kim yo jong warned that the building would be demolished, in a sharp escalation of tension")


def test_shingles_are_word_runs_and_a_short_text_is_one_shingle():
    assert dedup.shingles("a b c d e f") == {b"a b c d e", b"b c d e f"}
    assert dedup.shingles("only three words") == {b"only three words"}
    assert dedup.shingles("") == set()


def test_signatures_estimate_similarity_and_survive_storage():
    a = dedup.signature(TEXT)
    b = dedup.signature(TEXT + " the south said it would respond strongly")
    assert dedup.similarity(a, a) == 1.0
    assert 0.6 < dedup.similarity(a, b) < 1.0
    assert dedup.similarity(a, dedup.signature("completely different words about a football match")) < 0.1
    assert (dedup.from_bytes(dedup.to_bytes(a)) == a).all() and len(dedup.to_bytes(a)) == 4 * dedup.NUM_PERM


def test_the_index_gives_the_first_seen_story_and_forgets_rolled_back_articles():
    index = dedup.StoryIndex()
    assert index.assign("a", dedup.signature(TEXT), 1) == "a"
    assert index.assign("b", dedup.signature(TEXT + " the south responded"), 2) == "a"
    assert index.assign("c", dedup.signature("a wholly unrelated story about interest rates and inflation"), 3) == "c"
    index.forget(["a", "b"])
    assert len(index) == 1
    assert index.assign("d", dedup.signature(TEXT), 4) == "d"


def test_the_demo_corpus_planted_pair_is_one_story_and_no_other_pair_is():
    results = [r for r in run([demo_path()]) if isinstance(r, Result)]
    sigs = {r.article.source: dedup.signature(dedup.story_text(r)) for r in results}
    planted = {s for s in sigs if s.endswith(("putin-kim-defence-pact.html", "putin-kim-mutual-defense-pact.txt"))}
    assert len(planted) == 2
    for x, y in itertools.combinations(sigs, 2):
        similar = dedup.similarity(sigs[x], sigs[y]) >= dedup.THRESHOLD
        assert similar == ({x, y} == planted), (x, y)
