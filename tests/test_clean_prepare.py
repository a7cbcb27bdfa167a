from eventwire.clean import detect_language, prepare
from eventwire.model import Article, Failure, Result
from eventwire.read.html import read_html

from conftest import article_html

BODY = [
    "BRUSSELS (AP) — Finland formally joined NATO on Tuesday, doubling the length of the border the "
    "alliance shares with Russia, in a ceremony at the alliance headquarters in Brussels.",
    "Foreign Minister Pekka Haavisto handed the accession documents to U.S. Secretary of State Antony "
    "Blinken, and the Finnish flag was raised outside the building shortly afterwards.",
    "Secretary-General Jens Stoltenberg said the move made Finland safer and the alliance stronger.",
]


def test_same_story_from_text_and_html_has_the_same_id():
    scraped = ("Advertisement\n\nFinland joins NATO, doubling alliance border with Russia\n\n"
               "(AP Photo/File)\n\n" + "\n\n".join(line.replace("\n", " ") for line in BODY)
               + "\n\nSponsored content\n")
    from_text = prepare(Article(text=scraped, source="a.txt"))
    from_html = prepare(read_html(article_html(), "a.html"))
    assert isinstance(from_text, Result) and isinstance(from_html, Result)
    assert from_text.article.id == from_html.article.id
    assert len(from_text.article.id) == 20


def test_id_ignores_furniture_but_not_words():
    base = "Leaders met in Geneva on Monday.\n\nThey agreed to meet again next month."
    a = prepare(Article(text="Advertisement\n" + base, source="a"))
    b = prepare(Article(text=base.replace("  ", " ") + "\n\nShare this article", source="b"))
    c = prepare(Article(text=base.replace("Monday", "Tuesday"), source="c"))
    assert a.article.id == b.article.id != c.article.id


def test_title_comes_from_the_headline_when_missing():
    result = prepare(Article(text="Leaders meet in Geneva\n\nThe leaders met on Monday in Geneva.", source="a"))
    assert result.article.title == "Leaders meet in Geneva" and result.article.language == "en"


def test_non_english_article_is_a_language_failure():
    german = ("Bundeskanzler Olaf Scholz hat am Donnerstag in Berlin mit dem französischen Präsidenten "
              "über die Unterstützung der Ukraine gesprochen. Beide Seiten vereinbarten weitere Hilfen.")
    failure = prepare(Article(text=german, source="de.txt"))
    assert isinstance(failure, Failure)
    assert failure.reason == "language: de" and failure.stage == "language"
    assert isinstance(prepare(Article(text=german, source="de.txt"), languages=None), Result)


def test_article_with_only_furniture_is_a_failure():
    failure = prepare(Article(text="Advertisement\n\nSponsored content\n\nAdChoices", source="ads.txt"))
    assert isinstance(failure, Failure) and failure.stage == "clean"


def test_too_little_text_is_undetermined_not_rejected():
    assert detect_language("OK 42") == "und"
    assert isinstance(prepare(Article(text="Talks end.\n\nTalks ended.", source="x")), Result)
