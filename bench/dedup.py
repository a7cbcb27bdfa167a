"""Near-duplicate detection: precision and recall of "same story" on a synthetic set, by threshold.

The set is made from the demo corpus's English articles. Each original gets edited copies, written
as raw text and cleaned by eventwire like any input (so a changed byline goes through the segment
rules, as it would in a real scrape):

- relayout: paragraphs merged and re-split, straight quotes made curly, ad lines in between
- sentence-added: one sentence appended at the end (as in the demo's planted pair)
- sentence-removed: one sentence of a middle paragraph left out
- byline: another byline line under the headline, and another headline
- edited: all three edits at once
- truncated: only the first half of the paragraphs (a hard case: reported, counted as same story)

Truth: a copy and its original (and two copies of one original) are one story; anything made
from two different originals is not. Every article goes through `StoryIndex` (LSH candidates,
then the signature comparison) in a shuffled order; a pair is predicted "same story" when both
get the same story id. The demo's planted pair is checked too, and the BBC corpus (2,225
distinct stories with a few known reprints) shows how many pairs the threshold groups there.

    .venv/bin/python bench/dedup.py            # the tables of docs/dedup.md
    .venv/bin/python bench/dedup.py --json
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from eventwire import dedup  # noqa: E402
from eventwire.clean import prepare  # noqa: E402
from eventwire.model import Article, Result  # noqa: E402
from eventwire.pipeline import run  # noqa: E402

DEMO = ROOT / "src" / "eventwire" / "data" / "demo"
BBC = ROOT.parent / "shared" / "corpora" / "bbc-news-2225"
PLANTED = ("putin-kim-defence-pact.html", "putin-kim-mutual-defense-pact.txt")
KINDS = ("relayout", "sentence-added", "sentence-removed", "byline", "edited", "truncated")
ADDED = "Officials said further talks were expected in the coming weeks, though no date had been set."


def originals() -> list[Result]:
    return [r for r in run([str(DEMO)]) if isinstance(r, Result)]


def _paragraphs(result: Result) -> list[str]:
    return [s.text for s in result.segments if s.kind in ("dateline", "body")]


def _join_datelines(paragraphs: list[str]) -> list[str]:
    """Datelines are their own segments; glue each to the paragraph it opens."""
    out: list[str] = []
    glue = ""
    for p in paragraphs:
        if re.search(r"(?:—|–|--|-|:)\s*$", p) and len(p) < 80:
            glue += p
            continue
        out.append(glue + p)
        glue = ""
    return out


def variant(result: Result, kind: str, rng: random.Random) -> str:
    """The raw text of an edited copy of `result`."""
    headline = result.article.title or "Untitled"
    paras = _join_datelines(_paragraphs(result))
    byline = ""
    if kind in ("sentence-added", "edited"):
        paras = [*paras, ADDED]
    if kind in ("sentence-removed", "edited") and len(paras) > 2:
        i = len(paras) // 2
        sentences = re.split(r"(?<=[.!?])\s+", paras[i])
        if len(sentences) > 1:
            del sentences[rng.randrange(len(sentences))]
            paras[i] = " ".join(sentences)
        else:
            del paras[i]
    if kind in ("byline", "edited"):
        byline = "By Alex Rivera, Staff Writer"
        headline = "UPDATE: " + headline
    if kind == "truncated":
        paras = paras[: max(1, len(paras) // 2)]
    if kind == "relayout":
        merged: list[str] = []
        for i, p in enumerate(paras):
            if i % 3 == 1 and merged:
                merged[-1] += " " + p
            else:
                merged.append(p)
        body = "\n\nAdvertisement\n\n".join(re.sub(r'"([^"]*)"', r"“\1”", p).replace("'", "’") for p in merged)
        return f"{headline}\n\n{body}\n"
    return "\n\n".join(x for x in (headline, byline, *paras) if x) + "\n"


def synthetic(seed: int = 7) -> list[tuple[str, Result]]:
    """(group, result): the originals and their copies, cleaned; group names the original."""
    rng = random.Random(seed)
    items: list[tuple[str, Result]] = []
    for n, result in enumerate(originals()):
        # The planted pair is one story told by two outlets: one group for both and their copies.
        planted = any(result.article.source.endswith(name) for name in PLANTED)
        group = "planted" if planted else f"g{n}"
        items.append((group, result))
        for kind in KINDS:
            text = variant(result, kind, rng)
            cleaned = prepare(Article(text=text, source=f"{group}-{kind}.txt"))
            if isinstance(cleaned, Result):
                items.append((f"{group}|{kind}", cleaned))
    return items


def cluster(results: list[Result], threshold: float, size: int, seed: int = 1) -> list[str]:
    """Story id of each result, assigned in a shuffled order."""
    index = dedup.StoryIndex(threshold=threshold)
    order = list(range(len(results)))
    random.Random(seed).shuffle(order)
    stories = [""] * len(results)
    for seq, i in enumerate(order):
        text = dedup.story_text(results[i])
        stories[i] = index.assign(f"a{i}", dedup.signature(text, size), seq)
    return stories


def evaluate(items: list[tuple[str, Result]], threshold: float, size: int) -> dict[str, object]:
    results = [r for _, r in items]
    stories = cluster(results, threshold, size)
    tp = fp = fn = 0
    recall_by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for i, j in itertools.combinations(range(len(items)), 2):
        gi, gj = items[i][0].split("|")[0], items[j][0].split("|")[0]
        same, predicted = gi == gj, stories[i] == stories[j]
        tp += same and predicted
        fp += predicted and not same
        fn += same and not predicted
        if same and "|" not in items[i][0] and "|" in items[j][0]:  # original vs copy: recall per kind of edit
            kind = items[j][0].split("|")[1]
            recall_by_kind[kind][0] += predicted
            recall_by_kind[kind][1] += 1
    return {"threshold": threshold, "shingle": size, "pairs_same": tp + fn, "tp": tp, "fp": fp, "fn": fn,
            "precision": round(tp / (tp + fp), 3) if tp + fp else 1.0, "recall": round(tp / (tp + fn), 3),
            "recall_by_kind": {k: round(a / b, 3) for k, (a, b) in sorted(recall_by_kind.items())}}


def planted(threshold: float, size: int) -> float:
    pair = [next(r for r in originals() if r.article.source.endswith(name)) for name in PLANTED]
    a, b = (dedup.signature(dedup.story_text(r), size) for r in pair)
    return dedup.similarity(a, b)


def bbc(threshold: float, size: int) -> dict[str, object]:
    if not BBC.exists():
        return {}
    files = sorted(str(p) for p in BBC.glob("*/*.txt"))
    results = [r for r in run(files) if isinstance(r, Result)]
    stories = cluster(results, threshold, size)
    groups: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(stories):
        groups[s].append(i)
    multi = [g for g in groups.values() if len(g) > 1]
    exact = [_jaccard(results[i], results[j], size) for g in multi for i, j in itertools.combinations(g, 2)]
    pairs = sorted((_jaccard(results[i], results[j], size), results[i].article.source, results[j].article.source)
                   for g in multi for i, j in itertools.combinations(g, 2))
    return {"articles": len(results), "stories": len(groups), "stories_with_copies": len(multi),
            "pairs": len(exact), "min_exact_jaccard_of_pairs": round(min(exact), 3) if exact else None,
            "lowest_pairs": [(round(j, 3), a.split("bbc-news-2225/")[-1], b.split("bbc-news-2225/")[-1])
                             for j, a, b in pairs[:4]],
            "exact_jaccard_histogram": {f"{lo / 10:.1f}": sum(lo / 10 <= j < (lo + 1) / 10 + (lo == 9)
                                                              for j, _, _ in pairs) for lo in range(10)},
            "examples": [[results[i].article.source.split("bbc-news-2225/")[-1] for i in g] for g in multi[:5]]}


def _jaccard(a: Result, b: Result, size: int) -> float:
    x, y = (dedup.shingles(dedup.story_text(r), size) for r in (a, b))
    return len(x & y) / len(x | y) if x | y else 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-bbc", action="store_true")
    args = parser.parse_args()
    items = synthetic()
    rows = [evaluate(items, t, size) for size in (3, dedup.SHINGLE) for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)]
    out = {"items": len(items), "originals": sum("|" not in g for g, _ in items), "rows": rows,
           "planted_pair_similarity": round(planted(dedup.THRESHOLD, dedup.SHINGLE), 3)}
    if not args.no_bbc:
        out["bbc"] = bbc(dedup.THRESHOLD, dedup.SHINGLE)
    if args.json:
        print(json.dumps(out, indent=1))
        return
    print(f"{out['items']} articles ({out['originals']} originals and their copies); "
          f"planted pair estimated similarity {out['planted_pair_similarity']}")
    print("| shingle | threshold | precision | recall | " + " | ".join(KINDS) + " |")
    print("|---:|---:|---:|---:|" + "---:|" * len(KINDS))
    for r in rows:
        by = r["recall_by_kind"]
        print(f"| {r['shingle']} | {r['threshold']} | {r['precision']} | {r['recall']} | "
              + " | ".join(str(by.get(k, "")) for k in KINDS) + " |")
    if "bbc" in out:
        print("BBC:", json.dumps(out["bbc"]))


if __name__ == "__main__":
    main()
