"""The rehearsal's data: the line bank and the persona material, read from YAML beside this module.

``lines.yaml`` holds what personas say (beats per hidden role, shared line sets); ``personas.yaml`` holds who
they are (presets, names, hospitals, specialty material). :func:`load_lines` and :func:`load_personas` read
one file, check it against the models below (no unknown or missing keys, no empty lists, well-formed
``{slot}`` templates and patterns, references that resolve) and return a frozen model. ``beats.py`` and
``personas.py`` call them once at import and expose the constants the engine uses, so a broken file fails at
import with a :class:`~agent.core.ConfigError` naming the file and the key.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from agent.core import ROLES, ConfigError

LINES_FILE = Path(__file__).with_name("lines.yaml")
PERSONAS_FILE = Path(__file__).with_name("personas.yaml")

# These stay in code because the engine branches on the keys (a busy persona says less, a follow-up skips
# introductions); the loader checks the YAML against them.
AVAILABILITY = {"unhurried": "an unhurried hour", "busy": "15 minutes between emails"}
MEETINGS = {
    "coffee": "first coffee chat",
    "follow-up": "follow-up meeting",
    "video": "video call",
}


@dataclass(frozen=True)
class Beat:
    """One observable action. ``cues`` are words a realisation must keep so the action stays visible."""

    id: str
    lines: tuple[str, ...]
    cues: tuple[str, ...] = ()
    intent: str = ""


@dataclass(frozen=True)
class Skill:
    """A concrete skill a persona can give feedback on, with tips, a drill and what to send."""

    name: str
    tips: tuple[str, ...]
    drill: str
    artifact: str


@dataclass(frozen=True)
class WorkItem:
    """Something the persona is working on now: a registry, a clinic, a study, a service."""

    name: str
    kind: str
    what: str
    status: str
    need: str


@dataclass(frozen=True)
class Specialty:
    """What a persona in this specialty can plausibly talk about."""

    name: str
    title: str
    skills: tuple[Skill, ...]
    opportunities: tuple[str, ...]
    contact_roles: tuple[str, ...]
    events: tuple[str, ...]
    work: tuple[WorkItem, ...] = ()


_SLOT_NAME = re.compile(r"[a-z_][a-z0-9_]*")


def _single_spaced(text: str) -> str:
    # The engine joins lines with single spaces; a stray space here would show as a gap in the reply.
    if text != " ".join(text.split()):
        raise ValueError(f"{text!r} has stray spaces or line breaks; write it single-spaced")
    return text


def _template(text: str) -> str:
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:
        raise ValueError(f"{text!r} has a stray brace ({exc}); slots are written {{name}}") from None
    bad = [name for name in names if not _SLOT_NAME.fullmatch(name)]
    if bad:
        raise ValueError(f"{text!r} has slot(s) {bad}; a slot is a lower-case name such as {{topic}}")
    return text


def _pattern(text: str) -> str:
    try:
        re.compile(text)
    except re.error as exc:
        raise ValueError(f"{text!r} is not a valid regular expression: {exc}") from None
    return text


Text = Annotated[str, Field(min_length=1), AfterValidator(_single_spaced)]
Template = Annotated[Text, AfterValidator(_template)]
Pattern = Annotated[Text, AfterValidator(_pattern)]
Texts = Annotated[tuple[Text, ...], Field(min_length=1)]
Templates = Annotated[tuple[Template, ...], Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _same_keys(where: str, found: dict, wanted: Any) -> None:
    missing = [k for k in wanted if k not in found]
    unknown = [k for k in found if k not in wanted]
    if missing:
        raise ValueError(f"{where} needs an entry for {', '.join(missing)}")
    if unknown:
        raise ValueError(f"{where} has unknown key(s) {', '.join(unknown)}; use {', '.join(wanted)}")


class BeatLines(_Strict):
    """One beat as written in ``lines.yaml``; :meth:`to_beat` gives the engine's :class:`Beat`."""

    intent: Text | None = None
    lines: Templates
    cues: tuple[Template, ...] = ()

    def to_beat(self, beat_id: str) -> Beat:
        """The beat as the engine uses it."""
        return Beat(beat_id, self.lines, self.cues, self.intent or "")


