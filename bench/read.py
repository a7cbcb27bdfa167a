"""Throughput of the reading stage, as ratios against plain baselines timed in the same run.

    .venv/bin/python bench/read.py            # full run (about a quarter of an hour)
    .venv/bin/python bench/read.py --quick    # a subset, under a minute
    .venv/bin/python bench/read.py --json     # the figures as JSON

Three inputs, each timed against the plainest code that does the same job without eventwire:

- text: the BBC corpus (2,225 files), `read_paths` alone and followed by `clean.prepare`,
  against `open(p, "rb").read().decode("utf-8", "replace")` of the same files;
- html: pages of L3S-GN1 and of the trafilatura evaluation set, `read_html` alone and followed by
  `prepare`, against bare `trafilatura.extract(data)` on the same decompressed bytes, and against
  `trafilatura.extract(data, with_metadata=True)`, which also looks for the title, author and
  date (with htmldate) as `read_html` does;
- warc: WARC.gz files written here from the L3S-GN1 pages (one gzip member per WARC/1.1
  response record, HTML pages plus PNG images that must be skipped), `read_paths` against a bare
  fastwarc `ArchiveIterator` loop calling `trafilatura.extract` on each HTML payload.

How it times, since shared machines are noisy:

- the CPU time of this process is measured (the code is single-threaded; other jobs on the
  machine inflate wall-clock time much more than CPU time); wall-clock figures are in the JSON;
- the items of an input are cut into small blocks (10 pages, 100 text files, one WARC file of 10
  pages) and every variant runs every block once per round, right after the other variants and
  in an order rotated from block to block, after one untimed warm-up pass;
- a variant's time is the sum over blocks of its best time on each block (best of N, taken per
  block so that a burst of load spoils one block of one round, not a whole pass); the ratio is
  ours / baseline of these times; the JSON also has each round's total and the median of the
  per-round ratios;
- caches keyed on page content (htmldate's parsed date strings, trafilatura's line cache) are
  emptied before every timed block, so repeated passes cost what new pages would.

One-time costs (imports, models, dateparser's locale tables) are left to the warm-up; `--cold`
(on by default in a full run) times them apart: the first pass over the L3S-GN1 pages in a fresh
interpreter, `read_html` against bare `trafilatura.extract`.

The data is read from ../shared (relative to the project root); an input whose folder is absent
is skipped with a note.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.metadata
import json
import os
import platform
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import uuid
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
BBC = SHARED / "corpora" / "bbc-news-2225"
L3S = SHARED / "data" / "dev" / "extraction" / "l3s-gn1"
TRAF_EVAL = SHARED / "data" / "dev" / "extraction" / "trafilatura-eval"

HTML_TARGET = 1.20  # the project's target: ours / bare trafilatura time, for HTML pages
PAGE_BLOCK = 10  # pages per timed block (and per WARC file)
FILE_BLOCK = 100  # text files per timed block
PNG_AFTER = 5  # each WARC file has a PNG record after its 5th page (if it has that many pages)

# lru caches keyed on page content: emptied before each timed block so that repeats stay honest.
CONTENT_CACHES = (
    ("htmldate.extractors", "try_date_expr"),
    ("htmldate.validators", "_parse_and_validate"),
    ("htmldate.validators", "filter_ymd_candidate"),
    ("trafilatura.utils", "line_processing"),
    ("trafilatura.utils", "trim"),
    ("trafilatura.deduplication", "is_similar_domain"),
)

Log = Callable[[str], None]


# ---------------------------------------------------------------------------------------------
# timing


@dataclass
class Times:
    """What one variant cost: best per block summed, and each round's total (seconds)."""

    best_cpu: float = 0.0
    best_wall: float = 0.0
    rounds_cpu: list[float] = field(default_factory=list)
    rounds_wall: list[float] = field(default_factory=list)

    @classmethod
    def of_passes(cls, cpu: list[float], wall: list[float]) -> Times:
        return cls(min(cpu), min(wall), cpu, wall)


