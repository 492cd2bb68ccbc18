"""The "read the room" lexicon: cue families loaded from YAML data beside this module.

The data lives in four files: ``cues.yaml`` (role cues: what a mentor, coach, sponsor or connector does),
``availability.yaml`` (time and attention cues), ``word_classes.yaml`` (the word classes those cues share,
referenced as ``{people}``, ``{work}`` ...) and ``observed.yaml`` (the checkbox behaviours). This module
validates the data, expands word-class references and compiles every cue once, at import, into the
:class:`~agent.read_room.cues.Cue` objects that :func:`~agent.read_room.cues.find_hits` runs. What cannot be
data stays code and is referenced by name: the duration weigher and the ``{number}`` class live in
``agent.read_room.availability``. The format is described at the top of ``cues.yaml``.

Typical use::

    LEXICON                                    # every cue, compiled
    load_cues(Path("my_cues.yaml"))            # a cue file of your own, same format
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from agent.core import AVAILABILITY_LEVELS, ROLES
from agent.read_room.availability import NUMBER, WEIGHERS
from agent.read_room.cues import Cue, Weigher, alt, cue, gap

DATA_DIR = Path(__file__).resolve().parent
WORD_CLASSES_FILE = DATA_DIR / "word_classes.yaml"
ROLE_CUES_FILE = DATA_DIR / "cues.yaml"
AVAILABILITY_CUES_FILE = DATA_DIR / "availability.yaml"
OBSERVED_FILE = DATA_DIR / "observed.yaml"

# Classes built in code: the number words come from the shared vocabulary, not from word_classes.yaml.
BUILTIN_CLASSES: dict[str, str] = {"number": NUMBER}

# "{people}" is a reference; regex counts such as "{0,3}" never start with a letter, so they are left alone.
_REFERENCE = re.compile(r"\{([A-Za-z_]\w*)\}")

# A regex, or a list of pieces joined with nothing in between (so that long ones wrap in the YAML).
Regex = str | list[str]


def _join(value: Regex) -> str:
    return value if isinstance(value, str) else "".join(value)


def _check_weights(label: str, role: str | None, role_weight: float, level: str | None, level_weight: float) -> None:
    if role is not None and role not in ROLES:
        raise ValueError(f"role {role!r} is not one of {', '.join(ROLES)}")
    if level is not None and level not in AVAILABILITY_LEVELS:
        raise ValueError(f"availability {level!r} is not one of {', '.join(AVAILABILITY_LEVELS)}")
    if role is None and role_weight:
        raise ValueError(f"{label} has a role_weight but no role; add the role or drop the weight")
    if level is None and level_weight:
        raise ValueError(f"{label} has an availability_weight but no availability; add the level or drop the weight")


class Example(BaseModel):
    """A note a cue is checked against; ``availability`` also checks the weighed level of the hit."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    availability: str | None = None


