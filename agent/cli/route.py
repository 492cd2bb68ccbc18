"""`route` (which capability each message is for) and `eval intents` (router accuracy on the labelled sets)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from agent.cli.common import eval_sets, map_jsonl
from agent.core import InputError, plain_text


def register(commands, evals) -> None:
    """Add the `route` command and the `eval intents` set."""
    parser = commands.add_parser("route", help="say which capability each chat message is for",
                                 description='Read {"id","message"} JSON lines on stdin and write '
                                             '{"id","intent","confidence"} lines.')
    parser.add_argument("--jsonl", action="store_true", help="read JSON lines on stdin (the only mode)")
    parser.set_defaults(func=run_route)
    ev = evals.add_parser("intents", help="router accuracy: rules, classifier and fused, side by side")
    ev.add_argument("--set", dest="sets", action="append", metavar="JSONL",
                    help="evaluate this file instead of the shipped sets (repeatable)")
    ev.add_argument("--json", action="store_true")
    ev.add_argument("--misses", action="store_true", help="also list the messages the fused router got wrong")
    ev.set_defaults(func=run_eval)


def _embed():
    from retrieval import get_embedder

    embedder = get_embedder()
    return lambda texts: embedder.embed(texts)


def run_route(args, settings, stdin=None, stdout=None) -> int:
    from agent.conversation import route

    embed = _embed()

    def handle(row: dict) -> dict:
        message = row.get("message")
        if not isinstance(message, str) or not plain_text(message):
            raise InputError("'message' must be a non-empty string")
        result = route(message, embed)
        return {"intent": result.intent, "confidence": result.confidence}

    return map_jsonl(stdin or sys.stdin, stdout or sys.stdout, handle, example='{"id": 1, "message": "..."}')


def default_sets(project_root: Path) -> dict[str, Path]:
    root = Path(project_root)
    return {"test": root / "corpus" / "intents" / "test.jsonl",
            "external": root / "corpus" / "external" / "intents.jsonl"}


def run_eval(args, settings) -> int:
    from agent.conversation import INTENTS, evaluate_router, load_router_head

    sets = eval_sets(args.sets, default_sets(settings.project_root))
    head = load_router_head()
    embed = _embed() if head is not None else None
    results: dict[str, Any] = {}
    misses: list[str] = []
    for name, path in sets.items():
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        if not rows or any(r.get("intent") not in INTENTS or not isinstance(r.get("message"), str) for r in rows):
            print(f"error: {path}: each line needs a 'message' string and an 'intent' in {INTENTS}", file=sys.stderr)
            return 2
        results[name], wrong = evaluate_router(rows, embed)
        misses += [f"  {name}: expected {t} got {p}: {m[:160]!r}" for t, p, m in wrong]
    cv = head.meta.get("cv", {}) if head is not None else {}
    if args.json:
        print(json.dumps({"train_cv": cv, **results}, indent=2))
        return 0
    print("intent router: accuracy over ask, read_room, sharpen, rehearse, prep_sheet, follow_up, off_topic")
    print(f"{'set':<10}{'n':>6}{'rules':>9}{'classifier':>12}{'fused':>8}")
    if cv:
        print(f"{'train CV':<10}{cv['rows']:>6}{'-':>9}{cv['classifier_accuracy']:>12.3f}{cv['fused_accuracy']:>8.3f}")
    for name, f in results.items():
        print(f"{name:<10}{f['n']:>6}{f['rules']:>9.3f}{f.get('classifier', float('nan')):>12.3f}"
              f"{f.get('fused', float('nan')):>8.3f}")
    if head is None:
        print("(the router head is not trained: run `python -m agent train`)")
    if args.misses:
        print("\n".join(misses))
    return 0
