from datetime import date

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
