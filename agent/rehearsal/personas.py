"""Rehearsal personas: preset senior physicians, build-your-own, "surprise me", and meeting types.

A persona's role (mentor, coach, sponsor, connector) is hidden from the user; the rehearsal shows it
through what the persona does. Specialty facts give the beats something concrete to talk about.
"""

from __future__ import annotations

import random
import re
from dataclasses import asdict, dataclass, field

from agent.core import BROAD_FIELDS, PRACTITIONERS, ROLES, InputError
from agent.core import SPECIALTIES as FIELD_NAMES

# Career areas that are not a field a trainee heads for.
_NOT_TARGETS = frozenset({"patient care", "clinical research", "health policy", "quality improvement"})

AVAILABILITY = {"unhurried": "an unhurried hour", "busy": "15 minutes between emails"}
MEETINGS = {
    "coffee": "first coffee chat",
    "follow-up": "follow-up meeting",
    "video": "video call",
}
HOSPITALS = (
    "Riverside General", "St. Anselm's", "Northgate University Hospital", "Lakeview Medical Center",
    "Mercy Hill", "Harbor County Hospital", "Eastbrook Children's", "Westfield Memorial",
)
FIRST_NAMES = (
    "Priya", "Daniel", "Mei", "Tomás", "Aisha", "Jonah", "Leila", "Samuel", "Grace", "Kwame", "Ingrid",
    "Omar", "Hana", "Victor", "Nadia", "Felix", "Rosa", "Anil", "Claire", "Jamal", "Sofia", "Ethan",
)
LAST_NAMES = (
    "Nair", "Brennan", "Chen", "Alvarez", "Haddad", "Kowalski", "Mensah", "Lindqvist", "Farouk", "Tanaka",
    "Osei", "Moreau", "Patel", "Reyes", "Novak", "Abebe", "Sullivan", "Yamamoto", "Castillo", "Iyer",
)


@dataclass(frozen=True)
class Skill:
    """A concrete skill a persona can give feedback on, with tips, a drill and what to send."""

    name: str
    tips: tuple[str, ...]
    drill: str
    artifact: str


@dataclass(frozen=True)
class Specialty:
    """What a persona in this specialty can plausibly talk about."""

    name: str
    title: str
    skills: tuple[Skill, ...]
    opportunities: tuple[str, ...]
    contact_roles: tuple[str, ...]
    events: tuple[str, ...]


_PRESENTING = Skill(
    "case presentations",
    ("lead with a one-line summary before any history",
     "cut the review of systems down to what changes your plan",
     "finish with your assessment and plan, stated as a decision rather than a list"),
    "present the same case to me in ninety seconds, then again in sixty",
    "a recording of your next presentation on rounds",
)
_BAD_NEWS = Skill(
    "difficult family conversations",
    ("sit down and pause after the headline instead of filling the silence",
     "ask what the family already understands before you explain anything",
     "name the emotion you see before you move on to the plan"),
    "play the conversation out twice with me as the daughter, and I'll stop you when the wording slips",
    "a few lines on how your next family meeting went",
)
_TALK = Skill(
    "presenting at grand rounds",
    ("open with the patient case, not an outline slide", "keep one message per slide and say it in the title",
     "end on the single change you want people to make"),
    "run the first three minutes of the talk for me twice, out loud and timed",
    "your slides",
)
_INTERVIEW = Skill(
    "interview answers",
    ("answer the 'why this field' question with one patient story, not a list of reasons",
     "close each answer with what you would bring to the programme",
     "keep answers under two minutes; most candidates ramble"),
    "answer three interview questions for me, timed, and I'll mark each answer",
    "your answers to the five questions they always ask",
)
_SUTURING = Skill(
    "suturing and knot tying",
    ("load the needle two-thirds of the way back from the tip", "rotate from the wrist, not the elbow",
     "square each throw before you pull it down"),
    "do twenty instrument ties on the practice board, timed, and we compare the numbers next week",
    "a short video of your ties on the practice board",
)
_LINES = Skill(
    "ultrasound-guided line placement",
    ("keep the needle tip in view before every advance", "set up the probe and the field before you glove up",
     "say each step out loud; it slows your hands to the right speed"),
    "do six passes on the phantom in the sim lab while I watch your hands",
    "your procedure log from the last month",
)
_NOTES = Skill(
    "discharge summaries",
    ("put the one-line hospital course at the top", "list only the medication changes, with the reason for each",
     "write the follow-up plan as tasks with an owner"),
    "rewrite your last summary in half the length while I watch",
    "five more of your discharge summaries to mark up",
)

