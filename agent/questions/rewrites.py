"""Rewrites of a planned question: templates over the user's profile, or a capable model's drafts.

Every rewrite keeps the user's subject (a field, a choice between fields, or a topic taken from the
question), adds the user's situation when the profile is known, and asks for something this mentor can
answer from experience in a way that suits their role. The caller re-checks each rewrite with the same rules.
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
    LIGHT_VERBS,
    MOVE_VERBS,
    PRACTITIONERS,
    SPECIALTIES,
    STOPWORDS,
    TOKEN_RE,
)

log = logging.getLogger(__name__)

_FIELD_RE = re.compile(
    r"\b(" + "|".join(sorted((re.escape(s) for s in SPECIALTIES), key=len, reverse=True)) + r")\b"
)
_PRACTITIONER_RE = re.compile(r"\b(" + "|".join(sorted(PRACTITIONERS, key=len, reverse=True)) + r")s?\b")
_OUTCOME_KINDS = [
    (re.compile(r"\b(letters?|references?|recommendations?|vouch\w*|endorse\w*|sign\s+off)\b"), "letter"),
    (re.compile(r"\b(introduc\w*|intros?|connect\w*|contacts?|numbers?|e-?mails?|talk\s+to|hook)\b"),
     "network"),
    (re.compile(r"\b(interviews?)\b"), "an interview"),
    (re.compile(r"\b(authorship|author|paper|abstract)\b"), "a place on a paper"),
    (re.compile(r"\b(nominat\w*|awards?|chief)\b"), "a nomination"),
    (re.compile(r"\b(fellowship)\b"), "a fellowship spot"),
    (re.compile(r"\b(residency|match|program|accepted|get\s+in)\b"), "a residency spot"),
    (re.compile(r"\b(elective|rotation|shadow\w*|observership)\b"), "an elective spot"),
    (re.compile(r"\b(lab|research\s+(?:team|position|spot))\b"), "a research position"),
]


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


_TARGET_BEFORE = re.compile(
    r"(?:into|toward|towards|to|work\s+in|career\s+in|interested\s+in|pursue|pursuing|for|switch\s+to|"
    r"move\s+to|moving\s+to|drawn\s+to)\s+(?:a\s+|an\s+|the\s+)?$"
)
# "I am a PGY-2 in internal medicine", "I trained in family medicine", "I am a family physician".
_CURRENT_BEFORE = re.compile(
    r"(?:\bi\s+am\s+(?:a|an|currently)\b[^.?!,;]{0,40}?\b(?:in|of)|\bi\s+(?:trained|train|work|practi[cs]e)\s+in"
    r"|\bcurrently\s+in|\b(?:resident|fellow|intern|pgy-?\d|attending)\s+in)\s+(?:a\s+|an\s+|the\s+)?$"
    r"|\bi\s+am\s+(?:a|an)\s+(?:[\w-]+\s+){0,2}$"
)
_CHOICE_JOIN = re.compile(r"^\s*(?:,\s*)?(?:or|vs|versus|over|against|and)\s+(?:a\s+|an\s+|the\s+|going\s+into\s+)?$")


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
        if "and" in join.split() and not re.search(r"\b(?:between|torn|choos\w*|decid\w*|weigh\w*)\b[^.?!]*$",
                                                   text[:e1]):
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


_TOPIC_RE = re.compile(
    r"\b(?:about|on|for|with|into|of|before|during|after)\s+(?P<det>the\s+|a\s+|an\s+|my\s+|your\s+)?"
    r"(?P<np>[a-z][a-z-]+(?:\s+[a-z][a-z-]+){0,3})"
)
_VERBISH = {"open", "opens", "close", "start", "begin", "exist", "earn", "make", "pay", "take", "work",
            "apply", "get", "know", "do", "go", "have", "be", "is", "are", "need", "want", "average"}
_TRAINING = r"(?:residency|fellowship|training|programs?|match|exam|boards|applications?|rotation|elective)"


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
_GOAL_LEAD = re.compile(
    r"^(?:(?:my\s+)?(?:main\s+)?goal\s*(?:is|:)\s*|(?:i\s*(?:'d|would)\s+(?:like|love)|i\s+(?:really\s+)?(?:want|hope|"
    r"plan|aim|intend|need|wish|would\s+like)|i\s*(?:'m|am)\s+(?:hoping|planning|aiming|trying|looking|keen))\s+"
    r"(?=to\b)|i\s*(?:'m|am)\s+(?=\w+ing\b))?(?:to\s+)?",
    re.IGNORECASE,
)
_INTEREST_LEAD = re.compile(r"^(?:i\s*(?:'m|am)\s+)?(?:interested\s+in|drawn\s+to|curious\s+about)\s+", re.I)
_DETERMINERS = ("a ", "an ", "the ", "my ", "more ", "some ")


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
    into = re.match(r"(?:into|to|in|over\s+to)\s+(.+)$", rest)
    if base in MOVE_VERBS and into:
        noun = f"a move into {into.group(1)}"
    elif base == "become" and rest.startswith(("a ", "an ")):
        noun = f"a role as {rest}"
    return Goal(infinitive, gerund, noun, target, words)


def outcome_kind(normalized_question: str) -> str:
    for pattern, kind in _OUTCOME_KINDS:
        if pattern.search(normalized_question):
            return kind
    return "a position"


# ---- templates ---------------------------------------------------------------------------------
# A template is a tuple of variants in preference order; the first whose placeholders are all known is used,
# so the last variant needs none. Placeholders: {area} the question's field (maybe the user's own), {target}
# a field the user is not in yet, {topic} a noun phrase ("a cardiology fellowship"), {phrase} topic or
# field, {choice_and}/{choice_or} two fields being weighed, {goal_inf} "transition into pediatrics",
# {goal_noun} "a move into pediatrics", {outcome} what the user asked to be handed, {where} "at your hospital".
Template = tuple[str, ...]
ROLE_TEMPLATES: dict[str, list[Template]] = {
    "mentor": [
        ("Looking back on your own path into {area}, which decision would you make differently today?",
         "Looking back on your own career path, which decision would you make differently today?"),
        ("What risk did you take on your way into {area} that taught you the most?",
         "What risk did you take early in your career that taught you the most?"),
        ("What surprised you most about {area} once you were working in it every day?",
         "What surprised you most about your specialty once you were working in it every day?"),
        ("Which moment early in your career told you that {area} was the right fit for you?",
         "Which moment early in your career told you that you had chosen the right specialty?"),
    ],
    "coach": [
        ("Which skill in {area} would you have me practise first, based on what you've seen in trainees at "
         "my stage?",
         "Which skill would you have me practise first, based on what you've seen in trainees at my stage?"),
        ("If you watched me work through one case in {area}, what would you look at first when giving me "
         "feedback?",
         "If you watched me work through one case, what would you look at first when giving me feedback?"),
        ("Which habit or drill helped you most when you were building your own skills in {area}?",
         "Which habit or drill helped you most when you were building your own clinical skills?"),
    ],
    "sponsor": [
        ("From what you've seen, what makes someone at my stage ready to be put forward for opportunities "
         "in {area}?",
         "From what you've seen, what makes someone at my stage ready to be put forward for a new "
         "opportunity?"),
        ("When you've watched people move into {target}, what did the ones who made the switch well do first?",
         "When you've watched people make {goal_noun}, what did the ones who did it well do first?",
         "When you've watched people at my stage step into a new role, what did the ones who did it well "
         "do first?"),
        ("What would you need to see in my work over the next year to judge that I'm ready for a bigger "
         "role in {area}?",
         "What would you need to see in my work over the next year to judge that I'm ready for a bigger "
         "role?"),
    ],
    "connector": [
        ("Whose path into {area} would you point me to as a model for the kind of career I'm aiming at?",
         "Whose career path would you point me to as a model for the kind of career I'm aiming at?"),
        ("From the people you know in {area}, which kinds of roles have you seen suit someone at my stage?",
         "From the people you know, which kinds of roles have you seen suit someone at my stage?"),
        ("Which teams in {area} have you seen train people at my stage especially well?",
         "Which teams have you seen train people at my stage especially well?"),
    ],
}
DEFAULT_ORDER = [("mentor", 0), ("sponsor", 1), ("coach", 2), ("mentor", 1), ("connector", 1)]

# When the question weighs two fields, these keep the choice in view; one per role, in role order.
CHOICE_TEMPLATES: dict[str, Template] = {
    "mentor": ("If you were choosing between {choice_and} at my stage, what would you want to find out "
               "first?",),
    "sponsor": ("When you've seen trainees choose between {choice_and}, what did the ones who chose well "
                "do first?",),
    "coach": ("Which skill would you have me build this year that would serve me in either {choice_or}?",),
    "connector": ("Whose path in {choice_or} would be most useful for me to learn about while I decide "
                  "between the two?",),
}

PUMPING_TEMPLATES: dict[str, list[Template]] = {
    "letter": [("What do you need to have seen from a trainee in {area} before you feel able to speak "
                "strongly for them?",
                "What do you need to have seen from a trainee before you feel able to speak strongly for "
                "them?")],
    "network": [("When you've seen people move successfully into {target}, how did they build their network "
                 "there?",
                 "When you've seen people build a strong professional network early on, what did they do "
                 "first?")],
    "default": [("When you've seen people chosen for {outcome} {where}, what set them apart?",
                 "When you've seen people chosen for {outcome}, what set them apart?"),
                ("Looking back, what made you a strong candidate for your first job in {area}?",
                 "Looking back, what made you a strong candidate for your first job?")],
}
FLAG_TEMPLATES: dict[str, list[Template]] = {
    "googleable": [
        ("I've already looked up the basics of {topic}. What did you learn from your own experience that no "
         "website told you?",
         "I've already read how {choice_and} compare on paper. What did you learn from your own experience "
         "that no website told you?",
         "I've already read the published figures on {area}. What did you learn from your own experience "
         "that no website told you?",
         "I've read the official information. What did you learn at this stage of training that no website "
         "told you?"),
        ("If you went through {topic_one} again, what would you do differently?",
         "What did the published numbers on {area} leave out that you only learned once you were in it?",
         "Looking back on your own training, what would you do differently at my stage?"),
        ("What do you wish you had known about {phrase} when you were at my stage?",
         "What do you wish you had known when you were at my stage?"),
    ],
    "too_open": [
        ("If you were in my position and wanted to {goal_inf}, what would you do first this year?",
         "If you were in my position and aiming for {goal_noun}, what would you do first this year?",
         "If you were in my position, which first step would you take this year?"),
        ("How did you make the hardest decision you faced on your way into {area}?",
         "How did you make the hardest career decision you faced at my stage?"),
    ],
}
FALLBACKS: list[Template] = [
    ("Looking back on your own career, which decision would you make differently today?",),
    ("What risk in your career taught you the most, and what made you willing to take it?",),
]


def _where(normalized_question: str, area: str | None) -> str:
    m = re.search(r"\b(?:at|in|on)\s+(your\s+(?:hospital|clinic|program|department|lab|group|practice|team|"
                  r"unit|service))\b", normalized_question)
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


_SLOT = re.compile(r"\{(\w+)\}")


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
