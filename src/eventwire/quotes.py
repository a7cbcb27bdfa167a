"""Quotations and their speakers: what was said, and by whom.

Direct quotations are found in the text by their marks (“…”, "…", ‘…’, « … », „…“), before any
parsing, so a parse error cannot lose one; a quote may run over several sentences and, by the
news convention, over several paragraphs (a paragraph that continues a quote opens with a mark and
the one before it has no closing mark). Indirect speech ("X said (that) …", "according to X, …")
comes from the dependency parse.

The speaker of a quote is the subject of the speech verb that governs it ("“…,” Moon said",
"Moon said: “…”", "said Moon", "Biden has called Kim a “thug”"), the speaker of the quote in the
previous sentence when a quote stands alone (“…,” Moon said. “Second quote.”), or the object of
"according to". Speakers are mapped to actors by their mentions, so a pronoun speaker ("he said")
gets the actor that actor resolution joined it to. When none of these rules applies the speaker
is left unknown rather than guessed.

A quote over several paragraphs is one record: `start` and `end` span all of it, and its text
is the quoted words of each paragraph joined by a blank line (the continuing marks, and anything
between the paragraphs such as an advertisement line, are left out).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from itertools import accumulate
from typing import Any

import numpy as np
from spacy.attrs import DEP, HEAD, IS_PUNCT, IS_SPACE, LEMMA, LENGTH, LOWER, POS
from spacy.symbols import AUX, VERB
from spacy.tokens import Doc, Span, Token

from eventwire.actors.resolve import SPEECH_VERBS
from eventwire.model import Actor, Quote
from eventwire.nlp import Analysis

# Verbs that introduce a quotation: the speech verbs actor resolution knows, and more that news
# uses only around quotes. "think" and "believe" introduce opinions, not words someone said.
QUOTE_VERBS = (SPEECH_VERBS - {"think", "believe"}) | frozenset({
    "ask", "reply", "respond", "continue", "stress", "emphasize", "emphasise", "recall", "conclude",
    "confirm", "allege", "assert", "contend", "maintain", "concede", "counter", "complain", "predict",
    "remark", "observe", "caution", "testify", "lament", "post", "shout", "joke", "quip", "demand",
    "boast", "charge", "proclaim", "recount", "reiterate", "retort", "scoff", "tout", "whisper", "share",
    "reveal", "disclose",
})
# Verbs that put someone's words on someone else: a partial quote under them is the subject's.
NAMING_VERBS = frozenset({"call", "describe", "label", "dub", "brand", "term", "denounce", "decry"})
# Verbs after which a bare name is the speaker ("…,” said Moon); "told reporters" is not.
INVERTING_VERBS = frozenset({"say", "add", "write", "ask", "explain", "continue", "tweet", "reply",
                             "respond", "state", "note", "warn", "insist", "declare"})
SUBJECTS = ("nsubj", "nsubjpass")
RELATIVES = frozenset({"who", "that", "which"})
# Lower-case words a title may have ("Masters of Sex"); a short quote otherwise capitalised is a name.
TITLE_SMALL_WORDS = frozenset({"a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "with", "by",
                               "from"})
# Clauses that modify a noun; one with a subject of its own bounds the climb
# from a quote to its verb.
SUBORDINATE = frozenset({"relcl", "acl"})
FALLBACK_PRONOUNS = frozenset({"he", "she"})
# Marks by family; the glyph and its neighbours say whether a mark opens or closes.
DOUBLE, SINGLE, GUILLEMET = "double", "single", "guillemet"
FAMILY = {"“": DOUBLE, "”": DOUBLE, '"': DOUBLE, "„": DOUBLE, "‟": DOUBLE,
          "‘": SINGLE, "’": SINGLE, "'": SINGLE, "‚": SINGLE,
          "«": GUILLEMET, "»": GUILLEMET}
_MARK = re.compile("[" + re.escape("".join(FAMILY)) + "]")
OPENING_PUNCT = "([{—–-/:"
MAX_SINGLE = 300  # a longer ‘…’ is more likely two apostrophes than a quote
MAX_PARAGRAPHS = 20  # a quote continued over more paragraphs than this is taken as unbalanced
WINDOW = 25  # tokens either side of a quote searched for its speech verb
MAX_CLAUSE = 150  # tokens; a longer "reported clause" is a run-on parse
MAX_CHAIN = 8  # head steps from a quote up to the verb that governs it


@dataclass
class Mark:
    pos: int  # offset in its paragraph
    paragraph: int
    char: str
    family: str
    opens: bool
    closes: bool


@dataclass
class Found:
    """A direct quote's content as (paragraph, start, end) parts, marks excluded."""

    parts: list[tuple[int, int, int]] = field(default_factory=list)