class RoleLines(_Strict):
    """Everything one hidden role does on its own initiative: its beat plan and its beats."""

    plan: Texts
    swappable: tuple[int, ...] = ()
    named_reply: Template
    more: Templates
    beats: dict[str, BeatLines]

    @model_validator(mode="after")
    def _plan_resolves(self) -> RoleLines:
        missing = [b for b in (*self.plan, "close") if b not in self.beats]
        if missing:
            raise ValueError(f"beats needs an entry for {', '.join(missing)} (the plan and the close)")
        wrong = [i for i in self.swappable if not 0 <= i < len(self.plan) - 1]
        if wrong:
            raise ValueError(f"swappable index(es) {wrong} must point at a plan beat that has a next one")
        return self

    def beat_map(self) -> dict[str, Beat]:
        """The role's beats as the engine uses them, by id, in file order."""
        return {beat_id: spec.to_beat(beat_id) for beat_id, spec in self.beats.items()}


class GenericSkillLines(_Strict):
    """Tips, drill and artifact for a skill the data does not know; slot ``{p}`` is the skill, normalised."""

    tips: Templates
    drill: Template
    artifact: Template


class DefaultIntents(_Strict):
    """What the opening and the close do, for beats without an intent of their own."""

    open: Text
    close: Text


class LineBook(_Strict):
    """``lines.yaml``, validated: per-role beats and the line sets every role shares."""

    roles: dict[str, RoleLines]
    default_intents: DefaultIntents
    generic_skill: GenericSkillLines
    cadences: Templates
    role_swaps: dict[str, Text]

    @model_validator(mode="after")
    def _keys_match_code(self) -> LineBook:
        _same_keys("roles", self.roles, ROLES)
        upper = [k for k in self.role_swaps if k != k.lower()]
        if upper:
            raise ValueError(f"role_swaps keys are matched in lower case; write {', '.join(upper)} in lower case")
        return self


class SkillMaterial(_Strict):
    """A skill: how the user's words name it (``mentions``, a regex) and what a persona says about it."""

    mentions: Pattern
    tips: Templates
    drill: Template
    artifact: Template


WORK_KINDS = ("registry", "study", "clinic", "service", "teaching", "quality")


class WorkMaterial(_Strict):
    """One piece of the persona's current work (see the header of ``personas.yaml``)."""

    name: Template
    kind: Annotated[str, AfterValidator(lambda k: _one_of(k, WORK_KINDS))]
    what: Template
    status: Template
    need: Template

    def to_item(self) -> WorkItem:
        return WorkItem(self.name, self.kind, self.what, self.status, self.need)


def _one_of(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"{value!r} is not one of {', '.join(allowed)}")
    return value


class SpecialtyMaterial(_Strict):
    """A specialty's job title and what a persona in it can talk about; ``skills`` name skill entries."""

    title: Text
    skills: Texts
    opportunities: Templates
    contact_roles: Templates
    events: Templates
    work: Annotated[tuple[WorkMaterial, ...], Field(min_length=2)]


class FieldHint(_Strict):
    """Words that name a field without naming it ("AF ablation" -> electrophysiology)."""

    pattern: Pattern
    field: Text


class GenericSpecialty(_Strict):
    """Material for a persona in a specialty without its own; templates take ``{field}``."""

    skills_from: Text
    opportunities: Templates
    contact_roles: Templates
    events: Templates
    work: Annotated[tuple[WorkMaterial, ...], Field(min_length=2)]


class GenericField(_Strict):
    """Openings and events for a target field without material of its own; templates take ``{field}``."""

    opportunities: Templates
    events: Templates


class SurpriseMaterial(_Strict):
    """Choices for a "surprise me" persona."""

    seniorities: Texts
    temperaments: Texts


class PresetMaterial(_Strict):
    """A ready-made persona; the id is its key in ``presets``."""

    name: Text
    pronoun: Text
    specialty: Text
    seniority: Text
    years: Annotated[int, Field(ge=1, le=60)]
    hospital: Text
    role: Text
    availability: Text
    temperament: Text


