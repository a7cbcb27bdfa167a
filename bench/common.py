"""What the spaCy benchmarks share: the BBC articles as eventwire parses them, and timing
rounds that alternate the variants (these machines are noisy; ratios come from best times)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BBC = ROOT.parent / "shared" / "corpora" / "bbc-news-2225"


def bbc_articles(n: int) -> tuple[list[str], list, list[str]]:
    """(files, cleaned results, Doc texts) of the first `n` BBC articles; exits if absent."""
    if not BBC.exists():
        sys.exit(f"BBC corpus not found at {BBC}")
    from eventwire.model import Result
    from eventwire.nlp import doc_text, prepare_text
    from eventwire.pipeline import run

    files = sorted(str(p) for p in BBC.glob("*/*.txt"))[:n]
    results = [r for r in run(files) if isinstance(r, Result)]
    return files, results, [doc_text(prepare_text(r)[0]) for r in results]


def best_times(variants: list[tuple[str, Callable[[], object]]], rounds: int) -> tuple[dict, dict]:
    """Time each variant once per round, rotating their order; (best, all) seconds by name."""
    times: dict[str, list[float]] = {name: [] for name, _ in variants}
    for i in range(rounds):
        k = i % len(variants)
        for name, f in variants[k:] + variants[:k]:
            start = time.perf_counter()
            f()
            times[name].append(round(time.perf_counter() - start, 3))
    return {name: min(t) for name, t in times.items()}, times
