"""Reuters-21578 (SGML) as JSON Lines that `eventwire ingest` reads, for the ingestion benchmark.

    .venv/bin/python bench/reuters.py OUT_DIR        # one reut2-NNN.jsonl per SGML file

eventwire has no SGML reader: the 22 `reut2-NNN.sgm` files would be read as 22 plain-text
articles. Each `<REUTERS>` document with a `<BODY>` becomes one JSON object with `id` (the
NEWID), `title`, `published` (from `<DATE>`) and `text`: the title, then the dateline and body
with the wire's hard line breaks joined into paragraphs (a paragraph starts with an indented
line) and the closing "Reuter" signature dropped. 19,043 of the 21,578 documents have a body.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REUTERS = ROOT.parent / "shared" / "corpora" / "reuters-21578"
_DOC = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.S)
_NEWID = re.compile(r'NEWID="(\d+)"')
_SIGNATURE = re.compile(r"\s*Reuters?\s*$")


def _field(doc: str, tag: str) -> str:
    m = re.search(rf"<{tag}>(.*?)</{tag}>", doc, re.S)
    return html.unescape(m[1]).replace("\x03", "").replace("\x02", "").strip() if m else ""


def _paragraphs(body: str) -> str:
    lines = body.split("\n")
    paragraphs: list[str] = []
    for line in lines:
        if not paragraphs or line.startswith((" ", "\t")):
            paragraphs.append(line.strip())
        else:
            paragraphs[-1] = f"{paragraphs[-1]} {line.strip()}".strip()
    return "\n\n".join(p for p in paragraphs if p)


def documents(path: Path) -> Iterator[dict[str, str]]:
    """The documents with a body in one SGML file, as JSON objects for eventwire's JSONL reader."""
    text = path.read_bytes().decode("latin-1")
    for m in _DOC.finditer(text):
        attrs, doc = m.groups()
        body = _field(doc, "BODY")
        if not body:
            continue
        body = _SIGNATURE.sub("", body)
        title = " ".join(_field(doc, "TITLE").split())
        dateline = " ".join(_field(doc, "DATELINE").split())
        out = {"id": f"reuters-{_NEWID.search(attrs)[1]}", "title": title,  # type: ignore[index]
               "text": "\n\n".join(p for p in (title, f"{dateline} {_paragraphs(body)}".strip()) if p)}
        with contextlib.suppress(ValueError):
            day = datetime.strptime(_field(doc, "DATE").split(".")[0], "%d-%b-%Y %H:%M:%S").date()
            out["published"] = day.isoformat()
        yield out


def write_jsonl(out_dir: Path, source: Path = REUTERS) -> list[Path]:
    """Write one JSONL file per SGML file into `out_dir` (kept if already written); their paths."""
    if not source.exists():
        sys.exit(f"Reuters corpus not found at {source}")
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for sgm in sorted(source.glob("reut2-*.sgm")):
        target = out_dir / (sgm.stem + ".jsonl")
        if not target.exists():
            tmp = target.with_suffix(".tmp")
            with tmp.open("w", encoding="utf-8") as f:
                for doc in documents(sgm):
                    f.write(json.dumps(doc, ensure_ascii=False) + "\n")
            tmp.rename(target)
        paths.append(target)
    return paths


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    written = write_jsonl(Path(sys.argv[1]))
    print(f"{sum(1 for p in written for _ in p.open(encoding='utf-8')):,} documents in {len(written)} files")