# --- direct quotes: marks ------------------------------------------------------------------------


def quote_spans(paragraphs: list[str], continues: list[bool] | None = None) -> list[Found]:
    """The direct quotations in some paragraphs, by their marks.

    `continues[i]` tells whether a quote left open at the end of paragraph i may continue into
    paragraph i + 1 (not from a headline into the body). Unbalanced marks are skipped: scanning
    starts again just after an opening mark that is never closed.
    """
    continues = continues or [True] * len(paragraphs)
    marks = [m for n, text in enumerate(paragraphs) for m in _marks(text, n)]
    found: list[Found] = []
    i = 0
    while i < len(marks):
        opener = marks[i]
        if not opener.opens:
            i += 1
            continue
        quote, after = _close(opener, i, marks, paragraphs, continues)
        if quote is None:
            i += 1  # a stray mark: look again from the next one
            continue
        if quote.parts:
            found.append(quote)
        i = after
    return found


def _marks(text: str, paragraph: int) -> list[Mark]:
    marks = []
    for match in _MARK.finditer(text):
        pos, ch = match.start(), match.group()
        family = FAMILY[ch]
        prev = text[pos - 1] if pos else " "
        nxt = text[pos + 1] if pos + 1 < len(text) else " "
        left = (prev.isspace() or prev in OPENING_PUNCT or FAMILY.get(prev) is not None) and not nxt.isspace()
        right = not prev.isspace() and (nxt.isspace() or not nxt.isalnum())
        if ch in "'’" and prev.isalnum() and nxt.isalnum():
            continue  # an apostrophe ("don't"); normalisation made most of them plain
        if ch in "“„‟«‘‚":
            opens, closes = True, ch in "“‘" and right and not left  # „…“ closes with “; misused marks
        elif ch in "”»’":
            opens, closes = ch == "”" and left and not right, True
        else:  # straight marks: by their neighbours, and a lone-standing one both ways
            opens, closes = left or not right, right or not left
            if ch == "'":
                opens, closes = left and not right, right and not left
        marks.append(Mark(pos, paragraph, ch, family, opens, closes))
    return marks


def _close(opener: Mark, i: int, marks: list[Mark], paragraphs: list[str], continues: list[bool]
           ) -> tuple[Found | None, int]:
    """The quote `opener` starts, and the index of the first mark after it; None if unbalanced."""
    quote = Found()
    start = (opener.paragraph, opener.pos + 1)
    j = i + 1
    while j < len(marks):
        mark = marks[j]
        if mark.paragraph != start[0]:
            # Open at a paragraph's end: continued only if the next paragraph opens with a mark.
            first = _first_char(paragraphs[mark.paragraph])
            if (opener.family == SINGLE or mark.paragraph != start[0] + 1 or not continues[start[0]]
                    or len(quote.parts) >= MAX_PARAGRAPHS or mark.family != opener.family or not mark.opens
                    or mark.pos != first):
                return None, i + 1
            _add_part(quote, start[0], start[1], len(paragraphs[start[0]]), paragraphs)
            start = (mark.paragraph, mark.pos + 1)
            j += 1
            continue
        if mark.family != opener.family:
            j += 1  # nested quotes of the other kind are part of this one
            continue
        if mark.closes and (mark.char not in "'’" or _single_closes(mark, j, marks, paragraphs)):
            if opener.family == SINGLE and mark.pos - start[1] > MAX_SINGLE:
                return None, i + 1
            _add_part(quote, start[0], start[1], mark.pos, paragraphs)
            return quote, j + 1
        if mark.opens:
            return None, i + 1  # a second opening mark: the first was stray
        j += 1
    return None, i + 1  # the story ends (or its marks do) with the quote open: unbalanced


