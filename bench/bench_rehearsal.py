"""Time one persona turn: templates only, with the embedded model passed in (its default use), and with the
embedded model writing a short opener (opt-in).

Prints median and p95 seconds per persona turn after a warm-up, the ratio of each model setting to the
template-only time, and how often the embedded model's opener passed validation. Target: under 3 s per
turn with the embedded model on 2 cores. Also times live coaching and the debrief. No asserts.

    python bench/bench_rehearsal.py [--turns 12]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agent.rehearsal import (  # noqa: E402
    PRESETS,  # noqa: E402
    coach_note,
    end_rehearsal,
    persona_turn,
    start_rehearsal,
)

USER_TURNS = [
    "Hi, I'm Sam, a second-year internal medicine resident trying to decide whether nephrology fits me.",
    "How did you decide on your specialty when you were at my stage?",
    "My presentations on rounds run long and I'd like to tighten them.",
    "Who else should I talk to about fellowship applications?",
    "I've been thinking about how to balance research with clinical work.",
    "Thank you so much for your time, this was really helpful.",
]


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def _time_turns(turns: int, **kwargs) -> list[float]:
    """Seconds per persona turn over ``turns`` turns, cycling presets and user lines."""
    samples: list[float] = []
    presets = list(PRESETS.values())
    n = 0
    while len(samples) < turns:
        state = start_rehearsal(presets[n % len(presets)], "coffee", "", n)
        for text in USER_TURNS:
            start = time.perf_counter()
            persona_turn(state, text, **kwargs)
            samples.append(time.perf_counter() - start)
        n += 1
    return samples[:turns]


def _report(label: str, samples: list[float], base: float | None = None) -> float:
    median = statistics.median(samples)
    ratio = f"  x{median / base:,.1f} of templates" if base else ""
    print(f"{label:<40} median {median:8.4f} s   p95 {_p95(samples):8.4f} s   n={len(samples)}{ratio}")
    return median


def _time_once(fn: Callable[[], object], repeat: int = 5) -> float:
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=12, help="persona turns to time per setting")
    args = parser.parse_args()

    _time_turns(6)  # warm-up: imports, regex compilation
    base = _report("templates only (model=None)", _time_turns(max(args.turns, 60)))

    try:
        from agent.core import make_chat_model

        model = make_chat_model("local")
    except Exception as exc:  # noqa: BLE001 - the bench reports, never fails
        print(f"embedded model unavailable: {exc}")
        return 0
    _report("embedded model passed (default)", _time_turns(args.turns, model=model), base)

    import agent.rehearsal.model_lines as persona_model

    verdicts: list[bool] = []
    check = persona_model.valid_opener

    def counting(text: str, user_text: str):
        result = check(text, user_text)
        verdicts.append(result is not None)
        return result

    persona_model.valid_opener = counting
    try:
        _time_turns(2, model=model, weak_opener=True)  # warm-up: model load, prompt cache
        verdicts.clear()
        median = _report("embedded model writes opener (opt-in)", _time_turns(args.turns, model=model,
                                                                              weak_opener=True), base)
    finally:
        persona_model.valid_opener = check
    used = sum(verdicts)
    print(f"openers accepted: {used}/{len(verdicts)}; target < 3 s per turn: {'met' if median < 3 else 'missed'}")

    state = start_rehearsal(PRESETS["samuel-brennan"], "coffee", "", 1)
    for text in USER_TURNS:
        persona_turn(state, text)
    citer = None
    try:
        from retrieval import KeywordRetriever

        citer = KeywordRetriever(ROOT / "knowledge")
    except ImportError:
        pass
    note = _time_once(lambda: coach_note(USER_TURNS[1], state, citer))
    debrief = _time_once(lambda: end_rehearsal(state, "sponsor", citer=citer))
    print(f"{'live coaching note':<40} median {note:8.4f} s")
    print(f"{'debrief (7 checks + sources)':<40} median {debrief:8.4f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
