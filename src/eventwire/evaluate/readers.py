"""Readers of public gold formats: each checks a folder's layout and yields (input, gold) pairs.

A reader raises `LayoutError` at once when the folder does not look like its format. After
that, nothing stops a run: a page whose files are missing or broken comes as a `Failure` in
place of its input, and the scorer counts it.

Every HTML file may be stored plain or gzip-compressed (`<name>` or `<name>.gz`).
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import trafilatura
from lxml import etree

from eventwire.errors import EventwireError, InputError
from eventwire.evaluate.metrics import tokens
from eventwire.model import Failure

G = TypeVar("G")


class LayoutError(EventwireError):
    """A gold folder does not have the layout of the format it was read as."""


@dataclass(frozen=True)
class Page:
    """One HTML page to run eventwire on."""

    id: str
    source: str
    html: bytes
    url: str | None = None


@dataclass(frozen=True)
class Snippets:
    """Text that must appear in the extraction (`wanted`) and text that must not (`unwanted`)."""

    wanted: tuple[str, ...]
    unwanted: tuple[str, ...]


# Gold of a segment-typing page: a bag of tokens per evaluation kind.
KindBags = dict[str, Counter[str]]


@dataclass
class GoldSet(Generic[G]):
    """The pairs of one gold folder, loaded one page at a time; its size is known up front."""

    keys: list[str]
    load: Callable[[str], tuple[Page | Failure, G]] = field(repr=False)

    def __len__(self) -> int:
        return len(self.keys)

    def __iter__(self) -> Iterator[tuple[Page | Failure, G]]:
        for key in self.keys:
            yield self.load(key)

    def head(self, n: int | None) -> GoldSet[G]:
        """The first `n` pairs (all of them when `n` is None)."""
        return self if n is None else GoldSet(self.keys[:n], self.load)


# --- ScrapingHub article-extraction-benchmark --------------------------------------------------

def read_aeb(folder: Path) -> GoldSet[str]:
    """`html/<id>.html.gz` + `ground-truth.json` = {id: {"articleBody": str, "url": str}}.

    The gold of a page is its article body.
    """
    truth = _json_object(folder, "ground-truth.json")
    html_dir = _subfolder(folder, "html")

    def load(key: str) -> tuple[Page | Failure, str]:
        entry = truth[key]
        body = entry.get("articleBody") if isinstance(entry, dict) else None
        source = str(html_dir / f"{key}.html")
        if not isinstance(body, str):
            return Failure(source, "no articleBody in ground-truth.json", stage="evaluate"), ""
        url = entry.get("url") if isinstance(entry.get("url"), str) else None
        return _page(key, html_dir, f"{key}.html", url), body

    return GoldSet(list(truth), load)


# --- trafilatura evaluation set ------------------------------------------------------------------

def read_trafilatura(folder: Path) -> GoldSet[Snippets]:
    """`evaldata.json` = {url: {"file", "with": [...], "without": [...], ...}} + `html/<file>.gz`.

    The gold of a page is its must-have and must-not-have snippets.
    """
    data = _json_object(folder, "evaldata.json")
    html_dir = _subfolder(folder, "html")

    def load(url: str) -> tuple[Page | Failure, Snippets]:
        entry = data[url] if isinstance(data[url], dict) else {}
        gold = Snippets(_strings(entry.get("with")), _strings(entry.get("without")))
        name = entry.get("file")
        if not isinstance(name, str) or not name:
            return Failure(url, "no file name in evaldata.json", stage="evaluate"), gold
        return _page(url, html_dir, name, url), gold

    return GoldSet(list(data), load)


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(s for s in value if isinstance(s, str) and s) if isinstance(value, list) else ()


# --- L3S-GN1 ---------------------------------------------------------------------------------------

# Labels of the annotated pages and the evaluation kind each one counts as. Text outside every
# labelled span was left unselected by the annotators, which the set defines as not content.
L3S_KINDS = {"0": "boilerplate", "1": "headline", "2": "body", "3": "caption", "4": "related",
             "5": "boilerplate"}
UNLABELLED = "boilerplate"
_LABEL = re.compile(r"\bx-nc-sel(\d)\b")
# Elements whose text a reader never sees: it is not part of the page's visible text.
_HIDDEN_TAGS = frozenset({"head", "title", "script", "style", "noscript", "iframe", "template"})
_HIDDEN_CLASS = re.compile(r"\bx-nc-invisible\b")


def read_l3s(folder: Path) -> GoldSet[KindBags]:
    """`original/<uuid>.html.gz` + `annotated/<uuid>.html.gz` (+ optional `url-mapping.txt`).

    The input is the original page; the gold is a bag of tokens per kind of the annotated page's
    visible text (see `L3S_KINDS`).
    """
    original, annotated = _subfolder(folder, "original"), _subfolder(folder, "annotated")
    urls = _l3s_urls(folder / "url-mapping.txt")
    keys = sorted(_html_stems(original) | _html_stems(annotated))

    def load(key: str) -> tuple[Page | Failure, KindBags]:
        try:
            gold = label_bags(_read(annotated, f"{key}.html"))
        except InputError as exc:
            return Failure(str(annotated / f"{key}.html"), str(exc), stage="evaluate"), {}
        return _page(key, original, f"{key}.html", urls.get(key)), gold

    return GoldSet(keys, load)


def label_bags(html: bytes) -> KindBags:
    """Bags of tokens per evaluation kind of an L3S annotated page's visible text."""
    tree = trafilatura.load_html(html)
    if tree is None:
        raise InputError("annotated page is not parseable as HTML")
    bags: KindBags = {}

    def add(text: str | None, kind: str) -> None:
        if text:
            bags.setdefault(kind, Counter()).update(tokens(text))

    stack: list[tuple[str, bool]] = []  # (kind, hidden) of the open elements
    hidden_depth = 0
    for event, element in etree.iterwalk(tree, events=("start", "end")):
        if event == "start":
            tag = element.tag.lower() if isinstance(element.tag, str) else ""
            css = (element.get("class") or "") if tag else ""
            hidden = not tag or tag in _HIDDEN_TAGS or bool(_HIDDEN_CLASS.search(css))
            label = _LABEL.search(css)
            kind = L3S_KINDS.get(label.group(1), UNLABELLED) if label else (
                stack[-1][0] if stack else UNLABELLED)
            stack.append((kind, hidden))
            hidden_depth += hidden
            if not hidden_depth:
                add(element.text, kind)
        else:
            _, hidden = stack.pop()
            hidden_depth -= hidden
            if not hidden_depth and stack:  # a tail belongs to the enclosing element
                add(element.tail, stack[-1][0])
    return bags


