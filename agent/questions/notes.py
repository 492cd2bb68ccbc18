"""Minor problems that do not make a question bad: notes, with a short message each."""

from __future__ import annotations

from agent.questions.lexicon import PATTERNS
from agent.questions.rules import AUXILIARIES, Parsed, anchored, tokens

NOTE_MESSAGES = {
    "multiple_questions": "Several questions in one: ask one at a time so each gets a full answer.",
    "closed_question": "Yes/no question: ask how or what instead so it invites a story or their reasoning.",
    "leading_question": "Leading question: it hints at the answer you want; ask it neutrally.",
    "no_context": "No personal context: add a line on your stage and situation so the answer fits you.",
    "partly_googleable": "Part of it can be looked up: check that part first and keep the part that needs "
                         "their judgement.",
}
_ROLE_MISFIT = {
    "story_to_busy": "Role fit: a {role} usually gives little personal time; ask about transitions, what makes "
                     "a candidate ready, or who does this work well rather than for life stories.",
    "network_to_mentor": "Role fit: names and introductions are a connector's strength; with a traditional "
                         "mentor, ask about their decisions, risks and stories.",
    "story_to_coach": "Role fit: a coach works on one concrete skill; ask about a skill you want to build and "
                      "how they would give you feedback.",
}
NOTE_PENALTIES = {"multiple_questions": 6, "closed_question": 6, "leading_question": 10, "no_context": 5,
                  "role_misfit": 10, "partly_googleable": 8}

# The cue patterns are data (patterns.yaml, group `notes`); which note each one decides is code below.
_OPEN_REQUEST = PATTERNS["open_request"]
_EITHER_OR = PATTERNS["either_or"]
_LEADING = PATTERNS["leading"]
PERSONAL_CONTEXT = PATTERNS["personal_context"]
_STORY = PATTERNS["story"]
_NETWORK = PATTERNS["network"]
_SKILL = PATTERNS["skill"]


def _closed(sentence: str) -> bool:
    words = tokens(sentence)
    if not words or words[0] not in AUXILIARIES:
        return False
    if _OPEN_REQUEST.search(sentence) or _EITHER_OR.search(sentence):
        return False
    return True


def has_personal_context(p: Parsed) -> bool:
    """True when the user says something about themselves (their stage, plans, work or trouble)."""
    return bool(PERSONAL_CONTEXT.search(p.text))


def role_misfit(p: Parsed, role: str | None) -> str | None:
    """Return a message when the question does not suit the mentor's likely role."""
    if not role:
        return None
    text = " ".join(p.questions)
    if role in ("sponsor", "connector") and _STORY.search(text):
        return _ROLE_MISFIT["story_to_busy"].format(role=role)
    if role == "mentor" and _NETWORK.search(text):
        return _ROLE_MISFIT["network_to_mentor"]
    if role == "coach" and _STORY.search(text) and not _SKILL.search(text):
        return _ROLE_MISFIT["story_to_coach"]
    return None


def detect_notes(p: Parsed, role: str | None, partly_googleable: bool = False) -> dict[str, str]:
    """Minor problems as {code: message}, in a stable order."""
    notes: dict[str, str] = {}
    if len(p.questions) > 1 or len(p.clauses) > 1:
        notes["multiple_questions"] = NOTE_MESSAGES["multiple_questions"]
    if p.questions and all(_closed(q) for q in p.questions):
        notes["closed_question"] = NOTE_MESSAGES["closed_question"]
    if any(_LEADING.search(s) for s in p.sentences):
        notes["leading_question"] = NOTE_MESSAGES["leading_question"]
    if not has_personal_context(p):
        notes["no_context"] = NOTE_MESSAGES["no_context"]
    misfit = role_misfit(p, role)
    if misfit:
        notes["role_misfit"] = misfit
    if partly_googleable:
        notes["partly_googleable"] = NOTE_MESSAGES["partly_googleable"]
    return notes


def score(flags: list[str], notes: dict[str, str], p: Parsed) -> int:
    """0-100: flag-free questions stay above 50, flagged ones at or below 50."""
    value = 100
    if flags:
        value -= 50 + 15 * (len(flags) - 1)
    value -= sum(NOTE_PENALTIES.get(code, 5) for code in notes)
    if not flags and not any(anchored(c) for c in p.clauses):
        value -= 4
    floor = 51 if not flags else 0
    return max(floor, min(100, value))
