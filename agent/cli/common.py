"""Helpers shared by the CLI commands."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from agent.core import InputError


def citer_for(settings: Any, *, purpose: str = "results") -> Any:
    """Keyword search over the knowledge files, used for citations; None (with a warning) when there are none.

    Keyword search needs no index build, so commands answer at once and cite the same passages the app does.
    """
    from retrieval import KeywordRetriever

    knowledge = Path(settings.knowledge_dir)
    if not knowledge.is_dir() or not any(knowledge.glob("*.md")):
        print(f"warning: no knowledge files in {knowledge}; {purpose} will have no citations "
              "(set MENTORPREP_KNOWLEDGE).", file=sys.stderr)
        return None
    return KeywordRetriever(knowledge)


def map_jsonl(stdin: IO[str], stdout: IO[str], handle: Callable[[dict], dict], *, example: str) -> int:
    """Write one JSON result line per JSON input line; a bad line gets an ``error`` line and the rest still run.

    Args:
        handle: turns one input object into the result object; raises InputError for a bad object.
        example: what a good line looks like, for the message when no line could be read.

    Returns:
        0 when at least one line was handled, else 2 (with a message on stderr).
    """
    done = failed = 0
    for raw in stdin:
        if not raw.strip():
            continue
        ident = None
        try:
            row = json.loads(raw)
            if not isinstance(row, dict):
                raise InputError("each line must be a JSON object")
            ident = row.get("id")
            out = {"id": ident, **handle(row)}
            done += 1
        except json.JSONDecodeError as exc:
            out = {"id": None, "error": f"malformed JSON: {exc.msg} (column {exc.colno})"}
            failed += 1
        except InputError as exc:
            out = {"id": ident, "error": str(exc)}
            failed += 1
        stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        stdout.flush()
    if not done:
        print("error: no line could be read" + (f" ({failed} malformed)" if failed else " (stdin was empty)")
              + f"; each line must be a JSON object like {example}.", file=sys.stderr)
        return 2
    return 0


def eval_sets(chosen: list[str] | None, defaults: dict[str, Path]) -> dict[str, Path]:
    """The labelled sets to evaluate: the files given with ``--set``, else the shipped dev and own sets.

    Raises:
        InputError: a set file does not exist.
    """
    sets = {Path(p).stem: Path(p) for p in chosen} if chosen else defaults
    missing = [str(p) for p in sets.values() if not p.exists()]
    if missing:
        raise InputError(f"evaluation set(s) not found: {', '.join(missing)}")
    return sets