def _l3s_urls(path: Path) -> dict[str, str]:
    """`<urn:uuid:ID>\\tURL` lines, if the file is there."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return {}
    urls = {}
    for line in lines:
        key, _, url = line.partition("\t")
        key = key.strip().removeprefix("<urn:uuid:").removesuffix(">")
        if key and url.strip():
            urls[key] = url.strip()
    return urls


def _html_stems(folder: Path) -> set[str]:
    return {p.name.removesuffix(".gz").removesuffix(".html")
            for p in folder.iterdir() if p.name.endswith((".html", ".html.gz"))}


# --- shared -----------------------------------------------------------------------------------------

def _subfolder(folder: Path, name: str) -> Path:
    if not folder.is_dir():
        raise LayoutError(f"{folder}: not a folder")
    path = folder / name
    if not path.is_dir():
        raise LayoutError(f"{folder}: no '{name}/' folder (is this the right --format?)")
    return path


def _json_object(folder: Path, name: str) -> dict[str, Any]:
    if not folder.is_dir():
        raise LayoutError(f"{folder}: not a folder")
    path = folder / name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LayoutError(f"{folder}: no '{name}' (is this the right --format?)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LayoutError(f"{path}: not readable as JSON ({exc})") from None
    if not isinstance(data, dict):
        raise LayoutError(f"{path}: expected a JSON object keyed by page")
    return data


def _page(key: str, folder: Path, name: str, url: str | None) -> Page | Failure:
    try:
        return Page(key, str(folder / name), _read(folder, name), url)
    except InputError as exc:
        return Failure(str(folder / name), str(exc), stage="evaluate")


def _read(folder: Path, name: str) -> bytes:
    """The bytes of `folder/name`, or of its gzip-compressed twin `name.gz`."""
    packed, plain = folder / f"{name}.gz", folder / name
    try:
        if packed.is_file():
            return gzip.decompress(packed.read_bytes())
        return plain.read_bytes()
    except FileNotFoundError:
        raise InputError("file missing") from None
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"file unreadable ({exc})") from None
