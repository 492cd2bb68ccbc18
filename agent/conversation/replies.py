"""What the agent says, rendered from tool results and the conversation state, from lines in ``replies.yaml``.

Every verdict in a reply comes from a tool's result (a role, a flag, a score); this module only words it.
Lines are picked deterministically from small banks so the chat does not repeat itself turn after turn.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from agent.conversation.state import ConversationState, MentorRef

_LINES: dict[str, Any] = yaml.safe_load(Path(__file__).with_name("replies.yaml").read_text(encoding="utf-8"))
ROLE_NAMES = {"mentor": "a traditional mentor", "coach": "a coach", "sponsor": "a sponsor", "connector": "a connector"}
NO_KNOWLEDGE = _LINES["no_knowledge"]


def line(key: str, turn: int = 0, **slots: str) -> str:
    """The ``turn``-th variant of a line bank entry, with its slots filled."""
    options = _LINES[key]
    text = options[turn % len(options)] if isinstance(options, list) else options
    return text.format(**slots)


def starter_buttons() -> list[dict[str, str]]:
    """Suggested first messages, as buttons."""
    return [dict(b) for b in _LINES["starters"]]


def welcome(turn: int = 0) -> str:
    return line("welcome", turn)


def help_text() -> str:
    return line("help")


def support(kind: str, turn: int = 0) -> str:
    """A warm, human reply to distress (``distress``) or any hint of self-harm (``crisis``)."""
    return line("crisis" if kind == "crisis" else "distress", turn)


def decline_reason(message: str) -> str:
    clinical = re.search(r"\b(?:dose|dosing|mg|treat|diagnos|patient|drug|medication|prescrib|antibiotic)", message,
                         re.IGNORECASE)
    return "clinical" if clinical else "unrelated"


def decline(message: str) -> str:
    return line(f"decline_{decline_reason(message)}")


def ask_for(need: str, mentor: MentorRef) -> str:
    """One short question for what a tool still needs."""
    return line(f"need_{need}", 0, them=mentor.object() if mentor.pronoun else "them",
                they=mentor.subject() if mentor.pronoun else "they", who=mentor.label())


def clarify(first: str, second: str) -> str:
    return line("clarify", 0, first=_LINES["intent_labels"][first], second=_LINES["intent_labels"][second])


def intent_label(intent: str) -> str:
    return _LINES["intent_labels"][intent]


# ---- results -----------------------------------------------------------------------------------------------

def reading(data: dict[str, Any], mentor: MentorRef, asked: Sequence[str] = ()) -> str:
    """What a read-the-room result means, in a few sentences.

    ``asked`` are the roles the user asked about ("is she more of a sponsor or a mentor?"): the reply
    compares them before saying what the likelier one means.
    """
    who = mentor.subject_label()
    who_is = f"{who} {'are' if who == 'they' else 'is'}"
    role = data.get("role")
    level = data.get("availability")
    scores = data.get("scores") or {}
    if role in ROLE_NAMES and len(asked) == 2:
        first, second = sorted(asked, key=lambda r: -float(scores.get(r, 0)))
        share = {r: str(round(100 * float(scores.get(r, 0)))) for r in (first, second)}
        text = line("reading_compare", 0, who_is=who_is, first=ROLE_NAMES[first], second=ROLE_NAMES[second],
                    first_share=share[first], second_share=share[second])
        text += " " + _LINES["role_meaning"][first]
        if first != role:
            text += " " + line("reading_compare_top", 0, role=ROLE_NAMES[role])
    elif role not in ROLE_NAMES:
        text = line("reading_unclear", 0, who_is=who_is)
    else:
        share = round(100 * float(data.get("scores", {}).get(role, 0)))
        text = line("reading_role", 0, who_is=who_is, role=ROLE_NAMES[role], share=str(share))
        text += " " + _LINES["role_meaning"][role]
    tip = (data.get("guidance") or {}).get("availability_tip")
    if level in ("high", "low") and tip:
        text += " " + tip
    if data.get("tiebreak_question"):
        text += " " + line("tiebreak", 0, question=data["tiebreak_question"])
    return text


def after_reading_buttons(data: dict[str, Any], mentor: MentorRef) -> list[dict[str, str]]:
    them = mentor.object() if mentor.pronoun else "them"
    buttons = [{"label": f"What should I ask {them}?", "message": f"what should I ask {them}?"},
               {"label": "Practise the meeting", "message": f"let's practise - you be {them}"}]
    if data.get("role") in ROLE_NAMES or not data:
        buttons.append({"label": "Make my prep sheet", "message": "make me a prep sheet for the meeting"})
    if not data:
        buttons.insert(0, {"label": "How should I prepare?", "message": "how should I prepare for this meeting?"})
    return buttons


def critiques(items: list[dict[str, Any]]) -> str:
    if not items:
        return line("no_questions")
    strong = sum(1 for c in items if not c.get("flags"))
    if len(items) == 1:
        c = items[0]
        return line("one_strong" if not c.get("flags") else "one_flagged", 0,
                    verdict=str(c.get("verdict", "")).replace("_", " "))
    return line("many", 0, n=str(len(items)), strong=str(strong))


def suggestions(state: ConversationState) -> str:
    role = state.role
    who = state.mentor.label()
    if role in ROLE_NAMES:
        return line("suggestions_role", 0, who=who, role=ROLE_NAMES[role])
    return line("suggestions_plain", 0, who=who)


def debrief(data: dict[str, Any]) -> str:
    return line("debrief", 0, score=str(data.get("score", "")), reveal=str(data.get("reveal", "")))


def prep_sheet(data: dict[str, Any]) -> str:
    return line("prep_sheet", 0, who=str(data.get("mentor") or "your meeting"))


def follow_up(data: dict[str, Any], mentor: MentorRef) -> str:
    missing = data.get("missing") or []
    text = line("follow_up", 0, who=mentor.label())
    if "next_step" in missing:
        text += " " + line("follow_up_missing_step")
    return text
