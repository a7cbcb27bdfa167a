"""HTML pages: the main text via trafilatura, the publication date via htmldate, and the title,
author and canonical URL from the page's own meta tags.

trafilatura's full metadata step (site name, categories, tags, licence, an extensive date
search) would cost more than the extraction itself; eventwire needs four fields, which the
page states in a few well-known places, and htmldate's fast search (meta tags, structured data,
URL) finds the original publication date.
"""

from __future__ import annotations

import json
import re
from datetime import date

import htmldate
import trafilatura
from lxml.html import HtmlElement
from trafilatura.settings import Extractor

from eventwire.model import Article, Failure
from eventwire.read.decode import repair
from eventwire.read.text import with_headline

# Fewer words than this is a menu, an error page or a paywall stub, not a story.
MIN_WORDS = 15


def read_html(
    data: bytes | str,
    source: str,
    *,
    url: str | None = None,
    published: date | None = None,
) -> Article | Failure:
    """Turn one HTML page into an `Article`, or a `Failure` when it holds no article text.

    `published` is used only when the page itself carries no date.
    """
    tree = trafilatura.load_html(data)
    if tree is None:
        return Failure(source, "not parseable as HTML")
    # Everything read from the page's head comes before extraction, which prunes the tree.
    meta = _meta(tree)
    try:
        found_date = htmldate.find_date(tree, original_date=True, extensive_search=False)
    except Exception:  # htmldate trips on odd markup; a page without a date is still a story
        found_date = None
    # Comments are not the article. Tables are left out: on older sites the whole page is a
    # layout table, and keeping tables turns navigation and footers into "story" lines.
    options = Extractor(output_format="python", comments=False, tables=False, with_metadata=False, url=url)
    try:
        doc = trafilatura.bare_extraction(tree, options=options)
    except Exception as exc:  # trafilatura raises assorted lxml/ValueError types on odd markup
        return Failure(source, f"HTML extraction failed ({type(exc).__name__}: {exc})")
    words = len((doc.text or "").split()) if doc is not None else 0
    if doc is None or words < MIN_WORDS:
        return Failure(source, f"no article text found in the HTML page ({words} words extracted)")
    title = _choose_title(meta.get("headline"), meta.get("title"))
    body = repair(doc.text.strip())
    return Article(
        text=with_headline(title, body),
        source=source,
        title=title,
        url=meta.get("url") or url,
        published=_page_date(found_date) or published,
        author=meta.get("author"),
        reader="html",
    )


# Where pages state their headline, author and address, most reliable first.
_META_XPATHS = {
    "headline": ('//meta[@property="og:title"]/@content', '//meta[@name="twitter:title"]/@content',
                 '//meta[@name="title"]/@content', "//h1//text()"),
    "title": ("//title//text()",),
    "author": ('//meta[@name="author"]/@content', '//meta[@property="article:author"]/@content',
               '//meta[@name="byl"]/@content'),
    "url": ('//link[@rel="canonical"]/@href', '//meta[@property="og:url"]/@content'),
}


def _meta(tree: HtmlElement) -> dict[str, str]:
    found: dict[str, str] = {}
    for field, xpaths in _META_XPATHS.items():
        for xpath in xpaths:
            values = tree.xpath(xpath)
            value = " ".join(" ".join(str(v) for v in values[:1] if v).split()) if values else ""
            if field == "headline" and xpath.startswith("//h1"):
                value = " ".join("".join(str(v) for v in values).split())
            if value and not (field == "author" and value.startswith("http")):
                found[field] = value
                break
    if "author" not in found:
        author = _json_ld_author(tree)
        if author:
            found["author"] = author
    return found


def _json_ld_author(tree: HtmlElement) -> str | None:
    """The author names of a schema.org article description (JSON-LD), if the page has one."""
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            authors = item.get("author") if isinstance(item, dict) else None
            authors = authors if isinstance(authors, list) else [authors]
            names = [a.get("name") if isinstance(a, dict) else a for a in authors]
            names = [n.strip() for n in names if isinstance(n, str) and n.strip()]
            if names:
                return ", ".join(names)
    return None


def _page_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


# How pages join headline and site name in <title>: "Headline - Site", "Site :: Headline", ...
_TITLE_SEPARATORS = re.compile(r"\s+(?:[-–—|:»·•]|::|\|\|)\s+")


def _choose_title(found: str | None, page_title: str | None) -> str | None:
    """The headline: trafilatura's title unless <title> shows it kept or picked the site name.

    <title> usually joins the headline and the site name ("Headline - Site", "Site :: Headline");
    the headline is the longest part. (trafilatura's own site name cannot be trusted to tell
    them apart: on some layouts it swaps the two.)
    """
    found, raw = _squash(found), _squash(page_title)
    parts = [p for p in _TITLE_SEPARATORS.split(raw or "") if p]
    if len(parts) < 2 and not (found and raw and found != raw and found in raw):
        return found or raw
    longest = max(parts, key=len)
    if found is None or found == raw or (found in raw and len(found) < len(longest)):
        return longest
    return found


def _squash(text: str | None) -> str | None:
    return " ".join(text.split()) or None if text else None