SPECIALTIES: dict[str, Specialty] = {
    s.name: s
    for s in (
        Specialty("internal medicine", "general internist", (_PRESENTING, _NOTES, _BAD_NEWS),
                  ("the residency quality-improvement council", "the teaching award",
                   "a chief resident spot"),
                  ("runs the hospitalist group at {hospital}", "directs the nephrology fellowship at {hospital}",
                   "leads the quality office and is always looking for residents"),
                  ("the state chapter meeting next month", "our Thursday research-in-progress lunch")),
        Specialty("pediatrics", "pediatrician", (_BAD_NEWS, _PRESENTING, _INTERVIEW),
                  ("the hospital's child-advocacy committee", "a speaking slot at the regional pediatrics meeting",
                   "the resident research grant"),
                  ("runs the pediatric cardiology clinic at {hospital}", "started the school-health outreach programme",
                   "sits on the fellowship selection panel at {hospital}"),
                  ("the pediatric research day in the spring", "the children's advocacy evening next month")),
        Specialty("general surgery", "general surgeon", (_SUTURING, _LINES, _TALK),
                  ("the surgical education committee", "a podium slot at the regional surgical meeting",
                   "the operative skills award"),
                  ("runs the trauma service at {hospital}", "moved from surgery into hospital leadership",
                   "directs the surgical simulation centre"),
                  ("the surgical society dinner next month", "the simulation open day on Saturday")),
        Specialty("emergency medicine", "emergency physician", (_LINES, _PRESENTING, _BAD_NEWS),
                  ("the department's ultrasound track", "the resident representative seat on the ED committee",
                   "the emergency medicine education award"),
                  ("made the jump from emergency medicine into medical education",
                   "runs the ultrasound fellowship at {hospital}", "built the telehealth triage service"),
                  ("the emergency medicine journal club on Tuesday", "the state emergency medicine assembly")),
        Specialty("cardiology", "cardiologist", (_TALK, _PRESENTING, _INTERVIEW),
                  ("the cardiology fellowship selection shortlist", "a talk at the regional heart meeting",
                   "the heart failure research fellowship"),
                  ("runs the heart failure clinic at {hospital}", "leads the cardiac imaging group",
                   "went into industry research after fellowship"),
                  ("the cardiology grand rounds reception", "the regional heart meeting in the autumn")),
        Specialty("psychiatry", "psychiatrist", (_BAD_NEWS, _TALK, _INTERVIEW),
                  ("the wellbeing committee", "a workshop slot at the state psychiatry meeting",
                   "the residents' teaching fellowship"),
                  ("directs the addiction medicine programme at {hospital}", "runs a telepsychiatry startup",
                   "leads the consult-liaison service at {hospital}"),
                  ("the psychiatry society meeting next month", "the consult-liaison case conference")),
        Specialty("family medicine", "family physician", (_NOTES, _BAD_NEWS, _INTERVIEW),
                  ("the rural track advisory board", "the practice's teaching lead position",
                   "a poster slot at the family medicine forum"),
                  ("runs a rural practice two hours north and loves teaching residents",
                   "directs the family medicine residency at {hospital}",
                   "moved from full-time practice into public health"),
                  ("the family medicine forum in the spring", "the rural health network's evening meeting")),
        Specialty("radiology", "radiologist", (_TALK, _PRESENTING, _INTERVIEW),
                  ("the radiology education committee", "the AI-in-imaging working group",
                   "a speaking slot at the national imaging meeting"),
                  ("leads the interventional radiology service at {hospital}",
                   "runs the imaging informatics group", "moved from radiology into hospital administration"),
                  ("the imaging informatics meetup", "the radiology case night next Wednesday")),
    )
}


@dataclass(frozen=True)
class Persona:
    """A senior physician to rehearse with. ``role`` is hidden from the user until the debrief."""

    id: str
    name: str
    pronoun: str
    specialty: str
    seniority: str
    years: int
    hospital: str
    role: str
    availability: str
    temperament: str

    @property
    def busy(self) -> bool:
        """True for the '15 minutes between emails' kind of meeting."""
        return self.availability == "busy"

    @property
    def title(self) -> str:
        """How the persona describes their job ('cardiologist')."""
        spec = SPECIALTIES.get(self.specialty)
        if spec:
            return spec.title
        if self.specialty.endswith("ology"):
            return self.specialty[:-1] + "ist"  # nephrology -> nephrologist
        return f"{self.specialty} physician"

    def public_dict(self) -> dict:
        """Everything the user may see before the reveal (no role)."""
        data = asdict(self)
        data.pop("role")
        data["time_available"] = AVAILABILITY[self.availability]
        return data

    def to_dict(self) -> dict:
        """All fields, including the hidden role."""
        return {**asdict(self), "time_available": AVAILABILITY[self.availability]}


@dataclass(frozen=True)
class Meeting:
    """The setting of a rehearsal."""

    kind: str = "coffee"
    goal: str = ""
    notes: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        """Readable meeting type."""
        return MEETINGS[self.kind]


