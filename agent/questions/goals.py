"""The user's goal, as typed in the profile, normalised into a short phrase a trainee would say.

A goal is only spoken in full when it is short ("transition into pediatrics" -> "hoping to transition into
pediatrics"); a longer goal is reduced to the field it points to ("aiming for EP"), and one that names no
field is left out. Rewrites never paste the goal as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.core import BROAD_FIELDS
from agent.questions.fields import field_hits, find_field_hit, spoken
from agent.questions.lexicon import DOUBLED_FINAL, GOAL_VERBS, LEXICON, MOVE_VERBS, PATTERNS, TOKEN_RE

# A goal longer than this (in words, after its lead-in) is reduced to its field rather than spoken in full.
MAX_GOAL_WORDS = 5

_GOAL_LEAD = PATTERNS["goal_lead"]
_INTEREST_LEAD = PATTERNS["interest_lead"]
_GOAL_DESTINATION = PATTERNS["goal_destination"]
_TARGET_BEFORE = PATTERNS["target_before"]
_DETERMINERS = tuple(f"{w} " for w in LEXICON.lists["goal_determiners"])


def _gerund(verb: str) -> str:
    if verb in DOUBLED_FINAL:
        return verb + verb[-1] + "ing"
    if verb.endswith("ie"):
        return verb[:-2] + "ying"
    if verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")) and verb != "be":
        return verb[:-1] + "ing"
    return verb + "ing"


_BASE_OF = {_gerund(v): v for v in GOAL_VERBS}


@dataclass(frozen=True)
class Goal:
    """A profile goal in the grammatical forms a sentence needs (any may be empty).

    Attributes:
        infinitive: "transition into pediatrics" (follows "hoping to").
        gerund: "transitioning into pediatrics".
        noun: "a move into pediatrics" / "a career in global health".
        field: the field the goal points to, unless the user is already in it.
        term: that field as the goal names it ("EP", "cards").
        words: the goal's words.
    """

    infinitive: str = ""
    gerund: str = ""
    noun: str = ""
    field: str | None = None
    term: str = ""
    words: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.infinitive or self.gerund or self.noun)


def parse_goal(text: str, current: set[str] | frozenset[str] = frozenset()) -> Goal:
    """Normalise one goal as typed ("I want to match into dermatology.", "a career in global health",
    "becoming a hospitalist") into its grammatical forms."""
    goal = " ".join((text or "").replace("\u2019", "'").split()).strip(" .!?;,:")
    goal = _GOAL_LEAD.sub("", goal, count=1).strip(" .!?;,:")
    if not goal:
        return Goal()
    interest = _INTEREST_LEAD.match(goal)
    goal = goal[interest.end():] if interest else goal
    goal = goal[0].lower() + goal[1:] if not goal[:2].isupper() else goal
    low = goal.lower()
    hit = find_field_hit(low)
    found = hit.field if hit else None
    target = found if found and found not in current else None
    term = spoken(hit.term) if hit and target else ""
    words = frozenset(TOKEN_RE.findall(low))
    first, _, rest = low.partition(" ")
    tail = goal[len(first):].strip()
    if interest or not (first in GOAL_VERBS or first in _BASE_OF):
        if low.startswith(_DETERMINERS) or low.endswith("s"):
            noun = goal
        elif found and low == hit.term:
            noun = f"a career in {goal}"
        else:
            noun = f"{'an' if low[0] in 'aeiou' else 'a'} {goal}"
        return Goal(f"work toward {noun}", f"working toward {noun}", noun, target, term, words)
    base = _BASE_OF.get(first, first)
    infinitive, gerund = f"{base} {tail}".strip(), f"{_gerund(base)} {tail}".strip()
    if base in MOVE_VERBS and found and not target:
        return Goal()  # a move into the field the user is already in says nothing
    noun = ""
    into = _GOAL_DESTINATION.match(rest)
    if base in MOVE_VERBS and into:
        noun = f"a move into {into.group(1)}"
    elif base == "become" and rest.startswith(("a ", "an ")):
        noun = f"a role as {rest}"
    return Goal(infinitive, gerund, noun, target, term, words)


_GOAL_SPLIT = re.compile(r"[;\n]+|(?<=[.!?])\s+")


def first_goal(text: str) -> str:
    """The first goal of a profile's goals (they may be separated by ";", new lines or sentences)."""
    parts = [p.strip() for p in _GOAL_SPLIT.split(text or "") if p and p.strip(" .!?;,")]
    return parts[0] if parts else ""


@dataclass(frozen=True)
class Aim:
    """Where the user is heading, as a short spoken phrase.

    Attributes:
        phrase: "aiming for EP" or "hoping to become a hospitalist" ("" when nothing short fits).
        field: the field it points to, if any.
        term: that field as the user names it ("EP").
    """

    phrase: str = ""
    field: str | None = None
    term: str = ""

    def __bool__(self) -> bool:
        return bool(self.phrase)


def _stripped(goal: str) -> str:
    goal = _GOAL_LEAD.sub("", goal.strip(" .!?;,:"), count=1)
    return _INTEREST_LEAD.sub("", goal, count=1).strip(" .!?;,:")


def _short(goal: str) -> bool:
    stripped = _stripped(goal)
    return bool(stripped) and len(stripped.split()) <= MAX_GOAL_WORDS and not re.search(r"[,:()\"/]", stripped)


def _aimed_field(text: str, current: set[str] | frozenset[str]) -> tuple[str, str] | None:
    """(field, spoken name) of the first field the text aims at that the user is not in yet."""
    low = " ".join((text or "").lower().split())
    hits = [h for h in field_hits(low) if h.field not in current and h.term not in BROAD_FIELDS]
    if not hits:
        return None
    aimed = [h for h in hits if _TARGET_BEFORE.search(low[:h.start])]
    hit = (aimed or hits)[0]
    # Trainees say the short name when they use one ("EP" rather than "electrophysiology").
    names = sorted({spoken(h.term) for h in hits if h.field == hit.field}, key=len)
    return hit.field, names[0]


def aim_of(goals: str, interests: str = "", current: set[str] | frozenset[str] = frozenset()) -> Aim:
    """The user's aim from the profile's goals (then interests), normalised to a short phrase.

    A short first goal is said in full ("hoping to transition into pediatrics", "aiming for a nephrology
    fellowship"); otherwise the first field the goals aim at that the user is not already in ("aiming for
    EP"); otherwise nothing.
    """
    goal_text = first_goal(goals)
    if goal_text and _short(goal_text):
        goal = parse_goal(goal_text, current)
        bare = _aimed_field(goal_text, current)
        if bare and spoken(_stripped(goal_text)) == bare[1]:  # the goal is just a field: "EP"
            return Aim(f"aiming for {bare[1]}", *bare)
        if goal.infinitive and not goal.infinitive.startswith("work toward"):
            return Aim(f"hoping to {goal.infinitive}", goal.field, goal.term)
        if goal.noun:
            return Aim(f"aiming for {goal.noun}", goal.field, goal.term)
    for text in (goals, interests):
        found = _aimed_field(text, current)
        if found:
            return Aim(f"aiming for {found[1]}", *found)
    return Aim()
