"""Read the room: time per scenario after warm-up (median, p95; target under 50 ms), against a plain
keyword count run on the same scenarios in the same process. Also prints both methods' accuracy.

Run: `.venv/bin/python bench/bench_roles.py`
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agent.read_room import (  # noqa: E402
    default_sets,
    load_examples,
    read_room,  # noqa: E402
)

ROOT = Path(__file__).resolve().parent.parent
PASSES = 5
TARGET_MS = 50.0

# The trivial baseline: count a handful of keywords per role and per availability level.
_BASELINE_WORDS = {
    "mentor": r"goals|family|life|story|whenever|again",
    "coach": r"feedback|practi[cs]|rehears|review|mock|correct",
    "sponsor": r"nominat|recommend|vouch|reference|forward|promot",
    "connector": r"introduc|names|connect|contact|people|sent me",
}
_BASELINE_TIME = {"high": r"hour|afternoon|dinner|again|long", "low": r"minutes|quick|short|email|watch|messages"}
_BASELINE = {k: re.compile(v, re.IGNORECASE) for k, v in {**_BASELINE_WORDS, **_BASELINE_TIME}.items()}


def keyword_baseline(notes: str) -> tuple[str, str]:
    """The most-mentioned role and availability level by plain keyword counts."""
    counts = {k: len(p.findall(notes)) for k, p in _BASELINE.items()}
    role = max(_BASELINE_WORDS, key=lambda r: counts[r]) if any(counts[r] for r in _BASELINE_WORDS) else "unclear"
    level = "high" if counts["high"] > counts["low"] else "low" if counts["low"] else "unclear"
    return role, level


def _time_per_scenario(func, notes: list[str]) -> list[float]:
    """Milliseconds per scenario: the median over PASSES runs of each one."""
    per_run = [[0.0] * PASSES for _ in notes]
    for p in range(PASSES):
        for i, text in enumerate(notes):
            start = time.perf_counter()
            func(text)
            per_run[i][p] = (time.perf_counter() - start) * 1000
    return [statistics.median(runs) for runs in per_run]


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    examples = [row for path in default_sets(ROOT).values() for row in load_examples(path)]
    notes = [row["notes"] for row in examples]
    for text in notes:  # warm-up: regex caches, imports, allocator
        read_room(text)
        keyword_baseline(text)
    ours = _time_per_scenario(read_room, notes)
    base = _time_per_scenario(keyword_baseline, notes)
    readings = [read_room(text) for text in notes]
    guesses = [keyword_baseline(text) for text in notes]
    n = len(examples)
    role_ours = sum(r.role == e["role"] for r, e in zip(readings, examples, strict=True)) / n
    level_ours = sum(r.availability == e["availability"] for r, e in zip(readings, examples, strict=True)) / n
    role_base = sum(g[0] == e["role"] for g, e in zip(guesses, examples, strict=True)) / n
    level_base = sum(g[1] == e["availability"] for g, e in zip(guesses, examples, strict=True)) / n
    med_ours, med_base = statistics.median(ours), statistics.median(base)
    print(f"read the room: {n} scenarios (dev + own), {PASSES} timed passes after warm-up")
    print(f"  engine:   median {med_ours:7.3f} ms  p95 {_p95(ours):7.3f} ms  max {max(ours):7.3f} ms  "
          f"(target < {TARGET_MS:.0f} ms: {'met' if med_ours < TARGET_MS else 'MISSED'})")
    print(f"  baseline: median {med_base:7.3f} ms  p95 {_p95(base):7.3f} ms  (plain keyword count)")
    print(f"  ratio engine / baseline (median): {med_ours / med_base:.1f}x")
    print(f"  accuracy  engine:   role {role_ours:.3f}  availability {level_ours:.3f}")
    print(f"  accuracy  baseline: role {role_base:.3f}  availability {level_base:.3f}")


if __name__ == "__main__":
    main()
