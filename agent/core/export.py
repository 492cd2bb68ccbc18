""""Export everything": one JSON file with every row a user owns, and one Markdown file a person can read.

The JSON keeps each table's rows as stored (times in UTC, ISO 8601), so nothing is lost and it can be read back
by a program. The Markdown tells the same story for a person: the profile, each session with its messages and
what was saved in it (prep sheets, follow-up notes, readings, sharpened questions, rehearsal debriefs), each
mentor with their meetings, and the kept questions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from agent.core.userdata import PROFILE_FIELDS, UserStore

FORMAT = "mentorprep-export"
VERSION = 1
Rows = dict[str, list[dict[str, Any]]]
_SPEAKERS = {"user": "You", "assistant": "MentorPrep", "persona": "Mentor (rehearsal)", "coach": "Coach",
             "system": "Note"}
_ARTIFACT_TITLES = {"prep_sheet": "Prep sheet", "follow_up": "Follow-up note", "read_room": "Reading of the room",
                    "sharpen": "Sharpened questions", "rehearsal_debrief": "Rehearsal debrief"}
_INTERNAL = {"conversation_state", "rehearsal_state"}  # working state; its content is in the JSON file


@dataclass(frozen=True)
class Export:
    """The two files of an export, ready for download buttons."""

    json_name: str
    json_text: str
    markdown_name: str
    markdown_text: str


def export_everything(user: UserStore, *, now: datetime | None = None) -> Export:
    """Everything ``user`` owns, as a JSON file and a Markdown file."""
    when = now or datetime.now(UTC)
    rows = user.export_rows()
    stamp = when.strftime("%Y-%m-%d")
    return Export(json_name=f"mentorprep-export-{stamp}.json", json_text=export_json(rows, user.user_id, when),
                  markdown_name=f"mentorprep-export-{stamp}.md",
                  markdown_text=export_markdown(rows, user.user_id, when))


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat() + "Z"  # stored as naive UTC
    return str(value)


def export_json(rows: Rows, user_id: str, when: datetime) -> str:
    """All rows, table by table, with a small header saying what the file is."""
    document = {"format": FORMAT, "version": VERSION, "user_id": user_id, "exported_at": _plain(when),
                "tables": rows}
    return json.dumps(document, default=_plain, ensure_ascii=False, indent=2)


def export_markdown(rows: Rows, user_id: str, when: datetime) -> str:
    """The readable export."""
    out = ["# MentorPrep: everything about you", "",
           f"Exported {when:%Y-%m-%d %H:%M} UTC for user `{user_id}`. The JSON file beside this one has every "
           "detail, including working state not shown here.", ""]
    out += _profile(rows["profiles"])
    out += _sessions(rows["sessions"], rows["messages"], rows["artifacts"])
    out += _mentors(rows["mentors"], rows["meetings"])
    out += _kept(rows["kept_questions"], {m["id"]: m["name"] for m in rows["mentors"]})
    return "\n".join(out).rstrip() + "\n"


def _quote(text: str) -> list[str]:
    """User text as a block quote, so its own Markdown cannot break the file's structure."""
    return [f"> {line}" if line.strip() else ">" for line in str(text).splitlines() or [""]]


def _profile(profiles: list[dict[str, Any]]) -> list[str]:
    out = ["## Profile", ""]
    profile = profiles[0] if profiles else {}
    filled = [(f, profile.get(f)) for f in PROFILE_FIELDS if profile.get(f)]
    out += [f"- **{f.replace('_', ' ').capitalize()}:** {v}" for f, v in filled] or ["Nothing saved."]
    return out + [""]


def _sessions(sessions: list[dict], messages: list[dict], artifacts: list[dict]) -> list[str]:
    out = [f"## Sessions ({len(sessions)})", ""]
    for session in sorted(sessions, key=lambda s: s["created_at"]):
        out += [f"### {session['title']}", "", f"*Started {session['created_at']:%Y-%m-%d %H:%M} UTC.*", ""]
        for message in (m for m in messages if m["session_id"] == session["id"]):
            speaker = _SPEAKERS.get(message["role"], message["role"])
            cut = " (cut off before it finished)" if message.get("partial") else ""
            out += [f"**{speaker}**{cut}:", "", *_quote(message["content"]), ""]
        saved = [a for a in artifacts if a["session_id"] == session["id"] and a["kind"] not in _INTERNAL]
        if saved:
            out += ["#### Saved in this session", ""]
            for artifact in saved:
                out += _artifact(artifact)
    return out


def _artifact(artifact: dict[str, Any]) -> list[str]:
    kind, data = artifact["kind"], artifact["data"] or {}
    title = _ARTIFACT_TITLES.get(kind, kind.replace("_", " ").capitalize())
    edited = " (edited by you)" if artifact.get("edited") else ""
    out = [f"**{title}**{edited}:", ""]
    if isinstance(data.get("markdown"), str):
        out += _quote(data["markdown"])
    elif kind == "prep_sheet":
        out += [f"- {data.get('title', 'Prep sheet')}", f"- Goal: {data.get('goal') or '-'}"]
        out += [f"- Question: {q.get('text', '')}" for q in data.get("questions", []) if isinstance(q, dict)]
    elif isinstance(data.get("note"), str):
        out += _quote(data["note"])
    elif kind == "read_room" and data.get("role"):
        out.append(f"- Likely role: {data['role']}; availability: {data.get('availability') or 'unclear'}")
    elif kind == "rehearsal_debrief" and isinstance(data.get("debrief"), dict):
        checks = data["debrief"].get("checks") or []
        out += [f"- {'PASS' if c.get('passed') else 'miss'}: {c.get('label') or c.get('name', '')}"
                for c in checks if isinstance(c, dict)] or ["- (no checks recorded)"]
    else:
        out += ["```json", json.dumps(data, default=_plain, ensure_ascii=False, indent=2), "```"]
    return out + [""]


def _mentors(mentors: list[dict], meetings: list[dict]) -> list[str]:
    out = [f"## Mentors ({len(mentors)})", ""]
    for mentor in mentors:
        details = ", ".join(x for x in (mentor.get("specialty"), mentor.get("setting")) if x)
        out += [f"### {mentor['name']}" + (f" ({details})" if details else ""), ""]
        estimate = mentor.get("role_estimate") or {}
        if isinstance(estimate, dict) and estimate.get("role"):
            out += [f"- Likely role: {estimate['role']}"]
        if mentor.get("notes"):
            out += ["- Notes:", "", *_quote(mentor["notes"])]
        for meeting in sorted((m for m in meetings if m["mentor_id"] == mentor["id"]), key=lambda m: m["date"]):
            out += ["", f"#### Meeting on {meeting['date']}", ""]
            for label, field in (("Goal", "goal"), ("What happened", "log"), ("Follow-up note", "note")):
                if meeting.get(field):
                    out += [f"{label}:", "", *_quote(meeting[field]), ""]
        out.append("")
    return out


def _kept(questions: list[dict], mentor_names: dict[int, str]) -> list[str]:
    out = [f"## Kept questions ({len(questions)})", ""]
    for q in questions:
        who = f" - for {mentor_names[q['mentor_id']]}" if q.get("mentor_id") in mentor_names else ""
        out.append(f"- {q['text']} *({q['verdict']}{who})*")
    return out + [""]
