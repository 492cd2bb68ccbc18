"""Beat plans and line templates: how each hidden role shows itself through what the persona does.

Each role has a sequence of core beats (observable actions from the role literature) and a close; the persona
takes the next one after it has answered what the trainee said. The lines live in ``lines.yaml`` beside this
module (its header explains the format); this module loads them once at import and offers them under the names
the engine uses. Templates are ``str.format`` strings filled from normalised values only, and never name a
role: the behaviour has to show it.
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
# Core beats in order; a seeded shuffle swaps neighbours so runs differ but every plan shows its signature
# actions early enough for a short meeting.
CORE_ORDER: dict[str, tuple[str, ...]] = {role: spec.plan for role, spec in _ROLES.items()}
# Neighbours whose order does not matter (an offer never comes before what it builds on).
SWAPPABLE: dict[str, tuple[int, ...]] = {role: spec.swappable for role, spec in _ROLES.items()}
# Sentences an unhurried persona may add after a beat; each keeps the role's colour.
ROLE_MORE: dict[str, tuple[str, ...]] = {role: spec.more for role, spec in _ROLES.items()}
# When the user asks about a colleague the persona has not named: in character, by what the persona does.
NAMED_REPLIES: dict[str, str] = {role: spec.named_reply for role, spec in _ROLES.items()}
# What each beat does, in plain words, for a capable model (never names the role).
INTENTS: dict[str, str] = {
    **dict(_BOOK.default_intents),
    **{f"{role}.{beat_id}": beat.intent for role, spec in _ROLES.items()
       for beat_id, beat in spec.beats.items() if beat.intent},
}
CADENCES: tuple[str, ...] = _BOOK.cadences
GENERIC_SKILL: dict = dict(_BOOK.generic_skill)
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
