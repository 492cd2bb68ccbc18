"""Time the question sharpener per question: verdict only, full critique, and full critique with citations.

Prints median and p95 milliseconds after a warm-up, and the ratio to a trivial baseline (lower-casing and
splitting the question) measured in the same run. Target: verdict under 50 ms. No asserts.

    python bench/bench_questions.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agent.questions import judge, sharpen  # noqa: E402

CONTEXT = {"career_stage": "resident", "specialty": "internal medicine", "goals": "a nephrology fellowship",
           "mentor_role": "sponsor"}


def _questions() -> list[str]:
    rows = []
    for name in ("questions_dev.jsonl", "questions_own.jsonl"):
        path = ROOT / "tests" / "eval_data" / name
        rows += [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line]
    return rows


def _time(fn: Callable[[str], object], questions: list[str], rounds: int) -> list[float]:
    for q in questions[:20]:  # warm-up: regex caches, lazy imports, file reads
        fn(q)
    samples = []
    for _ in range(rounds):
        for q in questions:
            start = time.perf_counter()
            fn(q)
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    questions = _questions()
    citer = None
    try:
        from retrieval import KeywordRetriever

        citer = KeywordRetriever(ROOT / "knowledge")
    except ImportError:
        print("retrieval not importable: skipping the run with citations")

    runs: list[tuple[str, Callable[[str], object]]] = [
        ("baseline (lower + split)", lambda q: q.lower().split()),
        ("verdict (judge)", lambda q: judge(q, CONTEXT)),
        ("full critique, templates", lambda q: sharpen(q, CONTEXT)),
    ]
    if citer is not None:
        runs.append(("full critique + citations", lambda q: sharpen(q, CONTEXT, citer=citer)))

    print(f"{len(questions)} questions x {args.rounds} rounds, after warm-up")
    print(f"{'run':<28} {'median ms':>10} {'p95 ms':>8} {'x baseline':>11}")
    base = None
    for name, fn in runs:
        samples = _time(fn, questions, args.rounds)
        median = statistics.median(samples)
        base = base or median
        print(f"{name:<28} {median:>10.3f} {_p95(samples):>8.3f} {median / base:>11.0f}")
    print("target: verdict median and p95 under 50 ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