class PersonaBook(_Strict):
    """``personas.yaml``, validated: names, hospitals, skills, specialties and presets."""

    hospitals: Texts
    first_names: Texts
    # Three colleagues and an ally get distinct surnames, and the persona's own is left out.
    last_names: Annotated[tuple[Text, ...], Field(min_length=5)]
    decision_makers: Texts
    surprise: SurpriseMaterial
    skills: Annotated[dict[str, SkillMaterial], Field(min_length=1)]
    specialties: Annotated[dict[str, SpecialtyMaterial], Field(min_length=1)]
    generic_specialty: GenericSpecialty
    generic_field: GenericField
    field_home: dict[str, Text]
    field_hints: tuple[FieldHint, ...] = ()
    # The first is the field's lead; the others are people who made the move (facts.py picks among those).
    field_contact_roles: Annotated[tuple[Template, ...], Field(min_length=2)]
    presets: Annotated[dict[str, PresetMaterial], Field(min_length=1)]

    @model_validator(mode="after")
    def _references_resolve(self) -> PersonaBook:
        specs = self.specialties
        problems = [f"specialties > {name} > skills: {skill!r} is not under skills"
                    for name, spec in specs.items() for skill in spec.skills if skill not in self.skills]
        if self.generic_specialty.skills_from not in specs:
            problems.append(f"generic_specialty > skills_from: {self.generic_specialty.skills_from!r} is not under "
                            "specialties")
        problems += [f"field_home > {name}: {home!r} is not under specialties"
                     for name, home in self.field_home.items() if home not in specs]
        for key, preset in self.presets.items():
            if preset.specialty not in specs:
                problems.append(f"presets > {key} > specialty: {preset.specialty!r} is not under specialties")
            if preset.role not in ROLES:
                problems.append(f"presets > {key} > role: {preset.role!r} is not one of {', '.join(ROLES)}")
            if preset.availability not in AVAILABILITY:
                problems.append(f"presets > {key} > availability: {preset.availability!r} is not one of "
                                f"{', '.join(AVAILABILITY)}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def skill_map(self) -> dict[str, Skill]:
        """Every skill by name, in file order (the order user text is matched in)."""
        return {name: Skill(name, s.tips, s.drill, s.artifact) for name, s in self.skills.items()}

    def specialty_map(self) -> dict[str, Specialty]:
        """Every specialty by name, in file order, with its skills resolved."""
        skills = self.skill_map()
        return {name: Specialty(name, s.title, tuple(skills[k] for k in s.skills), s.opportunities, s.contact_roles,
                                s.events, tuple(w.to_item() for w in s.work))
                for name, s in self.specialties.items()}


M = TypeVar("M", bound=BaseModel)


def _read(path: Path | str, model: type[M]) -> M:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"Cannot read {path}: {exc.strerror}. Restore it from the repository.") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not valid YAML: {exc}") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        found = "\n".join(_describe(error) for error in exc.errors())
        raise ConfigError(f"{path} does not follow the format in its header comment; fix:\n{found}") from None


def _describe(error: Any) -> str:
    where = " > ".join(str(part) for part in error["loc"]) or "(top level)"
    return f"  {where}: {error['msg'].removeprefix('Value error, ')}"


def load_lines(path: Path | str = LINES_FILE) -> LineBook:
    """Read and validate a line bank.

    Args:
        path: the YAML file; ``lines.yaml`` beside this module unless a test passes an edited copy.

    Returns:
        The validated lines; :meth:`RoleLines.beat_map` gives a role's :class:`Beat` objects.

    Raises:
        ConfigError: the file is missing, is not YAML, or breaks the format; the message names the file and key.
    """
    return _read(path, LineBook)


def load_personas(path: Path | str = PERSONAS_FILE) -> PersonaBook:
    """Read and validate persona material.

    Args:
        path: the YAML file; ``personas.yaml`` beside this module unless a test passes an edited copy.

    Returns:
        The validated material; :meth:`PersonaBook.specialty_map` gives the :class:`Specialty` objects.

    Raises:
        ConfigError: the file is missing, is not YAML, or breaks the format; the message names the file and key.
    """
    return _read(path, PersonaBook)
