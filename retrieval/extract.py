"""Pick the sentences of a passage that best answer a query (extractive answers need no model)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from retrieval.keyword import tokenize

_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'”’)\]]))\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_META = re.compile(r"\bthis (?:document|guide|page|section|article)\b", re.I)
_MARKUP = re.compile(r"^\s*(?:[-*+]\s+|\d+[.)]\s+|>\s*|#+\s+)")
# Titles and short forms whose full stop does not end a sentence ("Dr. Patel", "e.g. a CV").
_ABBREVIATION = re.compile(r"\b(Dr|Mr|Mrs|Ms|Prof|St|Drs|vs|etc|e\.g|i\.e|approx|No)\.\s", re.IGNORECASE)
_HOLD = "\u2024"  # one-dot leader: stands in for a protected full stop while splitting
MIN_WORDS = 5
MAX_WORDS = 70


def split_sentences(text: str) -> list[str]:
    """Sentences of a Markdown passage, with list markers, emphasis and headings removed."""
    sentences: list[str] = []
    for block in re.split(r"\n\s*\n|\n(?=\s*(?:[-*+]|\d+[.)])\s)", text):
        line = " ".join(_MARKUP.sub("", part).strip() for part in block.splitlines())
        line = re.sub(r"\*\*|__|(?<!\w)[*_](?=\w)|(?<=\w)[*_](?!\w)|`", "", line)
        line = re.sub(r"\s+", " ", line).strip()
        if line:
            line = _ABBREVIATION.sub(lambda m: m.group(0).replace(".", _HOLD), line)
            pieces = [piece.strip().replace(_HOLD, ".") for piece in _SENTENCE_END.split(line) if piece.strip()]
            sentences.extend(_join_open_quotes(pieces))
    return sentences


def _unbalanced(text: str) -> bool:
    return text.count('"') % 2 == 1 or text.count("“") != text.count("”")


def _join_open_quotes(pieces: list[str]) -> list[str]:
    """Keep a quotation that spans several sentences in one piece, so no extract starts or ends mid-quote."""
    joined: list[str] = []
    for piece in pieces:
        if joined and _unbalanced(joined[-1]):
            joined[-1] = f"{joined[-1]} {piece}"
        else:
            joined.append(piece)
    return joined


def extract_passage(query: str, text: str, *, embed: Callable[[Sequence[str]], np.ndarray] | None = None,
                    max_sentences: int = 2) -> str:
    """The ``max_sentences`` most query-relevant sentences of ``text``, in their original order.

    Sentences are scored by shared query terms, by cosine similarity to the query when ``embed`` is given
    (a function returning unit vectors), and by a small bonus for the opening sentence, which usually states
    the point of a section. Further sentences must score at least half the best one, and a long best
    sentence stands alone, so each extract stays short and on point.
    """
    sentences = split_sentences(text)
    # Sentences about the document itself ("This guide covers...") describe rather than advise.
    sentences = ([s for s in sentences if len(s.split()) >= MIN_WORDS and not _META.search(s)]
                 or [s for s in sentences if len(s.split()) >= MIN_WORDS] or sentences)
    if not sentences:
        return ""
    terms = set(tokenize(query))
    scores = np.array([0.15 * len(terms & set(tokenize(s))) for s in sentences], dtype=float)
    if embed is not None:
        vectors = embed([query, *sentences])
        scores += vectors[1:] @ vectors[0]
    scores[0] += 0.05
    chosen: list[int] = []
    words = 0
    order = np.argsort(-scores, kind="stable")
    floor = max(0.1, 0.5 * float(scores[order[0]]))  # a second sentence must pull its weight
    for i in order:
        length = len(sentences[int(i)].split())
        if chosen and (words + length > MAX_WORDS or scores[i] < floor):
            continue
        chosen.append(int(i))
        words += length
        if len(chosen) >= max_sentences:
            break
    return " ".join(sentences[i] for i in sorted(chosen))
