"""Bytes of unknown origin to text: sniff what they are, detect the encoding, repair mojibake."""

from __future__ import annotations

import re

import charset_normalizer
import ftfy

from eventwire.errors import InputError

# Magic numbers of binary formats people drop into news folders by mistake; naming the
# format makes the failure message useful ("PNG image" rather than "cannot decode").
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"RIFF", "RIFF media (WebP/WAV/AVI)"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or DOCX/XLSX)"),
    (b"\x7fELF", "ELF executable"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data"),
    (b"BZh", "bzip2-compressed data"),
    (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"SQLite format 3\x00", "SQLite database"),
)
GZIP_MAGIC = b"\x1f\x8b"

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)

_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    rb"<(?:!doctype\s+html|html|head|body|meta|title|article|div|p|section|main|header|link|script)\b",
    re.IGNORECASE | re.DOTALL,
)

# ftfy repairs mojibake ("SÃ£o Paulo" -> "São Paulo") but by default it also rewrites curly
# quotes, full-width letters and ligatures. We keep the text as published: offsets into it are
# evidence, and analysis-time normalisation is done separately with an offset map (clean.py).
_FTFY = ftfy.TextFixerConfig(
    unescape_html=False,
    uncurl_quotes=False,
    fix_character_width=False,
    fix_latin_ligatures=False,
    normalization=None,
    explain=False,
)


def binary_kind(head: bytes) -> str | None:
    """Name the binary format of `head` (the first bytes of a file), or None if it looks like text."""
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return None
    sample = head[:8192]
    if sample and sample.count(b"\x00") > len(sample) // 100:
        return "binary data (NUL bytes)"
    return None


def sniff(head: bytes) -> str:
    """Guess the input format from its first bytes: warc, html, jsonl or text (binary is checked first)."""
    for bom, _ in _BOMS[:1]:
        if head.startswith(bom):
            head = head[len(bom):]
    stripped = head.lstrip()
    if stripped.startswith(b"WARC/"):
        return "warc"
    if stripped.startswith(b"{"):
        return "jsonl"
    if _HTML_START.match(head[:4096]):
        return "html"
    return "text"


def decode(data: bytes) -> str:
    """Decode bytes of unknown encoding to text, repair mojibake and normalise line breaks."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return repair(data.decode(codec, errors="replace"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        best = charset_normalizer.from_bytes(data).best()
        if best is None:
            raise InputError("cannot detect the text encoding") from None
        text = str(best)
    return repair(text)


def repair(text: str) -> str:
    """Fix mojibake and line breaks, leaving typography (quotes, dashes) as it was."""
    text = ftfy.fix_text(text, _FTFY) if not text.isascii() else text
    return text.replace("\r\n", "\n").replace("\r", "\n")
