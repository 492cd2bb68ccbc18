"""`read-room` (role and availability from meeting notes) and `eval roles` (accuracy on the labelled sets)."""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import asdict
from typing import IO, Any

from agent.cli.common import citer_for, eval_sets, map_jsonl
from agent.core import InputError

log = logging.getLogger(__name__)


def register(commands, evals) -> None:
    """Add the `read-room` command and the `eval roles` set."""
    from agent.read_room import OBSERVED_BEHAVIOURS

    parser = commands.add_parser(
        "read-room", help="read meeting notes: is this person a mentor, coach, sponsor or connector?",
        description="Read one set of notes (argument or stdin), or JSON lines on stdin with --jsonl.")
    parser.add_argument("notes", nargs="?", help="what happened in the meeting; omit to read it from stdin")
    parser.add_argument("--observed", action="append", default=[], choices=list(OBSERVED_BEHAVIOURS),
                        metavar="KEY", help="a behaviour you observed (repeatable): "
                                            + ", ".join(OBSERVED_BEHAVIOURS))
    parser.add_argument("--json", action="store_true", help="print the full reading as JSON")
    parser.add_argument("--jsonl", action="store_true",
                        help='read {"id","notes","observed"?} lines on stdin; write one result line each')
    parser.add_argument("--no-citations", action="store_true", help="skip searching the knowledge base")
    parser.set_defaults(func=run_read_room)
    ev = evals.add_parser("roles", help="role and availability accuracy: rules, classifier and fused, side by side")
    ev.add_argument("--set", dest="sets", action="append", metavar="JSONL",
                    help="evaluate this file instead of the shipped sets (repeatable)")
    ev.add_argument("--json", action="store_true")
    ev.add_argument("--misses", action="store_true", help="also print confusions and misses of the fused reading")
    ev.set_defaults(func=run_eval)


def run_read_room(args, settings) -> int:
    from agent.read_room import read_room

    if args.jsonl:
        return run_jsonl(sys.stdin, sys.stdout)
    notes = args.notes
    if notes is None:
        if sys.stdin.isatty():
            print('error: give the notes in quotes (read-room "she asked about my goals..."), or pipe them on '
                  "stdin.", file=sys.stderr)
            return 2
        notes = sys.stdin.read()
    if not notes.strip():
        print("error: the notes are empty; describe what happened in the meeting.", file=sys.stderr)
        return 2
    citer = None if args.no_citations else citer_for(settings, purpose="readings")
    reading = read_room(notes, args.observed, citer=citer)
    if args.json:
        print(json.dumps(reading.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_reading(reading))
    return 0


def format_reading(reading: Any) -> str:
    """Human-readable summary of a :class:`agent.read_room.reading.RoleReading`."""
    lines = [f"Role: {reading.role}" + (f" (confidence {reading.confidence:.2f})" if reading.role != "unclear"
                                        else " - no role cues found"),
             f"Availability: {reading.availability}" + (" (guessed from the kind of help)"
                                                        if reading.availability_basis == "role" else "")]
    for role, p in sorted(reading.scores.items(), key=lambda kv: -kv[1]):
        lines.append(f"  {role:<10} {p:5.2f} {'#' * round(p * 30)}")
    if reading.evidence:
        lines.append("Evidence:")
        for e in reading.evidence:
            effect = "against " + e.supports if e.weight < 0 else e.supports
            tag = " (negated)" if e.negated else ""
            lines.append(f'  "{e.text}" -> {effect} [{e.cue}]{tag}')
    for item in reading.observed:
        lines.append(f"  ticked: {item['label']}")
    g = reading.guidance
    lines += ["", g.summary, *[f"  - {tip}" for tip in g.how_to_work], g.availability_tip]
    if reading.tiebreak_question:
        lines += ["", f"To tell {reading.role} from {reading.runner_up}, you could ask: {reading.tiebreak_question}"]
    for i, c in enumerate(g.citations, 1):
        heading = f" > {c['heading']}" if c.get("heading") else ""
        lines.append(f"[{i}] {c.get('title')}{heading} ({c.get('source_path')})")
    return "\n".join(lines)


def run_jsonl(stdin: IO[str], stdout: IO[str]) -> int:
    """One result line per input line; a bad line gets an ``error`` line and the rest still run.

    Returns:
        0 when at least one line was read successfully, else 2.
    """
    from agent.read_room import read_room

    def handle(row: dict) -> dict:
        notes = row.get("notes")
        if not isinstance(notes, str) or not notes.strip():
            raise InputError("'notes' must be a non-empty string")
        observed = row.get("observed") or []
        if not isinstance(observed, list):
            raise InputError("'observed' must be a list of behaviour keys")
        reading = read_room(notes, observed)
        return {"role": reading.role, "availability": reading.availability, "scores": reading.scores,
                "confidence": reading.confidence, "evidence": [asdict(e) for e in reading.evidence]}

    return map_jsonl(stdin, stdout, handle, example='{"id": 1, "notes": "..."}')


def run_eval(args, settings) -> int:
    from agent.read_room import (
        ENGINES,
        default_sets,
        evaluate,
        format_report,
        load_examples,
        side_by_side,
        training_figures,
    )

    sets = eval_sets(args.sets, default_sets(settings.project_root))
    reports: dict[str, dict] = {}
    for name, path in sets.items():
        try:
            examples = load_examples(path)
        except (ValueError, json.JSONDecodeError) as exc:
            print(f"error: {path}: {exc}", file=sys.stderr)
            return 2
        reports[name] = {engine: evaluate(examples, name, engine=engine) for engine in ENGINES}
    cv = training_figures()
    if args.json:
        print(json.dumps({"train_cv": cv, **{name: {e: r.to_dict() for e, r in by.items()}
                                              for name, by in reports.items()}}, ensure_ascii=False, indent=2))
        return 0
    print(side_by_side(reports, cv))
    if not cv:
        print("(the classifier heads are not trained, so every column shows the rules: run `python -m agent train`)")
    if args.misses:
        print("\n\n".join(format_report(by["fused"]) for by in reports.values()))
    return 0
