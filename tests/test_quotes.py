"""Quotations and their speakers: the marks news uses, indirect speech, the attribution rules,
the seed article and inputs that must not break the stage."""

import time
from datetime import date

import pytest

from eventwire.actors import resolve
from eventwire.clean import prepare
from eventwire.model import Article
from eventwire.nlp import analyze
from eventwire.quotes import find_quotes, quote_spans
from eventwire.read import ReadOptions, read_paths

from conftest import SEED, need


def quotes_of(text, day=date(2021, 2, 4)):
    """The quotes of a story made of a plain headline and `text` as its body."""
    result = prepare(Article(text="Headline about talks\n\n" + text, source="t.txt", published=day), languages=None)
    (analysis,) = analyze([result])
    quotes = find_quotes(analysis, resolve(analysis))
    for q in quotes:  # offsets point at the original characters, marks excluded
        if "\n\n" not in q.text:
            assert result.article.text[q.start:q.end] == q.text
    return quotes


def direct(quotes, words):
    """The one direct quote that starts with `words`."""
    found = [q for q in quotes if q.direct and q.text.startswith(words)]
    assert len(found) == 1, [q.text for q in quotes]
    return found[0]


def speaker_code(quote):
    return quote.speaker["code"] if quote.speaker else None


# --- marks, without the parser ---------------------------------------------------------------------


def texts(paragraphs, **kwargs):
    return ["".join(paragraphs[n][s:e] for n, s, e in f.parts) for f in quote_spans(paragraphs, **kwargs)]


@pytest.mark.parametrize("paragraph, expected", [
    ("“We will win,” he said.", ["We will win"]),
    ('"We will win," he said.', ["We will win"]),
    ("‘We will win,’ he said.", ["We will win"]),
    ("'We will win,' he said.", ["We will win"]),
    ("Il a dit: « Nous gagnerons » hier.", ["Nous gagnerons"]),
    ("Sie sagte „Wir schaffen das“ damals.", ["Wir schaffen das"]),
    ("He called Kim a “thug” and left.", ["thug"]),
    ("“A. B. C,” she said.", ["A. B. C"]),
    ("“He told me ‘never’ twice,” she said.", ["He told me ‘never’ twice"]),
])
def test_every_mark_style(paragraph, expected):
    assert texts([paragraph]) == expected


def test_apostrophes_and_possessives_are_not_quotes():
    assert texts(["The countries’ alliance and the rebels' demands were discussed."]) == []
    assert texts(["The countries’ alliance and the ‘new deal’ were discussed."]) == ["new deal"]


def test_unbalanced_marks_are_skipped_not_swallowed():
    assert texts(["“This never closes. But “this one does,” he said."]) == ["this one does"]
    assert texts(['He said "odd and then nothing']) == []
    assert texts(["”Closing first, then “a quote” here."]) == ["a quote"]


def test_a_quote_continues_into_a_paragraph_that_opens_with_a_mark():
    paragraphs = ["“The first paragraph has no closing mark.", "“The second one ends it,” she said.", "Plain."]
    assert texts(paragraphs) == ["The first paragraph has no closing mark.The second one ends it"]
    assert [len(f.parts) for f in quote_spans(paragraphs)] == [2]


def test_no_continuation_out_of_a_headline_or_into_a_plain_paragraph():
    paragraphs = ["“An open headline quote", "“A body quote,” she said."]
    assert texts(paragraphs, continues=[False, False]) == ["A body quote"]
    assert texts(["“Open at the end.", "A plain paragraph.", "“Closed,” he said."]) == ["Closed"]


def test_scanning_is_linear_on_pathological_marks():
    start = time.perf_counter()
    quote_spans(['"' + "a “b ‘c " * 20_000, "“x\n" * 5_000])
    quote_spans(["“open"] * 3_000)
    assert time.perf_counter() - start < 5


# --- speakers ------------------------------------------------------------------------------------


@pytest.mark.model
@pytest.mark.parametrize("text, words, code, verb", [
    ("“We will never give up,” President Joe Biden said.", "We will never", "USAGOV", "say"),
    ("President Joe Biden said: “We will never give up. The alliance is strong.”", "We will never", "USAGOV", "say"),
    ("“We will never give up,” said President Joe Biden.", "We will never", "USAGOV", "say"),
    ('"We will never give up," President Joe Biden told reporters.', "We will never", "USAGOV", "tell"),
    ("‘We will not back down,’ Boris Johnson said on Monday.", "We will not", "GBRGOV", "say"),
    ("Russian President Vladimir Putin said on Monday: « Nous sommes prêts ».", "Nous sommes", "RUSGOV", "say"),
    ("President Joe Biden has called Kim Jong Un a “thug” in the past.", "thug", "USAGOV", "call"),
])
def test_speaker_is_the_subject_of_the_speech_verb(text, words, code, verb):
    quote = direct(quotes_of(text), words)
    assert speaker_code(quote) == code
    assert quote.verb == verb and quote.how == "subject"


