"""Event coding: triggers, their source and target actors, flags and evidence, from the parse.

For every sentence of the headline and body:
1. a trigger is a verb or an eventive noun with rules in the pattern dictionary; the most
   specific rule whose object, preposition and particle are present wins;
2. the source is the subject (the "by" agent of a passive; for a noun, its possessor, its
   modifier or the subject of the verb it hangs from: "X staged drills", "X's criticism");
   the target is the rule's prepositional object, else the direct object, else the object of
   with/to/against/on/for; coordinated actors ("he and President Joe Biden") give one event
   each, and symmetric codes with two sources and no target give the reciprocal pair;
3. promises and threats ("agreed to bolster", "vowed to retaliate") become intent (03x) and
   threat (13x) codes of the embedded event;
4. flags: `negated` (not, never, refused to), `hypothetical` (modals, if/unless, likely, plans),
   `reported` (the event is what someone said happened).
Only actors with codes take part; an event needs a source or a target.
"""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass
from functools import cache

from spacy.attrs import IS_SPACE
from spacy.tokens import Span, Token

from eventwire.datafiles import data_path
from eventwire.events.codebook import Code, codebook
from eventwire.events.patterns import Patterns, Rule, default_patterns
from eventwire.model import Actor, Event
from eventwire.nlp import Analysis

TARGET_PREPS = ("with", "to", "against", "on", "for", "at", "into", "toward", "towards", "from", "of")
SPEECH_VERBS = frozenset({"say", "tell", "announce", "add", "state", "claim", "insist", "report", "write",
                          "tweet", "declare", "allege", "accuse", "confirm", "acknowledge", "note"})
MODALS = frozenset({"could", "may", "might", "should", "can", "ca"})
FUTURE = frozenset({"will", "would", "shall", "'ll", "wo"})  # "wo" is the "wo" of "won't"
REQUEST_VERBS = frozenset({"demand", "urge", "call", "ask", "request", "press", "push", "appeal", "implore"})
# Roots of acts that, announced, are intents to cooperate; refused, are rejections.
COOPERATIVE_ROOTS = frozenset({"04", "05", "06", "07", "08"})
HEDGES = frozenset({"likely", "possibly", "perhaps", "maybe", "probably", "potentially", "unlikely"})
# Verbs whose complement has not happened yet: "plans to visit", "is considering sending aid".
PLAN_VERBS = frozenset({"plan", "intend", "expect", "hope", "want", "seek", "aim", "consider", "propose",
                        "prepare", "wish", "mull", "weigh"})
REFUSAL_VERBS = frozenset({"refuse", "decline", "fail", "reject", "deny", "cease", "stop", "avoid"})
CONDITIONALS = frozenset({"if", "unless", "whether"})
RELATIVE = frozenset({"which", "who", "that", "whom"})
# Heads that leave the event to their modifier: "a mediation effort", "a sanctions campaign".
GENERIC_HEADS = frozenset({"effort", "bid", "move", "operation", "campaign", "initiative", "mission", "process",
                           "attempt", "plan", "programme", "program", "measure", "action", "drive", "push"})
# Codes whose source and target act together: two sources and no target make a reciprocal pair.
SYMMETRIC_ROOTS = frozenset({"03", "04", "05", "06"})
LIGHT_VERBS = frozenset({"hold", "have", "make", "give", "launch", "conduct", "stage", "carry", "pay", "sign",
                         "take", "begin", "start", "resume", "continue", "mount", "open", "announce", "order",
                         "impose", "issue", "deliver", "provide", "send", "offer", "extend", "lodge", "file"})


@dataclass
class Found:
    """A trigger with the rule that fired and the tokens around it."""

    token: Token
    rule: Rule
    verb: Token  # the verb whose subject is the source (the trigger itself for verbs)
    embedded: Found | None = None  # for promises and threats: the event announced
    phrase: Token | None = None  # a noun trigger's phrase head ("effort" in "mediation effort")


