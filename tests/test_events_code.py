"""The event coder's mechanics on a small rule set of the test's own (the bundled dictionary is
tested through the seed article and the evaluation commands)."""

from datetime import date

import pytest

from eventwire.actors import resolve
from eventwire.clean import prepare
from eventwire.datafiles import data_path
from eventwire.events.code import code_events
from eventwire.events.patterns import load_patterns
from eventwire.model import Article
from eventwire.nlp import analyze

pytestmark = pytest.mark.model

RULES = """
synsets:
  $TALKS: [talk, negotiation]
rules:
  - {id: t.phone, code: "041", noun: [phone talk, phone call]}
  - {id: t.talks, code: "043", noun: [$TALKS], prep: [with]}
  - {id: t.meet, code: "036", verb: [meet]}
  - {id: t.bolster, code: "030", verb: [bolster, upgrade]}
  - {id: t.criticize, code: "111", verb: [criticize]}
  - {id: t.thug, code: "111", verb: [call], object: [thug]}
  - {id: t.sanction, code: "163", verb: [impose], object: [sanction], prep: [on]}
  - {id: t.drill, code: "062", noun: [military drill, drill], prep: [with]}
  - {id: t.attack, code: "190", verb: [attack, retaliate]}
"""


@pytest.fixture(scope="module")
def patterns(tmp_path_factory):
    folder = tmp_path_factory.mktemp("patterns")
    (folder / "rules.yaml").write_text(RULES)
    (folder / "intent.yaml").write_text(data_path("patterns/intent.yaml").read_text())
    return load_patterns(folder)


def events_of(text, patterns, day=date(2021, 2, 4)):
    result = prepare(Article(text="Headline about talks\n\n" + text, source="t.txt", published=day))
    (analysis,) = analyze([result])
    actors = resolve(analysis)
    return [(e.code, (e.source or {}).get("code"), (e.target or {}).get("code"), e) for e in
            code_events(analysis, actors, patterns)]


def triples(text, patterns, **kwargs):
    return {(c, s, t) for c, s, t, _ in events_of(text, patterns, **kwargs)}


def test_verb_subject_object(patterns):
    assert ("111", "USAGOV", "USAELI") in triples("President Joe Biden criticized Donald Trump on Monday.", patterns)


def test_object_and_preposition_make_a_rule_specific(patterns):
    got = triples("The United States imposed sanctions on Russia after the vote.", patterns)
    assert ("163", "USA", "RUS") in got


def test_eventive_noun_with_light_verb_and_compound(patterns):
    got = triples("The U.S. regularly stages military drills with South Korea.", patterns)
    assert ("062", "USA", "KOR") in got
    got = triples("After phone talks with Biden, President Moon Jae-in thanked him.", patterns)
    assert ("041", "KORGOV", "USAGOV") in got


def test_coordinated_subjects_give_reciprocal_pairs(patterns):
    got = triples("Japanese Prime Minister Fumio Kishida and President Joe Biden met in Tokyo.", patterns,
                  day=date(2022, 5, 24))
    assert {("036", "JPNGOV", "USAGOV"), ("036", "USAGOV", "JPNGOV")} <= got


def test_promises_become_intent_and_threats(patterns):
    got = events_of("South Korea's president said he and President Joe Biden agreed to bolster the alliance.",
                    patterns)
    codes = {(c, s, t) for c, s, t, _ in got}
    assert ("030", "KORGOV", "USAGOV") in codes
    assert all(e.reported for c, *_, e in got if c == "030")
    got = triples("Iran vowed to retaliate against Israel.", patterns)
    assert ("138", "IRN", "ISR") in got


def test_negation_and_hypothesis_are_flagged(patterns):
    (_, _, _, event), *_ = events_of("Biden won't likely sit down for talks with Kim Jong Un.", patterns)
    assert event.negated and event.hypothetical and event.flagged
    (_, _, _, event), *_ = events_of("Russia refused to attack Ukraine.", patterns)
    assert event.negated
    (_, _, _, event), *_ = events_of("If talks fail, Russia could attack Ukraine.", patterns)
    assert event.hypothetical


def test_event_record_carries_evidence(patterns):
    text = "President Joe Biden criticized Donald Trump on Monday."
    (_, _, _, event), *_ = events_of(text, patterns)
    full = "Headline about talks\n\n" + text
    assert full[event.trigger["start"]:event.trigger["end"]] == "criticized"
    assert full[event.sentence["start"]:event.sentence["end"]] == text
    assert event.goldstein == -2.0 and event.quad == 3 and event.root == "11" and event.plover
    assert event.rule == "t.criticize" and 0 < event.confidence < 1 and event.date == "2021-02-04"
    assert event.is_root  # the first body sentence
