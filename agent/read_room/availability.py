"""Availability weighing that stays code: stated durations and the numbers they are written with.

The availability cue families themselves are data (``availability.yaml`` beside this module). One of them,
``duration``, names the weigher :func:`_duration` (``weigh: duration``), because what "ten minutes" or "two
hours" says about the meeting depends on the number: a few minutes is low, an hour or more is high.
:data:`NUMBER` is the ``{number}`` word class those cues use.
"""

from __future__ import annotations

import re

from agent.core import HIGH, LOW, NUMBER_WORDS
from agent.read_room.cues import Weigher, alt

# Number words from the shared vocabulary, plus the vague quantities people use for time.
_NUMBERS = {**NUMBER_WORDS, "a": 1, "an": 1, "a few": 3, "few": 3, "a couple": 2, "a couple of": 2, "couple of": 2,
            "couple": 2, "several": 4, "some": 5}
# Alternation takes the first alternative that fits, so longer words go first ("an" before "a").
NUMBER = alt(r"\d+(?:\.\d+)?", r"twenty[\s-]five", r"forty[\s-]five", r"a\s+few", r"a\s+couple(?:\s+of)?",
             *sorted((k for k in _NUMBERS if " " not in k), key=len, reverse=True))


def _duration(match: re.Match[str]) -> tuple[str, float] | None:
    """Availability from a stated duration: a few minutes is low, an hour or more is high."""
    text = match.group(0).lower()
    tail = match.string[match.end():match.end() + 20].lower()
    if re.match(r"\s*(?:away|drive|flight|by\s+car|from\s+here|ago)", tail):
        return None
    if re.match(r"\s*late", tail):
        return LOW, 2.0
    if "quarter" in text:
        minutes = 45.0 if text.startswith("three") else 15.0
    elif "half" in text and "hour" in text and "and a half" not in text:
        minutes = 30.0
    else:
        number = re.match(r"[\w.]+(?:[\s-]+(?:few|couple(?:\s+of)?|five))?", text).group(0)
        amount = _NUMBERS.get(re.sub(r"[\s-]+", " ", number))
        if amount is None:
            try:
                amount = float(number)
            except ValueError:
                return None
        minutes = amount * (60 if re.search(r"\bh(?:ou)?rs?\b|hour", text) else 1)
        if "and a half" in text:
            minutes += 30
    if minutes <= 15:
        return LOW, 3.0
    if minutes <= 25:
        return LOW, 2.0
    if minutes < 40:
        return HIGH, 1.5
    return HIGH, (2.0 if minutes < 60 else 3.0)


# Weighers the data may name in a cue's ``weigh`` field.
WEIGHERS: dict[str, Weigher] = {"duration": _duration}
