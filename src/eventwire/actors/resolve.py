"""Document-level actor resolution: every person, organisation, country and titled group in an
article gets a CAMEO actor code for the article's date, and mentions of the same actor are joined.

The evidence, strongest first: the people dictionary at the article's date; titles and
appositives ("North Korean leader Kim Jong Un", "Kim, North Korea's leader"); country names,
demonyms and metonyms ("Washington" as an actor is the US government); agent nouns with their
country ("Iraqi troops", "protesters in Gjilan"); name chains ("President Joe Biden" ... "Biden"
... "the U.S. president"); subject pronouns in reported speech and the next sentence; and, last,
the article's own main country for an agent noun that names none ("the rebels").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import compress

import numpy as np
from spacy.attrs import IS_ASCII, IS_PUNCT, IS_SPACE, LEMMA, LOWER, ORTH, POS, SENT_START, SPACY, TAG
from spacy.symbols import NOUN, PROPN
from spacy.tokens import Doc, Span, Token

from eventwire.actors import codes
from eventwire.actors.lexicon import Entry, Lexicon, default_lexicon
from eventwire.actors.people import Person
from eventwire.clean.normalize import name_key
from eventwire.gazetteer import gazetteer
from eventwire.model import Actor
from eventwire.nlp import Analysis

ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC"})
# Prepositions after which a capital is a place ("talks in Washington"); after "to" or "from" it
# is as often an actor ("an ultimatum to Washington", "a visit to Paris") and counts as one.
LOCATIVE = frozenset({"in", "at", "near", "across", "throughout", "inside", "outside", "around", "into",
                      "within", "through", "over", "off", "via"})
OF_PLACE = frozenset({"in", "of", "from", "at"})
SPEECH_VERBS = frozenset({"say", "tell", "announce", "add", "state", "claim", "insist", "warn", "note", "write",
                          "tweet", "declare", "explain", "argue", "report", "acknowledge", "admit", "vow",
                          "pledge", "promise", "deny", "suggest", "believe", "think", "urge"})
SUBJECT_PRONOUNS = frozenset({"he", "she"})
# Titles that make a definite description ("the U.S. president") name the person holding them.
HEAD_TITLES = frozenset({"president", "leader", "prime minister", "premier", "chancellor", "king", "queen",
                         "emir", "supreme leader", "foreign minister", "defence minister", "defense minister",
                         "secretary of state", "secretary-general", "secretary general"})
# Agents whose country a place tells ("protesters in Gjilan"); troops in a country are often
# foreign ("U.S. troops in South Korea"), so MIL does not take the place's country.
NOT_BY_PLACE = frozenset({"MIL", "SPY", "UAF", "PKO", "IGO", "NGO", "IMG"})
NON_STATE = frozenset({"REB", "INS", "SEP", "OPP", "UAF", "CRM"})
NAMED = frozenset({"country", "demonym", "region", "organization", "metonym"})
CONFIDENCE = {"dictionary": 0.95, "country": 0.95, "organization": 0.95, "title": 0.85, "appositive": 0.85,
              "metonym": 0.8, "demonym": 0.8, "region": 0.8, "agent": 0.8, "place": 0.75,
              "dictionary-short": 0.7, "context": 0.5, "unresolved": 0.3}


@dataclass(eq=False)  # identity, not field equality: mentions are looked up in lists
class Mention:
    """A stretch of tokens naming an actor, with what we learned about it."""

    start: int  # token indices [start, end)
    end: int
    code: str | None = None
    name: str | None = None
    how: str = "unresolved"
    title: str = ""  # the office that identifies a person ("president"), for definite descriptions
    person: bool = False
    actor: int | None = None  # id of the actor this mention belongs to
    confidence: float = 0.3
    notes: list[str] = field(default_factory=list)

    def set(self, code: str | None, how: str, name: str | None = None, title: str = "") -> None:
        self.code, self.how = code, how
        self.name = name or self.name
        self.title = title or self.title
        self.confidence = CONFIDENCE.get(how.split("+")[0], 0.5)


def resolve(analysis: Analysis, lexicon: Lexicon | None = None) -> list[Actor]:
    """The actors of one analysed article, each with all its mentions."""
    lexicon = lexicon or default_lexicon()
    return Resolver(analysis, lexicon).run()


class Resolver:
    def __init__(self, analysis: Analysis, lexicon: Lexicon) -> None:
        self.analysis = analysis
        self.doc: Doc = analysis.doc
        self.lex = lexicon
        self.day: date | None = analysis.result.article.published
        self.taken: list[int | None] = [None] * len(self.doc)  # token -> index in self.mentions
        # Token attributes read once: indexing a Doc builds a Token object every time.
        strings = self.doc.vocab.strings
        attrs = [ORTH, LOWER, SPACY, POS, TAG, IS_PUNCT, IS_SPACE, LEMMA, IS_ASCII, SENT_START]
        table = self.doc.to_array(attrs) if len(self.doc) else np.zeros((0, len(attrs)), dtype=np.uint64)
        orth, lower, space, pos, tag, punct, blank, lemma, ascii_, sent_start = table.T
        self.texts = [strings[h] for h in orth.tolist()]
        self.lowers = [strings[h] for h in lower.tolist()]
        # Tokens written with a capital, which may start a name. An ASCII word that is its own
        # lower form has none, so only the others need a look.
        maybe = np.flatnonzero((orth != lower) | (ascii_ == 0)).tolist()
        self.capitalised = [i for i in maybe if self.texts[i][:1].isupper()]
        self.pronouns = np.flatnonzero(np.isin(lower, [strings[w] for w in SUBJECT_PRONOUNS])).tolist()
        self.spaces = space.tolist()  # 1 where a space follows the token, else 0
        self.nouns = ((pos == NOUN) | (pos == PROPN)).tolist()
        possessive = tag == strings["POS"]
        self.possessives = possessive.tolist()
        # Tokens that cannot end a name: punctuation, possessives and whitespace.
        self.no_end = ((punct != 0) | possessive | (blank != 0)).tolist()
        self._lemmas = lemma.tolist()  # ids; lowercased strings made on demand
        self._lemma_lowers: dict[int, str] = {}
        self._name_ends: dict[str, bool] = {}  # token text -> whether it may end a name
        self._first_words: dict[str, str] = {}  # token text -> first word of its name key
        # Where each token's sentence ends; a sentence starts where `Doc.sents` starts one.
        ends = [*(np.flatnonzero(sent_start[1:] == 1) + 1).tolist(), len(self.doc)]
        self.sent_ends = np.repeat(ends, np.diff([0, *ends])).tolist()
        self.mentions: list[Mention] = []
        self.places: list[str | None] = []  # countries of places named as places, for context

    # --- orchestration -------------------------------------------------------------------------

    def run(self) -> list[Actor]:
        self._lexicon_mentions()
        self._entity_mentions()
        self._person_titles()
        self._agent_mentions()
        self._name_chains()
        self._context_countries()
        self._descriptions()
        self._pronouns()
        return self._actors()

    def _add(self, start: int, end: int, **kwargs: object) -> Mention | None:
        if start >= end or any(self.taken[i] is not None for i in range(start, end)):
            return None
        mention = Mention(start, end, **kwargs)  # type: ignore[arg-type]
        self.mentions.append(mention)
        for i in range(start, end):
            self.taken[i] = len(self.mentions) - 1
        return mention

    # --- names the lexicon knows: countries, organisations, metonyms, dictionary people ---------

    def _lexicon_mentions(self) -> None:
        lex = self.lex
        end = 0  # tokens before `end` belong to the last name found
        for i in self.capitalised:
            text = self.texts[i]
            if i < end or (self._first_word(text) not in lex.first_words and text not in lex.caps):
                continue
            found = self._longest_name(i)
            if found is None:
                continue
            end, entry, persons = found
            start = i - 1 if i > 0 and self.lowers[i - 1] == "the" and entry is not None else i
            if persons:
                mention = self._add(i, end, person=True, name=persons[0].name)
                if mention:
                    self._dictionary(mention, persons)
            elif entry is not None:
                self._lexicon_entry(start, end, entry)

    def _first_word(self, text: str) -> str:
        """The first word of a token's name key (names repeat, so each is made once)."""
        word = self._first_words.get(text)
        if word is None:
            word = self._first_words[text] = name_key(text).split(" ")[0]
        return word

    def _longest_name(self, i: int) -> tuple[int, Entry | None, list[Person]] | None:
        doc, texts = self.doc, self.texts
        words = self.lex.first_words.get(self._first_word(texts[i]), 1)
        # Names of w words span up to 2w tokens ("Moon Jae-in" is four tokens).
        for n in range(min(2 * words + 1, self.sent_ends[i] - i), 0, -1):
            last = i + n - 1
            # A last token after a space (or alone) is a word of its own and must end a name; one
            # glued to the token before may be part of a longer word ("Jae-in"), so it is not ruled out.
            if self.no_end[last] or ((n == 1 or self.spaces[last - 1]) and not self._may_end_name(last)):
                continue
            text = self._text(i, i + n)
            if "\n" in text:
                continue
            persons = self.lex.people.full(text)
            if persons:
                return i + n, None, persons
            entry = None
            if i > 0 and self.lowers[i - 1] == "the":
                entry = self.lex.names.get(name_key("the " + text))  # "the North" is not "North"
            entry = entry or self.lex.lookup(text)
            if entry is not None and not (n == 1 and doc[i].is_sent_start and entry.kind == "metonym"
                                          and doc[i].pos_ != "PROPN"):
                return i + n, entry, []
        return None

    def _may_end_name(self, i: int) -> bool:
        """Whether a phrase whose last word is token `i` alone can be a name the lexicon knows:
        the token's last word must end some name, unless the lookup trims it ("Korea's")."""
        text = self.texts[i]
        known = self._name_ends.get(text)
        if known is None:
            words = name_key(text).split()
            known = not words or words[-1] in self.lex.last_words or text.replace("’", "'").endswith(("'", "'s"))
            self._name_ends[text] = known
        return known

    def _lexicon_entry(self, start: int, end: int, entry: Entry) -> None:
        head = self.doc[start:end].root
        if entry.kind == "metonym" and self._locative(head):
            self.places.append(entry.country)  # a vote for the article's country, not an actor
            return  # "talks in Washington": the city as a place, not the US government
        if self._modifies_larger(head, end):
            return  # "Iraqi troops", "South Korea's leader": part of a larger mention, resolved there
        mention = self._add(start, end, name=entry.name)
        if mention:
            mention.set(entry.code, entry.kind)  # how: country, region, demonym, metonym, organization

    def _modifies_larger(self, head: Token, end: int) -> bool:
        """A name that only modifies an agent noun or a person's name ("Iraqi" in "Iraqi troops")."""
        if head.dep_ not in ("amod", "compound", "poss", "nmod") or head.head.i < end:
            return False
        governor = head.head
        return bool(self._agent_of(governor)) or governor.ent_type_ == "PERSON" or self._is_name(governor.i)

    def _dictionary(self, mention: Mention, persons: list[Person]) -> None:
        person = persons[0]
        if len(persons) > 1:  # namesakes: prefer one in office at the article's date
            active = [p for p in persons if self.day and any(r.holds(self.day) for r in p.roles)]
            person = active[0] if active else persons[0]
        code, title, note = person.role_at(self.day)
        mention.set(code, "dictionary", name=person.name, title=title.lower())
        if note:
            mention.notes.append(note)

    # --- named entities the lexicon does not know -----------------------------------------------

    def _entity_mentions(self) -> None:
        for ent in self.doc.ents:
            label = ent.label_
            if label not in ENTITY_LABELS:
                continue
            start, end = self._trim_entity(ent.start, ent.end)
            if any(self.taken[i] is not None for i in range(start, end)):
                continue
            if label in ("GPE", "NORP") and self._modifies_larger(self.doc[start:end].root, end):
                continue
            text = self._text(start, end)
            entry = self.lex.lookup(text)
            if (entry is not None and entry.kind != "organization") or label == "NORP":
                if entry is not None:
                    self._lexicon_entry(start, end, entry)
                continue
            mention = self._add(start, end, person=label == "PERSON", name=text)
            if mention is None:
                continue
            if entry is not None:
                mention.set(entry.code, "organization", name=entry.name)
            elif label == "GPE":
                place = gazetteer().country_of(text)
                if place:
                    mention.set(place, "place")  # "a ceasefire in Idlib": Syria's place
            elif label in ("ORG", "FAC"):
                self._organization(mention)

    def _organization(self, mention: Mention) -> None:
        """An unknown organisation with a country and a sector word: "South Korea's Defense Ministry"."""
        tokens = range(mention.start, mention.end)
        country = self._country_in(tokens)
        agent = self._agent_in(tokens)
        if country or agent:
            mention.set((country or "") + (agent or ""), "title" if country else "agent")

    # --- people: titles and appositives ---------------------------------------------------------

    def _person_titles(self) -> None:
        for mention in self.mentions:
            if not mention.person:
                continue
            span = self.doc[mention.start:mention.end]
            title_tokens = self._title_tokens(span)
            how = "title"
            if not title_tokens:
                title_tokens, how = self._appositive_tokens(span), "appositive"
            if not title_tokens:
                continue
            country = self._country_in(title_tokens)
            agent, title = self._agent_and_title(title_tokens)
            if country is None and how == "title":
                appositive = self._appositive_tokens(span)
                country = self._country_in(appositive) if appositive else None
                how = "title+appositive" if country else how
            if agent is None and country is None:
                continue
            if mention.how == "dictionary" and mention.code:
                known_country, _ = codes.split(mention.code)
                if country in (None, known_country):
                    if agent == "ELI" and not mention.code.endswith("ELI"):
                        mention.notes.append("title says former; dictionary disagrees")
                    continue  # the title agrees with the dictionary (or says nothing new)
            if country is None:
                country = codes.split(mention.code)[0] if mention.code else None
            if country is None:
                mention.title = title
                mention.notes.append(f"{how} without country")
                mention.set(agent, how, title=title)  # the country may come from context later
                continue
            mention.set(country + (agent or ""), how, title=title)

    def _title_tokens(self, span: Span) -> list[int]:
        """Tokens before a name in its noun phrase: "North Korean leader" in "... Kim Jong Un"."""
        root = span.root
        out: set[int] = set()
        for child in root.lefts:
            if child.i < span.start and child.dep_ in ("compound", "amod", "nmod", "poss", "npadvmod", "det"):
                out.update(t.i for t in child.subtree if t.i < span.start)
        return sorted(out)

    def _appositive_tokens(self, span: Span) -> list[int]:
        root = span.root
        for child in root.rights:
            if child.dep_ == "appos":
                return [t.i for t in child.subtree]
        if root.dep_ == "appos" and root.head.i < span.start:
            return [t.i for t in root.head.subtree][: max(0, span.start - root.head.left_edge.i)]
        return []

    # --- agent nouns: "Iraqi troops", "South Korea's leader", "protesters in Gjilan" -------------

    def _agent_mentions(self) -> None:
        doc = self.doc
        for i in compress(range(len(self.nouns)), self.nouns):
            if self.taken[i] is not None:
                continue
            agent, phrase_start = self._agent_ending(i)
            if agent is None:
                continue
            token = doc[i]
            if self._in_title(token):
                continue  # "President" in "President Joe Biden": a title, handled with the name
            start = min(token.left_edge.i, phrase_start)
            end = token.i + 1
            place = None
            for child in token.rights if agent not in NOT_BY_PLACE else ():
                if child.dep_ == "prep" and child.lower_ in OF_PLACE:
                    pobj = [c for c in child.children if c.dep_ == "pobj"]
                    place = self._place_country(pobj[0]) if pobj else None
                    if place:
                        end = max(t.i for t in child.subtree) + 1
                        break
            # Names inside: country mentions are absorbed ("South Korea's leader"), people kept apart.
            people = [k for k in range(start, end) if self._is_name(k)]
            start = max([k + 1 for k in people if k < i], default=start)
            end = min([k for k in people if k > i], default=end)
            own = self._country_in(range(start, i + 1))
            country = own or place
            self._release({self.taken[k] for k in range(start, end)})
            agent = self._modifier_agent(token, phrase_start) or agent
            title = self._title_phrase(i, phrase_start)
            former = any(self.lowers[k] in ("former", "ex") for k in range(start, end))
            if former and agent == "GOV":
                agent = "ELI"
            mention = self._add(start, end, name=self._text(start, end), title=title)
            if mention is None:
                continue
            if country:
                mention.set(country + agent, "title" if own else "place", title=title)
            else:
                mention.set(agent, "agent", title=title)

    def _agent_ending(self, i: int) -> tuple[str | None, int]:
        """The agent the noun at `i` names, trying the longest phrase that ends at it ("foreign minister")."""
        lemma, lower, agents, last_words = self._lemma(i), self.lowers[i], self.lex.agents, self.lex.agent_last_words
        if lemma not in last_words and lower not in last_words:
            return agents.get(lemma) or agents.get(lower), i  # no phrase of several words ends here
        longest = max(last_words.get(lemma, 1), last_words.get(lower, 1))
        for n in range(min(longest, i + 1), 1, -1):
            phrase = " ".join([*self.lowers[i - n + 1:i], lemma])
            if phrase in agents:
                return agents[phrase], i - n + 1
        return agents.get(lemma) or agents.get(lower), i

    def _lemma(self, i: int) -> str:
        """The lowercase lemma of token `i` (many tokens share a lemma, so each is made once)."""
        key = self._lemmas[i]
        lemma = self._lemma_lowers.get(key)
        if lemma is None:
            lemma = self._lemma_lowers[key] = self.doc.vocab.strings[key].lower()
        return lemma

    def _in_title(self, token: Token) -> bool:
        """A word of a person's title ("Deputy minister" before a name), not an actor of its own."""
        while token.dep_ in ("compound", "amod", "nmod") and token.head.i > token.i:
            token = token.head
            if token.ent_type_ == "PERSON" or self._is_name(token.i):
                return True
        return False

    def _modifier_agent(self, token: Token, phrase_start: int) -> str | None:
        """"rebel forces", "opposition fighters": a non-state modifier names the group."""
        for child in token.lefts:
            if child.i < phrase_start and child.dep_ in ("compound", "amod", "nmod"):
                found = self.lex.agents.get(child.lemma_.lower()) or self.lex.agents.get(child.lower_)
                if found in NON_STATE:
                    return found
        return None

    def _agent_of(self, token: Token) -> str | None:
        return self._agent_ending(token.i)[0] if self.nouns[token.i] else None

    def _title_phrase(self, i: int, start: int) -> str:
        return " ".join([*self.lowers[start:i], self._lemma(i)])

    def _release(self, inner: set[int | None]) -> None:
        for m in inner:
            if m is None:
                continue
            mention = self.mentions[m]
            for i in range(mention.start, mention.end):
                self.taken[i] = None
            mention.end = mention.start  # emptied; dropped when actors are built

    # --- joining mentions: name chains and definite descriptions --------------------------------

    def _name_chains(self) -> None:
        people = [m for m in self.mentions if m.person and m.end > m.start]
        full = [m for m in people if m.end - m.start > 1 and "@" not in self._text(m.start, m.end)]
        # Each full name as its words and as a phrase, made once: every short mention is compared to all.
        keys = [name_key(self._text(f.start, f.end)) for f in full]
        names = [(f, key.split(), f" {key} ") for f, key in zip(full, keys, strict=True)]
        for mention in self.mentions:
            if mention in full or mention.end <= mention.start or not (mention.person or mention.how == "unresolved"):
                continue
            if not mention.person and mention.end - mention.start > 1:
                continue
            word = name_key(_unhandle(self._text(mention.start, mention.end)))
            padded = f" {word} "
            matches = [f for f, words, phrase in names if word in words or phrase in padded]
            if matches:
                before = [f for f in matches if f.start < mention.start]
                target = before[-1] if before else matches[0]
                self._join(mention, target, "name-chain")
                continue
            if mention.how == "dictionary":
                continue
            persons = self.lex.people.surname(word)
            if self.day:
                persons = [p for p in persons if any(r.holds(self.day) for r in p.roles)]
            found = {p.role_at(self.day)[0] for p in persons}
            countries = {codes.split(code)[0] for code in found}
            if len(found) == 1:  # every namesake in office then has the same code
                mention.set(found.pop(), "dictionary-short", name=persons[0].name if len(persons) == 1 else None)
            elif len(countries) == 1 and None not in countries:  # namesakes of one country (Papandreou)
                mention.set(countries.pop(), "dictionary-short")
                mention.notes.append("several people of this name: country only")
            if found and self.day is None:
                mention.notes.append("no article date: latest role")
        # Full names seen twice are one actor.
        by_name: dict[str, Mention] = {}
        for mention in full:
            key = name_key(mention.name or self._text(mention.start, mention.end))
            if key in by_name:
                self._join(mention, by_name[key], "name-chain")
            else:
                by_name[key] = mention

    def _descriptions(self) -> None:
        """"the U.S. president" is the president the article names, when there is exactly one."""
        people = [m for m in self.mentions if m.person and m.code and m.title]
        for mention in self.mentions:
            if mention.person or not mention.code or mention.title not in HEAD_TITLES:
                continue
            same = [p for p in people if p.code == mention.code and (
                mention.title in p.title or (mention.title == "leader" and p.title in HEAD_TITLES))]
            targets = {self._root(p) for p in same}
            if len(targets) == 1:
                mention.actor = targets.pop()
                mention.notes.append("definite description")

    def _join(self, mention: Mention, target: Mention, how: str) -> None:
        mention.actor = self._root(target)
        if target.code:
            mention.set(target.code, how, name=target.name, title=target.title)
            mention.confidence = round(target.confidence * 0.95, 3)

    def _root(self, mention: Mention) -> int:
        """Index of the mention that stands for the actor `mention` was joined to."""
        n = self.mentions.index(mention)
        seen = {n}
        while mention.actor is not None and mention.actor not in seen:
            n = mention.actor
            seen.add(n)
            mention = self.mentions[n]
        return n

    # --- the article's own country for agents that name none ------------------------------------

    def _context_countries(self) -> None:
        country = self._main_country()
        if country is None:
            return
        for mention in self.mentions:
            if mention.code and codes.has_place(mention.code):
                continue
            if mention.code in codes.AGENTS and mention.code not in ("IGO", "NGO", "IMG"):
                mention.set(country + mention.code, mention.how + "+context")
                mention.confidence = CONFIDENCE["context"]

    def _main_country(self) -> str | None:
        dateline = next((s for s in self.analysis.result.segments if s.kind == "dateline"), None)
        if dateline:
            place = self._dateline_country(dateline.text)
            if place:
                return place
        counts = Counter(codes.split(m.code)[0] for m in self.mentions if m.code and m.end > m.start)
        counts.update(self.places)
        counts.pop(None, None)
        if not counts:
            return None
        (top, n), *rest = counts.most_common()
        return top if not rest or n > rest[0][1] else None

    def _dateline_country(self, text: str) -> str | None:
        for part in reversed([p.strip(" ,—–-(") for p in text.split("(")[0].split(",")]):
            if not part:
                continue
            entry = self.lex.lookup(part.title() if part.isupper() else part)
            if entry and entry.country:
                return entry.country
            place = gazetteer().country_of(part.title() if part.isupper() else part)
            if place:
                return place
        return None

    # --- pronouns ---------------------------------------------------------------------------------

    def _pronouns(self) -> None:
        for i in self.pronouns:
            token = self.doc[i]
            if token.dep_ not in ("nsubj", "nsubjpass"):
                continue
            target = self._speaker_of(token) or self._previous_subject(token)
            if target is None:
                continue
            mention = self._add(token.i, token.i + 1, name=target.name)
            if mention:
                self._join(mention, target, "pronoun")
                mention.confidence = 0.6

    def _speaker_of(self, pronoun: Token) -> Mention | None:
        """"South Korea's leader said he ...": he is the speaker."""
        clause = pronoun.head
        while clause.dep_ in ("conj", "xcomp") and clause.head != clause:
            clause = clause.head
        if clause.dep_ != "ccomp" or clause.head.lemma_.lower() not in SPEECH_VERBS:
            return None
        return self._subject_mention(clause.head)

    def _previous_subject(self, pronoun: Token) -> Mention | None:
        sent = pronoun.sent
        if pronoun.head != sent.root or sent.start == 0:
            return None
        previous = self.doc[sent.start - 1].sent
        subject = self._subject_mention(previous.root)
        return subject if subject is not None and (subject.person or subject.title) else None

    def _subject_mention(self, verb: Token) -> Mention | None:
        for child in verb.children:
            if child.dep_ in ("nsubj", "nsubjpass") and self.taken[child.i] is not None:
                mention = self.mentions[self.taken[child.i]]
                return mention if mention.code or mention.person else None
        return None

    # --- helpers ------------------------------------------------------------------------------------

    def _locative(self, head: Token) -> bool:
        return head.dep_ == "pobj" and head.head.lower_ in LOCATIVE

    def _is_name(self, i: int) -> bool:
        m = self.taken[i]
        return m is not None and self.mentions[m].person

    def _trim_entity(self, start: int, end: int) -> tuple[int, int]:
        """Entity tokens without a leading "the" and a trailing possessive."""
        if end - start > 1 and self.lowers[start] == "the":
            start += 1
        if end - start > 1 and self.possessives[end - 1]:
            end -= 1
        return start, end

    def _text(self, start: int, end: int) -> str:
        """The text of tokens [start, end), as `doc[start:end].text` has it."""
        if end <= start:
            return ""
        texts, spaces = self.texts, self.spaces
        return "".join([texts[k] + " " * spaces[k] for k in range(start, end - 1)]) + texts[end - 1]

    def _country_in(self, tokens: Iterable[int]) -> str | None:
        """A country named inside some tokens (indices, in order): a name, demonym, metonym or
        known place."""
        tokens = list(tokens)
        for i in sorted(set(tokens)):
            m = self.taken[i]
            if m is not None and self.mentions[m].code and not self.mentions[m].person:
                country = codes.split(self.mentions[m].code)[0]
                if country:
                    return country
        words = [i for i in tokens if self.texts[i][:1].isupper()]
        for n in range(min(4, len(words)), 0, -1):
            for k in range(len(words) - n + 1):
                chunk = words[k:k + n]
                if chunk[-1] - chunk[0] != n - 1 or not self._may_be_name(chunk[0], chunk[-1]):
                    continue
                entry = self.lex.lookup(" ".join(self.texts[i] for i in chunk))
                if entry and entry.country:
                    return entry.country
        return None

    def _may_be_name(self, first: int, last: int) -> bool:
        """Whether the capitalised tokens first..last, joined by spaces, can be a name the lexicon
        looks up: its first word must start a name (or be "the", which the lookup drops), unless
        the lookup trims a possessive and so may change a one-word name."""
        word = self._first_word(self.texts[first])
        return (word in self.lex.first_words or word == "the"
                or self.texts[last].replace("’", "'").endswith(("'", "'s")))

    def _agent_in(self, tokens: Iterable[int]) -> str | None:
        agent = None
        for i in tokens:
            found, _ = self._agent_ending(i)
            agent = found or agent
        return agent

    def _agent_and_title(self, tokens: list[int]) -> tuple[str | None, str]:
        agent, title = None, ""
        for i in tokens:
            found, start = self._agent_ending(i)
            if found:
                agent, title = found, self._title_phrase(i, start)
        if agent == "GOV" and any(self.lowers[i] in ("former", "ex") for i in tokens):
            agent = "ELI"
        return agent, title

    def _place_country(self, token: Token) -> str | None:
        start = token.left_edge.i
        return (self._country_in(range(start, token.i + 1))
                or gazetteer().country_of(self._text(start, token.i + 1).removeprefix("the ").strip())
                or self._country_in([t.i for t in token.subtree]))

    # --- output ---------------------------------------------------------------------------------------

    def _same_names(self) -> None:
        """Every "U.S.", "America" and "the United States" in a story is one actor."""
        first: dict[tuple[str, str], int] = {}
        for n, mention in enumerate(self.mentions):
            if mention.actor is not None or mention.end <= mention.start or mention.how not in NAMED:
                continue
            key = (mention.code or "", mention.name or "")
            if key in first:
                mention.actor = first[key]
            else:
                first[key] = n

    def _actors(self) -> list[Actor]:
        self._same_names()
        groups: dict[int, list[Mention]] = {}
        for n, mention in enumerate(self.mentions):
            if mention.end <= mention.start:
                continue
            root = self._root(mention) if mention.actor is not None else n
            groups.setdefault(root, []).append(mention)
        actors = []
        text = self.analysis.result.article.text
        for root, mentions in sorted(groups.items(), key=lambda kv: min(m.start for m in kv[1])):
            head = self.mentions[root] if self.mentions[root].end > self.mentions[root].start else mentions[0]
            best = max(mentions, key=lambda m: m.confidence if m.code else -1)
            ordered = sorted(mentions, key=lambda m: m.start)
            spans = [self._span(m) for m in ordered]
            start, end = spans[0]  # the actor is where it is first named
            country, agent = codes.split(best.code) if best.code else (None, None)
            actors.append(Actor(
                text=text[start:end],
                start=start, end=end,
                name=head.name or best.name,
                code=best.code, country=country, agent=agent,
                how=best.how, confidence=best.confidence,
                mentions=[{"text": text[s:e], "start": s, "end": e, "how": m.how}
                          for m, (s, e) in zip(ordered, spans, strict=True)],
                notes=sorted({note for m in mentions for note in m.notes}),
            ))
        return actors

    def _span(self, mention: Mention) -> tuple[int, int]:
        idx = self.analysis.token_idx()
        last = mention.end - 1
        return self.analysis.span(idx[mention.start], idx[last] + len(self.texts[last]))


def _unhandle(text: str) -> str:
    """Social media handles as names: "@JoeBiden" -> "Joe Biden"."""
    return re.sub(r"@(\w+)", lambda m: re.sub(r"(?<=[a-z])(?=[A-Z])", " ", m.group(1)), text)

