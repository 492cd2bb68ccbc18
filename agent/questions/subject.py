"""What a planned question is about: its field, a choice between two fields, or a topic, in the user's words.

Rewrites keep this subject, so "What's it like being an EP attending?" is rewritten about "being an EP
attending" and not about medicine in general. Names are kept as the user said them ("EP", "cards"), and a
topic taken from the lower-cased text gets the user's capitals back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.core import BROAD_FIELDS
from agent.questions.fields import SLOT_DATA, current_fields, find_choice, find_field_hit, spoken
from agent.questions.lexicon import FIELD_WORDS, GENERIC, LEXICON, LIGHT_VERBS, PATTERNS, STOPWORDS, WORDS

MAX_TOPIC_WORDS = 6


@dataclass(frozen=True)
class Subject:
    """What the question is about.

    Attributes:
        field: the (normalised) field it is about, possibly the user's own or the one they aim for.
        term: that field as the user says it ("EP").
        topic: a noun phrase it is about ("an EP fellowship", "being an EP attending").
        from_question: True when the field or topic came from the question rather than the profile.
        choice: the two fields the user is weighing, as said ("EP", "interventional cardiology").
        choice_fields: the same, normalised.
        current: fields the user already works in (from the profile or the question's context).
    """

    field: str | None = None
    term: str = ""
    topic: str | None = None
    from_question: bool = False
    choice: tuple[str, ...] = ()
    choice_fields: tuple[str, ...] = ()
    current: frozenset[str] = frozenset()

    @property
    def phrase(self) -> str:
        """The choice, the topic or the field, whichever the question has (for display)."""
        if self.choice:
            return " or ".join(self.choice)
        return self.topic or self.term or ""

    def fits(self, field: str | None) -> bool:
        """True when a goal pointing to ``field`` can be named beside this subject without pulling the
        question elsewhere."""
        if not self.from_question or not (self.field or self.choice):
            return True
        return field in (self.field, *self.choice_fields) or field is None and not self.choice

    @property
    def target(self) -> str:
        """The field as said, when the user is not in it already ("" otherwise)."""
        return self.term if self.field and self.field not in self.current else ""


def recase(phrase: str, raw: str) -> str:
    """A phrase from the lower-cased text with the user's capitals back ("an ep fellowship" -> "an EP fellowship")."""
    cased = {w.lower(): w for w in re.findall(r"[A-Za-z][\w'/-]*", raw)}
    words = []
    for word in phrase.split():
        say = spoken(word)
        words.append(say if say != word.lower() and say.lower() == word.lower() else cased.get(word, word))
    return " ".join(words)


_TOPIC_RE = PATTERNS["topic"]
_LIKE_TOPIC = PATTERNS["like_topic"]
_VERBISH = WORDS["topic_breakers"]
_TRAINING = "(?:" + LEXICON.alternatives("training_nouns") + ")"


def _noun_run(words: list[str]) -> list[str]:
    run = []
    for w in words:
        if w in STOPWORDS or w in _VERBISH or w in LIGHT_VERBS:
            break
        run.append(w)
    return run


def find_topic(text: str) -> str | None:
    """A short noun phrase the (normalised) question is about ('the licensing exam', 'being an EP attending').

    Only phrases the question clearly names: what a "what is it like ..." question asks about, or a noun
    phrase after a preposition that has a determiner or two words ("about fellowship applications").
    """
    like = _LIKE_TOPIC.search(text)
    if like and len(like.group("np").split()) <= MAX_TOPIC_WORDS:
        return like.group("np")
    candidates = []
    for m in _TOPIC_RE.finditer(text):
        words = _noun_run(m.group("np").split())
        if not words or all(w in GENERIC or w in FIELD_WORDS for w in words):
            continue
        if len(words) < 2 and m.group("det") not in ("the ", "a ", "an "):
            continue  # "on leave", "for you": not a topic
        det = "the " if m.group("det") in ("the ", "a ", "an ") else ""
        candidates.append(det + " ".join(words))
    return candidates[-1] if candidates else None


def extract_subject(question: str, normalized: str, profile_field: str | None = None, profile_term: str = "",
                    current: set[str] | frozenset[str] = frozenset()) -> Subject:
    """The field, choice and topic of a question; the profile's aim fills in when the question names none.

    Args:
        question: the question as typed (for the user's capitals).
        normalized: the same after ``rules.normalize``.
        profile_field: the field the profile aims at (or the user's own), used when the question has none.
        profile_term: that field as the user says it.
        current: fields the user already works in; a field the question's context names as the user's own
            is added to them.
    """
    here = frozenset(current) | current_fields(normalized)
    choice = find_choice(normalized)
    if choice:
        a, b = choice
        return Subject(None, "", None, True, (spoken(a.term), spoken(b.term)), (a.field, b.field), here)
    hit = find_field_hit(normalized, here)
    if hit and (hit.term == "medicine" or hit.term in BROAD_FIELDS and profile_field):
        hit = None  # "medicine" names no field to keep; the one the user is aiming for says more
    if hit and (hit.field not in here or not profile_field or profile_field in here):
        topic = None
        like = _LIKE_TOPIC.search(normalized)
        m = re.search(rf"\b(?:(a|an|the|my|your)\s+)?{re.escape(hit.term)}\s+({_TRAINING})\b", normalized)
        if like and hit.term in like.group("np") and len(like.group("np").split()) <= MAX_TOPIC_WORDS:
            topic = recase(like.group("np"), question)
        elif m:
            plural = m.group(2).endswith("s") and m.group(2) != "boards"
            det = "" if plural else ("the " if m.group(1) == "the" else "a ")
            det = "an " if det == "a " and spoken(hit.term)[0] in "AEFHILMNORSXaeio" else det
            topic = f"{det}{spoken(hit.term)} {m.group(2)}"
        return Subject(hit.field, spoken(hit.term), topic, True, (), (), here)
    topic = find_topic(normalized)
    return Subject(profile_field, profile_term, recase(topic, question) if topic else None, bool(topic), (), (), here)


# ---- what a pumping question asked for ----------------------------------------------------------------
_OUTCOME_KINDS = list(LEXICON.outcome_kinds)
_SPELLED = {"pd": "program director", "apd": "associate program director"}


def outcome_kind(normalized: str) -> str:
    """What a pumping question asked to be handed ("letter", "network", "an interview" ...; "a position")."""
    for pattern, kind in _OUTCOME_KINDS:
        if pattern.search(normalized):
            return kind
    return "a position"


def gatekeeper(normalized: str, kind: str) -> str:
    """Who decides on what a pumping question asked for: the person it names ("a fellowship director"), else
    the usual decision-maker for the outcome."""
    m = SLOT_DATA.gatekeeper.search(normalized)
    if m:
        who = " ".join(_SPELLED.get(w, w) for w in m.group("who").split())
        return f"{'an' if who[0] in 'aeiou' else 'a'} {who}"
    return SLOT_DATA.gatekeepers.get(kind, SLOT_DATA.gatekeepers["default"])
