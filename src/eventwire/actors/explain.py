"""`eventwire actors NAME`: how a name resolves, for people checking the dictionaries."""

from __future__ import annotations

from datetime import date

from eventwire.actors.lexicon import Lexicon, default_lexicon


def explain_name(name: str, day: date, lexicon: Lexicon | None = None) -> list[str]:
    """Lines describing every reading of `name` on `day` (empty if nothing is known)."""
    lex = lexicon or default_lexicon()
    lines: list[str] = []
    persons = lex.people.full(name) or lex.people.surname(name)
    for person in persons:
        code, title, note = person.role_at(day)
        head = f"{person.name}: {code} on {day}" + (f" ({title})" if title else "") + (f", {note}" if note else "")
        lines.append(head)
        for role in person.roles:
            until = role.end.isoformat() if role.end else "today"
            lines.append(f"  {role.code:<9} {role.start} .. {until:<10} {role.title}")
        lines.append(f"  from {person.where}")
    entry = lex.lookup(name)
    if entry is not None:
        lines.append(f"{name}: {entry.code} ({entry.kind}: {entry.name})")
    phrase = " ".join(name.lower().split())
    singulars = (phrase, phrase.removesuffix("s"), phrase.removesuffix("es"), phrase.removesuffix("ies") + "y")
    agent = next((lex.agents[p] for p in singulars if p in lex.agents), None)
    if agent:
        lines.append(f"{name}: agent {agent} (the country comes from the words around it)")
    return lines