def _single_closes(mark: Mark, j: int, marks: list[Mark], paragraphs: list[str]) -> bool:
    """Whether ’ closes a quote rather than ending a plural possessive ("the countries’ alliance")."""
    text = paragraphs[mark.paragraph]
    possessive = text[mark.pos - 1:mark.pos] == "s" and text[mark.pos + 1:mark.pos + 3].startswith(" ") and \
        text[mark.pos + 2:mark.pos + 3].isalpha()
    if not possessive:
        return True
    later = (m for m in marks[j + 1:j + 20] if m.paragraph == mark.paragraph and m.family == SINGLE)
    return not any(m.closes for m in later)


def _first_char(text: str) -> int:
    return len(text) - len(text.lstrip())


def _add_part(quote: Found, paragraph: int, start: int, end: int, paragraphs: list[str]) -> None:
    """Content without surrounding blanks or the comma that hands over to the attribution."""
    text = paragraphs[paragraph]
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    if any(ch.isalnum() for ch in text[start:end]):
        quote.parts.append((paragraph, start, end))


# --- speakers ------------------------------------------------------------------------------------


def find_quotes(analysis: Analysis, actors: list[Actor]) -> list[Quote]:
    """The direct and indirect quotations of an analysed article, with their speakers."""
    return _Quoter(analysis, actors).run()


@dataclass
class _Direct:
    doc_parts: list[tuple[int, int]]  # Doc character spans
    first: int  # first and last token
    last: int