PRESETS: dict[str, Persona] = {
    p.id: p
    for p in (
        Persona("helen-marsh", "Dr. Helen Marsh", "she", "internal medicine", "senior attending", 24,
                "Riverside General", "mentor", "unhurried", "warm and reflective"),
        Persona("rafael-ortega", "Dr. Rafael Ortega", "he", "pediatrics", "mid-career attending", 13,
                "Eastbrook Children's", "mentor", "unhurried", "gentle, curious, a storyteller"),
        Persona("grace-mensah", "Dr. Grace Mensah", "she", "family medicine", "clinic medical director", 19,
                "Westfield Memorial", "mentor", "busy", "kind but stretched thin"),
        Persona("victor-lindqvist", "Dr. Victor Lindqvist", "he", "general surgery", "associate professor", 16,
                "Northgate University Hospital", "coach", "unhurried", "exacting and practical"),
        Persona("aisha-farouk", "Dr. Aisha Farouk", "she", "emergency medicine", "ultrasound director", 9,
                "Harbor County Hospital", "coach", "busy", "brisk, direct, encouraging"),
        Persona("samuel-brennan", "Dr. Samuel Brennan", "he", "cardiology", "division chief", 27,
                "St. Anselm's", "sponsor", "busy", "brisk and decisive"),
        Persona("ingrid-novak", "Dr. Ingrid Novak", "she", "radiology", "residency program director", 18,
                "Lakeview Medical Center", "sponsor", "unhurried", "measured and strategic"),
        Persona("omar-haddad", "Dr. Omar Haddad", "he", "psychiatry", "vice chair for education", 21,
                "Mercy Hill", "connector", "busy", "sociable and scattered"),
        Persona("mei-tanaka", "Dr. Mei Tanaka", "she", "pediatrics", "early-career attending", 6,
                "Eastbrook Children's", "connector", "unhurried", "chatty and enthusiastic"),
        Persona("claire-moreau", "Dr. Claire Moreau", "she", "psychiatry", "consult-liaison attending", 11,
                "Mercy Hill", "coach", "unhurried", "calm and precise"),
    )
}


def get_persona(key: str, seed: int | None = None) -> Persona:
    """Resolve a preset id, or a role name (a seeded pick among that role's presets), or 'surprise'.

    Raises:
        InputError: the key is neither a preset id, a role, nor 'surprise'.
    """
    key = (key or "").strip().lower()
    if key in PRESETS:
        return PRESETS[key]
    rng = random.Random(seed)
    if key in ROLES:
        return rng.choice([p for p in PRESETS.values() if p.role == key])
    if key in {"surprise", "surprise-me", "random"}:
        return surprise_me(seed)
    choices = ", ".join(list(PRESETS) + list(ROLES) + ["surprise"])
    raise InputError(f"Unknown persona {key!r}. Use one of: {choices}.")


def surprise_me(seed: int | None = None) -> Persona:
    """A random persona with a random hidden role; the same seed gives the same persona."""
    rng = random.Random(seed)
    role = rng.choice(ROLES)
    specialty = rng.choice(sorted(SPECIALTIES))
    pronoun = rng.choice(("she", "he"))
    return build_persona(
        name=f"Dr. {rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        specialty=specialty,
        seniority=rng.choice(("senior attending", "division chief", "mid-career attending",
                              "program director")),
        years=rng.randint(6, 30),
        role=role,
        availability=rng.choice(tuple(AVAILABILITY)),
        temperament=rng.choice(("warm", "brisk", "dry and funny", "thoughtful")),
        pronoun=pronoun,
        hospital=rng.choice(HOSPITALS),
        persona_id=f"surprise-{seed}",
    )


def build_persona(
    *,
    name: str,
    specialty: str,
    role: str,
    availability: str = "unhurried",
    seniority: str = "senior attending",
    years: int = 15,
    temperament: str = "warm",
    pronoun: str = "they",
    hospital: str = "Riverside General",
    persona_id: str = "custom",
) -> Persona:
    """Build your own persona; unknown specialties are allowed and get generic material.

    Raises:
        InputError: the role or availability is not one of the known values, or the name is empty.
    """
    if role not in ROLES:
        raise InputError(f"Role must be one of {', '.join(ROLES)}, not {role!r}.")
    if availability not in AVAILABILITY:
        raise InputError(f"Availability must be 'unhurried' or 'busy', not {availability!r}.")
    name = " ".join(re.sub(r"[^\w .'\-]", " ", name or "").split())[:60]
    if not name:
        raise InputError("Give the persona a name (letters, spaces, apostrophes and hyphens).")
    if not name.lower().startswith("dr"):
        name = f"Dr. {name}"
    specialty = " ".join(re.sub(r"[^\w \-]", " ", specialty or "").split())[:40].lower() or "internal medicine"
    return Persona(persona_id, name, pronoun, specialty, " ".join(seniority.split())[:60], max(1, min(int(years), 60)),
                   hospital, role, availability, " ".join(temperament.split())[:60])


