"""Beat plans and line templates: how each hidden role shows itself through what the persona does.

Each role has an opening, a sequence of core beats (observable actions from the role literature) and a
close. The lines live in ``lines.yaml`` beside this module (its header explains the format and how to add a
line); this module loads them once at import and offers them under the names the engine uses. Templates are
plain ``str.format`` strings; slots are filled from the persona, the facts it has already stated, and the
user's last line. Templates never name a role: the behaviour has to show it.
"""

from __future__ import annotations

import random
import re

from agent.rehearsal.material import Beat, load_lines

# Words that would state a role instead of showing it; never allowed in a persona line.
ROLE_WORDS = re.compile(
    r"\b(mentor(s|ing|ship|ed|ee|ees)?|coach(es|ing|ed)?|sponsor(s|ing|ship|ed)?|connector(s)?|"
    r"network(er|ers|ing)|archetype(s)?)\b",
    re.I,
)

_BOOK = load_lines()
_ROLES = _BOOK.roles

BEATS: dict[str, dict[str, Beat]] = {role: spec.beat_map() for role, spec in _ROLES.items()}
# Core beats in order; a seeded shuffle swaps neighbours in the middle so runs differ but every plan
# shows its signature actions early enough for a six-turn meeting.
CORE_ORDER: dict[str, tuple[str, ...]] = {role: spec.plan for role, spec in _ROLES.items()}
# Neighbours whose order does not matter (an offer never comes before what it builds on).
SWAPPABLE: dict[str, tuple[int, ...]] = {role: spec.swappable for role, spec in _ROLES.items()}
# Elaborations an unhurried persona adds when a beat has none of its own; each keeps the role's colour.
ROLE_MORE: dict[str, tuple[str, ...]] = {role: spec.more for role, spec in _ROLES.items()}
# Short, role-coloured answers to a general question, said before the planned beat.
QUESTION_ANSWERS: dict[str, tuple[str, ...]] = {role: spec.question_answers for role, spec in _ROLES.items()}
# Opening lines for a follow-up meeting: no self-introduction, straight back to what they do.
FOLLOW_UP_OPEN: dict[str, str] = {role: spec.follow_up_open for role, spec in _ROLES.items()}
FAVOUR_REPLIES: dict[str, str] = {role: spec.favour_reply for role, spec in _ROLES.items()}
# When the user asks about a colleague the persona has not named: in character, by what the persona does.
NAMED_REPLIES: dict[str, str] = {role: spec.named_reply for role, spec in _ROLES.items()}
# What carried the persona's own career, in the colours of what it does for others.
OWN_PATH_TAILS: dict[str, str] = {role: spec.own_path_tail for role, spec in _ROLES.items()}
# What each beat does, in plain words, for a capable model (never names the role).
INTENTS: dict[str, str] = {
    **dict(_BOOK.default_intents),
    **{f"{role}.{beat_id}": beat.intent for role, spec in _ROLES.items()
       for beat_id, beat in spec.beats.items() if beat.intent},
}

MEETING_OPENERS: dict[str, tuple[str, ...]] = dict(_BOOK.meeting_openers)
UNHURRIED_TIME_CUES: tuple[str, ...] = _BOOK.unhurried_time_cues
BUSY_TIME_CUES: tuple[str, ...] = _BOOK.busy_time_cues
BUSY_GOODBYES: tuple[str, ...] = _BOOK.busy_goodbyes
AFTER_CLOSE: tuple[str, ...] = _BOOK.after_close
DEFLECTIONS: tuple[str, ...] = _BOOK.deflections
ACKS: dict[str, tuple[str, ...]] = dict(_BOOK.acks)
REOPEN: tuple[str, ...] = _BOOK.reopen
# Before the persona's own story, when the user asked about its path: the story is the answer.
STORY_LEADS: tuple[str, ...] = _BOOK.story_leads
GREETING_FIX: str = _BOOK.greeting_fix
# A skill-focused persona asks which skill to work on before it has one.
FIND_SKILL: tuple[str, ...] = _BOOK.find_skill
GENERIC_SKILL: dict = dict(_BOOK.generic_skill)
STORIES: tuple[str, ...] = _BOOK.stories
CADENCES: tuple[str, ...] = _BOOK.cadences
# Short answers about the persona's own path, by what was asked; slots come from its fixed facts.
OWN_PATH: tuple[tuple[str, tuple[str, ...]], ...] = tuple((entry.pattern, entry.lines) for entry in _BOOK.own_path)
OWN_PATH_DEFAULT: str = _BOOK.own_path_default
_ROLE_SWAPS: dict[str, str] = dict(_BOOK.role_swaps)


def plan_beats(role: str, rng: random.Random) -> list[str]:
    """Opening, then the role's core beats with a little seeded variation in their order."""
    core = list(CORE_ORDER[role])
    for i in SWAPPABLE[role]:
        if rng.random() < 0.5:
            core[i], core[i + 1] = core[i + 1], core[i]
    return ["open", *core]


def sanitize(text: str) -> str:
    """Replace any role label with a plain word so a persona line never states its role."""
    def swap(match: re.Match) -> str:
        word = match.group(0)
        plain = _ROLE_SWAPS.get(word.lower(), "colleague")
        return plain.capitalize() if word[0].isupper() else plain

    return ROLE_WORDS.sub(swap, text or "")


def has_role_word(text: str) -> bool:
    """True when a text states a role label."""
    return bool(ROLE_WORDS.search(text or ""))
