"""CAMEO actor codes: runs of three-letter blocks, e.g. KORGOV, USAELI, IGOUNO, PSEHMS."""

from __future__ import annotations

from functools import cache

import pycountry

# CAMEO agent (sector) codes, as in CAMEO.actortype: state, society and international types.
AGENTS = frozenset({
    "COP", "GOV", "INS", "JUD", "MIL", "OPP", "REB", "SEP", "SPY", "UAF", "AGR", "BUS", "CRM", "CVL", "DEV",
    "EDU", "ELI", "ENV", "HLH", "HRI", "LAB", "LEG", "MED", "REF", "MOD", "RAD", "AMN", "IRC", "GRP", "UNO",
    "PKO", "UIS", "IGO", "IMG", "INT", "MNC", "NGM", "NGO", "SET",
})
# First blocks that are not countries: international actors.
INTERNATIONAL = frozenset({"IGO", "NGO", "IMG", "MNC", "INT", "NGM"})
# CAMEO country codes that are not ISO 3166-1 alpha-3, and CAMEO's world regions, which fill
# the country slot of a code in the same way ("European officials" -> EURGOV).
EXTRA_COUNTRIES = {"KOS": "Kosovo", "PSE": "Palestine"}
REGIONS = {
    "AFR": "Africa", "ASA": "Asia", "BLK": "Balkans", "CRB": "Caribbean", "CFR": "Central Africa",
    "CAS": "Central Asia", "CEU": "Central Europe", "EAF": "Eastern Africa", "EEU": "Eastern Europe",
    "EUR": "Europe", "LAM": "Latin America", "MEA": "Middle East", "MDT": "Mediterranean",
    "NAF": "North Africa", "NMR": "North America", "PGS": "Persian Gulf", "SCN": "Scandinavia",
    "SAM": "South America", "SAS": "South Asia", "SEA": "Southeast Asia", "SAF": "Southern Africa",
    "WAF": "West Africa", "WST": "The West",
}


@cache
def country_names() -> dict[str, str]:
    """ISO3 (and CAMEO extras) -> common English name."""
    names = {c.alpha_3: getattr(c, "common_name", None) or c.name for c in pycountry.countries}
    names.update(EXTRA_COUNTRIES)
    names.update(REGIONS)
    return names


def is_country(block: str) -> bool:
    return block in country_names()


def split(code: str) -> tuple[str | None, str | None]:
    """(country, agent) of a code: 'KORGOV' -> ('KOR', 'GOV'); 'IGOUNO' -> (None, 'IGO')."""
    blocks = [code[i:i + 3] for i in range(0, len(code), 3)]
    country = blocks[0] if blocks and is_country(blocks[0]) else None
    agent = next((b for b in blocks[1:] if b in AGENTS), None)
    if country is None and blocks and blocks[0] in INTERNATIONAL:
        agent = agent or blocks[0]
    return country, agent


def valid(code: str) -> bool:
    """A well-formed code: 3-letter blocks, the first a country or an international type."""
    if not code or len(code) % 3 or not code.isalpha() or not code.isupper():
        return False
    first = code[:3]
    return is_country(first) or first in INTERNATIONAL or first in AGENTS


def has_place(code: str | None) -> bool:
    """True when a code names a country or an international organisation (not just a sector)."""
    return bool(code) and (is_country(code[:3]) or code[:3] in INTERNATIONAL)