def code_events(analysis: Analysis, actors: list[Actor], patterns: Patterns | None = None) -> list[Event]:
    """The events of one analysed article whose actors are resolved."""
    return Coder(analysis, actors, patterns or default_patterns()).run()


class Coder:
    def __init__(self, analysis: Analysis, actors: list[Actor], patterns: Patterns) -> None:
        self.analysis = analysis
        self.doc = analysis.doc
        self.patterns = patterns
        self.book = codebook()
        self.actors = actors
        self.article = analysis.result.article
        # token index -> actor index, through the original offsets of every mention
        # Actors without a code (a person the dictionary does not know) still take part, code-less.
        spans = sorted((m["start"], m["end"], n) for n, a in enumerate(actors) for m in a.mentions)
        starts = [s for s, _, _ in spans]
        self.actor_of: dict[int, int] = {}
        if spans:
            spaces = self.doc.to_array(IS_SPACE).tolist() if len(self.doc) else []
            for i, pos in enumerate(analysis.token_starts()):
                if spaces[i]:
                    continue
                k = bisect.bisect_right(starts, pos) - 1
                if k >= 0 and spans[k][0] <= pos < spans[k][1]:
                    self.actor_of[i] = spans[k][2]
        self.first_body_sentence = next(
            (i for i, s in enumerate(self.doc.sents) if analysis.segment_kind(s.start_char) == "body"), 0)

    def run(self) -> list[Event]:
        events: list[Event] = []
        seen: set[tuple[str, str | None, str | None, int]] = set()
        for index, sent in enumerate(self.doc.sents):
            for found in self._triggers(sent):
                for event in self._events(found, sent, index):
                    key = (event.code, _code(event.source), _code(event.target), index)
                    if key not in seen:
                        seen.add(key)
                        events.append(event)
        return events

    # --- triggers -------------------------------------------------------------------------------

    def _triggers(self, sent: Span) -> list[Found]:
        found: list[Found] = []
        used: set[int] = set()
        for token in sent:
            if token.i in used:
                continue
            if token.pos_ in ("VERB", "AUX") and token.dep_ != "aux":
                hit = self._verb(token)
                if hit:
                    found.append(hit)
                    used.add(hit.token.i)
                    if hit.embedded:
                        used.add(hit.embedded.token.i)
            elif token.pos_ in ("NOUN", "PROPN"):
                hit = self._noun(token)
                if hit and hit.token.i not in used:
                    found.append(hit)
                    used.add(token.i)
        # A noun that is the object of a coded verb ("held talks", "rejected calls for") belongs to
        # that verb's event, not to one of its own.
        consumed = {c.i for f in found if f.rule.trigger == "verb" for c in self._complements(f.token)}
        return [f for f in found if f.rule.trigger == "verb" or f.token.i not in consumed]

    def _lemma(self, token: Token, index: dict[str, list[Rule]]) -> str:
        """The token's lemma, or a plain form of it when the lemmatiser slips ("stages" -> "stag")."""
        lemma = token.lemma_.lower()
        if lemma in index:
            return lemma
        word = token.lower_
        for cut, add in (("", ""), ("s", ""), ("es", ""), ("ed", ""), ("d", ""), ("ing", ""), ("ing", "e"),
                         ("ies", "y"), ("ied", "y")):
            if word.endswith(cut) and (word[: len(word) - len(cut)] + add) in index:
                return word[: len(word) - len(cut)] + add
        return lemma

    def _verb(self, verb: Token) -> Found | None:
        lemma = self._lemma(verb, self.patterns.verbs)
        if lemma in self.patterns.promise_verbs | self.patterns.threat_verbs:
            embedded = next((c for c in verb.children if c.dep_ == "xcomp" and c.pos_ == "VERB"), None)
            inner = self._verb(embedded) if embedded is not None else None
            if inner is not None:
                code = self._announced(lemma, inner.rule.code)
                if code:
                    rule = Rule(f"{inner.rule.id}+{lemma}", code, "verb", frozenset({lemma}), where=inner.rule.where)
                    return Found(verb, rule, verb, embedded=inner)
        rule = self._best(self.patterns.verbs, lemma, verb, self._complements(verb))
        if rule is None:
            particle = next((c.lower_ for c in verb.children if c.dep_ == "prt"), None)
            if particle:
                rule = self._best(self.patterns.verbs, f"{lemma} {particle}", verb, self._complements(verb))
        if rule is not None:
            return Found(verb, rule, verb)
        # A light verb with an eventive noun object: "staged drills", "held talks", "imposed sanctions".
        if lemma in LIGHT_VERBS:
            for obj in self._complements(verb):
                hit = self._noun(obj, governor=verb)
                if hit:
                    return hit
        return None

    def _announced(self, lemma: str, code: str) -> str | None:
        info = self.book[code]
        conflict = info.quad >= 3
        table = self.patterns.threat if lemma in self.patterns.threat_verbs or conflict else self.patterns.intent
        if info.root in ("03", "13"):
            return code  # already an intent or a threat
        return table.get(code) or table.get(info.root)

    def _noun(self, noun: Token, governor: Token | None = None) -> Found | None:
        lemma = self._lemma(noun, self.patterns.nouns)
        compounds = [c.lower_ for c in noun.children if c.dep_ in ("compound", "amod") and c.i < noun.i]
        # "a mediation effort between X and Y": the modifier is the event, its head carries the rest;
        # other modifiers are not events ("riot police" is police).
        if noun.dep_ == "compound" and noun.head.lemma_.lower() not in GENERIC_HEADS:
            return None
        phrase_head = noun.head if noun.dep_ == "compound" else noun
        verb = governor or self._governing_verb(phrase_head)
        complements = [c for c in phrase_head.children if c.dep_ in ("dobj", "pobj")]
        # "staged drills with X": the prepositions of the verb whose object the noun is count for it
        holders = [noun] if phrase_head == noun else [noun, phrase_head]
        if verb is not None and phrase_head.head == verb and phrase_head.dep_ in ("dobj", "nsubjpass", "attr", "oprd"):
            holders.append(verb)
        for k in range(len(compounds) + 1):
            phrase = " ".join([*compounds[k:], lemma])
            rule = self._best(self.patterns.nouns, phrase, holders, complements)
            if rule:
                return Found(noun, rule, verb or noun, phrase=phrase_head)
        return None

    def _best(self, index: dict[str, list[Rule]], word: str, holders: Token | list[Token],
              complements: list[Token]) -> Rule | None:
        rules = index.get(word)
        if not rules:
            return None
        holders = holders if isinstance(holders, list) else [holders]
        trigger = holders[0]
        objects = {c.lemma_.lower() for c in complements} | {
            " ".join([*(m.lower_ for m in c.children if m.dep_ == "compound"), c.lemma_.lower()]) for c in complements}
        preps = {c.lower_ for h in holders for c in h.children if c.dep_ in ("prep", "agent", "dative")}
        for obj in complements:
            preps |= {c.lower_ for c in obj.children if c.dep_ == "prep"}
        # "went on strike", "took to the streets": the object of a preposition can be the rule's object
        objects |= {g.lemma_.lower() for p in trigger.children if p.dep_ == "prep"
                    for g in p.children if g.dep_ == "pobj"}
        particles = {c.lower_ for c in trigger.children if c.dep_ == "prt"}
        best = None
        for rule in rules:
            if rule.objects and not rule.objects & objects:
                continue
            if rule.preps and not rule.preps & preps:
                continue
            if rule.particles and not rule.particles & particles:
                continue
            if best is None or rule.specificity > best.specificity:
                best = rule
        return best

    def _complements(self, verb: Token) -> list[Token]:
        """Objects a rule's `object:` may name: direct object, predicate noun, passive subject."""
        out = [c for c in verb.children if c.dep_ in ("dobj", "oprd", "attr", "nsubjpass", "dative")]
        out += [conj for c in out for conj in c.conjuncts]
        return out

    def _governing_verb(self, noun: Token) -> Token | None:
        token = noun
        for _ in range(6):
            if token.head == token:
                return token if token.pos_ in ("VERB", "AUX") else None
            token = token.head
            if token.pos_ in ("VERB", "AUX"):
                return token
        return None

    # --- arguments ------------------------------------------------------------------------------

    def _events(self, found: Found, sent: Span, index: int) -> list[Event]:
        sources = self._sources(found)
        targets = self._targets(found)
        targets = [t for t in targets if t not in sources] or ([] if sources else targets)
        info = self.book[found.rule.code]
        pairs: list[tuple[int | None, int | None]]
        if targets:
            pairs = [(s, t) for s in (sources or [None]) for t in targets]
        elif len(sources) >= 2 and info.root in SYMMETRIC_ROOTS:
            pairs = [(s, t) for s in sources for t in sources if s != t]
        else:
            pairs = [(s, None) for s in sources]
        flags = self._flags(found)
        info, flags = self._modality(found, info, flags)
        if info.code == "010" and not targets:
            return []  # "X said": a plain statement to no one carries no event of its own
        return [self._event(found, info, s, t, sent, index, flags) for s, t in pairs if s is not None or t is not None]

    def _sources(self, found: Found) -> list[int]:
        trigger = found.token
        if found.rule.trigger == "noun" and trigger != found.verb:
            own = self._noun_source(trigger) or (self._noun_source(found.phrase) if found.phrase else [])
            if own:
                return own
        verb = found.verb
        subject = self._subject(verb)
        if subject is None:
            return []
        if subject.dep_ == "nsubjpass":
            agent = next((c for c in verb.children if c.dep_ == "agent"), None)
            pobj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
            return self._actors_at(pobj) if pobj is not None else []
        return self._actors_at(subject)

    def _noun_source(self, noun: Token) -> list[int]:
        """Who acts in a noun event: "Biden's criticism", "U.S. sanctions", "talks by X"."""
        for child in noun.children:
            if child.dep_ in ("poss", "compound", "amod", "nmod") and child.i < noun.i:
                found = self._actors_at(child)
                if found:
                    return found
            if child.dep_ == "prep" and child.lower_ == "by":
                pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if pobj is not None:
                    return self._actors_at(pobj)
        return []

    def _subject(self, verb: Token) -> Token | None:
        """The subject of a verb, or of the verb it is coordinated with or embedded in."""
        token = verb
        for _ in range(4):
            subject = next((c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subject is not None and subject.lower_ in RELATIVE and token.dep_ == "relcl":
                return token.head  # "The U.S., which stations troops": the U.S.
            if subject is not None:
                return subject
            if token.dep_ in ("xcomp", "conj", "advcl", "acl", "pcomp") and token.head != token:
                token = token.head
            else:
                return None
        return None

    def _targets(self, found: Found) -> list[int]:
        trigger, rule = found.token, found.rule
        holders = list(dict.fromkeys(t for t in (trigger, found.phrase, found.verb) if t is not None))
        if found.embedded is not None:
            holders = [found.embedded.token, *holders]
        objects = [c for h in holders for c in h.children if c.dep_ in ("dobj", "dative", "iobj")]
        if rule.preps:
            for holder in holders + objects:
                for child in holder.children:
                    if child.dep_ in ("prep", "dative") and child.lower_ in rule.preps:
                        found_actors = self._prep_actors(child)
                        if found_actors:
                            return found_actors
        for obj in objects:
            if obj == trigger:
                continue
            found_actors = self._actors_at(obj)
            if found_actors:
                return found_actors
        for holder in holders + objects:
            for child in holder.children:
                if child.dep_ in ("prep", "dative") and child.lower_ in TARGET_PREPS:
                    found_actors = self._prep_actors(child)
                    if found_actors:
                        return found_actors
        # "talks between X and Y"
        for child in trigger.children:
            if child.dep_ == "prep" and child.lower_ == "between":
                return self._prep_actors(child)
        return []

    def _prep_actors(self, prep: Token) -> list[int]:
        pobj = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)
        return self._actors_at(pobj) if pobj is not None else []

    def _actors_at(self, token: Token) -> list[int]:
        """Actors named by a phrase: its head, its modifiers ("North Korea's calls"), its conjuncts."""
        out: list[int] = []
        for head in [token, *token.conjuncts]:
            actor = self.actor_of.get(head.i)
            if actor is None:
                for child in head.children:
                    if child.dep_ in ("poss", "compound", "amod", "nmod", "appos") and child.i in self.actor_of:
                        actor = self.actor_of[child.i]
                        break
            if actor is None and head.dep_ != "conj":
                # "the ROK-US alliance", "officials of X": an actor anywhere in a short phrase
                for t in head.subtree:
                    if t.i in self.actor_of and abs(t.i - head.i) <= 4:
                        actor = self.actor_of[t.i]
                        break
            if actor is not None and actor not in out:
                out.append(actor)
        return out

    # --- flags ----------------------------------------------------------------------------------

    def _flags(self, found: Found) -> dict[str, bool]:
        verb = found.verb
        chain = [found.token, verb] if found.token != verb else [verb]
        governors: list[Token] = []  # verbs the event's verb is the complement of ("refused to X")
        token = verb
        for _ in range(3):  # the clause's own verb and the verbs it hangs from (xcomp, conj)
            if token.dep_ in ("xcomp", "conj") and token.head != token:
                if token.dep_ == "xcomp":
                    governors.append(token.head)
                token = token.head
                chain.append(token)
        root = self.book[found.rule.code].root
        promise = found.embedded is not None
        negated = any(c.dep_ == "neg" for t in chain for c in t.children)
        negated |= any(t.lemma_.lower() in REFUSAL_VERBS for t in governors) and root != "12"
        auxes = {c.lower_ for t in chain for c in t.children if c.dep_ == "aux"}
        future = bool(auxes & FUTURE) or any(t.lemma_.lower() in PLAN_VERBS for t in governors)
        conditional = any(c.lower_ in CONDITIONALS for t in chain for c in t.children if c.dep_ == "mark")
        hedged = any(c.lower_ in HEDGES for t in chain for c in t.children if c.dep_ in ("advmod", "acomp"))
        conditional |= hedged or bool(auxes & MODALS)  # "could", "likely": a possibility, not a plan
        hypothetical = future or conditional
        # "demanding that Lukashenko step down": what is asked for has not happened
        hypothetical |= self._governed_by(verb, REQUEST_VERBS, ("ccomp", "xcomp"))
        if promise:
            hypothetical = False  # the promise itself happened
        reported = self._reported(verb)
        return {"negated": negated, "hypothetical": hypothetical, "reported": reported, "future": future,
                "conditional": conditional}

    def _modality(self, found: Found, info: Code, flags: dict[str, bool]) -> tuple[Code, dict[str, bool]]:
        """CAMEO codes announced acts as acts of announcing: "X will hold talks" is an intent to
        meet (036), "X will not lift the embargo" a refusal to yield (124), "declined to comment"
        a refusal to comment (011). Only possibilities ("could", "if") stay hypothetical."""
        if found.embedded is not None or info.root in ("03", "13", "12"):
            return info, flags
        cooperative = info.root in COOPERATIVE_ROOTS
        refused = self._governed_by(found.verb, REFUSAL_VERBS - {"fail", "cease", "stop", "avoid"})
        if flags.get("conditional"):
            return info, flags
        if (refused or (flags["negated"] and flags.get("future"))) and (cooperative or info.root in ("01", "02")):
            code = self.patterns.refusal.get(info.code) or self.patterns.refusal.get(info.root)
            if code:
                return self.book[code], {**flags, "negated": False, "hypothetical": False}
        if flags.get("future") and not flags["negated"] and (cooperative or info.quad == 4):
            code = self._announced("will", info.code)
            if code:
                return self.book[code], {**flags, "hypothetical": False}
        return info, flags

    @staticmethod
    def _governed_by(verb: Token, lemmas: frozenset[str], deps: tuple[str, ...] = ("xcomp",)) -> bool:
        """Whether `verb` is the complement of one of `lemmas` ("refused to X", "demanded that X")."""
        token = verb
        for _ in range(3):
            if token.dep_ not in deps or token.head == token:
                return False
            token = token.head
            if token.lemma_.lower() in lemmas:
                return True
        return False

    def _reported(self, verb: Token) -> bool:
        token = verb
        for _ in range(4):
            if token.dep_ == "ccomp" and token.head.lemma_.lower() in SPEECH_VERBS:
                return True
            if token.head == token:
                return False
            token = token.head
        return False

    # --- the record -----------------------------------------------------------------------------

    def _event(self, found: Found, info: Code, source: int | None, target: int | None, sent: Span,
               index: int, flags: dict[str, bool]) -> Event:
        a = self.analysis
        t_start, t_end = a.span(found.token.idx, found.token.idx + len(found.token))
        s_start, s_end = a.span(sent.start_char, sent.end_char)
        is_root = a.segment_kind(sent.start_char) == "headline" or index == self.first_body_sentence
        src, tgt = self._actor(source), self._actor(target)
        flags = {k: flags[k] for k in ("negated", "hypothetical", "reported")}
        confidence = self._confidence(found.rule, src, tgt, flags)
        key = f"{self.article.id}|{index}|{t_start}|{info.code}|{_code(src)}|{_code(tgt)}"
        return Event(
            id=hashlib.sha1(key.encode()).hexdigest()[:16],
            code=info.code, root=info.root, quad=info.quad, goldstein=info.goldstein, plover=info.plover,
            source=src, target=tgt,
            trigger={"text": self.article.text[t_start:t_end], "start": t_start, "end": t_end},
            sentence={"index": index, "start": s_start, "end": s_end},
            date=self.article.published.isoformat() if self.article.published else None,
            rule=found.rule.id, confidence=confidence, is_root=is_root, **flags,
        )

    def _actor(self, n: int | None) -> dict[str, object] | None:
        if n is None:
            return None
        actor = self.actors[n]
        return {"text": actor.text, "code": actor.code, "name": actor.name, "confidence": actor.confidence}

    @staticmethod
    def _confidence(rule: Rule, src: dict | None, tgt: dict | None, flags: dict[str, bool]) -> float:
        """How often events like this one are right, from a raw score and a calibration table.

        The raw score grows with the rule's specificity, the actors' confidence and having both
        actors; data/calibration.tsv (made by `eventwire eval events --format pentaclass
        --calibrate`, see docs/evaluation.md) maps it to the share of such events whose class was
        right on gold sentences.
        """
        base = 0.55 + 0.1 * min(rule.specificity, 3)
        actors = [float(x["confidence"] or 0.3) for x in (src, tgt) if x is not None]
        raw = base * (sum(actors) / len(actors) if actors else 0.3) * (1.0 if src and tgt else 0.8)
        if flags["negated"] or flags["hypothetical"]:
            raw *= 0.7
        return calibrated(raw)


@cache
def _calibration() -> tuple[list[float], list[float]]:
    path = data_path("calibration.tsv")
    if not path.exists():
        return [], []
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()[1:] if line.strip()]
    return [float(r[0]) for r in rows], [float(r[1]) for r in rows]


def calibrated(raw: float) -> float:
    """The calibrated confidence of a raw event score (the raw score if no table is installed)."""
    uppers, values = _calibration()
    if not uppers:
        return round(min(raw, 0.99), 3)
    k = min(bisect.bisect_left(uppers, raw), len(values) - 1)
    return values[k]


def _code(actor: dict | None) -> str | None:
    return str(actor["code"]) if actor else None
