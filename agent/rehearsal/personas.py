"""Rehearsal personas: preset senior physicians, build-your-own, "surprise me", and meeting types.

A persona's role (mentor, coach, sponsor, connector) is hidden from the user; the rehearsal shows it
through what the persona does. Specialty facts give the beats something concrete to talk about. The
presets, names, hospitals and specialty material live in ``personas.yaml`` beside this module (its header
explains the format); they are loaded once at import.
"""

from __future__ import annotations

import random
import re
from dataclasses import asdict, dataclass

from agent.core import BROAD_FIELDS, PRACTITIONERS, ROLES, InputError
from agent.core import SPECIALTIES as FIELD_NAMES
from agent.rehearsal.material import AVAILABILITY, Skill, Specialty, WorkItem, load_personas
from agent.rehearsal.material import MEETINGS as MEETINGS  # re-exported: part of this module's API

# Career areas that are not a field a trainee heads for.
_NOT_TARGETS = frozenset({"patient care", "clinical research", "health policy", "quality improvement"})

_BOOK = load_personas()

HOSPITALS: tuple[str, ...] = _BOOK.hospitals
FIRST_NAMES: tuple[str, ...] = _BOOK.first_names
LAST_NAMES: tuple[str, ...] = _BOOK.last_names
# Whom a persona who backs the user speaks to on their behalf.
DECISION_MAKERS: tuple[str, ...] = _BOOK.decision_makers
SKILLS: dict[str, Skill] = _BOOK.skill_map()
# Skill name -> how the user's words name it; tried in this order, the first match wins.
SKILL_MENTIONS: dict[str, str] = {name: skill.mentions for name, skill in _BOOK.skills.items()}
SPECIALTIES: dict[str, Specialty] = _BOOK.specialty_map()
# Openings and events for a target field with no material of its own; templates with a {field} slot.
GENERIC_FIELD: dict[str, tuple[str, ...]] = dict(_BOOK.generic_field)
# Fields without their own material borrow the closest specialty's skills, openings and events.
FIELD_HOME: dict[str, str] = dict(_BOOK.field_home)
# Colleagues a persona who points people onward names for the user's field: the field's lead first, then
# people who made the move. Templates with {field} and {hospital} slots.
FIELD_CONTACT_ROLES: tuple[str, ...] = _BOOK.field_contact_roles
# Words that name a field without naming it ("AF ablation" -> electrophysiology), tried after the vocabulary.
FIELD_HINTS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(h.pattern), h.field)
                                                             for h in _BOOK.field_hints)


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


PRESETS: dict[str, Persona] = {key: Persona(id=key, **preset.model_dump()) for key, preset in _BOOK.presets.items()}


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
        seniority=rng.choice(_BOOK.surprise.seniorities),
        years=rng.randint(6, 30),
        role=role,
        availability=rng.choice(tuple(AVAILABILITY)),
        temperament=rng.choice(_BOOK.surprise.temperaments),
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
    if not re.match(r"(?:dr|prof|professor|mr|mrs|ms|miss|sir|dame)\b", name, re.IGNORECASE):
        name = f"Dr. {name}"  # "Prof. Adeyemi" and "Mr Shah" (a UK surgeon) keep their own title
    specialty = " ".join(re.sub(r"[^\w \-]", " ", specialty or "").split())[:40].lower() or "internal medicine"
    return Persona(persona_id, name, pronoun, specialty, " ".join(seniority.split())[:60], max(1, min(int(years), 60)),
                   hospital, role, availability, " ".join(temperament.split())[:60])


# Fields a trainee may be heading for; a persona who points people onward adapts its contacts to them.
FIELDS = tuple(f for f in FIELD_NAMES if f not in BROAD_FIELDS and f not in _NOT_TARGETS)
# What people call the doctor rather than the field ("a cardiologist") -> the field.
_PRACTITIONERS = PRACTITIONERS
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
            kind = _kind(lowered, m.start(), m.end())
            found.append((m.start(), _PRACTITIONERS.get(term, term), kind))
    for pattern, name in FIELD_HINTS:
        for m in pattern.finditer(text or ""):
            if any(taken[m.start():m.end()]):
                continue
            taken[m.start():m.end()] = [True] * (m.end() - m.start())
            found.append((m.start(), name, _kind(lowered, m.start(), m.end())))
    return sorted(found)


def _kind(lowered: str, start: int, end: int) -> str:
    before, after = lowered[max(0, start - 60):start], lowered[end:end + 20]
    if _CURRENT_AFTER.search(after) or _CURRENT_BEFORE.search(before):
        return "current"
    return "target" if _TARGET_CUE.search(before[-45:]) else "neutral"


def field_mentions(text: str) -> list[tuple[int, str, str]]:
    """(position, field, 'target' | 'current' | 'neutral') for every field a line names, in order."""
    return _field_mentions(text)


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
    """Specialty material for a persona, falling back to generic material for unknown fields."""
    base = SPECIALTIES.get(persona.specialty)
    if base:
        return base
    generic = _BOOK.generic_specialty

    def fill(templates: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_fill_some(t, field=persona.specialty) for t in templates)

    work = tuple(WorkItem(*(_fill_some(t, field=persona.specialty) for t in (w.name, w.kind, w.what, w.status, w.need)))
                 for w in generic.work)
    return Specialty(persona.specialty, persona.title, SPECIALTIES[generic.skills_from].skills,
                     fill(generic.opportunities), fill(generic.contact_roles), fill(generic.events), work)


class _KeepSlot(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill_some(template: str, **values: str) -> str:
    """Fill the given slots and leave the others ({hospital}) for whoever fills them later."""
    return template.format_map(_KeepSlot(values))
