"""`eventwire explain`: one event's evidence, with source, trigger and target marked."""

from __future__ import annotations

from rich.text import Text

from eventwire.events.codebook import codebook
from eventwire.events.patterns import default_patterns
from eventwire.model import Event, Result


def explain_event(result: Result, event: Event) -> Text:
    text = result.article.text
    s_start, s_end = event.sentence["start"], event.sentence["end"]
    marks = [(event.trigger["start"], event.trigger["end"], "bold reverse")]
    for role, style in (("source", "bold green"), ("target", "bold red")):
        actor = getattr(event, role)
        if actor is None:
            continue
        for a in result.actors:
            if a.code == actor["code"] and a.text == actor["text"]:
                marks += [(m["start"], m["end"], style) for m in a.mentions if s_start <= m["start"] < s_end]
    out = Text(text[s_start:s_end])
    for start, end, style in marks:
        if s_start <= start < end <= s_end:
            out.stylize(style, start - s_start, end - s_start)
    info = codebook()[event.code]
    rule = next((r for r in default_patterns().rules if r.id == event.rule.split("+")[0]), None)
    flags = [f for f in ("negated", "hypothetical", "reported") if getattr(event, f)]
    lines = [
        f"\n{event.code} {info.name} (root {info.root}, quad {info.quad}, Goldstein {info.goldstein}, "
        f"PLOVER {info.plover or '-'})",
        f"source: {_who(event.source)}   target: {_who(event.target)}   date: {event.date or '-'}",
        f"rule: {event.rule}" + (f" ({rule.where})" if rule else "") + f"   confidence: {event.confidence}",
        f"flags: {', '.join(flags) or 'none'}" + ("   (headline or first sentence)" if event.is_root else ""),
        f"sentence {event.sentence['index']}, characters {s_start}-{s_end} of {result.article.source}",
    ]
    out.append("\n".join(lines))
    return out


def _who(actor: dict | None) -> str:
    return f"{actor['code']} ({actor['text']})" if actor else "-"
