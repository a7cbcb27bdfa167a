"""Places: mentions found, namesakes told apart by context, metonyms left to the actors."""

from __future__ import annotations

from datetime import date

import pytest

from eventwire.actors import default_lexicon, resolve
from eventwire.clean import prepare
from eventwire.gazetteer import gazetteer
from eventwire.model import Article, Place, Result, Segment
from eventwire.nlp import analyze
from eventwire.places import find_places, haversine_km
from eventwire.read import ReadOptions, read_paths

from conftest import SEED, need

pytestmark = pytest.mark.model


def places_of(text: str, published: date | None = date(2021, 2, 4)) -> list[Place]:
    article = Article(text=text, source="test", id="t", language="en", published=published)
    result = Result(article=article, segments=[Segment("body", 0, len(text), text)])
    analysis = next(analyze([result]))
    return find_places(analysis, resolve(analysis, default_lexicon()))


def by_text(places: list[Place]) -> dict[str, Place]:
    return {p.text: p for p in places}


def test_countries_get_their_point_and_precision_country() -> None:
    found = by_text(places_of("Troops were deployed in South Korea and China on Monday."))
    assert found["South Korea"].country == "KOR" and found["South Korea"].precision == "country"
    assert found["China"].country == "CHN" and found["China"].precision == "country"
    assert haversine_km(found["China"].lat, found["China"].lon, 35.0, 105.0) < 200


def test_us_is_the_united_states_not_a_place_in_canada() -> None:
    place = by_text(places_of("The drills were held in the U.S. last year."))["U.S."]
    assert place.country == "USA" and place.precision == "country"


def test_a_state_after_a_town_chooses_the_town() -> None:
    found = by_text(places_of("A storm hit Long Beach, Calif., and Paris, Texas, on Sunday."))
    assert found["Long Beach"].country == "USA" and found["Long Beach"].admin1 == "CA"
    assert found["Paris"].country == "USA" and found["Paris"].admin1 == "TX"
    assert found["Calif."].precision == "admin1"


def test_context_chooses_among_namesakes() -> None:
    found = by_text(places_of("Flooding closed roads in Macon and Savannah. Police in Athens said "
                              "the Oconee River rose overnight in Georgia."))
    assert found["Athens"].country == "USA" and found["Athens"].admin1 == "GA"
    assert found["Georgia"].precision == "admin1"  # the state, in a story about Georgia's towns
    greek = by_text(places_of("Protests spread in Athens and Thessaloniki as the Greek government met."))
    assert greek["Athens"].country == "GRC"


def test_capital_used_as_an_actor_is_not_a_place() -> None:
    acting = places_of("Washington abandons its hostile policy, Pyongyang said.")
    assert not [p for p in acting if p.text in ("Washington", "Pyongyang")]
    located = by_text(places_of("The two leaders met in Washington on Friday."))
    assert located["Washington"].country == "USA" and located["Washington"].precision == "city"
    assert haversine_km(located["Washington"].lat, located["Washington"].lon, 38.9, -77.04) < 50


def test_regions_and_waters_come_from_our_list() -> None:
    found = by_text(places_of("Tensions rose on the Korean Peninsula and in the South China Sea."))
    assert found["Korean Peninsula"].precision == "region"
    assert found["South China Sea"].precision == "region" and found["South China Sea"].country is None


def test_dateline_place_is_found_with_its_rule() -> None:
    found = places_of("SEOUL, South Korea (AP) — The two leaders spoke by phone on Thursday.")
    seoul = next(p for p in found if p.text == "SEOUL")
    assert seoul.how == "dateline" and seoul.country == "KOR" and seoul.precision == "city"


def test_same_name_is_one_place_throughout_a_story() -> None:
    found = places_of("A fire broke out in Mansfield, La., on Friday. The Mansfield Police Department said "
                      "no one was hurt.")
    mansfields = [p for p in found if p.text == "Mansfield"]
    assert len(mansfields) == 2 and {p.admin1 for p in mansfields} == {"LA"}


def test_people_named_like_towns_are_not_places() -> None:
    found = places_of("President Obama met Bush at the White House on Friday.")
    assert not [p for p in found if p.text in ("Obama", "Bush")]


def test_unknown_names_are_kept_unresolved() -> None:
    found = by_text(places_of("Residents of Zqxville gathered in Zqxville on Friday."))
    assert all(p.lat is None and p.how == "unresolved" for p in found.values())


def test_a_list_of_five_thousand_place_names_is_handled() -> None:
    names = [c.name for cities in list(gazetteer().by_name.values())[:5000] for c in cities[:1]]
    text = "Storms hit " + ", ".join(names) + "."
    found = places_of(text)
    assert len(found) > 1000
    assert all(p.start < p.end and text[p.start:p.end] == p.text for p in found)


def test_offsets_point_into_the_original_text_of_the_seed() -> None:
    (article,) = read_paths([str(need(SEED))], ReadOptions(published=date(2021, 2, 4)))
    result = prepare(article)
    analysis = next(analyze([result]))
    places = find_places(analysis, resolve(analysis, default_lexicon()))
    assert all(article.text[p.start:p.end] == p.text for p in places)
    found = by_text(places)
    assert found["South Korea"].country == "KOR"
    assert found["Korean Peninsula"].precision == "region"
    assert "Washington" not in found  # "whether Washington abandons ...": an actor
    assert not [p for p in places if result.segments and _kind(result, p.start) in ("related", "boilerplate")]


def _kind(result: Result, offset: int) -> str:
    return next(s.kind for s in result.segments if s.start <= offset < s.end)
