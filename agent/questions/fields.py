"""Fields of medicine as trainees name them, and the data that turns a profile into short slots.

The shared vocabulary (``agent.core``) names the fields; ``slots.yaml`` beside this module adds the short
names trainees use ("cards", "derm"), how a short name is said aloud ("EP", "peds"), the stage patterns,
mentor titles and the decision-makers a favour is really about. This module loads and checks that file
once, at import, and finds fields in normalised text:

    field_hits("i am a pgy-2 in im aiming for ep")   # [(15, 17, "im", "internal medicine"), (29, 31, ...)]
    spoken("ep")                                      # "EP"
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agent.core import BROAD_FIELDS, FIELD_ABBREVIATIONS, PRACTITIONERS, ConfigError, compile_rule, field_name
from agent.questions.lexicon import PATTERNS, SPECIALTIES

SLOTS_FILE = Path(__file__).resolve().parent / "slots.yaml"
_FLAGS = re.VERBOSE | re.IGNORECASE


class _Stage(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    pattern: str
    say: str


class _SlotFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stages: list[_Stage] = Field(min_length=1)
    field_aliases: dict[str, str]
    spoken: dict[str, str]
    core_fields: list[str]
    mentor_titles: dict[str, list[str]]
    gatekeepers: dict[str, str]
    gatekeeper_pattern: str
    asking: list[str] = Field(min_length=1)


@dataclass(frozen=True)
class SlotData:
    """``slots.yaml``, compiled.

    Attributes:
        stages: (pattern, normalised stage) pairs in priority order.
        aliases: extra field names -> the field they name.
        spoken: short names -> how they are said aloud.
        core_fields: residency fields, preferred as a resident's own field.
        titles: (pattern, role) pairs for the mentor's title.
        gatekeepers: outcome kind -> who decides on it.
        gatekeeper: finds a decision-maker named in a question (group ``who``).
        asking: separates the user's part of a free-text context from the mentor's part.
    """

    stages: tuple[tuple[re.Pattern[str], str], ...]
    aliases: dict[str, str]
    spoken: dict[str, str]
    core_fields: frozenset[str]
    titles: tuple[tuple[re.Pattern[str], str], ...]
    gatekeepers: dict[str, str]
    gatekeeper: re.Pattern[str]
    asking: re.Pattern[str]


def _compile(pattern: str, where: str, path: Path) -> re.Pattern[str]:
    return compile_rule(pattern, where, path, _FLAGS)


def load_slot_data(path: Path = SLOTS_FILE) -> SlotData:
    """Read and check ``slots.yaml``.

    Raises:
        ConfigError: the file is missing or malformed, a regex does not compile, an alias names an unknown
            field, or a title names an unknown role.
    """
    try:
        data = _SlotFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise ConfigError(f"{path}: {exc}\nFix the entry named above; the format is described at the top of "
                          f"the file.") from exc
    known = set(SPECIALTIES) | set(PRACTITIONERS.values())
    for alias, target in data.field_aliases.items():
        if target not in known:
            raise ConfigError(f"{path}: alias {alias!r} names {target!r}, which agent/core/vocabulary.yaml lacks")
    roles = {"mentor", "coach", "sponsor", "connector"}
    if set(data.mentor_titles) - roles:
        raise ConfigError(f"{path}: mentor_titles may only list {', '.join(sorted(roles))}")
    if "default" not in data.gatekeepers:
        raise ConfigError(f"{path}: gatekeepers needs a `default` entry")
    gatekeeper = _compile(data.gatekeeper_pattern, "gatekeeper_pattern", path)
    if "who" not in gatekeeper.groupindex:
        raise ConfigError(f"{path}: gatekeeper_pattern needs a named group `who`")
    return SlotData(
        stages=tuple((_compile(s.pattern, f"stage {s.pattern!r}", path), s.say) for s in data.stages),
        aliases={k.lower(): v for k, v in data.field_aliases.items()},
        spoken={k.lower(): v for k, v in data.spoken.items()},
        core_fields=frozenset(data.core_fields),
        titles=tuple((_compile(p, f"title {p!r}", path), role)
                     for role, patterns in data.mentor_titles.items() for p in patterns),
        gatekeepers=dict(data.gatekeepers),
        gatekeeper=gatekeeper,
        asking=_compile("|".join(f"(?:{a})" for a in data.asking), "asking", path),
    )


SLOT_DATA = load_slot_data()

# Every name of a field: the shared vocabulary's, then the short names from slots.yaml.
_TERMS = sorted({*SPECIALTIES, *SLOT_DATA.aliases}, key=len, reverse=True)
_FIELD_RE = re.compile(r"(?<![\w-])(" + "|".join(re.escape(t) for t in _TERMS) + r")(?![\w-])")
_PRACTITIONER_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, PRACTITIONERS), key=len, reverse=True))
                              + r")s?\b")
_TARGET_BEFORE = PATTERNS["target_before"]
_CURRENT_BEFORE = PATTERNS["current_before"]
_CHOICE_JOIN = PATTERNS["choice_join"]
_CHOICE_LEAD = PATTERNS["choice_lead"]


def clean_field(term: str) -> str:
    """The field a term names: abbreviations, short names and practitioners spelled out, lower-case."""
    term = " ".join(str(term or "").lower().split())
    return SLOT_DATA.aliases.get(term) or field_name(term)


def spoken(term: str) -> str:
    """How a field's name is said aloud: "ep" -> "EP", "peds" -> "peds", "cardiologist" -> "cardiology"."""
    low = " ".join(str(term or "").lower().split())
    if low in SLOT_DATA.spoken:
        return SLOT_DATA.spoken[low]
    if low in FIELD_ABBREVIATIONS:
        return low.upper()
    if low in PRACTITIONERS:
        return PRACTITIONERS[low]
    return low