class Examples(BaseModel):
    """Notes in which a cue must fire un-negated (``match``) and near misses in which it must not."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    match: list[Example] = Field(default_factory=list)
    no_match: list[Example] = Field(default_factory=list)

    @field_validator("match", "no_match", mode="before")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        # A bare string is the common case; a mapping is only needed to check a level.
        return [{"text": v} if isinstance(v, str) else v for v in value or []]


class CueSpec(BaseModel):
    """One cue family as written in the data (see the header of ``cues.yaml`` for the fields)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    role: str | None = None
    role_weight: int | float = 0.0
    availability: str | None = None
    availability_weight: int | float = 0.0
    pattern: Regex | None = None
    any: list[Regex] | None = None
    head: Regex | None = None
    object: Regex | None = None
    max_gap: int | None = Field(default=None, ge=0)
    classes: dict[str, list[Regex]] = Field(default_factory=dict)
    not_before: Regex | None = None
    not_after: Regex | None = None
    not_by_user: Regex | None = None
    negatable: bool = True
    weigh: str | None = None
    examples: Examples = Field(default_factory=Examples)

    @model_validator(mode="after")
    def _consistent(self) -> CueSpec:
        shapes = [self.pattern is not None, self.any is not None,
                  self.head is not None or self.object is not None or self.max_gap is not None]
        if sum(shapes) != 1:
            raise ValueError("give exactly one of `pattern`, `any`, or `head` + `object` + `max_gap`")
        if shapes[2] and (self.head is None or self.object is None or self.max_gap is None):
            raise ValueError("a verb-object cue needs all of `head`, `object` and `max_gap`")
        _check_weights("the cue", self.role, self.role_weight, self.availability, self.availability_weight)
        if self.role is None and self.availability is None and self.weigh is None:
            raise ValueError("the cue supports nothing; give a role, an availability or a weigher")
        return self

    def regexes(self) -> list[str]:
        """Every regex the cue is built from (pattern parts, local classes, not_before/not_after/not_by_user)."""
        parts: list[Regex | None] = [self.pattern, *(self.any or ()), self.head, self.object, self.not_before,
                                     self.not_after, self.not_by_user]
        parts += [item for items in self.classes.values() for item in items]
        return [_join(p) for p in parts if p is not None]

    def references(self) -> set[str]:
        """Names of the word classes the cue refers to as ``{name}``."""
        return {name for text in self.regexes() for name in _REFERENCE.findall(text)}