class _Quoter:
    def __init__(self, analysis: Analysis, actors: list[Actor]) -> None:
        self.analysis = analysis
        self.doc = analysis.doc
        self.text = analysis.result.article.text
        self.doc_text = analysis.text
        self.starts = analysis.token_idx()
        self.tokens = _Tokens(self.doc)
        self.in_quote = [False] * len(self.doc)
        self.sents: list[Span] = list(self.doc.sents)
        self.sent_of = [0] * len(self.doc)
        # words[k]: how many of the first k tokens are words (not punctuation or space)
        self.words = [0, *accumulate(self.tokens.is_word)]
        for n, sent in enumerate(self.sents):
            self.sent_of[sent.start:sent.end] = [n] * (sent.end - sent.start)
        # Every actor mention, by original start, to map speaker tokens to actors.
        self.mentions = sorted(((m["start"], m["end"], m, a) for a in actors for m in a.mentions),
                               key=lambda row: (row[0], row[1]))
        self.mention_starts = [row[0] for row in self.mentions]
        # Speakers found so far, by sentence: (original offset of the quote, speaker).
        self.speakers: dict[int, list[tuple[int, dict[str, Any]]]] = {}

    def run(self) -> list[Quote]:
        directs = self._directs()
        for d in directs:
            for k in range(d.first, d.last + 1):
                self.in_quote[k] = True
        # In reading order, so a quote can take the speaker of the one before it.
        todo: list[tuple[int, Callable[[], Quote | None]]] = [(d.first, partial(self._direct_quote, d))
                                                               for d in directs]
        todo += self._indirect()
        quotes = [q for _, make in sorted(todo, key=lambda item: item[0]) if (q := make()) is not None]
        return sorted(quotes, key=lambda q: (q.start, q.end))

    # --- direct quotes ---------------------------------------------------------------------------

    def _directs(self) -> list[_Direct]:
        pieces = self.analysis.pieces
        kinds = [self.analysis.result.segments[p.segment].kind for p in pieces]
        continues = [kinds[n] == "body" and n + 1 < len(kinds) and kinds[n + 1] == "body" for n in range(len(kinds))]
        directs = []
        for found in quote_spans([p.norm.text for p in pieces], continues):
            parts = [(pieces[n].doc_start + s, pieces[n].doc_start + e) for n, s, e in found.parts]
            first = bisect.bisect_left(self.starts, parts[0][0])
            last = bisect.bisect_left(self.starts, parts[-1][1]) - 1
            if first >= len(self.doc) or last < first:
                continue
            if kinds[found.parts[0][0]] == "body" and _title_like(self.doc_text[parts[0][0]:parts[-1][1]]):
                continue  # “Pulp Fiction”, the “Heavenly Place” space station: names, not words said
            directs.append(_Direct(parts, first, last))
        return directs

    def _direct_quote(self, d: _Direct) -> Quote:
        spans = [self.analysis.span(s, e) for s, e in d.doc_parts]
        text = "\n\n".join(self.text[s:e] for s, e in spans)
        verb, speaker, how = self._governing(d)
        if verb is None and self._standalone(d):
            verb, speaker, how = self._nearby(d)
        if verb is None and self._standalone(d):
            speaker, how = self._carried(d)
        if speaker is None and how == "pronoun":
            speaker, how = self._earlier_speaker(d.first, spans[0][0]), "pronoun-previous-speaker"
        for n in range(self.sent_of[d.first], self.sent_of[d.last] + 1):
            self._remember(n, spans[0][0], speaker)
        return Quote(text=text, start=spans[0][0], end=spans[-1][1], direct=True, speaker=speaker,
                     verb=_verb_name(verb), how=how if speaker else None)

    def _governing(self, d: _Direct) -> tuple[Token | str | None, dict[str, Any] | None, str | None]:
        """The verb whose clause holds the quote ("Moon said: “…”", "called Kim a “thug”")."""
        inside = range(d.first, d.last + 1)
        heads, tokens = self.tokens.heads, self.tokens
        roots = [k for k in inside if heads[k] not in inside or tokens.is_root[k]]
        for k in roots:
            verb = self._up(self.doc[k], NAMING_VERBS | QUOTE_VERBS)
            if verb is not None:
                return self._attribute(verb)
        # A parse that hangs the attribution on the quote or its clause: "“…,” Moon said" or
        # "they are, she said, “obsolete”" as parataxis.
        clause = {a for k in roots for a in tokens.ancestors(k)}.union(inside)
        for k in self._window(d):
            if tokens.quote_lemma[k] and heads[k] in clause and not self.in_quote[k] and tokens.hangs[k] \
                    and self.sent_of[k] in (self.sent_of[d.first], self.sent_of[d.last]):
                return self._attribute(self.doc[k])
        return None, None, None

    def _up(self, token: Token, verbs: frozenset[str]) -> Token | None:
        for _ in range(MAX_CHAIN):
            if token.head == token:
                return None
            token = token.head
            if token.lemma_.lower() in verbs and not self.in_quote[token.i] and token.pos_ in ("VERB", "AUX"):
                return token
            if token.dep_ in SUBORDINATE and any(c.dep_ in SUBJECTS and c.lower_ not in RELATIVES
                                                 for c in token.children):
                return None  # "the profile in which she revealed … “…”": her words, not the main clause's
        return None

    def _nearby(self, d: _Direct) -> tuple[Token | str | None, dict[str, Any] | None, str | None]:
        """A quote that is a sentence of its own takes the speech verb next to it."""
        best: Token | None = None
        for k in self._window(d):
            if self.in_quote[k] or not self.tokens.quote_verb[k]:
                continue
            token = self.doc[k]
            own_clause = any(c.dep_ == "ccomp" and not self.in_quote[c.i] for c in token.children)
            if own_clause or not self._near_sentence(d, k):
                continue  # a verb with its own reported clause is about that clause
            if best is None or _gap(d, k) < _gap(d, best.i):
                best = token
        if best is not None:
            return self._attribute(best)
        for k in self._window(d):  # "“…,” according to the ministry."
            if not self.tokens.according[k]:
                continue  # the only word `_according` reads
            source = self._according(self.doc[k])
            if source is not None and self._near_sentence(d, k) and not self.in_quote[k]:
                return "according to", self._speaker(source), "according-to"
        return None, None, None

    def _near_sentence(self, d: _Direct, k: int) -> bool:
        """In a sentence of the quote, or the short one right before or after it ("Moon said.")."""
        n, first, last = self.sent_of[k], self.sent_of[d.first], self.sent_of[d.last]
        if first <= n <= last:
            return True
        if self.analysis.segment_kind(self.sents[n].start_char) != self.analysis.segment_kind(self.doc[d.first].idx):
            return False
        if n == last + 1:  # "“…!” the comedian wrote": close after the quote, in its paragraph
            between = self.doc[d.last + 1:k]
            return len(between) <= 8 and not any(t.text in ".!?" or "\n\n" in t.text for t in between)
        if n == first - 1:  # "Moon said:" introduces the quote
            return any(t.text in ":," for t in self.doc[k + 1:d.first])
        return False

    def _window(self, d: _Direct) -> list[int]:
        return [*range(max(0, d.first - WINDOW), d.first), *range(d.last + 1, min(len(self.doc), d.last + 1 + WINDOW))]

    def _standalone(self, d: _Direct) -> bool:
        """Whether the quote is most of the sentences it is in (not a phrase inside a sentence)."""
        first, last = self.sents[self.sent_of[d.first]].start, self.sents[self.sent_of[d.last]].end
        total = self.words[last] - self.words[first]
        quoted = self.words[d.last + 1] - self.words[d.first]
        return total > 0 and quoted / total >= 0.5

    def _carried(self, d: _Direct) -> tuple[dict[str, Any] | None, str | None]:
        """News convention: a quote with no attribution continues the previous sentence's speaker."""
        n = self.sent_of[d.first]
        if n == 0 or self.analysis.segment_kind(self.sents[n - 1].start_char) != "body" \
                or self.analysis.segment_kind(self.sents[n].start_char) != "body":
            return None, None
        if self.speakers.get(n - 1):
            return self.speakers[n - 1][-1][1], "previous-sentence"
        # "Moon said:" closing the paragraph before.
        previous = self.sents[n - 1]
        tokens = [t for t in previous if not t.is_space]
        if tokens and tokens[-1].text == ":":
            verb = next((t for t in previous if t.lemma_.lower() in QUOTE_VERBS and not self.in_quote[t.i]), None)
            if verb is not None:
                _, speaker, _ = self._attribute(verb)
                return speaker, "previous-sentence" if speaker else None
        return None, None

    def _remember(self, sentence: int, start: int, speaker: dict[str, Any] | None) -> None:
        if speaker is not None:
            self.speakers.setdefault(sentence, []).append((start, speaker))

    def _earlier_speaker(self, k: int, before: int) -> dict[str, Any] | None:
        """For a "he said" that actor resolution left open: the last speaker of this sentence or the one before."""
        n = self.sent_of[k]
        earlier = [s for s in self.speakers.get(n, []) if s[0] < before] or self.speakers.get(n - 1, [])
        return max(earlier, key=lambda s: s[0])[1] if earlier else None

    # --- the speaker of a verb -----------------------------------------------------------------

    def _attribute(self, verb: Token, subject: Token | None = None) -> tuple[Token, dict[str, Any] | None, str | None]:
        subject = subject or _subject(verb)
        if subject is None or self.in_quote[subject.i]:
            return verb, None, None
        speaker = self._speaker(subject)
        if speaker is None and subject.lower_ in FALLBACK_PRONOUNS:
            return verb, None, "pronoun"  # resolution could not place it: maybe the previous speaker
        return verb, speaker, "subject" if speaker else None

    def _speaker(self, token: Token) -> dict[str, Any] | None:
        """The actor mention at `token`, or its noun phrase when it names no known actor."""
        start, end = self.analysis.span(token.idx, token.idx + len(token.text))
        row = self._mention_at(start, end)
        if row is not None:
            m, actor = row[2], row[3]
            return {"text": m["text"], "start": m["start"], "end": m["end"], "name": actor.name, "code": actor.code}
        if token.pos_ not in ("PROPN", "NOUN"):
            return None  # an unresolved pronoun or a stray word: not a speaker we can tell
        left = max(token.left_edge.i, token.i - 6)
        while left < token.i and (self.doc[left].is_punct or self.doc[left].lower_ in ("the", "a", "an")):
            left += 1
        right = token  # "a spokesman for the ministry", not "an official who declined to be named"
        of = next((c for c in token.rights if c.dep_ == "prep" and c.lower_ in ("of", "for", "at")), None)
        if of is not None and of.right_edge.i - token.i <= 5:
            right = of.right_edge
        start, end = self.analysis.span(self.doc[left].idx, right.idx + len(right.text))
        return {"text": self.text[start:end], "start": start, "end": end, "name": None, "code": None}

    def _mention_at(self, start: int, end: int) -> tuple[int, int, dict[str, Any], Actor] | None:
        k = bisect.bisect_right(self.mention_starts, end - 1)
        best = None
        for row in reversed(self.mentions[max(0, k - 8):k]):
            if row[0] < end and row[1] > start and (best is None or row[1] - row[0] < best[1] - best[0]):
                best = row
        return best

    def _according(self, token: Token) -> Token | None:
        """The X of "according to X"."""
        if token.lower_ != "according" or token.i + 1 >= len(self.doc) or self.doc[token.i + 1].lower_ != "to":
            return None
        to = self.doc[token.i + 1]
        return next((c for c in to.children if c.dep_ == "pobj"), None)

    # --- indirect speech ---------------------------------------------------------------------------

    def _indirect(self) -> list[tuple[int, Callable[[], Quote | None]]]:
        """Reported clauses of speech verbs and "according to", each to be made in reading order."""
        todo: list[tuple[int, Callable[[], Quote | None]]] = []
        for i in self.tokens.speech_candidates():
            if self.in_quote[i]:
                continue
            token = self.doc[i]
            if self.tokens.quote_verb[i]:
                todo += [(min(c.left_edge.i, token.i), partial(self._reported, token, c)) for c in token.children
                         if c.dep_ == "ccomp" and not self.in_quote[c.i]]
            elif token.lower_ == "according":
                todo.append((token.i, partial(self._according_quote, token)))
        return todo

    def _reported(self, verb: Token, clause: Token) -> Quote | None:
        first, last = clause.left_edge.i, clause.right_edge.i  # a projective parse: the subtree is contiguous
        if last - first > MAX_CLAUSE:
            return None  # a run-on parse, not a reported clause
        that = next((k for k in range(first, min(first + 3, last)) if self.doc[k].lower_ == "that"
                     and self.doc[k].dep_ == "mark"), None)
        first = first if that is None else that + 1  # "told CNN earlier that …": the clause after "that"
        first, last = self._words_within(first, last)
        subject = None
        if _subject(verb) is None and clause.right_edge.i == verb.i - 1:
            # "The strike killed 12, the Observatory said." parsed with the speaker inside the clause.
            comma = next((k for k in range(last, first, -1) if self.doc[k].text == ","), None)
            if comma is not None:
                between = range(comma, verb.i)
                words = [self.doc[k] for k in reversed(between)]
                subject = next((t for t in words if t.pos_ in ("PROPN", "NOUN") and t.head.i not in between), None)
                last = comma - 1 if subject is not None else last
        quote = self._clause(first, last)
        if quote is None:
            return None
        _, speaker, how = self._attribute(verb, subject)
        if speaker is None and how == "pronoun":
            speaker, how = self._earlier_speaker(verb.i, quote.start), "pronoun-previous-speaker"
        quote.speaker, quote.verb, quote.how = speaker, verb.lemma_.lower(), how if speaker else None
        self._remember(self.sent_of[verb.i], quote.start, speaker)
        return quote

    def _according_quote(self, token: Token) -> Quote | None:
        source = self._according(token)
        if source is None:
            return None
        sent = self.sents[self.sent_of[token.i]]
        lo, hi = min(token.i, source.left_edge.i), max(token.i, source.right_edge.i)
        before = (sent.start, lo - 1)
        after = (hi + 1, sent.end - 1)
        first, last = max(before, after, key=lambda r: r[1] - r[0])
        if last - first > MAX_CLAUSE:
            return None
        first, last = self._words_within(first, last)
        quote = self._clause(first, last)
        if quote is None:
            return None
        quote.speaker, quote.verb = self._speaker(source), "according to"
        quote.how = "according-to" if quote.speaker else None
        self._remember(self.sent_of[token.i], quote.start, quote.speaker)
        return quote

    def _clause(self, first: int, last: int) -> Quote | None:
        """A reported clause as a record, unless it is short, crosses paragraphs or is mostly quoted."""
        if last - first < 2 or not any(self.tokens.is_verb[first:last + 1]):
            return None
        quoted = sum(self.in_quote[first:last + 1])
        if quoted * 2 > last - first + 1:
            return None  # the direct quote is the record
        start_char, end_char = self.starts[first], self.starts[last] + self.tokens.lengths[last]
        if "\n\n" in self.doc_text[start_char:end_char]:
            return None
        start, end = self.analysis.span(start_char, end_char)
        return Quote(text=self.text[start:end], start=start, end=end, direct=False)

    def _words_within(self, first: int, last: int) -> tuple[int, int]:
        """The tokens first..last without the punctuation and spaces at either end."""
        is_word = self.tokens.is_word
        while first <= last and not is_word[first]:
            first += 1
        while last >= first and not is_word[last]:
            last -= 1
        return first, last


