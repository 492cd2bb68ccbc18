"""``mentorprep rehearse``: role-play a meeting from a script or interactively, then print the debrief."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from agent.cli.common import citer_for
from agent.core import ROLES, InputError
from agent.rehearsal import MEETINGS, PRESETS, get_persona

MAX_TURN_CHARS = 2000
MAX_TURNS = 60


def register(commands, evals) -> None:
    """Add the ``rehearse`` command."""
    parser = commands.add_parser(
        "rehearse", help="rehearse a meeting with a persona, then guess their role and get a scorecard",
        description="Meet a persona whose role is hidden. With --script, user turns come from a file (one "
                    "per line, '#' comments and blank lines skipped); without it, type your turns and finish "
                    "with /end.")
    parser.add_argument("--persona", default="surprise",
                        help=f"preset id ({', '.join(PRESETS)}), a role name ({', '.join(ROLES)}) or "
                             "'surprise'")
    parser.add_argument("--seed", type=int, default=None, help="makes persona, plan and wording reproducible")
    parser.add_argument("--meeting", default="coffee", choices=list(MEETINGS), help="meeting type")
    parser.add_argument("--goal", default="", help="what you want from the meeting")
    parser.add_argument("--guess", choices=list(ROLES), help="your guess of the persona's role (script mode)")
    parser.add_argument("--script", help="text file with one user turn per line (or a JSON list of strings)")
    parser.add_argument("--coach", action="store_true", help="show live coaching notes on stderr")
    parser.add_argument("--json", action="store_true", help="print {persona, transcript, debrief} as JSON")
    parser.set_defaults(func=handle)


def read_script(path: str) -> list[str]:
    """User turns from a script file.

    Raises:
        InputError: the file is missing, unreadable, not UTF-8, malformed JSON, or holds no usable turns.
    """
    file = Path(path)
    if not file.is_file():
        raise InputError(f"Script file not found: {path}. Give a text file with one user turn per line.")
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"Script file {path} is not UTF-8 text.") from None
    except OSError as exc:
        raise InputError(f"Cannot read script file {path}: {exc.strerror}.") from None
    if file.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"Script file {path} is not valid JSON ({exc.msg}, line {exc.lineno}).") from None
        if not isinstance(data, list) or not all(isinstance(t, str) for t in data):
            raise InputError(f"Script file {path} must hold a JSON list of strings.")
        turns = [" ".join(t.split()) for t in data]
    else:
        turns = [" ".join(line.split()) for line in text.splitlines() if not line.strip().startswith("#")]
    turns = [t for t in turns if t]
    if "/end" in turns:
        turns = turns[: turns.index("/end")]
    if not turns:
        raise InputError(f"Script file {path} has no user turns: write one turn per line.")
    if len(turns) > MAX_TURNS:
        raise InputError(f"Script file {path} has {len(turns)} turns; the limit is {MAX_TURNS}.")
    for n, turn in enumerate(turns, 1):
        if len(turn) > MAX_TURN_CHARS:
            raise InputError(f"Turn {n} of {path} is {len(turn)} characters; the limit is {MAX_TURN_CHARS}.")
        if "\x00" in turn:
            raise InputError(f"Script file {path} looks binary (turn {n}).")
    return turns


def handle(args, settings) -> int:
    """Run one rehearsal and print the transcript and debrief."""
    from agent.core import make_chat_model
    from agent.rehearsal import coach_note, end_rehearsal, persona_turn, start_rehearsal
    turns = read_script(args.script) if args.script else None
    seed = args.seed if args.seed is not None else (0 if turns else random.randrange(10_000))
    persona = get_persona(args.persona, seed)
    model = make_chat_model(settings.model, settings)
    citer = citer_for(settings, purpose="the debrief")
    state = start_rehearsal(persona, args.meeting, args.goal, seed)
    if turns is None:
        return _interactive(state, model, citer, args, seed)
    for text in turns:
        if args.coach:
            _show_note(coach_note(text, state, citer))
        persona_turn(state, text, model=model)
    debrief = end_rehearsal(state, args.guess, citer=citer)
    _output(state, debrief, args.json, seed)
    return 0


def _interactive(state, model, citer, args, seed: int) -> int:
    from agent.rehearsal import coach_note, end_rehearsal, persona_turn

    persona = state.persona
    print(f"Meeting {persona.name} ({persona.title}, {persona.public_dict()['time_available']}). "
          f"Type your lines; /end finishes. (seed {seed})", file=sys.stderr)
    print(f"{persona.name}: {state.turns[0].text}")
    while not state.closed:
        try:
            text = input("You: ").strip()
        except EOFError:
            break
        if text == "/end":
            break
        if not text:
            continue
        note = coach_note(text, state, citer) if args.coach else None
        reply = persona_turn(state, text[:MAX_TURN_CHARS], model=model)
        print(f"{persona.name}: {reply.text}")
        _show_note(note)
    guess = args.guess
    while guess is None:
        try:
            answer = input(f"Which role did they play? [{'/'.join(ROLES)}]: ").strip().lower()
        except EOFError:
            break
        guess = answer if answer in ROLES else None
    debrief = end_rehearsal(state, guess, citer=citer)
    _output(state, debrief, args.json, seed)
    return 0


def _show_note(note) -> None:
    if note is None:
        return
    for q in note.questions:
        flags = f" ({', '.join(q['flags'])})" if q["flags"] else ""
        print(f"  [coach] question: {q['verdict']}{flags}", file=sys.stderr)
    if note.tip:
        print(f"  [coach] tip: {note.tip}", file=sys.stderr)


def _output(state, debrief, as_json: bool, seed: int) -> None:
    if as_json:
        print(json.dumps({"persona": state.persona.to_dict(), "seed": seed,
                          "transcript": [t.to_dict() for t in state.turns], "debrief": debrief.to_dict()},
                         ensure_ascii=False, indent=2))
        return
    print(format_debrief(debrief.to_dict()))


def format_debrief(data: dict) -> str:
    """A plain-text scorecard."""
    lines = ["", f"Reveal: {data['reveal']}"]
    lines += [f"  turn {e['turn']}: \"{e['quote']}\"" for e in data["role_evidence"]]
    lines.append(f"Your guess: {data['guess'] or '(none)'}  -  score {data['score']}")
    for check in data["checks"]:
        mark = "✓" if check["passed"] else "✗"
        lines.append(f"{mark} {check['label']}: {check['why']}")
        lines += [f"    turn {e['turn']}: \"{e['quote']}\"" for e in check["evidence"]]
    lines.append("Do differently:")
    for item in data["improvements"]:
        src = item.get("source") or {}
        where = " - ".join(x for x in (src.get("title"), src.get("heading")) if x)
        cite = f" [{where}]" if where else ""
        lines.append(f"  - {item['text']}{cite}")
    return "\n".join(lines)