@pytest.mark.model
def test_a_quote_without_a_verb_takes_the_previous_sentence_speaker():
    quotes = quotes_of("“We had a good talk,” President Joe Biden said after the call. “We will meet again.”\n\n"
                       "“The alliance is the linchpin of peace.”")
    again = direct(quotes, "We will meet again")
    assert speaker_code(again) == "USAGOV"
    linchpin = direct(quotes, "The alliance is the linchpin")
    assert speaker_code(linchpin) == "USAGOV" and linchpin.how == "previous-sentence"


@pytest.mark.model
def test_no_speaker_is_carried_over_a_sentence_without_a_quote():
    quotes = quotes_of("“We had a good talk,” President Joe Biden said. The talks lasted an hour.\n\n"
                       "“The alliance is the linchpin of peace.”")
    assert direct(quotes, "The alliance").speaker is None


@pytest.mark.model
def test_a_quote_over_two_paragraphs_is_one_quote_with_its_speaker():
    quotes = quotes_of("“We are ready to talk to anyone about peace,” Moon Jae-in said.\n\n"
                       "“The first paragraph of a long quote goes on.\n\n"
                       "“And it continues here,” he said.")
    long = direct(quotes, "The first paragraph")
    assert long.text.endswith("And it continues here")
    assert speaker_code(long) == "KORGOV"


@pytest.mark.model
def test_pronoun_speaker_is_the_actor_it_refers_to():
    quotes = quotes_of("President Joe Biden met Moon Jae-in in Washington on Friday.\n\n"
                       "“The alliance has never been stronger,” he said.")
    quote = direct(quotes, "The alliance")
    assert quote.speaker["text"] == "he" and speaker_code(quote) == "USAGOV"


@pytest.mark.model
def test_indirect_speech():
    quotes = quotes_of("President Joe Biden told reporters that the United States would impose sanctions on Russia.")
    (quote,) = [q for q in quotes if not q.direct]
    assert quote.text == "the United States would impose sanctions on Russia"
    assert quote.verb == "tell" and speaker_code(quote) == "USAGOV"


@pytest.mark.model
def test_indirect_speech_with_the_speaker_after_the_clause():
    quotes = quotes_of("The strike killed 12 people, the Syrian Observatory for Human Rights said.")
    (quote,) = [q for q in quotes if not q.direct]
    assert quote.text == "The strike killed 12 people"
    assert "Observatory" in quote.speaker["text"]


@pytest.mark.model
def test_according_to():
    quotes = quotes_of("According to the United Nations, more than 500 people were killed in the fighting.")
    (quote,) = [q for q in quotes if not q.direct]
    assert quote.text == "more than 500 people were killed in the fighting"
    assert quote.verb == "according to" and quote.how == "according-to" and speaker_code(quote) == "IGOUNO"


@pytest.mark.model
def test_unknown_speakers_stay_unknown():
    quotes = quotes_of("Visitor tickets for the launch, sold as the “best view” package, sold out. "
                       "“It was amazing.”\n\nIt said “the launch was a success.”")
    assert all(q.speaker is None for q in quotes if q.direct), [(q.text, q.speaker) for q in quotes]


@pytest.mark.model
def test_titles_are_not_quotes():
    quotes = quotes_of("The actress spoke about the making of “Pulp Fiction” and “Kill Bill” at length.")
    assert [q for q in quotes if q.direct] == []


# --- the seed article and bad inputs -------------------------------------------------------------


@pytest.mark.model
def test_seed_article_quotes():
    (article,) = read_paths([str(need(SEED))], ReadOptions(published=date(2021, 2, 4)))
    (analysis,) = analyze([prepare(article)])
    quotes = find_quotes(analysis, resolve(analysis))
    for words in ("We will always stand together", "I just had a great conversation", "pledged to further upgrade"):
        quote = direct(quotes, words)
        assert quote.speaker["name"] == "Moon Jae-in" and speaker_code(quote) == "KORGOV", quote
        assert article.text[quote.start:quote.end] == quote.text
    assert direct(quotes, "We will always").verb == "say"
    assert speaker_code(direct(quotes, "thug")) == "USAGOV"
    kim = [q for q in quotes if not q.direct and q.text.startswith("the fate of his country")]
    assert kim and speaker_code(kim[0]) == "PRKGOV"
    # Captions and the "Click to play video" teaser are not in the analysed text.
    assert not any("Oval Office" in q.text or "toughest COVID-19" in q.text for q in quotes)


@pytest.mark.model
@pytest.mark.parametrize("text, most", [
    ("No quotes in this story at all.", 0),
    ("“Unclosed at the end of the story", 0),
    ('Word "' * 3000, 0),
    ("Say “" * 2000 + "it” " * 2000, 1),  # only the innermost pair balances
])
def test_odd_documents_do_not_break(text, most):
    quotes = quotes_of(text)
    assert len([q for q in quotes if q.direct]) <= most


@pytest.mark.model
def test_fifty_kilobyte_paragraph_is_bounded():
    text = ('Moon said "we are ready to talk and " the plan “works ' * 1000)[:50_000]
    result = prepare(Article(text="Headline\n\n" + text, source="t.txt", published=date(2021, 2, 4)), languages=None)
    (analysis,) = analyze([result])
    actors = resolve(analysis)
    start = time.perf_counter()
    quotes = find_quotes(analysis, actors)
    assert time.perf_counter() - start < 10
    assert quotes and all(0 <= q.start <= q.end <= len(result.article.text) for q in quotes)
