"""The one vocabulary every capability shares: roles, stages, fields of medicine, stopwords, number words.

The words live in ``vocabulary.yaml`` beside this module; this module only loads them (once, at import)
and offers them as constants and two small helpers. Nothing else in MentorPrep defines its own copy.
"""

from __future__ import annotations

from pathlib import Path

import yaml

_DATA = yaml.safe_load((Path(__file__).with_name("vocabulary.yaml")).read_text(encoding="utf-8"))

ROLES: tuple[str, ...] = tuple(_DATA["roles"])
MENTOR, COACH, SPONSOR, CONNECTOR = ROLES
UNCLEAR = "unclear"
AVAILABILITY_LEVELS: tuple[str, ...] = tuple(_DATA["availability_levels"])
HIGH, LOW = AVAILABILITY_LEVELS
STAGES: tuple[str, ...] = tuple(_DATA["stages"])
STAGE_PHRASES: dict[str, str] = dict(_DATA["stage_phrases"])

SPECIALTIES: tuple[str, ...] = tuple(_DATA["specialties"])
FIELD_ABBREVIATIONS: dict[str, str] = dict(_DATA["field_abbreviations"])
# Every way a field is named in text: full names first, then the abbreviations users type.
FIELD_TERMS: tuple[str, ...] = SPECIALTIES + tuple(FIELD_ABBREVIATIONS)
BROAD_FIELDS: frozenset[str] = frozenset(_DATA["broad_fields"])
PRACTITIONERS: dict[str, str] = dict(_DATA["practitioners"])

STOPWORDS: frozenset[str] = frozenset(_DATA["stopwords"].split())
FILLERS: frozenset[str] = frozenset(_DATA["fillers"].split())
NUMBER_WORDS: dict[str, int] = {str(k): int(v) for k, v in _DATA["number_words"].items()}


def stage_phrase(stage: str) -> str:
    """How a career stage reads after "I'm": "a resident", "an attending", "a PGY-2" ("" for nothing)."""
    stage = " ".join(str(stage or "").split())
    if not stage:
        return ""
    known = STAGE_PHRASES.get(stage.lower())
    if known:
        return known
    article = "an" if stage[0].lower() in "aeiou" else "a"
    return f"{article} {stage}"


def field_name(term: str) -> str:
    """The field a term names: abbreviations and practitioner nouns spelled out ("gp" -> "general practice")."""
    term = " ".join(str(term or "").lower().split())
    return FIELD_ABBREVIATIONS.get(term) or PRACTITIONERS.get(term) or term
