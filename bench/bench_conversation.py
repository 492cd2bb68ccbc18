"""The chat agent on the embedded path: router latency (p50 target 30 ms on 2 cores, embedding included) beside
the router's rules alone, and the time of one whole turn for each intent.

Run: `.venv/bin/python bench/bench_conversation.py`
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agent.conversation import StoreMemory, open_conversation, route  # noqa: E402
from agent.conversation.router import rule_hits  # noqa: E402
from agent.core import FakeChatModel, Store, corpus_rows, load_settings  # noqa: E402
from retrieval import KeywordRetriever, get_embedder, make_retriever  # noqa: E402

TARGET_MS = 30.0
TURNS = {
    "ask": "how do I prepare for a coffee chat with an attending?",
    "read_room": "she only gave me 15 min and kept checking her phone, but said she'd put my name forward. "
                 "what does that mean?",
    "sharpen": "is this googleable: how long is EP fellowship?",
    "rehearse": "can we practise? pretend you're a busy cardiology attending",
    "prep_sheet": "make me a prep sheet for my meeting with Dr. Lee, a cardiologist",
    "follow_up": "Dr. Lee offered to introduce me to the fellowship director. can you write the thank-you email?",
    "off_topic": "what's the dose of apixaban in CKD?",
}


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    embedder = get_embedder()
    messages = [r["message"] for r in corpus_rows("intents")][:200]
    route(messages[0], embedder.embed)  # warm-up
    timings: dict[str, list[float]] = {"rules alone": [], "fused router": []}
    for message in messages:
        start = time.perf_counter()
        rule_hits(message)
        timings["rules alone"].append((time.perf_counter() - start) * 1000)
        embedder._cache.clear()  # noqa: SLF001 - time the embedding, not a cache hit
        start = time.perf_counter()
        route(message, embedder.embed)
        timings["fused router"].append((time.perf_counter() - start) * 1000)
    print(f"router: {len(messages)} training messages, one at a time")
    for name, values in timings.items():
        print(f"  {name:<13} p50 {_p(values, .5):7.2f} ms  p95 {_p(values, .95):7.2f} ms")
    p50 = _p(timings["fused router"], .5)
    print(f"  fused / rules (p50): {p50 / max(_p(timings['rules alone'], .5), 1e-6):.0f}x; "
          f"target {TARGET_MS:.0f} ms: {'met' if p50 <= TARGET_MS else 'MISSED'}")

    settings = load_settings(model="fake")
    citer = KeywordRetriever(settings.knowledge_dir)
    retriever = make_retriever(settings)
    search = retriever if retriever.is_ready() else citer
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{Path(folder) / 'bench.db'}")
        store.save_profile("local", career_stage="resident", specialty="internal medicine", goals="EP fellowship")
        print("one whole turn on the embedded path (route, tool, reply, save), fresh session each time:")
        for intent, message in TURNS.items():
            runs = []
            for _ in range(3):
                memory = StoreMemory(store, "local", store.create_session("local"))
                embedder._cache.clear()  # noqa: SLF001
                start = time.perf_counter()
                conversation = open_conversation(memory, FakeChatModel(), retriever=search, citer=citer,
                                                 embed=embedder.embed)
                reply = conversation.respond(message).finish()
                runs.append((time.perf_counter() - start) * 1000)
            print(f"  {intent:<11} {statistics.median(runs):8.1f} ms  -> {reply.intent}/{reply.tool}")


if __name__ == "__main__":
    main()
