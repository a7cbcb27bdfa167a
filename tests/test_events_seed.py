"""The seed article through the whole pipeline with the bundled pattern dictionary."""

from datetime import date

import pytest

from eventwire.model import Result
from eventwire.pipeline import analyze_and_resolve, run
from eventwire.read import ReadOptions

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def seed_result(request):
    from conftest import SEED, need

    need(SEED)
    (result,) = [r for r in analyze_and_resolve(run([str(SEED)], ReadOptions(published=date(2021, 2, 4))),
                                                events=True) if isinstance(r, Result)]
    return result


def pairs(result, root, flagged=False):
    return {(e.source and e.source["code"], e.target and e.target["code"]) for e in result.events
            if e.root == root and e.flagged == flagged}


def test_seed_events(seed_result):
    r = seed_result
    assert ("KORGOV", "USAGOV") in pairs(r, "04") or ("USAGOV", "KORGOV") in pairs(r, "04")  # phone talks
    assert any(e.code.startswith("03") and {e.source and e.source["code"], e.target and e.target["code"]}
               == {"KORGOV", "USAGOV"} for e in r.events)  # agreed / pledged to bolster the alliance
    assert any(e.code == "111" and e.source["code"] == "USAGOV" and e.target["code"] == "PRKGOV" for e in r.events)
    assert ("USA", "PRK") in pairs(r, "12")  # rejected North Korea's calls
    assert any(e.root == "06" and {e.source["code"][:3], e.target["code"][:3]} == {"USA", "KOR"}
               for e in r.events if e.source and e.target)  # military drills


def test_seed_evidence_and_exclusions(seed_result):
    r = seed_result
    text = r.article.text
    teaser = (text.index("Click to play"), text.index("Moon, who still"))
    caption = (text.index("President Joe Biden delivers"), text.index("South Korea‘s leader"))
    for e in r.events:
        assert not teaser[0] <= e.trigger["start"] < teaser[1]  # nothing from the video teaser
        assert not caption[0] <= e.trigger["start"] < caption[1]  # nor from the caption
        assert text[e.trigger["start"]:e.trigger["end"]] == e.trigger["text"]
        assert e.sentence["start"] <= e.trigger["start"] < e.sentence["end"]
    sit_down = [e for e in r.events if text[e.sentence["start"]:e.sentence["end"]].startswith("Experts say")
                and e.root == "04"]
    assert all(e.flagged for e in sit_down)  # "won't likely sit down for talks" is no meeting
    assert any(e.is_root for e in r.events)