class ObservedBehaviour(BaseModel):
    """A checkbox the user can tick, and what it adds to the role and availability scores."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    role: str | None
    role_weight: int | float
    availability: str | None
    availability_weight: int | float

    @model_validator(mode="after")
    def _consistent(self) -> ObservedBehaviour:
        _check_weights("the behaviour", self.role, self.role_weight, self.availability, self.availability_weight)
        return self


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read the read-the-room data ({exc}); fix or restore the file") from exc


def load_word_classes(path: Path = WORD_CLASSES_FILE) -> dict[str, str]:
    """Word classes by name, each compiled to one regex alternation; the built-in ``{number}`` included.

    Args:
        path: a YAML mapping of class name to a list of regex alternatives.

    Raises:
        ValueError: the file is malformed, a class is empty, or it refers to another class.
    """
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of class name -> list of regex alternatives")
    classes = dict(BUILTIN_CLASSES)
    for name, items in data.items():
        if not isinstance(items, list) or not items:
            raise ValueError(f"{path}: word class {name!r} must be a non-empty list of regex alternatives")
        if name in classes:
            raise ValueError(f"{path}: word class {name!r} is built in; choose another name")
        parts = [_join(item) for item in items]
        if any(_REFERENCE.search(p) for p in parts):
            raise ValueError(f"{path}: word class {name!r} refers to another class; list its words instead")
        classes[name] = alt(*parts)
    return classes


def read_cue_specs(path: Path) -> list[CueSpec]:
    """The validated cue entries of a cue file, in file order, with their examples.

    Raises:
        ValueError: the file has no ``cues`` list, an entry is invalid, or two cues share a name.
    """
    data = _read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("cues"), list):
        raise ValueError(f"{path}: expected a top-level `cues:` list (see the header of cues.yaml)")
    specs = []
    for number, entry in enumerate(data["cues"], start=1):
        try:
            specs.append(CueSpec.model_validate(entry))
        except ValidationError as exc:
            name = entry.get("name", f"#{number}") if isinstance(entry, dict) else f"#{number}"
            raise ValueError(f"{path}: cue {name}: {exc}") from exc
    names = [s.name for s in specs]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"{path}: cue names must be unique; rename {', '.join(duplicates)}")
    return specs


def build_cue(spec: CueSpec, word_classes: Mapping[str, str], weighers: Mapping[str, Weigher] = WEIGHERS) -> Cue:
    """Compile one cue entry, expanding ``{name}`` references to word classes.

    Args:
        spec: the entry.
        word_classes: shared classes by name (see :func:`load_word_classes`); the cue's own ``classes`` add to them.
        weighers: functions a ``weigh`` field may name.

    Raises:
        ValueError: an unknown word class or weigher, or a regex that does not compile.
    """
    shadowed = sorted(set(spec.classes) & set(word_classes))
    if shadowed:
        raise ValueError(f"cue {spec.name}: local class {', '.join(shadowed)} hides a shared one; rename it")
    classes = {**word_classes, **{name: alt(*map(_join, items)) for name, items in spec.classes.items()}}

    def expand(value: Regex | None) -> str | None:
        if value is None:
            return None

        def lookup(match: re.Match[str]) -> str:
            if match.group(1) not in classes:
                raise ValueError(f"cue {spec.name}: unknown word class {{{match.group(1)}}}; define it in "
                                 f"word_classes.yaml or under the cue's `classes`")
            return classes[match.group(1)]

        return _REFERENCE.sub(lookup, _join(value))

    if spec.pattern is not None:
        pattern = expand(spec.pattern)
    elif spec.any is not None:
        pattern = alt(*map(expand, spec.any))
    else:
        pattern = expand(spec.head) + gap(spec.max_gap) + expand(spec.object)
    if spec.weigh is not None and spec.weigh not in weighers:
        raise ValueError(f"cue {spec.name}: unknown weigher {spec.weigh!r}; use one of {', '.join(weighers)} "
                         f"or add it to WEIGHERS in agent/read_room/availability.py")
    try:
        return cue(spec.name, pattern, spec.role, spec.role_weight, spec.availability, spec.availability_weight,
                   negatable=spec.negatable, not_before=expand(spec.not_before), not_after=expand(spec.not_after),
                   not_by_user=expand(spec.not_by_user),
                   weigh=weighers[spec.weigh] if spec.weigh else None)
    except re.error as exc:
        raise ValueError(f"cue {spec.name}: the regex does not compile ({exc})") from exc


def load_cues(path: Path, word_classes: Mapping[str, str] | None = None,
              weighers: Mapping[str, Weigher] = WEIGHERS) -> tuple[Cue, ...]:
    """Compile every cue in a cue file, in file order.

    Args:
        path: a YAML file with a ``cues`` list (the format of ``cues.yaml``).
        word_classes: classes by name; defaults to the shipped ``word_classes.yaml``.
        weighers: functions a ``weigh`` field may name.

    Returns:
        The compiled cues, ready for :func:`~agent.read_room.cues.find_hits`.

    Raises:
        ValueError: the file or one of its entries is invalid; the message names the file and the cue.
    """
    classes = WORD_CLASSES if word_classes is None else word_classes
    cues = []
    for spec in read_cue_specs(path):
        try:
            cues.append(build_cue(spec, classes, weighers))
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from exc
    return tuple(cues)


def load_observed(path: Path = OBSERVED_FILE) -> dict[str, ObservedBehaviour]:
    """The checkbox behaviours by key, in file order.

    Raises:
        ValueError: the file has no ``behaviours`` mapping, or an entry lacks a field or names an unknown role.
    """
    data = _read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("behaviours"), dict):
        raise ValueError(f"{path}: expected a top-level `behaviours:` mapping of key -> label, role, weights")
    out = {}
    for key, entry in data["behaviours"].items():
        try:
            out[str(key)] = ObservedBehaviour.model_validate(entry)
        except ValidationError as exc:
            raise ValueError(f"{path}: behaviour {key}: {exc}") from exc
    return out


WORD_CLASSES: dict[str, str] = load_word_classes()
ROLE_CUES: tuple[Cue, ...] = load_cues(ROLE_CUES_FILE)
AVAILABILITY_CUES: tuple[Cue, ...] = load_cues(AVAILABILITY_CUES_FILE)
LEXICON: tuple[Cue, ...] = ROLE_CUES + AVAILABILITY_CUES
