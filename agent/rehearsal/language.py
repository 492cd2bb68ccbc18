"""Grammar for persona lines: articles, capitals, tidy joins, slot filling and the bad-pattern check.

Templates are filled only from normalised values (persona facts, vocabulary names, the user's stage as a
known phrase), never from the user's raw words. A template whose slots are not all known is not said at all,
so an empty slot can never leave a gap. :func:`problems` checks a finished line against ``bad_patterns.yaml``.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import yaml

from agent.core import ConfigError

_ACRONYM_AN = set("AEFHILMNORSX")  # letters whose name starts with a vowel sound: "an FY2", "an MRCP"
_VOWEL_SOUND_EXCEPTIONS = ("uni", "use", "usu", "one", "once", "eu", "ur")
_SILENT_H = ("hour", "honest", "honour", "honor", "heir")
_SLOT = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def _load_bad(path: Path) -> tuple[tuple[re.Pattern[str], str], ...]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return tuple((re.compile(item["pattern"], re.I), str(item["why"])) for item in data["patterns"])
    except (OSError, yaml.YAMLError, KeyError, TypeError, re.error) as exc:
        raise ConfigError(f"{path} is broken ({exc}); restore it from the repository.") from None


BAD_PATTERNS = _load_bad(Path(__file__).with_name("bad_patterns.yaml"))


def article(phrase: str) -> str:
    """'a' or 'an' for a phrase, by sound: 'an FY2', 'a PGY-2', 'an hour', 'a university'."""
    word = (phrase or "").strip().split(" ")[0].strip("\"'(")
    if not word:
        return "a"
    letters = re.sub(r"[^A-Za-z]", "", word)
    if letters and letters.isupper() and len(letters) <= 5 and not word.lower().startswith(("pgy",)):
        return "an" if letters[0] in _ACRONYM_AN else "a"
    lower = word.lower()
    if lower.startswith(_SILENT_H):
        return "an"
    if lower.startswith(_VOWEL_SOUND_EXCEPTIONS):
        return "a"
    return "an" if lower[:1] in "aeiou" else "a"


def with_article(phrase: str) -> str:
    """The phrase with 'a' or 'an' in front ('' for nothing)."""
    phrase = " ".join((phrase or "").split())
    return f"{article(phrase)} {phrase}" if phrase else ""


def cap(text: str) -> str:
    """First letter upper case, the rest untouched."""
    return text[:1].upper() + text[1:] if text else text


def slots_in(template: str) -> set[str]:
    """The slot names a template uses."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def fill(template: str, values: dict[str, str]) -> str | None:
    """The template with its slots filled, tidied; None when a slot it needs has no value."""
    needed = slots_in(template)
    if any(not values.get(name) for name in needed):
        return None
    return tidy(template.format(**{name: values[name] for name in needed}))


def tidy(text: str) -> str:
    """Single spaces, no space before punctuation, a capital at the start of each sentence."""
    text = " ".join((text or "").split())
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"([.!?])\1+", r"\1", text)
    text = re.sub(r"(^|[.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)
    return text.strip()


def problems(text: str) -> list[str]:
    """Why a persona line must not be said (empty when it is fine)."""
    return [why for pattern, why in BAD_PATTERNS if pattern.search(text or "")]


def words(text: str) -> int:
    """How many words a line has (stage directions included)."""
    return len((text or "").split())
