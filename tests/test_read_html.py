from datetime import date

from eventwire.clean import prepare
from eventwire.model import Article, Failure
from eventwire.read.html import read_html

from conftest import article_html


def test_html_page_gives_text_and_metadata():
    article = read_html(article_html().encode(), "page.html")
    assert isinstance(article, Article)
    assert article.title == "Finland joins NATO, doubling alliance border with Russia"
    assert article.text.split("\n")[0] == article.title  # headline first, once
    assert article.text.count(article.title) == 1
    assert "Pekka Haavisto" in article.text
    assert "Most read" not in article.text and "All rights reserved" not in article.text
    assert article.published == date(2023, 4, 4)
    assert article.author == "Jane Roe"
    assert article.url == "https://example-news.com/world/finland-joins-nato,-doubling-a"
    assert article.reader == "html"


def test_option_date_only_used_when_page_has_none():
    page = "<html><head><title>Talks</title></head><body><article><p>" + "Leaders met and talked. " * 20
    page += "</p></article></body></html>"
    article = read_html(page, "p.html", published=date(2020, 1, 2))
    assert isinstance(article, Article) and article.published == date(2020, 1, 2)
    dated = read_html(article_html(), "q.html", published=date(2020, 1, 2))
    assert dated.published == date(2023, 4, 4)


def test_page_without_article_text_is_a_failure():
    page = "<html><head><title>Menu</title></head><body><nav><a href='/'>Home</a></nav></body></html>"
    failure = read_html(page, "empty.html")
    assert isinstance(failure, Failure)
    assert failure.reason.startswith("no article text found in the HTML page")


def test_headline_is_taken_from_title_when_extractor_picks_the_site_name():
    from eventwire.read.html import _choose_title
    assert _choose_title("The Evening Post", "Allies sign pact in Canberra - The Evening Post") == \
        "Allies sign pact in Canberra"
    assert _choose_title(None, "Global Bulletin :: Army seizes power in Naypyidaw") == "Army seizes power in Naypyidaw"
    assert _choose_title("Army seizes power", "Army seizes power | Bulletin") == "Army seizes power"
    assert _choose_title("Talks end: what next?", None) == "Talks end: what next?"


def test_layout_tables_do_not_become_story_lines():
    page = ("<html><head><title>Allies sign pact in Canberra - The Evening Post</title></head><body>"
            "<table><tr><td><a href='/'>Home</a> | <a href='/w'>World</a></td></tr><tr><td>"
            + "<p>CANBERRA — The allies signed a pact on Wednesday to share submarine technology.</p>" * 3
            + "</td></tr><tr><td>Copyright 2021 The Evening Post</td></tr></table></body></html>")
    result = prepare(read_html(page, "old.html"))
    body = " ".join(s.text for s in result.segments if s.kind == "body")
    assert body.startswith("The allies signed a pact")
    assert "|" not in body and "Home" not in body and "World" not in body and "Copyright" not in body


def test_author_from_json_ld_when_no_meta_tag():
    page = ('<html><head><title>Talks end</title><script type="application/ld+json">{"@type": "NewsArticle", '
            '"author": [{"@type": "Person", "name": "Daniel Okafor"}, {"name": "Ana Ruiz"}]}</script></head>'
            "<body><article><p>" + "Leaders met in Geneva and talked for hours about trade. " * 5 + "</p></article>"
            "</body></html>")
    article = read_html(page, "p.html")
    assert article.author == "Daniel Okafor, Ana Ruiz"