# Fields a trainee may be heading for; a persona who points people onward adapts its contacts to them.
FIELDS = tuple(f for f in FIELD_NAMES if f not in BROAD_FIELDS and f not in _NOT_TARGETS)
# What people call the doctor rather than the field ("a cardiologist") -> the field.
_PRACTITIONERS = PRACTITIONERS
# Fields without their own material borrow the closest specialty's skills, openings and events.
FIELD_HOME = {
    "surgery": "general surgery", "trauma surgery": "general surgery", "neonatology": "pediatrics",
    "interventional radiology": "radiology", "hospital medicine": "internal medicine",
    "nephrology": "internal medicine", "rural medicine": "family medicine", "rural practice": "family medicine",
    "ultrasound": "emergency medicine", "point-of-care ultrasound": "emergency medicine",
}
FIELD_CONTACT_ROLES = (
    "leads the {field} group at {hospital}",
    "made the jump into {field} a few years ago and remembers exactly how it felt",
    "sits on the {field} selection panel at {hospital} and knows how applications really get read",
)
_TERMS = sorted([*FIELDS, *_PRACTITIONERS], key=len, reverse=True)
_TARGET_CUE = re.compile(
    r"\b(into|to|towards?|interested in|considering|thinking (about|of)|hoping|hope|want(s|ed)?|wish|plan(ning)?|"
    r"switch(ing)?|become|becoming|pursue|pursuing|apply(ing)?|match(ing)?|leaning|drawn to|fellowship in|"
    r"career in|future in|aiming|aim|dream|eventually|focus on|explore|exploring|curious about|about)\b[^.;!?]*$",
    re.I,
)
_CURRENT_AFTER = re.compile(r"^\s*(medical )?(student|intern|resident|fellow|attending|registrar|trainee|"
                            r"residency|rotation|program|programme|department)\b", re.I)
_CURRENT_BEFORE = re.compile(r"\b(student|intern|resident|fellow|attending|pgy-?\d|ms-?\d|registrar|trainee|"
                             r"work(ing)?|i'?m|i am|currently)\s+(in|at)\s+(the\s+)?$", re.I)


def _field_mentions(text: str) -> list[tuple[int, str, str]]:
    """(position, field, 'target' | 'current' | 'neutral') for each field named, longest names first."""
    lowered = (text or "").lower()
    taken = [False] * len(lowered)
    found = []
    for term in _TERMS:
        for m in re.finditer(rf"\b{re.escape(term)}s?\b", lowered):
            if any(taken[m.start():m.end()]):
                continue
            taken[m.start():m.end()] = [True] * (m.end() - m.start())
            before, after = lowered[max(0, m.start() - 60):m.start()], lowered[m.end():m.end() + 20]
            if _CURRENT_AFTER.search(after) or _CURRENT_BEFORE.search(before):
                kind = "current"
            elif _TARGET_CUE.search(before[-45:]):
                kind = "target"
            else:
                kind = "neutral"
            found.append((m.start(), _PRACTITIONERS.get(term, term), kind))
    return sorted(found)


def mentioned_field(text: str) -> str:
    """The first career field named in a text ('' when none)."""
    hits = _field_mentions(text)
    return hits[0][1] if hits else ""


def target_field(text: str) -> str:
    """The field the speaker is heading for ('cardiology' in 'an internal medicine resident hoping to move into
    cardiology'); the field they are in only when they name no other ('' when none)."""
    hits = _field_mentions(text)
    for wanted in ("target", "neutral", "current"):
        for _, name, kind in hits:
            if kind == wanted:
                return name
    return ""


def field_material(field_name: str) -> Specialty | None:
    """Specialty material for a field the user named (its own, or its closest home), else None."""
    return SPECIALTIES.get(field_name) or SPECIALTIES.get(FIELD_HOME.get(field_name, ""))


def specialty_for(persona: Persona) -> Specialty:
    """Specialty material for a persona, falling back to internal medicine's for unknown fields."""
    base = SPECIALTIES.get(persona.specialty)
    if base:
        return base
    generic = SPECIALTIES["internal medicine"]
    return Specialty(persona.specialty, persona.title, generic.skills,
                     (f"the {persona.specialty} education committee", "the department teaching award",
                      f"a talk at the regional {persona.specialty} meeting"),
                     (f"runs the {persona.specialty} service at {{hospital}}",
                      f"directs the {persona.specialty} training programme", "moved into hospital leadership"),
                     (f"the regional {persona.specialty} meeting next month", "our monthly journal club"))
