"""`sharpen` (judge and rewrite planned questions) and `eval questions` (flag F1 on the labelled sets)."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

from langchain_core.language_models import BaseChatModel

from agent.cli.common import citer_for, eval_sets, map_jsonl
from agent.core import ROLES, InputError
from retrieval import Citer

log = logging.getLogger(__name__)


def register(commands, evals) -> None:
    """Add the `sharpen` command and the `eval questions` set."""
    parser = commands.add_parser(
        "sharpen", help="judge a question for a senior doctor (too_open / googleable / pumping) and rewrite it",
        description="Judge one question, a pasted list on stdin, or JSON lines on stdin (--jsonl).")
    parser.add_argument("question", nargs="?", help="the question; omit to read a list from stdin")
    parser.add_argument("--json", action="store_true", help="print the full critique(s) as JSON")
    parser.add_argument("--jsonl", action="store_true",
                        help='read {"id","question","context"?} lines on stdin; write one result line each')
    parser.add_argument("--role", choices=ROLES, help="the mentor's likely role")
    parser.add_argument("--mentor-specialty", default="", help="the mentor's specialty")
    parser.add_argument("--specialty", default="", help="your specialty")
    parser.add_argument("--stage", default="", help="your career stage, e.g. student, resident, fellow")
    parser.add_argument("--goal", action="append", default=[], help="a goal of yours (repeatable)")
    parser.add_argument("--templates", action="store_true", help="never ask the chat model for rewrites")
    parser.set_defaults(func=run_sharpen)
    ev = evals.add_parser("questions", help="per-flag precision/recall/F1 and rewrite checks on dev and own sets")
    ev.add_argument("--set", dest="sets", action="append", metavar="JSONL",
                    help="evaluate this file instead of the shipped sets (repeatable)")
    ev.add_argument("--no-rewrites", action="store_true", help="score flags only")
    ev.add_argument("--json", action="store_true")
    ev.add_argument("--misses", action="store_true", help="also print per-label figures and misses of the fused judge")
    ev.set_defaults(func=run_eval)


def _model_for(settings: Any, templates_only: bool) -> Any:
    """A remote model when one is configured (only capable models draft rewrites); else None."""
    if templates_only or not str(settings.model).startswith(("openai:", "compat:")):
        return None
    from agent.core import make_chat_model

    return make_chat_model(settings.model, settings)


def _cli_context(args) -> dict[str, Any]:
    return {k: v for k, v in {"career_stage": args.stage, "specialty": args.specialty, "goals": args.goal,
                              "mentor_role": args.role or "", "mentor_specialty": args.mentor_specialty}.items()
            if v}


def _print_critique(c, rank: int | None = None) -> None:
    head = f"{rank}. " if rank else ""
    print(f"{head}[{c.verdict.upper()}] score {c.score}: {c.question}")
    for code in c.notes:
        print(f"   note: {c.note_messages[code]}")
    print(f"   {c.explanation}")
    for r in c.rewrites:
        print(f"   -> {r}")


def run_sharpen(args, settings) -> int:
    from agent.questions import sharpen, sharpen_batch, split_questions

    context = _cli_context(args)
    citer = citer_for(settings, purpose="critiques")
    model = _model_for(settings, args.templates)
    if args.jsonl:
        return run_jsonl(sys.stdin, sys.stdout, context, citer=citer, model=model)
    if args.question is not None:
        if not args.question.strip():
            print("error: the question is empty; pass the question in quotes.", file=sys.stderr)
            return 2
        critique = sharpen(args.question, context, citer=citer, model=model)
        if args.json:
            print(json.dumps(critique.to_dict(), ensure_ascii=False, indent=2))
        else:
            _print_critique(critique)
        return 0
    if sys.stdin.isatty():
        print("error: give a question in quotes, or pipe a list of questions on stdin.", file=sys.stderr)
        return 2
    questions = split_questions(sys.stdin.read())
    if not questions:
        print("error: no questions found on stdin.", file=sys.stderr)
        return 2
    ranked = sharpen_batch(questions, context, citer=citer, model=model)
    if args.json:
        print(json.dumps([c.to_dict() for c in ranked], ensure_ascii=False, indent=2))
    else:
        for i, c in enumerate(ranked, 1):
            _print_critique(c, i)
    return 0


def _line_context(base: dict[str, Any], extra: Any) -> dict[str, Any]:
    if extra is None:
        return base
    if not isinstance(extra, dict):
        raise InputError("'context' must be an object")
    return {**base, **extra}


def run_jsonl(stdin, stdout, context: dict[str, Any] | None = None, *, citer: Citer | None = None,
              model: BaseChatModel | None = None) -> int:
    """One result line per input line; a bad line gets an ``error`` line and the rest still run."""
    from agent.questions import sharpen

    def handle(row: dict) -> dict:
        question = row.get("question")
        if not isinstance(question, str) or not question.strip():
            raise InputError("'question' must be a non-empty string")
        c = sharpen(question, _line_context(context or {}, row.get("context")), citer=citer, model=model)
        return {"verdict": c.verdict, "flags": c.flags, "notes": c.notes, "score": c.score, "rewrites": c.rewrites}

    return map_jsonl(stdin, stdout, handle, example='{"id": 1, "question": "..."}')


def run_eval(args, settings) -> int:
    from agent.questions import (
        ENGINES,
        default_sets,
        evaluate,
        format_report,
        load_examples,
        side_by_side,
        training_figures,
    )

    sets = eval_sets(args.sets, default_sets(settings.project_root))
    citer = citer_for(settings, purpose="critiques")
    results: dict[str, dict] = {}
    for name, path in sets.items():
        try:
            examples = load_examples(path)
        except (ValueError, json.JSONDecodeError) as exc:
            print(f"error: {path}: {exc}", file=sys.stderr)
            return 2
        results[name] = {engine: evaluate(examples, engine=engine, citer=citer,
                                          check_rewrites=engine == "fused" and not args.no_rewrites)
                         for engine in ENGINES}
    cv = training_figures()
    if args.json:
        print(json.dumps({"train_cv": cv, **{k: {e: r.to_dict() for e, r in v.items()} for k, v in results.items()}},
                         ensure_ascii=False, indent=2))
        return 0
    print(side_by_side(results, cv))
    if not cv:
        print("(the classifier heads are not trained, so every column shows the rules: run `python -m agent train`)")
    if args.misses:
        print("\n\n".join(format_report(name, by["fused"]) for name, by in results.items()))
    return 0
