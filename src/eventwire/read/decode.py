"""Bytes of unknown origin to text: sniff what they are, detect the encoding, repair mojibake."""

from __future__ import annotations

import re

import charset_normalizer
import ftfy

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
    if stripped.startswith(b"{") or re.match(rb"\[\s*\{", stripped):
        return "jsonl"  # JSON Lines, or one JSON object/array of objects
    if _HTML_START.match(head[:4096]):
        return "html"
    return "text"


def decode(data: bytes) -> str:
    """Decode bytes of unknown encoding to text, repair mojibake and normalise line breaks.

    Never fails: binary data is refused before this (`binary_kind`).
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return repair(data.decode(codec, errors="replace"))
    try:
        return repair(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    text = _mostly_utf8(data) or _western(data)
    if text is None:
        best = charset_normalizer.from_bytes(data).best()
        # Undecidable bytes still hold a story; cp1252 maps every byte we can meet here.
        text = str(best) if best is not None else data.decode("cp1252", errors="replace")
    return repair(text)


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few broken bytes (a bad paste, a cut multibyte character) stays UTF-8."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    multibyte = sum(1 for ch in text if ord(ch) > 127) - bad
    return text if multibyte > 0 and bad <= max(2, len(data) // 200) else None


def _western(data: bytes) -> str | None:
    """Windows-1252 / Latin-1 news (the commonest legacy encoding) when it reads as such.

    Statistical detectors often pick cp1250 or Mac encodings for short Western text. In real
    Western-language text, accented letters are a small share of the letters, while Cyrillic or
    Greek bytes read as cp1252 turn nearly every letter into an accented one.
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    letters = [ch for ch in text if ch.isalpha()]
    accented = sum(1 for ch in letters if ord(ch) > 127)
    if not letters or accented / len(letters) > 0.3:
        return None
    odd = sum(1 for ch in text if ord(ch) > 127 and not ch.isalpha() and ch not in _WESTERN_PUNCT)
    return text if odd <= len(text) // 500 else None


_WESTERN_PUNCT = set("’‘“”„–—…€•«»°£¥§©®±·¿¡´¨ ¢¤¦ª¬¯²³µ¶¸¹º¼½¾×÷†‡‰‹›™")


def repair(text: str) -> str:
    """Fix mojibake and line breaks, leaving typography (quotes, dashes) as it was."""
    text = ftfy.fix_text(text, _FTFY) if not text.isascii() else text
    return text.replace("\r\n", "\n").replace("\r", "\n")
