"""Shared fixtures: paths to the reference data in ../shared and small input builders."""

from __future__ import annotations

import gzip
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "samples" / "seed-article.txt"


def need(path: Path) -> Path:
    """Skip the calling test when a file from ../shared is not on this machine."""
    if not path.exists():
        pytest.skip(f"reference data not available: {path}")
    return path


@pytest.fixture
def seed_path() -> Path:
    return need(SEED)


ARTICLE_HTML = """<!doctype html><html><head><title>{title} | Example News</title>
<meta property="og:title" content="{title}">
<meta name="author" content="Jane Roe">
<meta property="article:published_time" content="2023-04-04T09:30:00Z">
<link rel="canonical" href="https://example-news.com/world/{slug}">
</head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>{title}</h1>
<p>BRUSSELS (AP) — Finland formally joined NATO on Tuesday, doubling the length of the border the
alliance shares with Russia, in a ceremony at the alliance headquarters in Brussels.</p>
<p>Foreign Minister Pekka Haavisto handed the accession documents to U.S. Secretary of State Antony
Blinken, and the Finnish flag was raised outside the building shortly afterwards.</p>
<p>Secretary-General Jens Stoltenberg said the move made Finland safer and the alliance stronger.</p>
</article><aside><h3>Most read</h3><ul><li><a href="/x">Another story</a></li></ul></aside>
<footer>Copyright 2023 Example News. All rights reserved.</footer></body></html>"""


def article_html(title: str = "Finland joins NATO, doubling alliance border with Russia") -> str:
    return ARTICLE_HTML.format(title=title, slug=title.lower().replace(" ", "-")[:30])


def warc_record(uri: str, body: bytes, content_type: str = "text/html; charset=utf-8",
                date: str = "2023-04-05T08:00:00Z", status: str = "200 OK") -> bytes:
    """One gzip member holding one WARC/1.1 response record."""
    http = (f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body
    head = (f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\n"
            f"WARC-Date: {date}\r\nWARC-Target-URI: {uri}\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n").encode()
    return gzip.compress(head + http + b"\r\n\r\n")


PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
