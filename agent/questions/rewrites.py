"""Rewrites of a planned question: templates over the user's profile, or a capable model's drafts.

Every rewrite keeps the user's subject (a field, a choice between fields, or a topic taken from the
question), adds the user's situation when the profile is known, and asks for something this mentor can
answer from experience in a way that suits their role. The caller re-checks each rewrite with the same rules.

The templates (``templates.yaml``) and the patterns that find the subject, the goal and what a pumping
question asked for (``patterns.yaml``) are data loaded by :mod:`agent.questions.lexicon`; choosing, ordering
and filling templates is code here.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from agent.core import BROAD_FIELDS, FIELD_ABBREVIATIONS
from agent.questions.lexicon import (
    DOUBLED_FINAL,
    FIELD_WORDS,
    GENERIC,
    GOAL_VERBS,
    LEXICON,
    LIGHT_VERBS,
    MOVE_VERBS,
    PATTERNS,
    PRACTITIONERS,
    SLOT_RE,
    SPECIALTIES,
    STOPWORDS,
    TOKEN_RE,
    WORDS,
    Template,
)

log = logging.getLogger(__name__)

_FIELD_RE = re.compile(
    r"\b(" + "|".join(sorted((re.escape(s) for s in SPECIALTIES), key=len, reverse=True)) + r")\b"
)
_PRACTITIONER_RE = re.compile(r"\b(" + "|".join(sorted(PRACTITIONERS, key=len, reverse=True)) + r")s?\b")
# (pattern, kind) in priority order: the first kind that matches names what a pumping question asked for.
_OUTCOME_KINDS = list(LEXICON.outcome_kinds)


@dataclass(frozen=True)
class Subject:
    """What the question is about.

    Attributes:
        field: the field it is about (cardiology), possibly the user's own.
        topic: a noun phrase it is about (a cardiology fellowship, the licensing exam).
        from_question: True when the field or topic came from the question rather than the profile.
        choice: fields the user is choosing between ("cardiology", "nephrology"), if the question names one.
        current: fields the user already works in (from the profile or the question's context).
    """

    field: str | None
    topic: str | None
    from_question: bool
    choice: tuple[str, ...] = ()
    current: frozenset[str] = frozenset()

    @property
    def phrase(self) -> str:
        if self.choice:
            return " or ".join(self.choice)
        return self.topic or self.field or ""

    def fits(self, goal: Goal, *, loosely: bool = False) -> bool:
        """True when the goal can be named next to this subject without pulling the question elsewhere.

        ``loosely`` (for the introduction) also lets in a goal that names no field, as background.
        """
        if not self.from_question or not (self.field or self.choice):
            return True
        return goal.field in (self.field, *self.choice) or (loosely and goal.field is None and not self.choice)

    @property
    def target(self) -> str | None:
        """The field the user might move into: never one they are already in."""
        return self.field if self.field and self.field not in self.current else None


def _clean_field(name: str) -> str:
    return FIELD_ABBREVIATIONS.get(name, name)


_TARGET_BEFORE = PATTERNS["target_before"]
# "I am a PGY-2 in internal medicine", "I trained in family medicine", "I am a family physician".
_CURRENT_BEFORE = PATTERNS["current_before"]
_CHOICE_JOIN = PATTERNS["choice_join"]
_CHOICE_LEAD = PATTERNS["choice_lead"]


def _field_hits(text: str) -> list[tuple[int, int, str]]:
    hits = [(m.start(), m.end(), m.group(1)) for m in _FIELD_RE.finditer(text)]
    hits += [(m.start(), m.end(), PRACTITIONERS[m.group(1)]) for m in _PRACTITIONER_RE.finditer(text)]
    hits.sort()
    # Drop a hit inside a longer one ("surgery" in "general surgery").
    return [h for h in hits if not any(o[0] <= h[0] and h[1] <= o[1] and o != h for o in hits)]


def current_fields(text: str) -> set[str]:
    """Fields the text says the user already works or trains in."""
    return {_clean_field(f) for s, _, f in _field_hits(text) if _CURRENT_BEFORE.search(text[:s])}


def find_choice(text: str) -> tuple[str, ...]:
    """Two fields the question weighs against each other ("between cardiology and nephrology")."""
    hits = [(s, e, _clean_field(f)) for s, e, f in _field_hits(text)
            if f not in BROAD_FIELDS or f in FIELD_ABBREVIATIONS]
    for (_, e1, a), (s2, _, b) in zip(hits, hits[1:], strict=False):
        join = text[e1:s2]
        if a == b or not _CHOICE_JOIN.match(join):
            continue
        if "and" in join.split() and not _CHOICE_LEAD.search(text[:e1]):
            continue
        return (a, b)
    return ()


def find_field(text: str, exclude: set[str] | frozenset[str] = frozenset()) -> str | None:
    """The field a question is about (normalised, lower-case).

    When several are named, a field introduced as a target ("move *into* pediatrics") wins over one named
    as background ("I trained in family medicine"); fields in ``exclude`` (the user's own) count only when
    nothing else is named; otherwise the first specific one.
    """
    hits = [(s, _clean_field(f), f) for s, _, f in _field_hits(text)]
    specific = [(i, h) for i, h, raw in hits if raw not in BROAD_FIELDS] or [(i, h) for i, h, _ in hits]
    if not specific:
        return None
    fresh = [(i, h) for i, h in specific if h not in exclude] or specific
    targets = [h for i, h in fresh if _TARGET_BEFORE.search(text[:i])]
    return targets[-1] if targets else fresh[0][1]


_TOPIC_RE = PATTERNS["topic"]
_VERBISH = WORDS["topic_breakers"]
_TRAINING = "(?:" + LEXICON.alternatives("training_nouns") + ")"


def _noun_run(words: list[str]) -> list[str]:
    run = []
    for w in words:
        if w in STOPWORDS or w in _VERBISH or w in LIGHT_VERBS:
            break
        run.append(w)
    return run


def find_topic(text: str) -> str | None:
    """A short noun phrase the question is about, e.g. 'the licensing exam' or 'fellowship applications'."""
    candidates = []
    for m in _TOPIC_RE.finditer(text):
        words = _noun_run(m.group("np").split())
        if words and not all(w in GENERIC or w in FIELD_WORDS for w in words):
            det = "the " if m.group("det") in ("the ", "a ", "an ") else ""
            candidates.append(det + " ".join(words))
    if candidates:
        return candidates[-1]
    runs, run = [], []
    for w in TOKEN_RE.findall(text):
        if w in STOPWORDS or w in LIGHT_VERBS or w in GENERIC or w in _VERBISH:
            runs, run = (runs + [run] if run else runs), []
        else:
            run.append(w)
    runs = [r for r in runs + [run] if len(r) >= 2]
    return " ".join(max(reversed(runs), key=len)) if runs else None


def extract_subject(normalized_question: str, profile_field: str | None,
                    current: set[str] | frozenset[str] = frozenset()) -> Subject:
    """The field, choice and topic of the question; the profile's field fills in when the question names none.

    Args:
        normalized_question: the question after ``question_rules.normalize``.
        profile_field: the field the profile points to (the goal's field, else the user's specialty).
        current: fields the user already works in; a field named in the question's context as the user's
            own is added to them.
    """
    here = frozenset(current) | current_fields(normalized_question)
    choice = tuple(f for f in find_choice(normalized_question))
    if choice:
        return Subject(None, None, True, choice, here)
    found = find_field(normalized_question, here)
    if found and (found not in here or not profile_field or profile_field in here):
        m = re.search(rf"\b(?:(a|an|the|my|your)\s+)?{re.escape(found)}\s+({_TRAINING})\b", normalized_question)
        topic = None
        if m:
            plural = m.group(2).endswith("s") and m.group(2) != "boards"
            det = "" if plural else ("the " if m.group(1) == "the" else "a ")
            topic = f"{det}{found} {m.group(2)}"
        return Subject(found, topic, True, (), here)
    topic = find_topic(normalized_question)
    return Subject(profile_field, topic, bool(topic), (), here)


# ---- the user's goal ---------------------------------------------------------------------------
_GOAL_LEAD = PATTERNS["goal_lead"]
_INTEREST_LEAD = PATTERNS["interest_lead"]
_GOAL_DESTINATION = PATTERNS["goal_destination"]
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
    """A profile goal in the grammatical forms templates need (any may be empty).

    Attributes:
        infinitive: "transition into pediatrics" (follows "hoping to" / "wanted to").
        gerund: "transitioning into pediatrics".
        noun: "a move into pediatrics" / "a career in global health".
        field: the field the goal points to, unless the user is already in it.
    """

    infinitive: str = ""
    gerund: str = ""
    noun: str = ""
    field: str | None = None
    words: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.infinitive or self.gerund or self.noun)


def parse_goal(text: str, current: set[str] | frozenset[str] = frozenset()) -> Goal:
    """Normalise a goal as typed ("I want to match into dermatology.", "a career in global health",
    "becoming a hospitalist") into the forms templates splice in."""
    goal = " ".join((text or "").replace("\u2019", "'").split()).strip(" .!?;,:")
    goal = _GOAL_LEAD.sub("", goal, count=1).strip(" .!?;,:")
    if not goal:
        return Goal()
    interest = _INTEREST_LEAD.match(goal)
    goal = goal[interest.end():] if interest else goal
    goal = goal[0].lower() + goal[1:] if not goal[:2].isupper() else goal
    low = goal.lower()
    found = find_field(low)
    target = found if found and found not in current else None
    words = frozenset(TOKEN_RE.findall(low))
    first, _, rest = low.partition(" ")
    tail = goal[len(first):].strip()
    if interest or not (first in GOAL_VERBS or first in _BASE_OF):
        if low.startswith(_DETERMINERS) or low.endswith("s"):
            noun = goal
        elif found and low == found:
            noun = f"a career in {goal}"
        else:
            noun = f"{'an' if low[0] in 'aeiou' else 'a'} {goal}"
        return Goal(f"work toward {noun}", f"working toward {noun}", noun, target, words)
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
    return Goal(infinitive, gerund, noun, target, words)


def outcome_kind(normalized_question: str) -> str:
    """What a pumping question asked to be handed ("letter", "network", "an interview" ...; "a position")."""
    for pattern, kind in _OUTCOME_KINDS:
        if pattern.search(normalized_question):
            return kind
    return "a position"


# ---- templates ---------------------------------------------------------------------------------
# The templates are data (templates.yaml, which lists the slots); `fill` below gives each slot its value.
ROLE_TEMPLATES: dict[str, list[Template]] = LEXICON.templates.role
DEFAULT_ORDER: list[tuple[str, int]] = LEXICON.templates.default_order
# When the question weighs two fields, these keep the choice in view; one per role, in role order.
CHOICE_TEMPLATES: dict[str, Template] = LEXICON.templates.choice
PUMPING_TEMPLATES: dict[str, list[Template]] = LEXICON.templates.pumping
FLAG_TEMPLATES: dict[str, list[Template]] = LEXICON.templates.flag
FALLBACKS: list[Template] = LEXICON.templates.fallbacks
_WHERE = PATTERNS["where"]


def _where(normalized_question: str, area: str | None) -> str:
    m = _WHERE.search(normalized_question)
    if m:
        return f"at {m.group(1)}"
    return f"in {area}" if area else ""


def template_choices(flag: str | None, role: str | None, normalized_question: str,
                     choice: bool = False) -> list[Template]:
    """Templates in preference order: the repair for the flag first, then role-fitting ones interleaved.

    With ``choice`` (the question weighs two fields) the choice templates come right after the repair.
    """
    if flag == "pumping":
        kind = outcome_kind(normalized_question)
        repairs = PUMPING_TEMPLATES.get(kind, []) + PUMPING_TEMPLATES["default"]
    else:
        repairs = list(FLAG_TEMPLATES.get(flag or "", []))
    if role in ROLE_TEMPLATES:
        fitting = list(ROLE_TEMPLATES[role])
    else:
        fitting = [ROLE_TEMPLATES[r][i] for r, i in DEFAULT_ORDER]
    if choice:
        roles = sorted(CHOICE_TEMPLATES, key=lambda r: r != role)
        fitting = [CHOICE_TEMPLATES[r] for r in roles[:2]] + fitting
        if flag in (None, "too_open"):  # the choice itself is the sharpest repair of an open question
            repairs, fitting = fitting[:1] + repairs, fitting[1:]
    ordered: list[Template] = repairs[:1]
    rest_r, rest_f = repairs[1:], fitting
    while rest_r or rest_f:
        if rest_f:
            ordered.append(rest_f.pop(0))
        if rest_r:
            ordered.append(rest_r.pop(0))
    return ordered + FALLBACKS


_SLOT = SLOT_RE


def fill(template: Template, subject: Subject, normalized_question: str, goal: Goal | None = None) -> str:
    """Fill the first variant of a template whose placeholders are all known."""
    goal = goal or Goal()
    kind = outcome_kind(normalized_question)
    values = {
        "area": subject.field or "", "target": subject.target or "", "topic": subject.topic or "",
        "topic_one": subject.topic if subject.topic and not subject.topic.endswith("s") else "",
        "phrase": subject.phrase, "choice_and": " and ".join(subject.choice),
        "choice_or": " or ".join(subject.choice),
        # A goal about another field than the question's would pull the rewrite off its subject.
        "goal_inf": goal.infinitive if subject.fits(goal) and not goal.infinitive.startswith("work toward")
        else "",
        "goal_noun": goal.noun if subject.fits(goal) else "",
        "outcome": kind if kind not in ("letter", "network") else "a position",
        "where": _where(normalized_question, subject.field),
    }
    for variant in template:
        if all(values.get(name) for name in _SLOT.findall(variant) if name != "where"):
            return " ".join(variant.format(**values).replace(" ,", ",").split())
    return ""
