"""Cue matching for "read the room": find cue spans in meeting notes and decide which are negated.

A :class:`Cue` is a regular expression for one lexical family (a stem, a synonym set or a verb-object
pattern) plus what it is evidence for: a role (mentor, coach, sponsor, connector), an availability level
(high, low), or both. :func:`find_hits` runs every cue over the text and returns :class:`Hit` objects
with exact character offsets, each marked negated or not. The lexicon itself is data (YAML files
beside this module, compiled into cues by ``agent.read_room.lexicon``); this module holds the machinery
that is independent of the word lists.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

# Apostrophe variants are folded to "'" before matching; every fold keeps the text's length,
# so offsets into the folded text are offsets into the user's original text.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})

WORD = r"[\w'-]+"

# Turns a match into ``(availability, weight)``, or None to drop it (e.g. a duration: "two hours" is high).
Weigher = Callable[[re.Match[str]], tuple[str, float] | None]


def gap(n: int) -> str:
    """Up to ``n`` intervening words (commas allowed, no sentence punctuation) between two parts."""
    return rf"(?:[\s,]+{WORD}){{0,{n}}}?[\s,]+"


def alt(*parts: str) -> str:
    """A non-capturing alternation of regex parts."""
    return "(?:" + "|".join(parts) + ")"


@dataclass(frozen=True)
class Cue:
    """One lexical cue family.

    Attributes:
        name: stable id shown with the evidence (e.g. ``"nominates"``).
        pattern: compiled regex, matched case-insensitively on word boundaries.
        role: the role the cue supports, if any.
        role_weight: how strongly (about 3 = a decisive action, 1 = ambient).
        availability: ``"high"`` or ``"low"`` when the cue also says something about time/attention.
        availability_weight: how strongly.
        negatable: False for cues whose wording already carries a negation ("no time").
        reject_before: a match is dropped when the text just before it matches this (anchored at the end).
        reject_after: a match is dropped when the matched text plus what follows matches this.
        weigh: optional function of the match returning ``(availability, weight)`` or None to drop it
            (for durations, whose meaning depends on the number).
    """

    name: str
    pattern: re.Pattern[str]
    role: str | None = None
    role_weight: float = 0.0
    availability: str | None = None
    availability_weight: float = 0.0
    negatable: bool = True
    reject_before: re.Pattern[str] | None = None
    reject_after: re.Pattern[str] | None = None
    weigh: Weigher | None = field(default=None, compare=False)


def cue(name: str, pattern: str, role: str | None = None, rw: float = 0.0, avail: str | None = None,
        aw: float = 0.0, *, negatable: bool = True, not_before: str | None = None, not_after: str | None = None,
        weigh: Weigher | None = None) -> Cue:
    """Build a :class:`Cue`; patterns are wrapped in word boundaries and compiled case-insensitively."""
    flags = re.IGNORECASE
    return Cue(
        name=name,
        pattern=re.compile(rf"\b(?:{pattern})(?![\w])", flags),
        role=role, role_weight=rw, availability=avail, availability_weight=aw, negatable=negatable,
        reject_before=re.compile(rf"(?:{not_before})$", flags) if not_before else None,
        reject_after=re.compile(not_after, flags) if not_after else None,
        weigh=weigh,
    )


@dataclass(frozen=True)
class Hit:
    """A cue found in the text.

    Attributes:
        cue: the cue that matched.
        start: offset of the evidence span (includes the negating word when negated).
        end: end offset of the evidence span.
        negated: the cue sits in the scope of a negation ("did not offer any introductions").
        hedged: the cue is something the user wished for rather than something the other person did.
        availability: availability level after any duration weighing (before negation).
        availability_weight: weight after any duration weighing.
    """

    cue: Cue
    start: int
    end: int
    negated: bool
    hedged: bool
    availability: str | None
    availability_weight: float


# ---- negation -------------------------------------------------------------------------------------------

_NEGATOR = re.compile(
    r"\b(?:not|never|no|without|hardly|barely|scarcely|nothing|none|nobody|neither|nor|instead\s+of|"
    r"rather\s+than|cannot|unable\s+to|refus\w*|declin\w*|fail(?:ed|s)?\s+to|\w+n't)\b", re.IGNORECASE)
# "not only", "don't hesitate", "no doubt" ... look like negations but do not negate what follows.
_NOT_A_NEGATION = re.compile(
    r"\s*(?:only|just|doubt|matter|problem|hesitate|mind|minded|wait|end\b|shortage|later|sooner|less|fewer|"
    r"least|stranger|surprise|wonder)", re.IGNORECASE)
# Negators that scope over a short noun phrase only ("no feedback", "without any introductions").
_SHORT_SCOPE = {"no", "without", "nothing", "none", "nobody", "neither", "nor"}
_SCOPE_WORDS = {"short": 3, "long": 6}
# Where a negation's scope ends: clause punctuation, contrast words, a new subject, or a new verb phrase
# ("she didn't have time and introduced me to ..." - the introduction is not negated).
_PAST_VERB = (r"(?:\w+ed|gave|told|said|took|sent|made|wrote|showed|put|went|spent|set|got|let|kept|brought|"
              r"met|ran|sat|saw|spoke|found|left|began|came|did|had|knew|thought|felt|read)\s+"
              r"(?:me|him|her|them|us|a|an|the|to|up|out|off|my|his|their|some|no|any|not|n't)\b")
_SCOPE_BREAK = re.compile(
    r"[.;:!?()\n]|\s[-\u2013\u2014]\s|\b(?:but|yet|though|although|however|instead|whereas|while|then|so|"
    r"except|still)\b|,\s*(?:and\s+)?(?:he|she|they|i|we)\b|\band\s+(?:he|she|they|i|we|then)\b"
    r"|(?:,|\band)\s+(?=" + _PAST_VERB + ")",
    re.IGNORECASE)
_WORDS = re.compile(WORD)
# The user, not the other person, is the subject: "I had hoped she would introduce me".
_USER_WISH = re.compile(
    r"\bI\s+(?:had\s+|was\s+)?(?:hoped|hoping|expected|expecting|wanted|wished|wishing|requested|asked\s+for|"
    r"asked\s+(?:her|him|them)\s+(?:to|for|if|whether)|would\s+like|'d\s+like|'d\s+hoped|wondered)\b",
    re.IGNORECASE)
_AGREED = re.compile(r"[^.;!?]{0,40}?\b(?:and|,)\s*(?:she|he|they)\s+(?:agreed|said\s+yes|did|will|would|offered|"
                     r"promised|happily|gladly|kindly|immediately|gave|sent|made|wrote|introduced|connected|set|put|"
                     r"arranged|nominated|recommended|obliged)\b", re.IGNORECASE)
# "whether or not", "if not": the "not" negates nothing that follows.
_NEGATOR_EXEMPT_BEFORE = re.compile(r"\b(?:or|if|whether)\s+$", re.IGNORECASE)


def _clause_prefix(text: str, start: int) -> str:
    """Text before ``start`` back to the nearest scope break (at most 120 characters)."""
    window_start = max(0, start - 120)
    prefix = text[window_start:start]
    cut = max((m.end() for m in _SCOPE_BREAK.finditer(prefix)), default=0)
    return prefix[cut:]


def _negator_before(prefix: str) -> re.Match[str] | None:
    """The negator that scopes over the end of ``prefix``, if any."""
    found = None
    for match in _NEGATOR.finditer(prefix):
        if _NOT_A_NEGATION.match(prefix, match.end()) or _NEGATOR_EXEMPT_BEFORE.search(prefix, 0, match.start()):
            continue
        found = match
    if found is None:
        return None
    words_between = len(_WORDS.findall(prefix[found.end():]))
    scope = _SCOPE_WORDS["short" if found.group(0).lower() in _SHORT_SCOPE else "long"]
    return found if words_between <= scope else None


def _negated_inside(matched: str) -> bool:
    """A negator between the head and the object of a gap pattern ("asked nothing about my goals")."""
    for match in _NEGATOR.finditer(matched):
        if (match.start() > 0 and not _NOT_A_NEGATION.match(matched, match.end())
                and not _NEGATOR_EXEMPT_BEFORE.search(matched, 0, match.start())):
            return True
    return False


# ---- matching -------------------------------------------------------------------------------------------

def fold(text: str) -> str:
    """Fold apostrophe variants to ``'`` without changing the text's length."""
    return text.translate(_APOSTROPHES)


def find_hits(text: str, cues: Iterable[Cue]) -> list[Hit]:
    """Every cue match in ``text``, with negation and hedging resolved.

    Args:
        text: the user's notes (already folded with :func:`fold`; offsets refer to it).
        cues: the lexicon.

    Returns:
        Hits in text order.
    """
    hits: list[Hit] = []
    for c in cues:
        for m in c.pattern.finditer(text):
            start, end = m.span()
            if c.reject_before is not None and c.reject_before.search(text[max(0, start - 40):start]):
                continue
            if c.reject_after is not None and c.reject_after.match(text, start, min(len(text), end + 40)):
                continue
            availability, availability_weight = c.availability, c.availability_weight
            if c.weigh is not None:
                weighed = c.weigh(m)
                if weighed is None:
                    continue
                availability, availability_weight = weighed
            prefix = _clause_prefix(text, start)
            negated, span_start = False, start
            if c.negatable:
                negator = _negator_before(prefix)
                if negator is not None:
                    negated, span_start = True, start - len(prefix) + negator.start()
                elif _negated_inside(m.group(0)):
                    negated = True
            hedged = bool(_USER_WISH.search(prefix)) and not _AGREED.match(text, end)
            hits.append(Hit(c, span_start, end, negated, hedged, availability, availability_weight))
    hits.sort(key=lambda h: (h.start, h.end))
    return hits
