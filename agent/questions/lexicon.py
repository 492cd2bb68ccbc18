"""The question sharpener's data: word classes, cue patterns and rewrite templates, loaded from YAML.

The data lives beside this module: ``word_classes.yaml`` (closed-class vocabulary: light verbs, advice words,
things a mentor can hand over ...), ``patterns.yaml`` (the named cue patterns each detector uses, with
example questions) and ``templates.yaml`` (rewrite templates and their slots). Each file explains its format
at the top. :func:`load` reads a directory of these files, validates them, expands ``{class}`` references,
compiles every pattern and checks every template slot; this module does that once, at import, and offers
the result under the names the rules have always imported (``LIGHT_VERBS``, ``OUTCOMES``, ``TOKEN_RE`` ...).

A question is judged by how much *specific* content it carries once function words, light verbs, advice
vocabulary and bare field names are set aside; the word classes define those sets.

Typical use::

    PATTERNS["fact"].search(clause)       # a compiled cue pattern
    WORDS["light_verbs"]                  # a word class as a frozenset
    load(Path("my_copy"))                 # the same from an edited copy of the three files
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agent.core import FIELD_TERMS, FILLERS, PRACTITIONERS, ConfigError
from agent.core import STOPWORDS as _STOPWORDS

DATA_DIR = Path(__file__).resolve().parent
WORD_CLASSES_FILE = "word_classes.yaml"
PATTERNS_FILE = "patterns.yaml"
TEMPLATES_FILE = "templates.yaml"

# "{outcomes}" is a reference; regex counts such as "{0,3}" never start with a letter, so they are left alone.
REFERENCE_RE = re.compile(r"\{([A-Za-z_]\w*)\}")
SLOT_RE = re.compile(r"\{(\w+)\}")

KINDS = ("situation", "story", "role")
FLAG_NAMES = ("too_open", "googleable", "pumping")
ROLE_NAMES = ("mentor", "coach", "sponsor", "connector")
# Safe loaders only; the C one parses this data about ten times faster, and it runs at every import.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class PatternSpec(BaseModel):
    """One named pattern as written in ``patterns.yaml`` (the fields are described at the top of the file)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    about: str = ""
    alternatives: list[str] = Field(min_length=1)
    ignore_case: bool = False
    kind: str | None = None
    match: list[str] = Field(default_factory=list)
    no_match: list[str] = Field(default_factory=list)
    examples_skipped: str = ""


class _PatternFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    contractions: list[tuple[str, str]]
    normalisation: dict[str, PatternSpec]
    parsing: dict[str, PatternSpec]
    flags: dict[str, PatternSpec]
    notes: dict[str, PatternSpec]
    subject: dict[str, PatternSpec]
    goal: dict[str, PatternSpec]
    outcome_kinds: dict[str, PatternSpec]
    rewrite_kinds: dict[str, PatternSpec]


