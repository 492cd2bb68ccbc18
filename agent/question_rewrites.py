"""Rewrites of a planned question: templates over the user's profile, or a capable model's drafts.

Every rewrite keeps the user's subject (a field or a topic taken from the question), adds the user's
situation when the profile is known, and asks for something this mentor can answer from experience in
a way that suits their role. The caller re-checks each rewrite with the same rules.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass

from agent.question_lexicon import (
    FIELD_WORDS,
    GENERIC,
    LIGHT_VERBS,
    PRACTITIONERS,
    SPECIALTIES,
    STOPWORDS,
    TOKEN_RE,
)

log = logging.getLogger(__name__)

# Bare words too broad to serve as the subject of a rewrite on their own.
_BROAD = {"medicine", "research", "academia", "gi", "em", "im", "er", "ed", "icu", "ent", "peds"}
_ABBREVIATIONS = {"gi": "gastroenterology", "em": "emergency medicine", "im": "internal medicine",
                  "peds": "pediatrics", "ent": "otolaryngology", "er": "emergency medicine",
                  "ed": "emergency medicine", "icu": "critical care"}
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
_STAGES = {"student": "a medical student", "medical student": "a medical student", "resident": "a resident",
           "fellow": "a fellow", "attending": "an attending", "intern": "an intern"}


@dataclass(frozen=True)
class Subject:
    """What the question is about: a field (cardiology) and/or a topic phrase (the licensing exam)."""

    field: str | None
    topic: str | None
    from_question: bool

    @property
    def phrase(self) -> str:
        return self.topic or self.field or ""


def _clean_field(name: str) -> str:
    return _ABBREVIATIONS.get(name, name)


_TARGET_BEFORE = re.compile(
    r"(?:into|toward|towards|to|work\s+in|career\s+in|interested\s+in|pursue|pursuing|for|switch\s+to|"
    r"move\s+to|moving\s+to|drawn\s+to)\s+(?:a\s+|an\s+|the\s+)?$"
)


def find_field(text: str) -> str | None:
    """The field a question is about (normalised, lower-case).

    When several are named, a field introduced as a target ("move *into* pediatrics") wins over one named
    as background ("I trained in family medicine"); otherwise the first specific one.
    """
    hits = [(m.start(), m.group(1)) for m in _FIELD_RE.finditer(text)]
    hits += [(m.start(), PRACTITIONERS[m.group(1)]) for m in _PRACTITIONER_RE.finditer(text)]
    hits.sort()
    specific = [(i, h) for i, h in hits if h not in _BROAD] or hits
    if not specific:
        return None
    targets = [h for i, h in specific if _TARGET_BEFORE.search(text[:i])]
    return _clean_field(targets[-1] if targets else specific[0][1])


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


def extract_subject(normalized_question: str, profile_field: str | None) -> Subject:
    """The field and topic of the question; the profile's field fills in when the question names none."""
    field = find_field(normalized_question)
    if field:
        m = re.search(rf"\b{re.escape(field)}\s+({_TRAINING})\b", normalized_question)
        return Subject(field, f"the {field} {m.group(1)}" if m else None, True)
    topic = find_topic(normalized_question)
    if topic:
        return Subject(profile_field, topic, True)
    return Subject(profile_field, None, False)


def outcome_kind(normalized_question: str) -> str:
    for pattern, kind in _OUTCOME_KINDS:
        if pattern.search(normalized_question):
            return kind
    return "a position"


def stage_phrase(stage: str) -> str:
    stage = " ".join(stage.strip().split())
    if not stage:
        return ""
    known = _STAGES.get(stage.lower())
    if known:
        return known
    article = "an" if stage[0].lower() in "aeiou" else "a"
    return f"{article} {stage}"


def intro_sentence(stage: str, specialty: str, goal: str) -> str:
    """'I'm a resident in internal medicine working toward a nephrology fellowship.' (or '' if unknown)."""
    who = stage_phrase(stage)
    if not who and not specialty:
        return ""
    parts = [f"I'm {who}" if who else "I work"]
    if specialty:
        parts.append(f"in {specialty}")
    text = " ".join(parts)
    goal = goal.strip().rstrip(".")
    if goal:
        first = goal.split()[0].lower()
        if first == "to":
            text += f", and my goal is {goal[0].lower()}{goal[1:]}"
        elif first.endswith("ing"):
            text += f", and I'm {goal[0].lower()}{goal[1:]}"
        else:
            text += f", working toward {goal[0].lower()}{goal[1:]}"
    return text + "."


def parse_model_rewrites(text: str) -> list[str]:
    """Rewrites from a model reply: a JSON list, or one per line (bullets and numbers stripped)."""
    text = text.strip()
    match = re.search(r"\[.*\]", text, re.DOTALL)
    if match:
        try:
            data = json.loads(match.group(0))
            if isinstance(data, list):
                return [str(x).strip() for x in data if str(x).strip()]
        except json.JSONDecodeError:
            pass
    lines = [re.sub(r"^\s*(?:[-*\u2022]|\d+[.)])\s*", "", ln).strip().strip('"') for ln in text.splitlines()]
    return [ln for ln in lines if ln.endswith("?") and len(ln) > 15]


