"""`prep-sheet` (one-page sheet for a meeting, Markdown or PDF) and `follow-up` (thank-you note from a log)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from agent.cli.common import citer_for
from agent.core import InputError
from retrieval import Citer

PROFILE_HELP = ('JSON: {"name", "career_stage", "specialty", "goals", "mentors": [{"name", "specialty", '
                '"setting", "notes", "role_estimate"?, "observations"?, "kept_questions"?}], "kept_questions"?}')


def register(commands, evals) -> None:
    """Add the `prep-sheet` and `follow-up` commands."""
    sheet = commands.add_parser("prep-sheet", help="one-page prep sheet for a meeting with one of your mentors",
                                description=f"Build a prep sheet. The profile file is {PROFILE_HELP}.")
    sheet.add_argument("--profile", required=True, help="profile.json with your details and your mentors")
    sheet.add_argument("--mentor", required=True, help="the mentor's name as written in the profile")
    sheet.add_argument("--format", choices=("md", "pdf"), default="md", help="md (default) or pdf")
    sheet.add_argument("--out", help="write here (pdf default: <mentor>-prep-sheet.pdf; md default: stdout)")
    sheet.add_argument("--goal", default="", help="what you want from this meeting (default: profile goals)")
    sheet.set_defaults(func=run_prep_sheet)
    note = commands.add_parser("follow-up", help="draft a thank-you + next-step note from your meeting log")
    note.add_argument("--log", required=True, help="text file with a few lines on the meeting ('-' = stdin)")
    note.add_argument("--mentor", default="", help="the mentor's name, for the greeting")
    note.add_argument("--profile", help="profile.json, to sign the note and find the mentor's record")
    note.add_argument("--json", action="store_true", help="print {note, specific_thing, next_step, role} as JSON")
    note.add_argument("--polish", action="store_true",
                      help="let the embedded model smooth the wording too (slower; remote models always do)")
    note.set_defaults(func=run_follow_up)


def _error(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def load_profile(path: str) -> dict[str, Any]:
    """Read and check profile.json.

    Raises:
        InputError: the file is missing, is not valid JSON, or has the wrong shape.
    """
    file = Path(path)
    if not file.is_file():
        raise InputError(f"profile file {path!r} not found.")
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text.") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}). "
                         f"Expected {PROFILE_HELP}.") from None
    if not isinstance(data, dict):
        raise InputError(f"{path} must hold a JSON object. Expected {PROFILE_HELP}.")
    mentors = data.get("mentors", [])
    if not isinstance(mentors, list) or not all(isinstance(m, dict) for m in mentors):
        raise InputError(f'"mentors" in {path} must be a list of objects, each with at least a "name".')
    if isinstance(data.get("goals"), list):
        data["goals"] = "; ".join(str(g) for g in data["goals"])
    return data


def find_mentor(profile: dict[str, Any], name: str, path: str = "profile.json") -> dict[str, Any]:
    """The mentor whose name matches (case and spacing ignored).

    Raises:
        InputError: no such mentor; the message lists the known names.
    """
    wanted = " ".join(name.split()).lower()
    mentors = profile.get("mentors") or []
    for mentor in mentors:
        if " ".join(str(mentor.get("name", "")).split()).lower() == wanted:
            return dict(mentor)
    known = ", ".join(repr(str(m.get("name", ""))) for m in mentors) or "none - add them under \"mentors\""
    raise InputError(f"no mentor named {name!r} in {path}. Known mentors: {known}.")


def _observations(mentor: dict[str, Any]) -> str:
    raw = mentor.get("observations") or ""
    return "\n".join(map(str, raw)) if isinstance(raw, list) else str(raw)


def _role_estimate(mentor: dict[str, Any], citer: Citer | None) -> dict | None:
    if mentor.get("role_estimate"):
        return mentor["role_estimate"]
    notes = _observations(mentor).strip()
    if not notes:
        return None
    try:
        from agent.read_room import read_room
    except ImportError:
        print("note: the role engine is not installed; the sheet has no role estimate.", file=sys.stderr)
        return None
    return read_room(notes, citer=citer).to_dict()


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "mentor"


def run_prep_sheet(args, settings) -> int:
    from agent.prep import build_prep_sheet, to_pdf

    try:
        profile = load_profile(args.profile)
        mentor = find_mentor(profile, args.mentor, args.profile)
    except InputError as exc:
        return _error(str(exc))
    citer = citer_for(settings, purpose="the sheet")
    mentor["role_estimate"] = _role_estimate(mentor, citer)
    kept = list(mentor.get("kept_questions") or []) + list(profile.get("kept_questions") or [])
    sheet = build_prep_sheet(profile, mentor, kept, goal=args.goal, citer=citer)
    try:
        if args.format == "md":
            text = sheet.to_markdown()
            if not args.out:
                sys.stdout.write(text)
                return 0
            Path(args.out).write_text(text, encoding="utf-8")
            out = Path(args.out)
        else:
            out = Path(args.out or f"{_slug(sheet.mentor_name)}-prep-sheet.pdf")
            out.write_bytes(to_pdf(sheet))
    except OSError as exc:
        return _error(f"could not write {exc.filename or args.out}: {exc.strerror or exc}.")
    print(str(out))
    return 0


def _read_log(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    file = Path(path)
    if not file.is_file():
        raise InputError(f"log file {path!r} not found - write a few lines on what was said and agreed.")
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text.") from None


def run_follow_up(args, settings) -> int:
    from agent.core import make_chat_model
    from agent.prep import draft_follow_up

    try:
        log = _read_log(args.log)
        if not log.strip():
            raise InputError(f"the log {args.log!r} is empty - write a few lines on what was said and agreed.")
        profile = load_profile(args.profile) if args.profile else {}
        mentor = {"name": args.mentor} if args.mentor else None
        if args.profile and args.mentor:
            mentor = find_mentor(profile, args.mentor, args.profile)
    except InputError as exc:
        return _error(str(exc))
    model = make_chat_model(settings.model, settings)
    result = draft_follow_up(log, profile=profile, mentor=mentor, model=model, polish_weak=args.polish)
    if args.json:
        data = result.to_dict()
        print(json.dumps({k: data[k] for k in ("note", "specific_thing", "next_step", "role", "availability",
                                                "source", "missing")}, ensure_ascii=False))
        return 0
    print(result.note)
    for gap in result.missing or []:
        print(f"note: the log has no {gap.replace('_', ' ')}; add it to the note before sending.",
              file=sys.stderr)
    return 0
