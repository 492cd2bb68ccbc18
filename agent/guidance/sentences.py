"""Sentences of retrieved passages that can stand in an answer on their own.

A passage is split into its Markdown blocks and sentences. A sentence that needs context the answer
would not show is left out: an email subject line, an example script or dialogue, a heading, a list
fragment. One that opens with a reference back ("It does tell you...", "Both can...") is kept only
together with the sentence before it, so the reference has its antecedent in the same point.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.guidance.rules import Standalone
from retrieval import split_sentences, tokenize

MAX_POINT_WORDS = 60
MAX_SENTENCE_WORDS = 50
MIN_WORDS = 6
# MiniLM cosine above which two sentences make the same point ("A sponsor uses their reputation to advance
# you" / "A sponsor is a senior physician who uses their influence on your behalf" score 0.78).
DUPLICATE_SIMILARITY = 0.76
_BLOCKS = re.compile(r"\n\s*\n|\n(?=\s*(?:[-*+]|\d+[.)])\s)")
_EXAMPLE_QUESTION = re.compile(r"^[\"“][^\"“”]{15,250}\?[\"”]$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_HEADING = re.compile(r"^\s*#+\s+")
_META = re.compile(r"\bthis (?:document|guide|page|section|article)\b", re.I)
# 'give them a graceful way to decline: "Do you feel you know my work well enough...?"' - the example at the
# end can go when the sentence must be short; what comes before it is the advice.
_TRAILING_EXAMPLE = re.compile(
    r"^(?P<head>.{40,}?)\s*(?::|,\s*(?:such as|like|for example|e\.g\.))\s*[\"“][^\"“”]+[\"”]\s*$")


@dataclass(frozen=True)
class Candidate:
    """A sentence (or a sentence with the one it leans on) that could be a point of an answer.

    Attributes:
        text: what the answer would show.
        passage: index of the passage it comes from.
        order: position of its first sentence in the passage.
        sentences: the passage sentences it uses (two when a reference needed its antecedent).
        example: a quoted example question from the guidance, offered as one to ask.
    """

    text: str
    passage: int
    order: int
    sentences: tuple[str, ...]
    example: bool = False

    @property
    def single(self) -> bool:
        return len(self.sentences) == 1

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def short(self) -> str:
        """The text without a quoted example at its end (see :func:`without_example`)."""
        return without_example(self.text)


def without_example(sentence: str) -> str:
    """``sentence`` without a quoted example at its end, when what is left still says something."""
    match = _TRAILING_EXAMPLE.match(sentence)
    if not match or len(match.group("head").split()) < 8:
        return sentence
    return match.group("head").rstrip(" ,;") + "."


def passage_candidates(text: str, passage: int, standalone: Standalone, *, examples: bool = False) -> list[Candidate]:
    """The sentences of one passage that can be read on their own, each as a :class:`Candidate`.

    With ``examples`` (the user asked what to ask), a quoted example question becomes a candidate too,
    shown as 'Ask: "..."'.
    """
    out: list[Candidate] = []
    order = 0
    for block in _BLOCKS.split(text or ""):
        if not block.strip():
            continue
        first_line = block.strip().splitlines()[0]
        if _HEADING.match(first_line):
            continue  # a heading names a topic; it answers nothing
        sentences = split_sentences(block)
        item = bool(_LIST_ITEM.match(first_line))
        previous_ok = ""
        for sentence in sentences:
            order += 1
            problem = _problem(sentence, standalone, item)
            shown = sentence if len(sentence.split()) <= MAX_SENTENCE_WORDS else without_example(sentence)
            if not problem and len(shown.split()) <= MAX_SENTENCE_WORDS:
                out.append(Candidate(shown, passage, order, (sentence,)))
            elif examples and problem == "dialogue" and _EXAMPLE_QUESTION.match(sentence):
                out.append(Candidate(f"Ask: {sentence}", passage, order, (sentence,), example=True))
            elif problem == "dangling" and previous_ok and not standalone.object_lead.search(previous_ok):
                pair = f"{previous_ok} {sentence}"
                if len(pair.split()) <= MAX_POINT_WORDS:
                    out.append(Candidate(pair, passage, order - 1, (previous_ok, sentence)))
            # only a sentence that stands alone can give the next one its antecedent
            previous_ok = sentence if not problem else ""
    return out


def _problem(sentence: str, standalone: Standalone, list_item: bool) -> str:
    if _META.search(sentence):
        return "meta"
    if len(sentence.split()) < MIN_WORDS:
        return "fragment"  # list stubs and labels ("Before:", "Cover three points")
    if list_item and sentence[-1:] not in ".!?":
        return "fragment"
    return standalone.problem(sentence)


def near_duplicate(a: str, b: str, similarity: float | None = None) -> bool:
    """True when two sentences say the same thing (near-identical wording, or embeddings almost equal)."""
    if similarity is not None and similarity >= DUPLICATE_SIMILARITY:
        return True
    ta, tb = set(tokenize(a)), set(tokenize(b))
    if not ta or not tb:
        return a.strip().lower() == b.strip().lower()
    return len(ta & tb) / len(ta | tb) >= 0.6 or len(ta & tb) / min(len(ta), len(tb)) >= 0.85


def lower_first(text: str) -> str:
    """Lower-case the first letter when it only starts the sentence ("A sponsor" -> "a sponsor")."""
    first = text.split(" ", 1)[0]
    if first != "I" and first[:1].isupper() and (len(first) == 1 or first[1:].islower()):
        return text[0].lower() + text[1:]
    return text