@dataclass
class Row:
    group: str  # the input, e.g. "html: l3s-gn1"
    n: int  # items timed (files, pages)
    ours: str  # what was timed
    baseline: str  # what it is compared with
    ours_times: Times
    baseline_times: Times
    target: float | None = None

    @property
    def ratio(self) -> float:
        return self.ours_times.best_cpu / self.baseline_times.best_cpu

    @property
    def ours_rate(self) -> float:
        return self.n / self.ours_times.best_cpu

    @property
    def baseline_rate(self) -> float:
        return self.n / self.baseline_times.best_cpu

    def to_dict(self) -> dict[str, Any]:
        o, b = self.ours_times, self.baseline_times
        pairs = zip(o.rounds_cpu, b.rounds_cpu, strict=True)
        return {
            "input": self.group, "n": self.n, "ours": self.ours, "baseline": self.baseline,
            "baseline_items_per_s": round(self.baseline_rate, 2),
            "ours_items_per_s": round(self.ours_rate, 2),
            "ratio": round(self.ratio, 3),
            "ratio_median_of_rounds": round(statistics.median(x / y for x, y in pairs), 3),
            "ratio_wall": round(o.best_wall / b.best_wall, 3),
            "target": self.target,
            "target_met": None if self.target is None else self.ratio <= self.target,
            "ours_cpu_s": round(o.best_cpu, 4), "baseline_cpu_s": round(b.best_cpu, 4),
            "ours_rounds_cpu_s": [round(t, 3) for t in o.rounds_cpu],
            "baseline_rounds_cpu_s": [round(t, 3) for t in b.rounds_cpu],
            "ours_rounds_wall_s": [round(t, 3) for t in o.rounds_wall],
            "baseline_rounds_wall_s": [round(t, 3) for t in b.rounds_wall],
        }


def clear_content_caches() -> None:
    for module_name, name in CONTENT_CACHES:
        module = sys.modules.get(module_name)
        clear = getattr(getattr(module, name, None), "cache_clear", None)
        if clear is not None:
            clear()


def race(variants: dict[str, Callable[[Any], object]], blocks: Sequence[Any], rounds: int, log: Log
         ) -> dict[str, Times]:
    """Time every variant on every block, `rounds` times; see the module docstring."""
    names = list(variants)
    for name in names:
        log(f"  warm-up: {name}")
        for block in blocks:
            variants[name](block)
    best_cpu = {name: [float("inf")] * len(blocks) for name in names}
    best_wall = {name: [float("inf")] * len(blocks) for name in names}
    times = {name: Times() for name in names}
    for r in range(rounds):
        total_cpu = dict.fromkeys(names, 0.0)
        total_wall = dict.fromkeys(names, 0.0)
        for i, block in enumerate(blocks):
            shift = (r + i) % len(names)
            for name in names[shift:] + names[:shift]:
                clear_content_caches()
                wall, cpu = time.perf_counter(), time.process_time()
                variants[name](block)
                cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
                best_cpu[name][i] = min(best_cpu[name][i], cpu)
                best_wall[name][i] = min(best_wall[name][i], wall)
                total_cpu[name] += cpu
                total_wall[name] += wall
        for name in names:
            times[name].rounds_cpu.append(total_cpu[name])
            times[name].rounds_wall.append(total_wall[name])
        log("  round {}/{} (CPU s): {}".format(
            r + 1, rounds, ", ".join(f"{name} {total_cpu[name]:.2f}" for name in names)))
    for name in names:
        times[name].best_cpu = sum(best_cpu[name])
        times[name].best_wall = sum(best_wall[name])
    return times


