"""The gazetteer: what it knows, and its cache file."""

from __future__ import annotations

from eventwire import gazetteer as gz
from eventwire.gazetteer import Gazetteer, gazetteer


def test_towns_divisions_countries_and_regions() -> None:
    g = gazetteer()
    assert g.cities("Kyiv")[0].country == "UKR" and g.cities("Kiev")[0].country == "UKR"  # alternate name
    henderson = {(d.admin1, d.kind) for d in g.states("Henderson County")}
    assert ("TX", "admin2") in henderson and ("KY", "admin2") in henderson
    texas = g.states("Texas")[0]
    assert texas.kind == "admin1" and abs(texas.lat - 31.25) < 1 and abs(texas.lon + 99.25) < 1
    assert g.states("Dagestan")[0].country == "RUS"  # our English name for "Dagestan, Respublika"
    assert g.countries["KOR"].precision == "country"
    assert g.region("the Korean Peninsula").precision == "region"
    assert not g.cities("North")  # an alternate name of North Salt Lake, but not what news means
    assert g.is_capital(g.cities("Washington")[0])


def test_cache_is_written_then_read_and_a_damaged_one_is_rebuilt(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(gz.CACHE_ENV, str(tmp_path))
    path = gz._cache_path()
    assert path is not None and path.parent == tmp_path
    path.write_bytes(b"not a pickle")
    built = gazetteer.__wrapped__()
    assert isinstance(built, Gazetteer) and path.stat().st_size > 1_000_000
    loaded = gazetteer.__wrapped__()
    assert loaded is not built and loaded.countries["KOR"] == built.countries["KOR"]


def test_cache_can_be_turned_off(monkeypatch) -> None:
    monkeypatch.setenv(gz.CACHE_ENV, "off")
    assert gz._cache_path() is None
