"""Embedded model: load time, time to first token and tokens/s, ours vs raw `llama_cpp.Llama`.

Both run in this process on the same GGUF and prompt. Our wrapper's overhead should stay within 10%.
Run: `.venv/bin/python bench/bench_models.py`
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from langchain_core.messages import HumanMessage, SystemMessage  # noqa: E402

SYSTEM = "You are a helpful assistant for doctors preparing to meet a senior colleague."
PROMPT = "Give three short tips for a first coffee meeting with a senior physician."
MAX_TOKENS = 96
RUNS = 5


def _measure(stream_factory) -> tuple[float, float, int]:
    start = time.perf_counter()
    first = None
    tokens = 0
    for _ in stream_factory():
        if first is None:
            first = time.perf_counter() - start
        tokens += 1
    total = time.perf_counter() - start
    return first or total, tokens / max(total - (first or 0), 1e-9), tokens


def main() -> None:
    from llama_cpp import Llama

    from agent.core import LocalChatModel, bundled_gguf_path, shared_llama

    path = str(bundled_gguf_path())
    t0 = time.perf_counter()
    llama = Llama(model_path=path, n_ctx=4096, n_threads=2, verbose=False)
    raw_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    model = LocalChatModel(model_path=path, max_tokens=MAX_TOKENS, temperature=0.0, n_ctx=4096, n_threads=2)
    shared_llama(path, 4096, 2)
    our_load = time.perf_counter() - t0
    raw_messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": PROMPT}]
    our_messages = [SystemMessage(SYSTEM), HumanMessage(PROMPT)]

    def raw_stream():
        stream = llama.create_chat_completion(
            messages=raw_messages, max_tokens=MAX_TOKENS, temperature=0.0, stream=True
        )
        for chunk in stream:
            if chunk["choices"][0]["delta"].get("content"):
                yield chunk

    # Interleave the runs so background load on the machine affects both sides alike.
    raw_runs, our_runs = [], []
    for _ in range(RUNS):
        raw_runs.append(_measure(raw_stream))
        our_runs.append(_measure(lambda: model.stream(our_messages)))
    raw, ours = _summary(raw_load, raw_runs), _summary(our_load, our_runs)
    print(f"{'metric':<14}{'raw llama_cpp':>15}{'MentorPrep':>13}{'ratio':>8}")
    for key in ("load_s", "ttft_cold_s", "ttft_warm_s", "tokens_per_s", "tokens"):
        ratio = ours[key] / raw[key] if raw[key] else float("nan")
        print(f"{key:<14}{raw[key]:>15.3f}{ours[key]:>13.3f}{ratio:>8.2f}")
    overhead = raw["tokens_per_s"] / ours["tokens_per_s"] - 1
    print(f"throughput overhead: {overhead:+.1%} (target within 10%)")


def _summary(load: float, runs: list[tuple[float, float, int]]) -> dict[str, float]:
    return {
        "load_s": load,
        "ttft_cold_s": runs[0][0],
        "ttft_warm_s": statistics.median(r[0] for r in runs[1:]),
        "tokens_per_s": statistics.median(r[1] for r in runs),
        "tokens": statistics.median(r[2] for r in runs),
    }


if __name__ == "__main__":
    main()
