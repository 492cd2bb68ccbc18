"""`ask` (grounded prep chat from the terminal) and `eval retrieval` (hit@k on the labelled query sets)."""

from __future__ import annotations

import json
import sys
from typing import Any

from agent.cli.common import eval_sets


def register(commands, evals) -> None:
    """Add the `ask` command and the `eval retrieval` set."""
    ask = commands.add_parser("ask", help="ask the prep chat a question; the answer cites the guidance")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help='print {"answer", "citations"} as JSON')
    ask.set_defaults(func=run_ask)
    retrieval = evals.add_parser("retrieval", help="hit@3 of the knowledge search on the dev and own sets")
    retrieval.add_argument("--k", type=int, default=3)
    retrieval.add_argument("--set", dest="sets", action="append", metavar="JSONL",
                           help="evaluate this file instead of the shipped sets (repeatable)")
    retrieval.add_argument("--keyword", action="store_true", help="BM25 only (no embeddings)")
    retrieval.add_argument("--json", action="store_true")
    retrieval.add_argument("--misses", action="store_true", help="also list the queries the fused search missed")
    retrieval.set_defaults(func=run_eval)


def _retriever(settings: Any, *, build: bool) -> Any:
    """The hybrid retriever; builds a missing index when ``build``, else falls back to keyword search."""
    from retrieval import KeywordRetriever, make_retriever

    retriever = make_retriever(settings)
    if retriever.is_ready():
        return retriever
    if build:
        from retrieval import build_index, open_client

        print("The knowledge index is missing; building it first...", file=sys.stderr)
        build_index(open_client(settings), settings.collection, settings.knowledge_dir, progress=False)
        return retriever
    print("The knowledge index is not built (run `python -m retrieval build`); using keyword search.",
          file=sys.stderr)
    return KeywordRetriever(settings.knowledge_dir)


def _chroma_errors(handler):
    """Turn a Chroma failure into a one-line message and exit code 2 instead of a traceback."""

    def wrapped(args, settings) -> int:
        from chromadb.errors import ChromaError

        try:
            return handler(args, settings)
        except ChromaError as exc:
            print(f"error: the knowledge index failed: {exc}", file=sys.stderr)
            return 2

    return wrapped


@_chroma_errors
def run_ask(args, settings) -> int:
    from agent.core import BackendError, make_chat_model
    from agent.guidance import start_answer

    question = args.question.strip()
    if not question:
        print("error: the question is empty.", file=sys.stderr)
        return 2
    model = make_chat_model(settings.model, settings)
    pending = start_answer(question, _retriever(settings, build=False), model)
    try:
        if args.json:
            print(json.dumps(pending.result().to_dict(), ensure_ascii=False, indent=2))
            return 0
        for piece in pending.stream:
            print(piece, end="", flush=True)
    except BackendError as error:
        print(f"\nerror: {error.user_message()}", file=sys.stderr)
        return 1
    print()
    for c in pending.citations:
        heading = f" > {c.heading}" if c.heading else ""
        print(f"[{c.n}] {c.title}{heading} ({c.source_path})")
    return 0


@_chroma_errors
def run_eval(args, settings) -> int:
    from retrieval import (
        KeywordRetriever,
        default_sets,
        get_embedder,
        hit_at_k,
        load_examples,
        load_topic_head,
        make_retriever,
        topic_hit_at_k,
    )

    sets = eval_sets(args.sets, default_sets(settings.project_root))
    if args.keyword:
        engines = {"keyword": KeywordRetriever(settings.knowledge_dir)}
    else:
        _retriever(settings, build=True)
        engines = {"hybrid": make_retriever(settings, topic_prior=False, diverse=False),
                   "fused": make_retriever(settings)}
    head = None if args.keyword else load_topic_head()
    results: dict[str, dict] = {}
    for name, path in sets.items():
        examples = load_examples(path)
        results[name] = {engine: hit_at_k(r, examples, args.k, name) for engine, r in engines.items()}
        if head is not None:
            results[name]["topic head"] = topic_hit_at_k(head, get_embedder().embed, examples, args.k, name)
    if args.json:
        print(json.dumps({name: {e: r.to_dict() for e, r in by.items()} for name, by in results.items()},
                         indent=2, ensure_ascii=False))
        return 0
    columns = [c for c in ("keyword", "hybrid", "topic head", "fused") if c in next(iter(results.values()))]
    print(f"knowledge search: hit@{args.k} by topic (hybrid = dense + BM25; topic head = the classifier's "
          f"top {args.k} topics; fused = hybrid + topic prior, one passage per likely topic)")
    print(f"{'set':<10}{'n':>6}" + "".join(f"{c:>12}" for c in columns))
    cv = head.meta.get("cv", {}) if head is not None else {}
    if cv:
        print(f"{'train CV':<10}{cv.get('rows', 0):>6}" + "".join(
            f"{cv['top3']:>12.3f}" if c == "topic head" else f"{'-':>12}" for c in columns))
    for name, by in results.items():
        print(f"{name:<10}{by[columns[0]].total:>6}" + "".join(f"{by[c].rate:>12.3f}" for c in columns))
    if args.misses:
        last = columns[-1]
        for name, by in results.items():
            for miss in by[last].misses:
                print(f"  {name} miss: {miss['query']!r} expected {miss['expected']} got {miss['got']}")
    return 0
