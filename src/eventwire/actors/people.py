"""The time-bounded dictionary of people: who held which office when (data/actors/people-*.yaml).

Each role is written "CODE FROM..UNTIL Title". Between and after a person's offices they are
their country's elite (ELI, a former office-holder), which the data need not spell out; before
their first office they carry their country's code alone.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from eventwire.actors import codes
from eventwire.clean.normalize import name_key
from eventwire.datafiles import Located, load_yaml
from eventwire.errors import DataFileError

_ROLE = re.compile(r"^(?P<code>[A-Z]{3,12})\s+(?P<start>\d{4}-\d{2}(?:-\d{2})?)\.\.(?P<end>\d{4}-\d{2}(?:-\d{2})?)?"
                   r"\s+(?P<title>\S.*)$")


@dataclass(frozen=True)
class Role:
    code: str
    start: date
    end: date | None  # None: held today
    title: str

    def holds(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@dataclass
class Person:
    name: str
    aliases: list[str]
    short: list[str]
    roles: list[Role]
    where: str  # file:line, for messages

    def role_at(self, day: date | None) -> tuple[str, str, str]:
        """(code, title, note) for the article date; no date means the latest role, said so."""
        if day is None:
            last = self.roles[-1]
            return last.code, last.title, "no article date: latest role"
        held = [r for r in self.roles if r.holds(day)]
        if held:
            return held[-1].code, held[-1].title, ""
        past = [r for r in self.roles if r.end is not None and r.end <= day]
        if past:
            country = self.home_country(past)
            title = f"former {past[-1].title}"
            return (f"{country}ELI" if country else past[-1].code[:3]), title, "after office"
        country = self.home_country(self.roles)
        return (country or self.roles[0].code[:3]), "", "before office"

    @staticmethod
    def home_country(roles: list[Role]) -> str | None:
        """The country of the most recent national role (an IGO chief stays his country's elite)."""
        for role in reversed(roles):
            if codes.is_country(role.code[:3]):
                return role.code[:3]
        return None

    def names(self) -> list[str]:
        return [self.name, *self.aliases]


@dataclass
class People:
    persons: list[Person] = field(default_factory=list)
    by_name: dict[str, list[Person]] = field(default_factory=lambda: defaultdict(list))
    by_short: dict[str, list[Person]] = field(default_factory=lambda: defaultdict(list))

    def add(self, person: Person) -> None:
        self.persons.append(person)
        for name in {name_key(n) for n in person.names()}:
            self.by_name[name].append(person)
        for short in {name_key(n) for n in person.short}:
            self.by_short[short].append(person)

    def full(self, text: str) -> list[Person]:
        return self.by_name.get(name_key(text), [])

    def surname(self, text: str) -> list[Person]:
        return self.by_short.get(name_key(text), [])


def load_people(paths: list[Path]) -> People:
    """People from several files. A name twice in one file is an error; a name in two files is
    one person whose roles and names are merged (so a user file can extend a bundled entry)."""
    merged: dict[str, Person] = {}
    for path in paths:
        raw = load_yaml(path)
        if not isinstance(raw, list):
            raise DataFileError(f"{path}:1: expected a list of people")
        in_file: dict[str, str] = {}
        for entry in raw:
            person = _person(entry, path)
            key = name_key(person.name)
            if key in in_file:
                raise DataFileError(f"{person.where}: {person.name!r} is already listed at {in_file[key]}")
            in_file[key] = person.where
            if key in merged:
                _merge(merged[key], person)
            else:
                merged[key] = person
    people = People()
    for person in merged.values():
        people.add(person)
    return people


def _merge(into: Person, other: Person) -> None:
    into.aliases = list(dict.fromkeys(into.aliases + other.aliases))
    into.short = list(dict.fromkeys(into.short + other.short))
    spans = {(r.code, r.start, r.end) for r in into.roles}
    into.roles = sorted(into.roles + [r for r in other.roles if (r.code, r.start, r.end) not in spans],
                        key=lambda r: (r.start, r.code))
    into.where = f"{into.where}, {other.where}"


def _person(entry: object, path: Path) -> Person:
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), Located):
        line = _first_line(entry)
        raise DataFileError(f"{path}:{line}: each person needs a 'name'")
    name: Located = entry["name"]
    where = f"{path}:{name.line}"
    unknown = set(entry) - {"name", "aliases", "short", "roles"}
    if unknown:
        raise DataFileError(f"{where}: unknown field(s) {', '.join(sorted(unknown))} for {name.value!r}")
    roles = [_role(item, path) for item in _list(entry.get("roles"), where, "roles")]
    if not roles:
        raise DataFileError(f"{where}: {name.value!r} has no roles")
    roles.sort(key=lambda r: r.start)
    return Person(
        name=str(name.value),
        aliases=[str(a.value) for a in _list(entry.get("aliases"), where, "aliases")],
        short=[str(s.value) for s in _list(entry.get("short"), where, "short")],
        roles=roles,
        where=where,
    )


def _role(item: Located, path: Path) -> Role:
    where = f"{path}:{item.line}"
    match = _ROLE.match(str(item.value))
    if not match:
        raise DataFileError(f"{where}: role must read 'CODE FROM..UNTIL Title', got {item.value!r}")
    code = match["code"]
    if not codes.valid(code):
        raise DataFileError(f"{where}: unknown actor code {code!r}")
    start, end = _date(match["start"], where), _date(match["end"], where) if match["end"] else None
    if end is not None and end < start:
        raise DataFileError(f"{where}: role ends ({end}) before it starts ({start})")
    return Role(code, start, end, match["title"].strip())


def _date(text: str, where: str) -> date:
    try:
        return date.fromisoformat(text if len(text) == 10 else f"{text}-01")
    except ValueError:
        raise DataFileError(f"{where}: not a date: {text!r}") from None


def _list(value: object, where: str, what: str) -> list[Located]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, Located) for v in value):
        raise DataFileError(f"{where}: '{what}' must be a list of strings")
    return value


def _first_line(entry: object) -> int | str:
    if isinstance(entry, dict):
        lines = [v.line for v in entry.values() if isinstance(v, Located)]
        return min(lines) if lines else "?"
    return entry.line if isinstance(entry, Located) else "?"
