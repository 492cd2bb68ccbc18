"""`train`: fit every learned head on the corpora in ``corpus/`` (deterministic; seconds once embeddings are cached)."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from agent.core import EmbeddingCache, corpus_digest, corpus_rows, head_store, heads_dir, plain_text

# capability -> (corpus folder, the heads it writes)
CAPABILITIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "read_room": ("read_room", ("read_room.role", "read_room.availability", "read_room.role_fused",
                                "read_room.availability_fused")),
    "questions": ("questions", ("questions.flags", "questions.flags_fused")),
    "retrieval": ("retrieval", ("retrieval.topics",)),
    "intents": ("intents", ("conversation.intents",)),
    "signals": ("signals", ("conversation.signals",)),
    "moves": ("moves", ("rehearsal.moves",)),
}


def register(commands, evals) -> None:
    """Add the `train` command."""
    parser = commands.add_parser("train", help="train the learned heads on the labelled corpora",
                                 description="Train the classifiers and fusers on corpus/*/train.jsonl and save them "
                                             "as JSON in MENTORPREP_HEADS (default data/heads).")
    parser.add_argument("capabilities", nargs="*", metavar="CAPABILITY",
                        help=f"train only these ({', '.join(CAPABILITIES)}); default: all")
    parser.add_argument("--if-stale", action="store_true",
                        help="only train heads that are missing or were trained on a different corpus")
    parser.add_argument("--json", action="store_true", help="print the cross-validated figures as JSON")
    parser.set_defaults(func=run)


def features(capability: str) -> str:
    """How a capability reads its text before embedding, when that has changed since heads were first saved."""
    if capability == "intents":
        from agent.conversation import ROUTER_FEATURES

        return ROUTER_FEATURES
    return ""


def stale(capability: str) -> bool:
    """True when a head is missing, or was trained on a different training split or on text read another way."""
    corpus, names = CAPABILITIES[capability]
    store = head_store()
    if store.missing(names):
        return True
    digest, reads = corpus_digest(corpus_rows(corpus)), features(capability)
    metas = [store.get(n).meta for n in names]  # type: ignore[union-attr]
    return any(m.get("corpus") != digest or m.get("features", "") != reads for m in metas)


def trainers(settings: Any) -> dict[str, Callable[[Callable], Any]]:
    from agent.conversation import train_router, train_signals
    from agent.questions import train_heads as train_questions
    from agent.read_room import train_heads as train_read_room
    from agent.rehearsal import train_move_heads
    from retrieval import train_topic_head

    return {
        "read_room": lambda embed: train_read_room(embed),
        "questions": lambda embed: train_questions(embed),
        "retrieval": lambda embed: train_topic_head(embed, settings.knowledge_dir),
        "intents": lambda embed: train_router(embed),
        "signals": lambda embed: train_signals(embed),
        "moves": lambda embed: train_move_heads(embed),
    }


def run(args, settings) -> int:
    unknown = [c for c in args.capabilities if c not in CAPABILITIES]
    if unknown:
        print(f"error: unknown capability {', '.join(unknown)}; choose from {', '.join(CAPABILITIES)}",
              file=sys.stderr)
        return 2
    chosen = args.capabilities or list(CAPABILITIES)
    if args.if_stale:
        chosen = [c for c in chosen if stale(c)]
        if not chosen:
            print(f"heads are up to date in {heads_dir()}", file=sys.stderr)
            return 0
    from retrieval import get_embedder

    cache = EmbeddingCache(get_embedder().embed)

    def embed(texts):
        return cache.embed([plain_text(t) for t in texts])

    reports: dict[str, Any] = {}
    run_all = trainers(settings)
    for name in chosen:
        start = time.perf_counter()
        report = run_all[name](embed)
        cache.save()
        reports[name] = {**asdict(report), "seconds": round(time.perf_counter() - start, 1)}
        if not args.json:
            figures = ", ".join(f"{k} {v}" for k, v in reports[name].items())
            print(f"{name}: {figures}", file=sys.stderr)
    if args.json:
        print(json.dumps(reports, indent=2))
    else:
        print(f"heads saved in {heads_dir()}", file=sys.stderr)
    return 0
