"""Time one persona turn on the embedded path (no API key): reading the line, picking and filling the reply.

Two settings, measured in the same run on the same scripted meetings:

* baseline: the reply bank picked by word overlap only (no sentence embedder), the cheapest the engine can be;
* embedded: the default path, with the move classifier and line similarity on sentence embeddings.

Prints p50 and p95 milliseconds per persona turn for each, after a warm-up (loading the embedder and the
line vectors is reported separately), plus live coaching per line. Target: embedded p50 <= 50 ms. No asserts.

    python bench/bench_rehearsal.py [--meetings 6]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agent.rehearsal import PRESETS, bank, coach_note, persona_turn, start_rehearsal  # noqa: E402

TARGET_MS = 50.0
SCRIPTS = [
    ["Hi, I'm Sam, a second-year internal medicine resident trying to decide whether nephrology fits me.",
     "How did you decide on your specialty when you were at my stage?",
     "Could you write me a letter for fellowship?",
     "On a different note, who else should I talk to about nephrology?",
     "I've been thinking about how to balance research with clinical work.",
     "Thank you so much for your time, this was really helpful."],
    ["Hello, I'm Tess, a PGY-2 in family medicine thinking about cardiology.",
     "What's the hardest part of your job these days?",
     "Would you introduce me to someone who takes residents on research projects?",
     "Are there conferences worth going to as a resident?",
     "My presentations on rounds run long and I'd like to tighten them.",
     "Thanks, I'll let you get back to work. Bye!"],
    ["Hi, I'm Ben, an emergency medicine intern who wants to move into radiology.",
     "Have you ever regretted the path you took?",
     "Could you put my name forward for the education committee?",
     "I've been doing a QI project on CT turnaround times. Is that worth presenting?",
     "I'd be glad to help with your project if you need someone.",
     "Have a good rest of your day!"],
]


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _time_turns(meetings: int) -> tuple[list[float], list[float]]:
    """(persona turn ms, coaching ms) over ``meetings`` scripted meetings, cycling presets."""
    turns, notes = [], []
    presets = list(PRESETS.values())
    for n in range(meetings):
        state = start_rehearsal(presets[n % len(presets)], "coffee", "", n)
        for text in SCRIPTS[n % len(SCRIPTS)]:
            start = time.perf_counter()
            persona_turn(state, text)
            turns.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            coach_note(text, state)
            notes.append((time.perf_counter() - start) * 1000)
    return turns, notes


def _report(name: str, samples: list[float]) -> float:
    p50 = statistics.median(samples)
    print(f"{name:<28} p50 {p50:7.1f} ms   p95 {_pct(samples, 0.95):7.1f} ms   n={len(samples)}")
    return p50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=6)
    args = parser.parse_args()

    start = time.perf_counter()
    bank.line_vectors()  # loads the embedder and the cached line vectors
    warm = start_rehearsal(PRESETS["helen-marsh"], seed=99)
    for text in ("Hi, I'm Jo, a resident.", "What surprised you early on?", "Mm, I see."):  # topic, aspect vectors
        persona_turn(warm, text)
    print(f"warm-up (embedder, line vectors, move head): {time.perf_counter() - start:.2f} s")

    embedded, coaching = _time_turns(args.meetings)
    shared = bank.embedder()
    bank.use_embedder(None)  # the baseline: word overlap only
    try:
        baseline, _ = _time_turns(args.meetings)
    finally:
        bank.use_embedder(shared)

    base = _report("baseline (word overlap)", baseline)
    p50 = _report("persona turn, embedded path", embedded)
    _report("live coaching per line", coaching)
    print(f"embedded / baseline: {p50 / base:.1f}x   target p50 <= {TARGET_MS:.0f} ms: "
          f"{'met' if p50 <= TARGET_MS else 'missed'}")


if __name__ == "__main__":
    main()
