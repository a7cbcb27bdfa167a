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
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import compress

import numpy
from spacy.attrs import DEP, HEAD, IS_SPACE, LEMMA, LOWER, POS
from spacy.symbols import AUX, NOUN, PROPN, VERB
from spacy.tokens import Span

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
    """A trigger with the rule that fired and the tokens around it (by index in the Doc)."""

    token: int
    rule: Rule
    verb: int  # the verb whose subject is the source (the trigger itself for verbs)
    embedded: Found | None = None  # for promises and threats: the event announced
    phrase: int | None = None  # a noun trigger's phrase head ("effort" in "mediation effort")


def code_events(analysis: Analysis, actors: list[Actor], patterns: Patterns | None = None) -> list[Event]:
    """The events of one analysed article whose actors are resolved."""
    return Coder(analysis, actors, patterns or default_patterns()).run()


class Coder:
    def __init__(self, analysis: Analysis, actors: list[Actor], patterns: Patterns) -> None:
        self.analysis = analysis
        self.doc = doc = analysis.doc
        self.patterns = patterns
        self.book = codebook()
        self.actors = actors
        self.article = analysis.result.article
        self.strings = doc.vocab.strings
        # The parse as plain lists by token index: finding triggers reads it for every word, and
        # spaCy makes a new Token object at each step through a Doc or a token's children.
        n = len(doc)
        table = doc.to_array([POS, DEP, HEAD, LEMMA, LOWER, IS_SPACE]) if n else numpy.zeros((0, 6), "uint64")
        self.pos: list[int] = table[:, 0].tolist()
        self.lemma_ids: list[int] = table[:, 3].tolist()
        self.lower_ids: list[int] = table[:, 4].tolist()
        dep_ids = table[:, 1].tolist()
        labels: dict[int, str] = patterns.derived.setdefault("dep_labels", {})  # shared: labels are few
        for h in set(dep_ids).difference(labels):
            labels[h] = self.strings[h]
        self.deps: list[str] = list(map(labels.__getitem__, dep_ids))
        # HEAD holds signed offsets stored unsigned: wrap them back before adding the index.
        heads, index = table[:, 2].astype("int64") + numpy.arange(n), numpy.arange(n + 1)
        self.heads: list[int] = heads.tolist()
        # The children of token i are order[bounds[i]:bounds[i + 1]]: the tokens sorted by head
        # (roots last), in order within each head, as Token.children gives them. (Two lists: a list
        # per token would be a great many objects to make.)
        by_head = numpy.where(heads == index[:n], n, heads)
        order = numpy.argsort(by_head, kind="stable")
        self.order: list[int] = order.tolist()
        self.bounds: list[int] = by_head[order].searchsorted(index).tolist()
        # token index -> actor index, through the original offsets of every mention
        # Actors without a code (a person the dictionary does not know) still take part, code-less.
        spans = sorted((m["start"], m["end"], owner) for owner, a in enumerate(actors) for m in a.mentions)
        self.actor_of: dict[int, int] = {}
        if spans and n:
            token_starts = numpy.array(analysis.token_starts())
            starts, ends, owners = numpy.array(spans).T
            k = starts.searchsorted(token_starts, side="right") - 1
            inside = (k >= 0) & (token_starts < ends[k]) & (table[:, 5] == 0)
            self.actor_of = dict(zip(inside.nonzero()[0].tolist(), owners[k[inside]].tolist(), strict=True))
        self.announcing = patterns.promise_verbs | patterns.threat_verbs
        # (lemma id, word id) -> the lemma a trigger is looked up by; shared by the articles coded
        # with these patterns
        self.verb_lemmas: dict[tuple[int, int], str] = patterns.derived.setdefault("verb_lemmas", {})
        self.noun_lemmas: dict[tuple[int, int], str] = patterns.derived.setdefault("noun_lemmas", {})
        self.sents = list(doc.sents)
        self.first_body_sentence = next(
            (i for i, s in enumerate(self.sents) if analysis.segment_kind(s.start_char) == "body"), 0)
        sizes = [s.end - s.start for s in self.sents]
        live = self._live(heads, numpy.repeat(numpy.arange(len(sizes)), sizes))
        self.live: list[bool] = live.tolist()
        # Only a verb with an entry, a promise or threat verb or a light verb can be a trigger, and
        # only a noun that ends an entry; and only in a sentence that can hold an event.
        pos, in_live = table[:, 0], numpy.repeat(live, sizes)
        verbal = (pos == VERB) | (pos == AUX)
        for h, label in labels.items():
            if label == "aux":
                verbal &= table[:, 1] != h
        verbal &= in_live
        nominal = ((pos == NOUN) | (pos == PROPN)) & in_live
        lemmas, words = table[:, 3], table[:, 4]
        self.candidates = sorted(self._possible(verbal, lemmas, words, "verb")
                                 + self._possible(nominal, lemmas, words, "noun"))

    def run(self) -> list[Event]:
        events: list[Event] = []
        seen: set[tuple[str, str | None, str | None, int]] = set()
        for index, sent in enumerate(self.sents):
            if not self.live[index]:
                continue
            for found in self._triggers(sent):
                for event in self._events(found, sent, index):
                    key = (event.code, _code(event.source), _code(event.target), index)
                    if key not in seen:
                        seen.add(key)
                        events.append(event)
        return events

    def _live(self, heads: numpy.ndarray, sentence: numpy.ndarray) -> numpy.ndarray:
        """Which sentences can hold an event (`sentence` holds each token's sentence): those with an
        actor's token, as every token an event reads is in its trigger's parse tree; all, when a
        tree crosses a sentence boundary."""
        live = numpy.zeros(len(self.sents), bool)
        if self.actor_of:
            if (sentence[heads] != sentence).any():
                live[:] = True
            else:
                live[sentence[list(self.actor_of)]] = True
        return live

    # --- triggers -------------------------------------------------------------------------------
    # Tokens are indexes into the lists built above.

    def _possible(self, mask: numpy.ndarray, lemmas: numpy.ndarray, words: numpy.ndarray, kind: str) -> list[int]:
        """The tokens of `mask` whose lemma as `_plain` gives it can be that of a `kind` trigger."""
        verb_heads, noun_heads = _trigger_heads(self.patterns)
        index, heads, cache = ((self.patterns.verbs, verb_heads, self.verb_lemmas) if kind == "verb"
                               else (self.patterns.nouns, noun_heads, self.noun_lemmas))
        keys = zip(lemmas[mask].tolist(), words[mask].tolist(), strict=True)
        possible = [self._plain(lemma, word, index, cache) in heads for lemma, word in keys]
        return list(compress(mask.nonzero()[0].tolist(), possible))

    def _triggers(self, sent: Span) -> list[Found]:
        found: list[Found] = []
        used: set[int] = set()
        pos, candidates = self.pos, self.candidates
        for i in candidates[bisect.bisect_left(candidates, sent.start):bisect.bisect_left(candidates, sent.end)]:
            if i in used:
                continue
            if pos[i] == VERB or pos[i] == AUX:
                hit = self._verb(i)
                if hit:
                    found.append(hit)
                    used.add(hit.token)
                    if hit.embedded:
                        used.add(hit.embedded.token)
            else:
                hit = self._noun(i)
                if hit and hit.token not in used:
                    found.append(hit)
                    used.add(i)
        # A noun that is the object of a coded verb ("held talks", "rejected calls for") belongs to
        # that verb's event, not to one of its own.
        consumed = {c for f in found if f.rule.trigger == "verb" for c in self._complements(f.token)}
        return [f for f in found if f.rule.trigger == "verb" or f.token not in consumed]

    def _kids(self, i: int) -> list[int]:
        """Token.children, by index."""
        return self.order[self.bounds[i]:self.bounds[i + 1]]

    def _lower(self, i: int) -> str:
        return self.strings[self.lower_ids[i]]

    def _lemma_lower(self, i: int) -> str:
        return self.strings[self.lemma_ids[i]].lower()

    def _lemma(self, i: int, index: dict[str, list[Rule]]) -> str:
        cache = self.verb_lemmas if index is self.patterns.verbs else self.noun_lemmas
        return self._plain(self.lemma_ids[i], self.lower_ids[i], index, cache)

    def _plain(self, lemma_id: int, lower_id: int, index: dict[str, list[Rule]],
               cache: dict[tuple[int, int], str]) -> str:
        key = (lemma_id, lower_id)
        plain = cache.get(key)
        if plain is not None:
            return plain
        if len(cache) > 100_000:
            cache.clear()  # bounded by the vocabulary of recent articles, not of every article seen
        cache[key] = plain = self._unslipped(self.strings[lemma_id].lower(), self.strings[lower_id], index)
        return plain

    @staticmethod
    def _unslipped(lemma: str, word: str, index: dict[str, list[Rule]]) -> str:
        """The token's lemma, or a plain form of it when the lemmatiser slips ("stages" -> "stag")."""
        if lemma in index:
            return lemma
        return next((form for form in _plain_forms(word) if form in index), lemma)

    def _verb(self, verb: int) -> Found | None:
        deps, kids = self.deps, self._kids
        lemma = self._lemma(verb, self.patterns.verbs)
        if lemma in self.announcing:
            embedded = next((c for c in kids(verb) if deps[c] == "xcomp" and self.pos[c] == VERB), None)
            inner = self._verb(embedded) if embedded is not None else None
            if inner is not None:
                code = self._announced(lemma, inner.rule.code)
                if code:
                    rule = Rule(f"{inner.rule.id}+{lemma}", code, "verb", frozenset({lemma}), where=inner.rule.where)
                    return Found(verb, rule, verb, embedded=inner)
        complements = self._complements(verb)
        rule = self._best(self.patterns.verbs, lemma, [verb], complements)
        if rule is None:
            particle = next((self._lower(c) for c in kids(verb) if deps[c] == "prt"), None)
            if particle:
                rule = self._best(self.patterns.verbs, f"{lemma} {particle}", [verb], complements)
        if rule is not None:
            return Found(verb, rule, verb)
        # A light verb with an eventive noun object: "staged drills", "held talks", "imposed sanctions".
        if lemma in LIGHT_VERBS:
            for obj in complements:
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

    def _noun(self, noun: int, governor: int | None = None) -> Found | None:
        deps, kids, heads, nouns = self.deps, self._kids, self.heads, self.patterns.nouns
        lemma = self._lemma(noun, nouns)
        compounds = [self._lower(c) for c in kids(noun) if deps[c] in ("compound", "amod") and c < noun]
        phrases = [" ".join([*compounds[k:], lemma]) for k in range(len(compounds) + 1)]
        if not any(phrase in nouns for phrase in phrases):
            return None
        # "a mediation effort between X and Y": the modifier is the event, its head carries the rest;
        # other modifiers are not events ("riot police" is police).
        if deps[noun] == "compound" and self._lemma_lower(heads[noun]) not in GENERIC_HEADS:
            return None
        phrase_head = heads[noun] if deps[noun] == "compound" else noun
        verb = governor if governor is not None else self._governing_verb(phrase_head)
        complements = [c for c in kids(phrase_head) if deps[c] in ("dobj", "pobj")]
        # "staged drills with X": the prepositions of the verb whose object the noun is count for it
        holders = [noun] if phrase_head == noun else [noun, phrase_head]
        if verb is not None and heads[phrase_head] == verb and \
                deps[phrase_head] in ("dobj", "nsubjpass", "attr", "oprd"):
            holders.append(verb)
        for phrase in phrases:
            rule = self._best(nouns, phrase, holders, complements)
            if rule:
                return Found(noun, rule, verb if verb is not None else noun, phrase=phrase_head)
        return None

    def _best(self, index: dict[str, list[Rule]], word: str, holders: list[int], complements: list[int]) -> Rule | None:
        rules = index.get(word)
        if not rules:
            return None
        # What the rules may ask for, each worked out when a rule first asks
        objects: set[str] | None = None
        preps: set[str] | None = None
        particles: set[str] | None = None
        best = None
        for rule in rules:
            if rule.objects:
                if objects is None:
                    objects = self._objects(holders[0], complements)
                if not rule.objects & objects:
                    continue
            if rule.preps:
                if preps is None:
                    preps = self._preps(holders, complements)
                if not rule.preps & preps:
                    continue
            if rule.particles:
                if particles is None:
                    particles = {self._lower(c) for c in self._kids(holders[0]) if self.deps[c] == "prt"}
                if not rule.particles & particles:
                    continue
            if best is None or rule.specificity > best.specificity:
                best = rule
        return best

    def _objects(self, trigger: int, complements: list[int]) -> set[str]:
        """What a rule's `object:` can match: the complements' lemmas, with their compounds too."""
        deps, kids, lower, lemma = self.deps, self._kids, self._lower, self._lemma_lower
        objects = {lemma(c) for c in complements} | {
            " ".join([*(lower(m) for m in kids(c) if deps[m] == "compound"), lemma(c)]) for c in complements}
        # "went on strike", "took to the streets": the object of a preposition can be the rule's object
        objects |= {lemma(g) for p in kids(trigger) if deps[p] == "prep" for g in kids(p) if deps[g] == "pobj"}
        return objects

    def _preps(self, holders: list[int], complements: list[int]) -> set[str]:
        """What a rule's `prep:` can match: the prepositions of the holders and of the complements."""
        deps, kids, lower = self.deps, self._kids, self._lower
        preps = {lower(c) for h in holders for c in kids(h) if deps[c] in ("prep", "agent", "dative")}
        for obj in complements:
            preps |= {lower(c) for c in kids(obj) if deps[c] == "prep"}
        return preps

    def _complements(self, verb: int) -> list[int]:
        """Objects a rule's `object:` may name: direct object, predicate noun, passive subject."""
        deps = self.deps
        out = [c for c in self._kids(verb) if deps[c] in ("dobj", "oprd", "attr", "nsubjpass", "dative")]
        out += [conj for c in out for conj in self._conjuncts(c)]
        return out

    def _conjuncts(self, i: int) -> list[int]:
        """Token.conjuncts, by index: the tokens coordinated with `i`, in order."""
        deps, heads, kids = self.deps, self.heads, self._kids
        start = i
        while heads[start] != start and deps[start] == "conj":
            start = heads[start]
        queue = [start]
        for word in queue:
            queue += [c for c in kids(word) if c > word and deps[c] == "conj"]
        return [w for w in queue if w != i]

    def _governing_verb(self, noun: int) -> int | None:
        pos, heads = self.pos, self.heads
        token = noun
        for _ in range(6):
            if heads[token] == token:
                return token if pos[token] == VERB or pos[token] == AUX else None
            token = heads[token]
            if pos[token] == VERB or pos[token] == AUX:
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
        if not pairs:
            return []
        flags = self._flags(found)
        info, flags = self._modality(found, info, flags)
        if info.code == "010" and not targets:
            return []  # "X said": a plain statement to no one carries no event of its own
        return [self._event(found, info, s, t, sent, index, flags) for s, t in pairs if s is not None or t is not None]

    def _sources(self, found: Found) -> list[int]:
        trigger = found.token
        if found.rule.trigger == "noun" and trigger != found.verb:
            own = self._noun_source(trigger) or (self._noun_source(found.phrase) if found.phrase is not None else [])
            if own:
                return own
        verb = found.verb
        subject = self._subject(verb)
        if subject is None:
            return []
        if self.deps[subject] == "nsubjpass":
            agent = self._child(verb, ("agent",))
            pobj = self._child(agent, ("pobj",)) if agent is not None else None
            return self._actors_at(pobj) if pobj is not None else []
        return self._actors_at(subject)

    def _child(self, token: int, deps: tuple[str, ...]) -> int | None:
        """The first child of `token` with one of `deps`."""
        return next((c for c in self._kids(token) if self.deps[c] in deps), None)

    def _noun_source(self, noun: int) -> list[int]:
        """Who acts in a noun event: "Biden's criticism", "U.S. sanctions", "talks by X"."""
        deps = self.deps
        for child in self._kids(noun):
            if deps[child] in ("poss", "compound", "amod", "nmod") and child < noun:
                found = self._actors_at(child)
                if found:
                    return found
            if deps[child] == "prep" and self._lower(child) == "by":
                pobj = self._child(child, ("pobj",))
                if pobj is not None:
                    return self._actors_at(pobj)
        return []

    def _subject(self, verb: int) -> int | None:
        """The subject of a verb, or of the verb it is coordinated with or embedded in."""
        deps, heads = self.deps, self.heads
        token = verb
        for _ in range(4):
            subject = self._child(token, ("nsubj", "nsubjpass"))
            if subject is not None and self._lower(subject) in RELATIVE and deps[token] == "relcl":
                return heads[token]  # "The U.S., which stations troops": the U.S.
            if subject is not None:
                return subject
            if deps[token] in ("xcomp", "conj", "advcl", "acl", "pcomp") and heads[token] != token:
                token = heads[token]
            else:
                return None
        return None

    def _targets(self, found: Found) -> list[int]:
        deps, kids, lower = self.deps, self._kids, self._lower
        trigger, rule = found.token, found.rule
        holders = list(dict.fromkeys(t for t in (trigger, found.phrase, found.verb) if t is not None))
        if found.embedded is not None:
            holders = [found.embedded.token, *holders]
        objects = [c for h in holders for c in kids(h) if deps[c] in ("dobj", "dative", "iobj")]
        if rule.preps:
            for holder in holders + objects:
                for child in kids(holder):
                    if deps[child] in ("prep", "dative") and lower(child) in rule.preps:
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
            for child in kids(holder):
                if deps[child] in ("prep", "dative") and lower(child) in TARGET_PREPS:
                    found_actors = self._prep_actors(child)
                    if found_actors:
                        return found_actors
        # "talks between X and Y"
        for child in kids(trigger):
            if deps[child] == "prep" and lower(child) == "between":
                return self._prep_actors(child)
        return []

    def _prep_actors(self, prep: int) -> list[int]:
        pobj = self._child(prep, ("pobj", "pcomp"))
        return self._actors_at(pobj) if pobj is not None else []

    def _actors_at(self, token: int) -> list[int]:
        """Actors named by a phrase: its head, its modifiers ("North Korea's calls"), its conjuncts."""
        deps, actor_of = self.deps, self.actor_of
        out: list[int] = []
        for head in [token, *self._conjuncts(token)]:
            actor = actor_of.get(head)
            if actor is None:
                for child in self._kids(head):
                    if deps[child] in ("poss", "compound", "amod", "nmod", "appos") and child in actor_of:
                        actor = actor_of[child]
                        break
            if actor is None and deps[head] != "conj":
                # "the ROK-US alliance", "officials of X": an actor anywhere in a short phrase
                actor = self._actor_near(head)
            if actor is not None and actor not in out:
                out.append(actor)
        return out

    def _actor_near(self, head: int) -> int | None:
        """The actor of the first token of `head`'s subtree within four tokens of it."""
        near = [t for t in range(head - 4, head + 5) if t in self.actor_of and self._descends(t, head)]
        if len(near) > 1:
            near = [t for t in self._subtree(head) if t in near]  # subtree order, if arcs cross
        return self.actor_of[near[0]] if near else None

    def _descends(self, token: int, ancestor: int) -> bool:
        """Whether `token` is in `ancestor`'s subtree."""
        heads = self.heads
        while token != ancestor:
            if heads[token] == token:
                return False
            token = heads[token]
        return True

    def _subtree(self, token: int) -> Iterator[int]:
        """Token.subtree, by index: the token and its descendants, in order."""
        children = self._kids(token)
        for child in children:
            if child < token:
                yield from self._subtree(child)
        yield token
        for child in children:
            if child > token:
                yield from self._subtree(child)

    # --- flags ----------------------------------------------------------------------------------

    def _flags(self, found: Found) -> dict[str, bool]:
        deps, heads, kids, lower, lemma = self.deps, self.heads, self._kids, self._lower, self._lemma_lower
        verb = found.verb
        chain = [found.token, verb] if found.token != verb else [verb]
        governors: list[int] = []  # verbs the event's verb is the complement of ("refused to X")
        token = verb
        for _ in range(3):  # the clause's own verb and the verbs it hangs from (xcomp, conj)
            if deps[token] in ("xcomp", "conj") and heads[token] != token:
                if deps[token] == "xcomp":
                    governors.append(heads[token])
                token = heads[token]
                chain.append(token)
        root = self.book[found.rule.code].root
        promise = found.embedded is not None
        negated = any(deps[c] == "neg" for t in chain for c in kids(t))
        negated |= any(lemma(t) in REFUSAL_VERBS for t in governors) and root != "12"
        auxes = {lower(c) for t in chain for c in kids(t) if deps[c] == "aux"}
        future = bool(auxes & FUTURE) or any(lemma(t) in PLAN_VERBS for t in governors)
        conditional = any(lower(c) in CONDITIONALS for t in chain for c in kids(t) if deps[c] == "mark")
        hedged = any(lower(c) in HEDGES for t in chain for c in kids(t) if deps[c] in ("advmod", "acomp"))
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

    def _governed_by(self, verb: int, lemmas: frozenset[str], deps: tuple[str, ...] = ("xcomp",)) -> bool:
        """Whether `verb` is the complement of one of `lemmas` ("refused to X", "demanded that X")."""
        heads = self.heads
        token = verb
        for _ in range(3):
            if self.deps[token] not in deps or heads[token] == token:
                return False
            token = heads[token]
            if self._lemma_lower(token) in lemmas:
                return True
        return False

    def _reported(self, verb: int) -> bool:
        heads = self.heads
        token = verb
        for _ in range(4):
            if self.deps[token] == "ccomp" and self._lemma_lower(heads[token]) in SPEECH_VERBS:
                return True
            if heads[token] == token:
                return False
            token = heads[token]
        return False

    # --- the record -----------------------------------------------------------------------------

    def _event(self, found: Found, info: Code, source: int | None, target: int | None, sent: Span,
               index: int, flags: dict[str, bool]) -> Event:
        a = self.analysis
        token = self.doc[found.token]
        t_start, t_end = a.span(token.idx, token.idx + len(token))
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


def _trigger_heads(patterns: Patterns) -> tuple[frozenset[str], frozenset[str]]:
    """The lemmas a verb trigger and a noun trigger can have (see `Patterns.verb_heads`)."""
    if "trigger_heads" not in patterns.derived:
        verbs = patterns.verb_heads() | patterns.promise_verbs | patterns.threat_verbs | LIGHT_VERBS
        patterns.derived["trigger_heads"] = (verbs, patterns.noun_heads())
    return patterns.derived["trigger_heads"]  # type: ignore[return-value]


def _plain_forms(word: str) -> Iterator[str]:
    """The word and the forms it has without an inflection ("stages" -> "stage")."""
    for cut, add in (("", ""), ("s", ""), ("es", ""), ("ed", ""), ("d", ""), ("ing", ""), ("ing", "e"),
                     ("ies", "y"), ("ied", "y")):
        if word.endswith(cut):
            yield word[: len(word) - len(cut)] + add


def _code(actor: dict | None) -> str | None:
    return str(actor["code"]) if actor else None