# ---- templates ---------------------------------------------------------------------------------
# Each template is (with a subject, without one). Placeholders: {area} a field, {phrase} the topic or
# field, {outcome} what the user wanted handed over, {where} "at your hospital" / "in cardiology" / "".
Template = tuple[str, str]
ROLE_TEMPLATES: dict[str, list[Template]] = {
    "mentor": [
        ("Looking back on your own path into {area}, which decision would you make differently today?",
         "Looking back on your own career path, which decision would you make differently today?"),
        ("What risk did you take on your way into {area} that taught you the most?",
         "What risk did you take early in your career that taught you the most?"),
        ("What surprised you most about {area} once you were working in it every day?",
         "What surprised you most about your specialty once you were working in it every day?"),
        ("Which moment early in your career in {area} told you that you had chosen well?",
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
        ("When you've watched people move into {area}, what did the ones who made the transition well do "
         "first?",
         "When you've watched people make a career transition like mine, what did the ones who did it well "
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

PUMPING_TEMPLATES: dict[str, list[Template]] = {
    "letter": [("What do you need to have seen from a trainee in {area} before you feel able to speak "
                "strongly for them?",
                "What do you need to have seen from a trainee before you feel able to speak strongly for "
                "them?")],
    "network": [("When you've seen people move successfully into {area}, how did they build their network "
                 "there?",
                 "When you've seen people build a strong professional network early on, what did they do "
                 "first?")],
    "default": [("When you've seen people chosen for {outcome} {where}, what set them apart?",
                 "When you've seen people chosen for {outcome} {where}, what set them apart?"),
                ("Looking back, what made you a strong candidate for your first role in {area}?",
                 "Looking back, what made you a strong candidate for your first job?")],
}
FLAG_TEMPLATES: dict[str, list[Template]] = {
    "googleable": [
        ("I've read up on {phrase}. What did you learn about it that no website told you?",
         "I've read the official information. What did you learn at this stage of training that no website "
         "told you?"),
        ("Looking back on your own experience with {phrase}, what would you do differently?",
         "Looking back on your own training, what would you do differently at my stage?"),
        ("What do you wish you had known about {phrase} when you were at my stage?",
         "What do you wish you had known when you were at my stage?"),
    ],
    "too_open": [
        ("If you were aiming for {goal} from my position, what would you do first this year?",
         "If you were in my position, which first step would you take this year?"),
        ("How did you make the hardest career choice you faced at my stage in {area}?",
         "How did you make the hardest career choice you faced at my stage?"),
    ],
}
FALLBACKS: list[Template] = [
    ("Looking back on your own career, which decision would you make differently today?",) * 2,
    ("What risk in your career taught you the most, and what made you willing to take it?",) * 2,
]


def _where(normalized_question: str, area: str | None) -> str:
    m = re.search(r"\b(?:at|in|on)\s+(your\s+(?:hospital|clinic|program|department|lab|group|practice|team|"
                  r"unit|service))\b", normalized_question)
    if m:
        return f"at {m.group(1)}"
    return f"in {area}" if area else ""


def template_choices(flag: str | None, role: str | None, normalized_question: str) -> list[Template]:
    """Templates in preference order: the repair for the flag first, then role-fitting ones interleaved."""
    if flag == "pumping":
        kind = outcome_kind(normalized_question)
        repairs = PUMPING_TEMPLATES.get(kind, []) + PUMPING_TEMPLATES["default"]
    else:
        repairs = list(FLAG_TEMPLATES.get(flag or "", []))
    if role in ROLE_TEMPLATES:
        fitting = list(ROLE_TEMPLATES[role])
    else:
        fitting = [ROLE_TEMPLATES[r][i] for r, i in DEFAULT_ORDER]
    ordered: list[Template] = repairs[:1]
    rest_r, rest_f = repairs[1:], fitting
    while rest_r or rest_f:
        if rest_f:
            ordered.append(rest_f.pop(0))
        if rest_r:
            ordered.append(rest_r.pop(0))
    return ordered + FALLBACKS


def fill(template: Template, subject: Subject, normalized_question: str, goal: str = "") -> str:
    """Fill a template; use its subject-free form when the needed subject (or goal) is unknown."""
    with_subject, without = template
    if "{goal}" in with_subject:
        known = goal
    elif "{phrase}" in with_subject:
        known = subject.topic or subject.field
    else:
        known = subject.field
    kind = outcome_kind(normalized_question)
    outcome = kind if kind not in ("letter", "network") else "a position"
    goal = goal[0].lower() + goal[1:] if goal else ""
    text = (with_subject if known else without).format(
        area=subject.field or "", phrase=subject.phrase, outcome=outcome, goal=goal,
        where=_where(normalized_question, subject.field))
    return " ".join(text.replace(" ,", ",").split())


def dress(body: str, position: int, stage: str, specialty: str, goal: str) -> str:
    """Put the user's situation in front of a body, in a different form for each rewrite position."""
    full = intro_sentence(stage, specialty, goal)
    if not full:
        return body
    who = stage_phrase(stage)
    if position % 3 == 1 and who and body.startswith(("What ", "Which ", "How ", "Whose ", "When ")):
        as_phrase = f"As {who}" + (f" in {specialty}" if specialty else "")
        return f"{as_phrase}, {body[0].lower()}{body[1:]}"
    if position % 3 == 2 and goal:
        return f"{intro_sentence(stage, specialty, '')} {body}"
    return f"{full} {body}"
