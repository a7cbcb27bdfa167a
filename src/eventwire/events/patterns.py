"""The pattern dictionary (data/patterns/*.yaml): which triggers give which CAMEO code.

A rule names a trigger (`verb:` or `noun:` lemmas, or $synsets of its file), optionally the
object it needs (`object:`), the preposition that brings the target (`prep:`) and a verb
particle (`particle:`). Entries may be several words: "phone call" (a noun with its compound),
"sit down" (a verb with its particle). More specific rules win. `intent.yaml` maps promises and
threats ("agreed to bolster", "vowed to retaliate") to the intent and threat codes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from eventwire.datafiles import Located, data_path, load_yaml
from eventwire.errors import DataFileError
from eventwire.events.codebook import codebook

RULE_FIELDS = {"id", "code", "verb", "noun", "object", "prep", "particle", "note"}


@dataclass(frozen=True)
class Rule:
    id: str
    code: str
    trigger: str  # "verb" or "noun"
    words: frozenset[str]
    objects: frozenset[str] = frozenset()
    preps: frozenset[str] = frozenset()
    particles: frozenset[str] = frozenset()
    where: str = ""

    @property
    def specificity(self) -> int:
        return 2 * bool(self.objects) + bool(self.preps) + bool(self.particles)


@dataclass
class Patterns:
    verbs: dict[str, list[Rule]] = field(default_factory=lambda: defaultdict(list))
    nouns: dict[str, list[Rule]] = field(default_factory=lambda: defaultdict(list))
    rules: list[Rule] = field(default_factory=list)
    promise_verbs: frozenset[str] = frozenset()
    threat_verbs: frozenset[str] = frozenset()
    intent: dict[str, str] = field(default_factory=dict)  # embedded code or root -> intent code
    threat: dict[str, str] = field(default_factory=dict)  # embedded code or root -> threat code
    refusal: dict[str, str] = field(default_factory=dict)  # embedded code or root -> refusal code
    # What the coder derives from the indexes (built on first use, dropped when a rule is added)
    derived: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    def add(self, rule: Rule) -> None:
        self.rules.append(rule)
        index = self.verbs if rule.trigger == "verb" else self.nouns
        for word in rule.words:
            index[word].append(rule)
        self.derived.clear()

    def verb_heads(self) -> frozenset[str]:
        """What a verb trigger's lemma can be: an entry, or the words before a space in one
        (the verb of "sit down")."""
        if "verb_heads" not in self.derived:
            self.derived["verb_heads"] = frozenset(
                k[:i] for k in self.verbs for i in [*(n for n, c in enumerate(k) if c == " "), len(k)])
        return self.derived["verb_heads"]  # type: ignore[return-value]

    def noun_heads(self) -> frozenset[str]:
        """What a noun trigger's lemma can be: an entry, or the words after a space in one
        (the noun of "phone call")."""
        if "noun_heads" not in self.derived:
            self.derived["noun_heads"] = frozenset(
                k[i:] for k in self.nouns for i in [0, *(n + 1 for n, c in enumerate(k) if c == " ")])
        return self.derived["noun_heads"]  # type: ignore[return-value]

    def for_code(self, code: str) -> list[Rule]:
        return [r for r in self.rules if r.code == code or (len(code) == 2 and r.code.startswith(code))]


@cache
def default_patterns() -> Patterns:
    return load_patterns(data_path("patterns"))


def load_patterns(folder: Path) -> Patterns:
    patterns = Patterns()
    seen: dict[str, str] = {}
    files = sorted(p for p in folder.glob("*.yaml") if p.name != "intent.yaml")
    if not files:
        raise DataFileError(f"{folder}: no pattern files")
    for path in files:
        for rule in _rules(path):
            if rule.id in seen:
                raise DataFileError(f"{rule.where}: rule id {rule.id!r} already used at {seen[rule.id]}")
            seen[rule.id] = rule.where
            patterns.add(rule)
    _load_intent(patterns, folder / "intent.yaml")
    return patterns


def _rules(path: Path) -> list[Rule]:
    raw = load_yaml(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("rules"), list):
        raise DataFileError(f"{path}:1: expected 'synsets' (optional) and a 'rules' list")
    synsets = raw.get("synsets") or {}
    if not isinstance(synsets, dict):
        raise DataFileError(f"{path}: 'synsets' must map $names to word lists")
    sets: dict[str, list[str]] = {}
    for name, words in synsets.items():
        if not name.startswith("$") or not isinstance(words, list):
            raise DataFileError(f"{path}: synset {name!r} must start with $ and list words")
        sets[name.lower()] = [_word(w, path) for w in words]
    book = codebook()
    out = []
    for item in raw["rules"]:
        if not isinstance(item, dict) or "id" not in item or "code" not in item:
            line = min((v.line for v in item.values() if isinstance(v, Located)), default="?") \
                if isinstance(item, dict) else "?"
            raise DataFileError(f"{path}:{line}: each rule needs an 'id' and a 'code'")
        where = f"{path}:{item['id'].line}"
        unknown = set(item) - RULE_FIELDS
        if unknown:
            raise DataFileError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        code = str(item["code"].value)
        if code not in book:
            raise DataFileError(f"{path}:{item['code'].line}: unknown CAMEO code {code!r} (quote codes: \"041\")")
        kinds = [k for k in ("verb", "noun") if k in item]
        if len(kinds) != 1:
            raise DataFileError(f"{where}: a rule needs exactly one of 'verb' or 'noun'")
        out.append(Rule(
            id=str(item["id"].value), code=code, trigger=kinds[0],
            words=_words(item[kinds[0]], sets, where),
            objects=_words(item.get("object"), sets, where),
            preps=_words(item.get("prep"), sets, where),
            particles=_words(item.get("particle"), sets, where),
            where=where,
        ))
    return out


def _words(value: object, sets: dict[str, list[str]], where: str) -> frozenset[str]:
    if value is None:
        return frozenset()
    if not isinstance(value, list):
        raise DataFileError(f"{where}: word lists are YAML lists: [a, b]")
    words: list[str] = []
    for item in value:
        word = _word(item, where)
        if word.startswith("$"):
            if word not in sets:
                raise DataFileError(f"{where}: unknown synset {word}")
            words.extend(sets[word])
        else:
            words.append(word)
    return frozenset(words)


def _word(item: object, where: str | Path) -> str:
    """A word of a list, as written (so a preposition `on` stays a word, not YAML's true)."""
    if not isinstance(item, Located) or not item.raw.strip() or isinstance(item.value, (list, dict)):
        line = item.line if isinstance(item, Located) else "?"
        raise DataFileError(f"{where if isinstance(where, str) else f'{where}:{line}'}: "
                            f"words must be non-empty strings")
    return " ".join(item.raw.lower().split())


def _load_intent(patterns: Patterns, path: Path) -> None:
    raw = load_yaml(path)
    book = codebook()
    try:
        patterns.promise_verbs = frozenset(_word(w, path) for w in raw["promise_verbs"])
        patterns.threat_verbs = frozenset(_word(w, path) for w in raw["threat_verbs"])
        for key in ("intent", "threat", "refusal"):
            table = {str(k): str(v.value) for k, v in raw[key].items()}
            bad = [v for v in table.values() if v not in book]
            if bad:
                raise DataFileError(f"{path}: unknown code(s) in '{key}': {', '.join(bad)}")
            setattr(patterns, key, table)
    except (KeyError, TypeError, AttributeError) as exc:
        raise DataFileError(f"{path}: needs promise_verbs, threat_verbs, intent, threat and refusal ({exc})") from None
