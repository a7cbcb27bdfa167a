"""Everything eventwire knows about names before reading an article: countries (pycountry plus
our short forms, demonyms and metonyms), organisations, agent nouns and the people dictionary.

Users add people with their own YAML files (same format as data/actors/people-*.yaml): pass
`extra` paths, or list them in EVENTWIRE_ACTORS (separated by the OS path separator).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pycountry

from eventwire.actors import codes
from eventwire.actors.people import People, load_people
from eventwire.clean.normalize import name_key
from eventwire.datafiles import Located, data_path, load_yaml
from eventwire.errors import DataFileError

ACTORS_ENV = "EVENTWIRE_ACTORS"


@dataclass(frozen=True)
class Entry:
    """What a name stands for."""

    code: str
    name: str
    kind: str  # country, region, demonym, metonym, organization

    @property
    def country(self) -> str | None:
        return codes.split(self.code)[0]

    @property
    def agent(self) -> str | None:
        return codes.split(self.code)[1]


@dataclass
class Lexicon:
    names: dict[str, Entry] = field(default_factory=dict)  # name_key -> entry (any case)
    caps: dict[str, Entry] = field(default_factory=dict)  # exact text -> entry, for all-caps abbreviations
    agents: dict[str, str] = field(default_factory=dict)  # lowercase lemma phrase -> agent code
    people: People = field(default_factory=People)
    # First word of every name -> the most words a name starting with it has: most tokens start
    # no name, and those that do need only a few lookups. Same for the last word of agent phrases.
    first_words: dict[str, int] = field(default_factory=dict)
    agent_last_words: dict[str, int] = field(default_factory=dict)
    # Last word of every name: a phrase ending in another word names nothing.
    last_words: set[str] = field(default_factory=set)

    def lookup(self, text: str) -> Entry | None:
        """The entry for a name as written ("the U.S.", "South Korea's", "NATO")."""
        text = _trim(text)
        if text in self.caps:
            return self.caps[text]
        key = name_key(text)
        entry = self.names.get(key)
        if entry is None and key.startswith("the "):
            entry = self.names.get(key[4:])  # "the Americans"; but "the North" is stored whole
        return entry

    def add(self, name: str, entry: Entry, where: str = "") -> None:
        name = _trim(name)
        if not name:
            return
        if name.isupper() and len(name.replace(".", "")) <= 5:
            self.caps.setdefault(name, entry)  # "US", "UN", "WHO": never the words us, un, who
            self.note_name(name_key(name))
            if "." not in name:
                return
        key = name_key(name)
        self.names.setdefault(key, entry)
        self.note_name(key)

    def note_name(self, key: str) -> None:
        words = key.split()
        if words:
            self.first_words[words[0]] = max(self.first_words.get(words[0], 0), len(words))
            self.last_words.add(words[-1])


def _trim(text: str) -> str:
    text = " ".join(text.replace("’", "'").split())
    for suffix in ("'s", "'"):
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            text = text[: -len(suffix)]
    return text


@cache
def default_lexicon() -> Lexicon:
    extra = [Path(p) for p in os.environ.get(ACTORS_ENV, "").split(os.pathsep) if p]
    return load_lexicon(extra)


def load_lexicon(extra: list[Path] | None = None, folder: Path | None = None) -> Lexicon:
    """The bundled actor data (or that of `folder`), plus the people files in `extra`."""
    lex = Lexicon()
    folder = folder or data_path("actors")
    # Organisations first: "Brussels" is the EU before it is Belgium's capital.
    _load_organizations(lex, folder / "organizations.yaml")
    _load_countries(lex, folder / "countries.yaml")
    for country in pycountry.countries:
        entry = Entry(country.alpha_3, codes.country_names()[country.alpha_3], "country")
        for name in (country.name, getattr(country, "common_name", None), getattr(country, "official_name", None)):
            if name:
                lex.add(name, entry)
    _load_agents(lex, folder / "agents.yaml")
    people_files = sorted(folder.glob("people-*.yaml")) + _expand(extra or [])
    lex.people = load_people(people_files)
    for person in lex.people.persons:
        for name in person.names() + person.short:
            lex.note_name(name_key(name))
    return lex


def _expand(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml")))
        elif path.exists():
            out.append(path)
        else:
            raise DataFileError(f"{path}: no such actor file (from {ACTORS_ENV} or --actors)")
    return out


def _load_organizations(lex: Lexicon, path: Path) -> None:
    for item in _entries(path):
        code = _code(item, path)
        names = _strings(item, "names", path)
        for name in names:
            lex.add(name, Entry(code, names[0], "organization"))


def _load_countries(lex: Lexicon, path: Path) -> None:
    for item in _entries(path):
        code = _code(item, path)
        if not codes.is_country(code):
            raise DataFileError(f"{path}:{item['code'].line}: {code!r} is not a country code")
        names = _strings(item, "names", path)
        name = names[0] if names else codes.country_names()[code]  # "Russia", not "Russian Federation"
        # Entries with names only are regions of a country (Chechnya, Gaza Strip, Tigray).
        kind = "country" if "demonyms" in item or "metonyms" in item else "region"
        for n in names:
            lex.add(n, Entry(code, name if kind == "country" else n, kind))
        for demonym in _strings(item, "demonyms", path):
            lex.add(demonym, Entry(code, name, "demonym"))
        metonyms = item.get("metonyms") or {}
        if not isinstance(metonyms, dict):
            raise DataFileError(f"{path}:{item['code'].line}: 'metonyms' must map names to agents")
        for place, agent in metonyms.items():
            if not isinstance(agent, Located) or agent.value not in codes.AGENTS:
                line = agent.line if isinstance(agent, Located) else item["code"].line
                raise DataFileError(f"{path}:{line}: metonym {place!r} needs a CAMEO agent code")
            lex.add(place, Entry(code + agent.value, place, "metonym"))


def _load_agents(lex: Lexicon, path: Path) -> None:
    raw = load_yaml(path)
    if not isinstance(raw, dict):
        raise DataFileError(f"{path}:1: expected agent codes mapped to lists of nouns")
    for agent, words in raw.items():
        if agent not in codes.AGENTS:
            raise DataFileError(f"{path}: unknown agent code {agent!r}")
        if not isinstance(words, list):
            raise DataFileError(f"{path}: '{agent}' must be a list")
        for word in words:
            phrase = " ".join(str(word.value).lower().split())
            if phrase in lex.agents and lex.agents[phrase] != agent:
                raise DataFileError(f"{path}:{word.line}: {phrase!r} is already {lex.agents[phrase]}")
            lex.agents[phrase] = agent
            last, n = phrase.split()[-1], len(phrase.split())
            lex.agent_last_words[last] = max(lex.agent_last_words.get(last, 0), n)


def _entries(path: Path) -> list[dict[str, Located]]:
    raw = load_yaml(path)
    if not isinstance(raw, list) or not all(isinstance(i, dict) and "code" in i for i in raw):
        raise DataFileError(f"{path}: expected a list of entries, each with a 'code'")
    return raw


def _code(item: dict[str, Located], path: Path) -> str:
    code = item["code"]
    if not isinstance(code, Located) or not codes.valid(str(code.value)):
        line = code.line if isinstance(code, Located) else "?"
        raise DataFileError(f"{path}:{line}: invalid actor code {getattr(code, 'value', code)!r}")
    return str(code.value)


def _strings(item: dict[str, Located], key: str, path: Path) -> list[str]:
    value = item.get(key) or []
    if not isinstance(value, list):
        raise DataFileError(f"{path}:{item['code'].line}: '{key}' must be a list")
    return [str(v.value) for v in value]