def chunks(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


# ---------------------------------------------------------------------------------------------
# inputs


def subset(items: Sequence[Any], limit: int | None) -> list[Any]:
    """Every k-th item, so that a subset still spans all folders (categories, sites)."""
    items = list(items)
    if limit is None or limit >= len(items):
        return items
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


def load_pages(folder: Path, limit: int | None) -> list[tuple[str, bytes]]:
    """(path, decompressed HTML bytes) of the `*.html.gz` pages in `folder`."""
    paths = subset(sorted(folder.glob("*.html.gz")), limit)
    return [(str(p), gzip.decompress(p.read_bytes())) for p in paths]


def l3s_urls() -> dict[str, str]:
    """Page id (the file name) -> URL, from L3S-GN1's url-mapping.txt."""
    urls = {}
    mapping = L3S / "url-mapping.txt"
    if mapping.exists():
        for line in mapping.read_text(encoding="utf-8").splitlines():
            key, _, url = line.partition("\t")
            urls[key.strip().removeprefix("<urn:uuid:").removesuffix(">")] = url.strip()
    return urls


def tiny_png() -> bytes:
    """A valid 1x1 PNG image."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + chunk(b"IEND", b""))


def warc_record(url: str, record_id: str, content_type: str, payload: bytes) -> bytes:
    """One gzip member holding a WARC/1.1 response record with its HTTP headers."""
    http = (b"HTTP/1.1 200 OK\r\n"
            + f"Content-Type: {content_type}\r\nContent-Length: {len(payload)}\r\n\r\n".encode()
            + payload)
    head = ("WARC/1.1\r\n"
            "WARC-Type: response\r\n"
            f"WARC-Record-ID: <urn:uuid:{record_id}>\r\n"
            "WARC-Date: 2008-01-30T20:39:47Z\r\n"
            f"WARC-Target-URI: {url}\r\n"
            "Content-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(http)}\r\n\r\n").encode()
    return gzip.compress(head + http + b"\r\n\r\n", compresslevel=6)


def write_warcs(folder: Path, pages: list[tuple[str, bytes]]) -> tuple[list[str], int]:
    """WARC.gz files of PAGE_BLOCK pages each, with a PNG record after the PNG_AFTER-th page.

    Returns the paths and the number of PNG records written.
    """
    urls, png, images, paths = l3s_urls(), tiny_png(), 0, []
    for b, block in enumerate(chunks(pages, PAGE_BLOCK)):
        path = folder / f"l3s-gn1-{b:03d}.warc.gz"
        with open(path, "wb") as out:
            for i, (source, data) in enumerate(block, 1):
                page_id = Path(source).name.removesuffix(".html.gz")
                url = urls.get(page_id) or f"http://example.com/{page_id}.html"
                record_id = page_id if _is_uuid(page_id) else str(uuid.uuid5(uuid.NAMESPACE_URL, url))
                out.write(warc_record(url, record_id, "text/html", data))
                if i == PNG_AFTER:
                    images += 1
                    image_url = f"{url.rsplit('/', 1)[0]}/image-{images}.png"
                    out.write(warc_record(image_url, str(uuid.uuid5(uuid.NAMESPACE_URL, image_url)),
                                          "image/png", png))
        paths.append(str(path))
    return paths, images


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------------------------------------
# the three inputs


def bench_text(limit: int | None, rounds: int, log: Log) -> list[Row]:
    from eventwire.clean import prepare
    from eventwire.model import Article
    from eventwire.read import read_paths

    paths = subset(sorted(str(p) for p in BBC.glob("*/*.txt")), limit)
    if not paths:
        log(f"text: skipped ({BBC} not found)")
        return []
    log(f"text: {len(paths)} files of {BBC.name}")

    def decode(block: list[str]) -> None:
        for p in block:
            with open(p, "rb") as fh:
                fh.read().decode("utf-8", "replace")

    def read(block: list[str]) -> None:
        got = sum(isinstance(item, Article) for item in read_paths(block))
        assert got == len(block), f"read_paths gave {got} articles for {len(block)} files"

    def read_prepare(block: list[str]) -> None:
        for item in read_paths(block):
            if isinstance(item, Article):
                prepare(item)

    times = race({"decode": decode, "read_paths": read, "read_paths + prepare": read_prepare},
                 chunks(paths, FILE_BLOCK), rounds, log)
    group, n = "text: bbc-news-2225", len(paths)
    return [Row(group, n, "read_paths", "decode", times["read_paths"], times["decode"]),
            Row(group, n, "read_paths + prepare", "decode", times["read_paths + prepare"], times["decode"])]


def bench_html(name: str, folder: Path, limit: int | None, rounds: int, log: Log) -> list[Row]:
    import trafilatura

    from eventwire.clean import prepare
    from eventwire.model import Article
    from eventwire.read.html import read_html

    pages = load_pages(folder, limit)
    if not pages:
        log(f"html: {name} skipped ({folder} not found)")
        return []
    log(f"html: {len(pages)} pages of {name}")
    Pages = list[tuple[str, bytes]]

    def extract(block: Pages) -> None:
        for _, data in block:
            trafilatura.extract(data)

    def extract_meta(block: Pages) -> None:
        for _, data in block:
            trafilatura.extract(data, with_metadata=True)

    def ours(block: Pages) -> None:
        for source, data in block:
            read_html(data, source)

    def ours_prepare(block: Pages) -> None:
        for source, data in block:
            article = read_html(data, source)
            if isinstance(article, Article):
                prepare(article)

    times = race({"extract": extract, "extract(with_metadata)": extract_meta, "read_html": ours,
                  "read_html + prepare": ours_prepare}, chunks(pages, PAGE_BLOCK), rounds, log)
    group, n = f"html: {name}", len(pages)
    return [Row(group, n, "read_html", "extract", times["read_html"], times["extract"], HTML_TARGET),
            Row(group, n, "read_html", "extract(with_metadata)", times["read_html"],
                times["extract(with_metadata)"]),
            Row(group, n, "read_html + prepare", "extract", times["read_html + prepare"], times["extract"])]


def bench_warc(limit: int | None, rounds: int, log: Log) -> list[Row]:
    import trafilatura
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    from eventwire.model import Skip
    from eventwire.read import read_paths

    pages = load_pages(L3S / "original", limit)
    if not pages:
        log(f"warc: skipped ({L3S} not found)")
        return []
    with tempfile.TemporaryDirectory(prefix="eventwire-bench-") as tmp:
        warcs, images = write_warcs(Path(tmp), pages)
        size = sum(os.path.getsize(p) for p in warcs)
        log(f"warc: {len(pages)} HTML + {images} PNG records in {len(warcs)} files, {size / 1e6:.1f} MB")

        def iterate(**kwargs: Any) -> Callable[[list[str]], None]:
            def run(block: list[str]) -> None:
                for path in block:
                    with open(path, "rb") as fh:
                        for record in ArchiveIterator(fh, record_types=WarcRecordType.response,
                                                      parse_http=True):
                            if record.http_content_type == "text/html":
                                trafilatura.extract(record.reader.read(), **kwargs)
            return run

        def ours(block: list[str]) -> None:
            for item in read_paths(block):
                if isinstance(item, Skip):
                    assert "image/png" in item.reason, item.reason

        times = race({"fastwarc + extract": iterate(),
                      "fastwarc + extract(with_metadata)": iterate(with_metadata=True),
                      "read_paths": ours}, [[p] for p in warcs], rounds, log)
        skipped = sum(isinstance(item, Skip) for item in read_paths(warcs))
        assert skipped == images, f"{skipped} records skipped, {images} images written"
    group, n = "warc.gz: l3s-gn1", len(pages)
    return [Row(group, n, "read_paths", "fastwarc + extract", times["read_paths"],
                times["fastwarc + extract"], HTML_TARGET),
            Row(group, n, "read_paths", "fastwarc + extract(with_metadata)", times["read_paths"],
                times["fastwarc + extract(with_metadata)"])]


# ---------------------------------------------------------------------------------------------
# first pass in a fresh interpreter


def cold_probe(kind: str, folder: str, limit: int | None) -> None:
    """Print the CPU and wall seconds of one first pass over the pages, as JSON."""
    import trafilatura

    from eventwire.read.html import read_html

    pages = load_pages(Path(folder), limit)
    wall, cpu = time.perf_counter(), time.process_time()
    for source, data in pages:
        if kind == "read_html":
            read_html(data, source)
        else:
            trafilatura.extract(data)
    print(json.dumps({"cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall,
                      "n": len(pages)}))


def bench_cold(name: str, folder: Path, limit: int | None, rounds: int, log: Log) -> list[Row]:
    if not any(folder.glob("*.html.gz")):
        return []
    log(f"cold: first pass over {name} in a fresh interpreter")
    cpu: dict[str, list[float]] = {"extract": [], "read_html": []}
    wall: dict[str, list[float]] = {"extract": [], "read_html": []}
    n = 0
    for r in range(rounds):
        for kind in (["extract", "read_html"] if r % 2 == 0 else ["read_html", "extract"]):
            cmd = [sys.executable, __file__, "--cold-probe", kind, "--probe-folder", str(folder)]
            if limit is not None:
                cmd += ["--probe-limit", str(limit)]
            out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT).stdout
            result = json.loads(out.strip().splitlines()[-1])
            cpu[kind].append(result["cpu"])
            wall[kind].append(result["wall"])
            n = result["n"]
        log("  round {}/{} (CPU s): {}".format(
            r + 1, rounds, ", ".join(f"{k} {v[-1]:.2f}" for k, v in cpu.items())))
    return [Row(f"html: {name}, first pass in a fresh process", n, "read_html", "extract",
                Times.of_passes(cpu["read_html"], wall["read_html"]),
                Times.of_passes(cpu["extract"], wall["extract"]))]


# ---------------------------------------------------------------------------------------------
# report


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), cpu)
    except OSError:
        pass
    versions = {}
    for dist in ("trafilatura", "htmldate", "dateparser", "fastwarc", "lxml", "ftfy", "py3langid"):
        try:
            versions[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            versions[dist] = None
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), "load_average": _load(), "revision": _revision(),
            "versions": versions}


def _load() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def _revision() -> str | None:
    """The commit of the tree measured, with "+changes" when files under src/ differ from it."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "src"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("+changes" if dirty else "")


def print_table(rows: list[Row], info: dict[str, Any], args: argparse.Namespace) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not console.is_terminal:
        console = Console(width=160)  # a pipe or a file: do not squeeze the table into 80 columns
    table = Table(title="Reading throughput, best of {} rounds{}".format(
        args.rounds, " (quick subset)" if args.quick else ""))
    for col, justify in (("input", "left"), ("n", "right"), ("ours", "left"), ("baseline", "left"),
                         ("baseline items/s", "right"), ("ours items/s", "right"),
                         ("ratio", "right"), ("target", "left")):
        table.add_column(col, justify=justify, overflow="fold")
    for row in rows:
        target = ""
        if row.target is not None:
            met = row.ratio <= row.target
            target = f"[{'green' if met else 'red'}]≤ {row.target:.2f}: {'met' if met else 'not met'}[/]"
        table.add_row(row.group, str(row.n), row.ours, row.baseline, f"{row.baseline_rate:,.1f}",
                      f"{row.ours_rate:,.1f}", f"{row.ratio:.2f}", target)
    console.print(table)
    console.print("items/s per CPU-second of this process; ratio = CPU time of ours / CPU time of the "
                  "baseline (> 1: ours is slower).")
    console.print(f"{info['cores']} cores ({info['cpu']}), Python {info['python']}, revision "
                  f"{info['revision']}, load average at start {info['load_average']}, "
                  f"{info['seconds']:.0f} s in all.")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--quick", action="store_true",
                        help="a subset (200 text files, 20 pages per HTML set), under a minute")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--rounds", type=int, help="timed rounds (default 5; 2 with --quick)")
    parser.add_argument("--pages", type=int, help="pages per HTML set (default 300; 20 with --quick)")
    parser.add_argument("--only", choices=("text", "html", "warc"), action="append",
                        help="run only this input (repeatable)")
    parser.add_argument("--cold", action=argparse.BooleanOptionalAction, default=None,
                        help="also time a first pass in fresh interpreters (default: on; off with --quick)")
    parser.add_argument("--cold-probe", choices=("extract", "read_html"), help=argparse.SUPPRESS)
    parser.add_argument("--probe-folder", help=argparse.SUPPRESS)
    parser.add_argument("--probe-limit", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.cold_probe:
        cold_probe(args.cold_probe, args.probe_folder, args.probe_limit)
        return 0

    args.rounds = args.rounds or (2 if args.quick else 5)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    text_limit = 200 if args.quick else None
    pages = args.pages or (20 if args.quick else 300)
    cold = (not args.quick) if args.cold is None else args.cold
    only = set(args.only or ("text", "html", "warc"))

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    info = machine()
    started = datetime.now(UTC)
    rows: list[Row] = []
    if "text" in only:
        rows += bench_text(text_limit, args.rounds, log)
    if "html" in only:
        rows += bench_html("l3s-gn1", L3S / "original", pages, args.rounds, log)
        rows += bench_html("trafilatura-eval", TRAF_EVAL / "html", pages, args.rounds, log)
        if cold:
            rows += bench_cold("l3s-gn1", L3S / "original", pages, 2, log)
    if "warc" in only:
        rows += bench_warc(pages, args.rounds, log)
    info["seconds"] = round((datetime.now(UTC) - started).total_seconds(), 1)

    if args.json:
        command = " ".join([".venv/bin/python", "bench/read.py", *(argv or sys.argv[1:])])
        print(json.dumps({"date": started.isoformat(timespec="seconds"), "command": command,
                          "quick": args.quick, "rounds": args.rounds, "machine": info,
                          "rows": [r.to_dict() for r in rows]}, indent=2))
    else:
        print_table(rows, info, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