class _Tokens:
    """What the quote rules ask of every token, read once from the Doc's arrays.

    The rules look at many tokens around each quote and clause, and making a spaCy Token for
    each look costs more than the look.
    """

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.size = size = len(doc)
        strings = doc.vocab.strings
        values = doc.to_array([HEAD, DEP, POS, LEMMA, LOWER, LENGTH, IS_PUNCT, IS_SPACE]) if size else \
            np.zeros((0, 8), dtype=np.uint64)
        head, dep, pos, lemma, lower, length, punct, space = values.T
        # HEAD is stored relative to the token, as an unsigned number
        self.heads: list[int] = (head.astype(np.int64) + np.arange(size)).tolist()
        self.lengths: list[int] = length.tolist()
        self.is_word: list[bool] = ((punct == 0) & (space == 0)).tolist()  # neither punctuation nor space
        verb = (pos == VERB) | (pos == AUX)
        self.is_verb: list[bool] = verb.tolist()
        def ids(*names: str) -> np.ndarray:
            return np.array([strings[name] for name in names], dtype=np.uint64)

        def any_of(column: np.ndarray, wanted: np.ndarray) -> np.ndarray:
            found = np.zeros(size, dtype=bool)
            for value in wanted:  # a few values: cheaper than np.isin
                found |= column == value
            return found

        self.is_root: list[bool] = (dep == ids("ROOT")[0]).tolist()
        # the relations by which a speech verb hangs on a quote's clause ("“…,” Moon said")
        self.hangs: list[bool] = any_of(dep, ids("parataxis", "ccomp", "advcl", "conj", "ROOT")).tolist()
        distinct = np.unique(lemma).tolist()
        for h in distinct:
            if h not in _QUOTE_LEMMAS:
                _QUOTE_LEMMAS[h] = strings[h].lower() in QUOTE_VERBS
        quote_lemma = any_of(lemma, np.array(list(filter(_QUOTE_LEMMAS.__getitem__, distinct)), dtype=np.uint64))
        self.quote_lemma: list[bool] = quote_lemma.tolist()  # lemma_.lower() in QUOTE_VERBS
        self.quote_verb: list[bool] = (quote_lemma & verb).tolist()
        according = lower == ids("according")[0]
        self.according: list[bool] = according.tolist()
        self._candidates: list[int] = np.flatnonzero(quote_lemma | according).tolist()

    def speech_candidates(self) -> list[int]:
        """Indexes of the tokens `_indirect` looks at: a quote verb's lemma, or "according"."""
        return self._candidates

    def ancestors(self, k: int) -> list[int]:
        """Token.ancestors of token k, by index."""
        out, heads = [], self.heads
        while heads[k] != k and len(out) < self.size:
            k = heads[k]
            out.append(k)
        return out