class Template(BaseModel):
    """One rewrite template as written in ``templates.yaml`` (the fields are described at the top of the file)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    kind: str
    flags: tuple[str, ...] = Field(min_length=1)
    roles: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    variants: tuple[str, ...] = Field(min_length=1)


class _TemplateFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slots: dict[str, str]
    default_roles: dict[str, str]
    templates: list[Template] = Field(min_length=1)


@dataclass(frozen=True)
class Templates:
    """Rewrite templates in preference order.

    Attributes:
        slots: every slot a template may use, with what it holds.
        default_roles: the role whose templates serve each flag when the mentor's role is unknown.
        templates: every template, in preference order.
    """

    slots: dict[str, str]
    default_roles: dict[str, str]
    templates: tuple[Template, ...]

    def all(self) -> list[Template]:
        """Every template, for checks that look at each one."""
        return list(self.templates)

    def choose(self, flag: str, kind: str, role: str | None = None, outcome: str | None = None) -> list[Template]:
        """Templates of one kind that repair ``flag``, in preference order.

        For the role kind, those fitting ``role`` (or the flag's default role when it is unknown); for a
        pumping question, the ones made for its ``outcome`` come first, then those for any outcome.
        """
        if kind == "role":
            role = role if role in ROLE_NAMES else self.default_roles.get(flag)
        found = [t for t in self.templates if t.kind == kind and flag in t.flags
                 and (kind != "role" or role in t.roles) and (not t.outcomes or outcome in t.outcomes)]
        return sorted(found, key=lambda t: not t.outcomes)


@dataclass(frozen=True)
class Lexicon:
    """Everything loaded from one data directory, compiled and checked.

    Attributes:
        lists: word classes in file order (a pattern splices them in in this order).
        words: the same word classes as sets.
        patterns: every named pattern, compiled.
        groups: pattern names by the group of ``patterns.yaml`` they sit in, in file order.
        specs: every named pattern as written, with its examples.
        contractions: (pattern, replacement) pairs that normalisation applies in order.
        outcome_kinds: (pattern, kind) pairs; the first that matches names what a pumping question asked for.
        templates: the rewrite templates.
    """

    lists: dict[str, tuple[str, ...]]
    words: dict[str, frozenset[str]]
    patterns: dict[str, re.Pattern[str]]
    groups: dict[str, tuple[str, ...]]
    specs: dict[str, PatternSpec]
    contractions: tuple[tuple[re.Pattern[str], str], ...]
    outcome_kinds: tuple[tuple[re.Pattern[str], str], ...]
    templates: Templates

    def alternatives(self, name: str) -> str:
        """A word class as regex alternatives joined with ``|`` (what ``{name}`` expands to in a pattern)."""
        return "|".join(self.lists[name])


def _read(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read the question sharpener's data ({exc}); fix or restore the "
                          f"file") from exc


def _validated(model: type[BaseModel], path: Path) -> Any:
    try:
        return model.model_validate(_read(path))
    except ValidationError as exc:
        raise ConfigError(f"{path}: {exc}\nFix the entry named above; the format is described at the top of "
                          f"the file.") from exc


def _load_classes(path: Path) -> dict[str, tuple[str, ...]]:
    data = _read(path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of class name -> words (see the top of the file)")
    classes = {}
    for name, value in data.items():
        items = value.split() if isinstance(value, str) else value
        if not isinstance(items, list) or not items or not all(isinstance(w, str) and w for w in items):
            raise ConfigError(f"{path}: word class {name!r} must be a non-empty string of words or a list "
                              f"of words")
        # Repeats do no harm in a set but would be spliced into patterns twice; keep the first.
        classes[str(name)] = tuple(dict.fromkeys(items))
    return classes


def _compile(name: str, spec: PatternSpec, classes: Mapping[str, tuple[str, ...]], path: Path) -> re.Pattern[str]:
    def expand(match: re.Match[str]) -> str:
        if match.group(1) not in classes:
            raise ConfigError(f"{path}: pattern {name!r} refers to {{{match.group(1)}}}, which "
                              f"{WORD_CLASSES_FILE} does not define; add the class there or fix the name")
        return "|".join(classes[match.group(1)])

    alternatives = [REFERENCE_RE.sub(expand, a) for a in spec.alternatives]
    # Whitespace is layout in the YAML (an alternative may wrap), so every pattern is verbose.
    flags = re.VERBOSE | (re.IGNORECASE if spec.ignore_case else 0)
    for number, alternative in enumerate(alternatives, start=1):
        try:
            re.compile(alternative, flags)
        except re.error as exc:
            raise ConfigError(f"{path}: pattern {name!r}, alternative {number} does not compile ({exc}); "
                              f"each alternative must be a whole regex on its own") from exc
    return re.compile("|".join(alternatives), flags)


def _check_templates(templates: Templates, path: Path) -> None:
    known = set(templates.slots)
    seen: set[str] = set()
    for t in templates.all():
        where = f"{path}: template {t.id!r}"
        if t.id in seen:
            raise ConfigError(f"{where} is defined twice; ids are unique")
        seen.add(t.id)
        if t.kind not in KINDS:
            raise ConfigError(f"{where} has kind {t.kind!r}; use one of {', '.join(KINDS)}")
        if set(t.flags) - set(FLAG_NAMES) or set(t.roles) - set(ROLE_NAMES):
            raise ConfigError(f"{where}: flags must be among {', '.join(FLAG_NAMES)} and roles among "
                              f"{', '.join(ROLE_NAMES)}")
        if (t.kind == "role") != bool(t.roles):
            raise ConfigError(f"{where}: a role template lists its roles, and only a role template does")
        for variant in t.variants:
            unknown = sorted(set(SLOT_RE.findall(variant)) - known)
            if unknown:
                raise ConfigError(f"{where}: variant {variant!r} uses unknown slot(s) {', '.join(unknown)}; use "
                                  f"one of {', '.join(sorted(known))}")
    for flag in FLAG_NAMES:
        if templates.default_roles.get(flag) not in ROLE_NAMES:
            raise ConfigError(f"{path}: default_roles needs a role for {flag!r}")
        for kind in ("situation", "story"):
            if not templates.choose(flag, kind):
                raise ConfigError(f"{path}: no {kind} template repairs {flag!r}; add one")
        for role in ROLE_NAMES:
            if not templates.choose(flag, "role", role):
                raise ConfigError(f"{path}: no role template fits a {role} for {flag!r}; add one")


def _load_templates(path: Path) -> Templates:
    data: _TemplateFile = _validated(_TemplateFile, path)
    templates = Templates(dict(data.slots), dict(data.default_roles), tuple(data.templates))
    _check_templates(templates, path)
    return templates


def load(directory: Path | str | None = None) -> Lexicon:
    """Read, check and compile the three data files in a directory.

    Args:
        directory: where ``word_classes.yaml``, ``patterns.yaml`` and ``templates.yaml`` are; this module's
            own directory by default.

    Returns:
        The compiled :class:`Lexicon`.

    Raises:
        ConfigError: a file is missing or malformed, a pattern does not compile or refers to an unknown word
            class, a name is used twice, or a template uses an unknown slot. The message names the file and
            the entry.
    """
    base = Path(directory) if directory is not None else DATA_DIR
    classes = _load_classes(base / WORD_CLASSES_FILE)
    path = base / PATTERNS_FILE
    data: _PatternFile = _validated(_PatternFile, path)
    groups: dict[str, dict[str, PatternSpec]] = {g: getattr(data, g) for g in _PatternFile.model_fields
                                                 if g != "contractions"}
    specs: dict[str, PatternSpec] = {}
    for entries in groups.values():
        for name, spec in entries.items():
            if name in specs:
                raise ConfigError(f"{path}: pattern name {name!r} is used twice; names are unique across groups")
            specs[name] = spec
    patterns = {name: _compile(name, spec, classes, path) for name, spec in specs.items()}
    kinds = []
    for name, spec in data.outcome_kinds.items():
        if not spec.kind:
            raise ConfigError(f"{path}: outcome kind {name!r} needs a `kind` (what the user asked to be handed)")
        kinds.append((patterns[name], spec.kind))
    try:
        contractions = tuple((re.compile(p), r) for p, r in data.contractions)
    except re.error as exc:
        raise ConfigError(f"{path}: a contraction pattern does not compile ({exc})") from exc
    return Lexicon(
        lists=classes,
        words={name: frozenset(items) for name, items in classes.items()},
        patterns=patterns,
        groups={g: tuple(entries) for g, entries in groups.items()},
        specs=specs,
        contractions=contractions,
        outcome_kinds=tuple(kinds),
        templates=_load_templates(base / TEMPLATES_FILE),
    )


LEXICON = load()
WORDS = LEXICON.words
PATTERNS = LEXICON.patterns

# Function words and fillers carry no target.
STOPWORDS = _STOPWORDS | FILLERS
LIGHT_VERBS = WORDS["light_verbs"]
GENERIC = WORDS["generic"]

# Field names as they appear in questions, abbreviations included.
SPECIALTIES = FIELD_TERMS

# Words naming a field or a training stage: they place a question but do not give it a target. "patient"
# (from "patient care") is left out because a question about patients has a target.
FIELD_WORDS = frozenset(
    {w for s in SPECIALTIES for w in s.replace("-", " ").split()} - STOPWORDS - {"patient"}
    | {w.split()[-1] for w in PRACTITIONERS}
    | WORDS["field_words"]
)

QUESTION_WORDS = WORDS["question_words"]
AUXILIARIES = WORDS["auxiliaries"]
IMPERATIVES = WORDS["imperatives"]

# Nouns of things a mentor can hand over, as regex alternatives: the object of a favour request.
OUTCOMES = LEXICON.alternatives("outcomes")

TOKEN_RE = PATTERNS["token"]

GOAL_VERBS = WORDS["goal_verbs"]
DOUBLED_FINAL = WORDS["doubled_final"]
MOVE_VERBS = WORDS["move_verbs"]

__all__ = [
    "AUXILIARIES", "DATA_DIR", "DOUBLED_FINAL", "FIELD_WORDS", "GENERIC", "GOAL_VERBS", "IMPERATIVES", "LEXICON",
    "KINDS", "LIGHT_VERBS", "MOVE_VERBS", "OUTCOMES", "PATTERNS", "PRACTITIONERS", "QUESTION_WORDS",
    "REFERENCE_RE", "SLOT_RE", "SPECIALTIES", "STOPWORDS", "TOKEN_RE", "WORDS", "Lexicon", "PatternSpec", "Template",
    "Templates", "load",
]