@dataclass(frozen=True)
class Hit:
    """A field named in text: where, the words used and the field they name."""

    start: int
    end: int
    term: str
    field: str


def field_hits(text: str) -> list[Hit]:
    """Fields named in normalised (lower-case) text, in order; a name inside a longer one is dropped."""
    hits = [Hit(m.start(), m.end(), m.group(1), clean_field(m.group(1))) for m in _FIELD_RE.finditer(text)]
    hits += [Hit(m.start(), m.end(), m.group(1), PRACTITIONERS[m.group(1)]) for m in _PRACTITIONER_RE.finditer(text)]
    hits.sort(key=lambda h: (h.start, -h.end))
    return [h for h in hits if not any(o.start <= h.start and h.end <= o.end and o != h for o in hits)]


def _broad(hit: Hit) -> bool:
    return hit.term in BROAD_FIELDS and hit.term not in FIELD_ABBREVIATIONS


def current_fields(text: str) -> set[str]:
    """Fields the text says the user already works or trains in ("I am a PGY-2 in internal medicine")."""
    return {h.field for h in field_hits(text) if _CURRENT_BEFORE.search(text[:h.start])}


def find_choice(text: str) -> tuple[Hit, Hit] | None:
    """Two fields the text weighs against each other ("between cardiology and nephrology")."""
    hits = [h for h in field_hits(text) if not _broad(h)]
    for a, b in zip(hits, hits[1:], strict=False):
        join = text[a.end:b.start]
        if a.field == b.field or not _CHOICE_JOIN.match(join):
            continue
        if "and" in join.split() and not _CHOICE_LEAD.search(text[:a.end]):
            continue
        return (a, b)
    return None


def find_field_hit(text: str, exclude: set[str] | frozenset[str] = frozenset()) -> Hit | None:
    """The field a text is about.

    When several are named, one introduced as a target ("move *into* pediatrics") wins over one named as
    background; fields in ``exclude`` (the user's own) count only when nothing else is named; otherwise the
    first specific one.
    """
    hits = field_hits(text)
    specific = [h for h in hits if h.term not in BROAD_FIELDS] or hits
    if not specific:
        return None
    fresh = [h for h in specific if h.field not in exclude] or specific
    targets = [h for h in fresh if _TARGET_BEFORE.search(text[:h.start])]
    return targets[-1] if targets else fresh[0]


def find_field(text: str, exclude: set[str] | frozenset[str] = frozenset()) -> str | None:
    """The (normalised) field a text is about; see :func:`find_field_hit`."""
    hit = find_field_hit(text, exclude)
    return hit.field if hit else None