# Lemma hash -> whether the lemma, lowercased, is a quote verb. A hash stands for the same
# string in every vocab, and a story has a few hundred distinct lemmas, most of them seen before.
_QUOTE_LEMMAS: dict[int, bool] = {}


def _subject(verb: Token) -> Token | None:
    """The subject of a speech verb: its own, inverted ("said Moon"), or a governing verb's."""
    token = verb
    for _ in range(3):
        # A misparsed name may leave several subjects ("Firm co-founder Ramon Mora told"): the nearest.
        subject = max((c for c in token.children if c.dep_ in SUBJECTS and c.pos_ != "PUNCT"),
                      key=lambda c: (c.pos_ in ("PROPN", "NOUN", "PRON"), -abs(c.i - token.i)), default=None)
        if subject is not None:
            if subject.lower_ in RELATIVES and token.dep_ == "relcl":
                return token.head  # "Moon, who said …"
            return subject
        if token.lemma_.lower() in INVERTING_VERBS:
            inverted = next((c for c in token.rights if c.dep_ in ("dobj", "attr", "npadvmod", "dep", "appos")
                             and c.pos_ in ("PROPN", "NOUN")), None)
            if inverted is not None:
                return inverted
        if token.dep_ not in ("conj", "advcl", "xcomp") or token.head == token:
            return None
        token = token.head  # "… and said", "…, adding": the subject of the verb they hang on
    return None


def _title_like(text: str) -> bool:
    """A short capitalised phrase without a full stop: a title or a name, not speech."""
    words = text.split()
    if not words or len(words) > 6 or text[-1] in ".!?,":
        return False
    return all(w[:1].isupper() or w[:1].isdigit() or w.lower() in TITLE_SMALL_WORDS for w in words) \
        and words[0][:1].isupper() and not (len(words) == 1 and words[0].isupper())


def _gap(d: _Direct, k: int) -> int:
    return d.first - k if k < d.first else k - d.last


def _verb_name(verb: Token | str | None) -> str | None:
    if verb is None or isinstance(verb, str):
        return verb
    return verb.lemma_.lower()
