"""``python -m retrieval build|search|status``: maintain and query the knowledge index."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from agent.core import MentorPrepError
from retrieval.corpus import ROLES, STAGES, TOPICS


def _build(args: argparse.Namespace, settings: Any) -> int:
    from retrieval.index import build_index, describe_location, open_client

    client = open_client(settings)
    if args.rebuild:
        try:
            client.delete_collection(settings.collection)
        except Exception:  # noqa: BLE001 - nothing to delete
            pass
    report = build_index(client, settings.collection, settings.knowledge_dir,
                         progress=not args.quiet, if_missing=args.if_missing)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(f"Index '{settings.collection}' ({describe_location(settings)}):")
        print(report.summary())
    return 0


def _search(args: argparse.Namespace, settings: Any) -> int:
    from retrieval.search import make_retriever

    retriever = make_retriever(settings)
    if not retriever.is_ready():
        from retrieval.index import build_index, open_client

        print("The knowledge index is missing; building it first...", file=sys.stderr)
        build_index(open_client(settings), settings.collection, settings.knowledge_dir, progress=False)
    passages = retriever.search(args.query, args.k, role=args.role, stage=args.stage, topic=args.topic)
    if args.json:
        print(json.dumps([p.to_dict() for p in passages], indent=2, ensure_ascii=False))
        return 0
    for n, p in enumerate(passages, start=1):
        print(f"[{n}] {p.title} > {p.heading}  ({p.topic}, score {p.score:.4f}, sim {p.similarity})")
        print(f"    {p.source_path}")
        print("    " + p.text[:300].replace("\n", " ") + ("..." if len(p.text) > 300 else ""))
    return 0


def _status(args: argparse.Namespace, settings: Any) -> int:
    from retrieval.search import make_retriever

    status = make_retriever(settings).status()
    print(json.dumps(status, indent=2))
    return 0 if status["ready"] else 1


def parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests)."""
    top = argparse.ArgumentParser(prog="python -m retrieval", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="embed new or changed knowledge chunks into Chroma")
    build.add_argument("--if-missing", action="store_true", help="only build when the collection is empty")
    build.add_argument("--rebuild", action="store_true", help="drop the collection and embed everything")
    build.add_argument("--json", action="store_true", help="print the change report as JSON")
    build.add_argument("--quiet", action="store_true", help="no progress bar")
    build.set_defaults(func=_build)
    search = sub.add_parser("search", help="hybrid search over the index")
    search.add_argument("query")
    search.add_argument("--k", type=int, default=3)
    search.add_argument("--role", choices=ROLES)
    search.add_argument("--stage", choices=STAGES)
    search.add_argument("--topic", choices=TOPICS)
    search.add_argument("--json", action="store_true")
    search.set_defaults(func=_search)
    status = sub.add_parser("status", help="is the index ready, and how many chunks it holds")
    status.set_defaults(func=_status)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from chromadb.errors import ChromaError

    from agent.core import load_settings

    try:
        return int(args.func(args, load_settings()))
    except MentorPrepError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ChromaError as exc:
        print(f"error: Chroma refused the request: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
