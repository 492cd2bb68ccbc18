"""Extractive answers: one direct first sentence, then two to four cited points, all from the passages.

No model writes anything here. Sentences that stand on their own (:mod:`agent.guidance.sentences`) are
scored against the message by embedding similarity, shared words, how well they fit the kind of question
(an instruction for "how do I...", a reading of a signal for "what does that mean"), and how well they fit
the user's situation (stage, field, the mentor's role). The first sentence is the most answer-like one,
sometimes turned into a direct reply by an opener from ``answers.yaml`` ("What you describe usually
signals ..."), or for "what's the difference between X and Y" the two definitions joined. Near-duplicates
and points the user was already given are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from agent.core import ROLES, field_name, stage_phrase
from agent.guidance.rules import AnswerRules
from agent.guidance.sentences import Candidate, lower_first, near_duplicate, passage_candidates
from retrieval import Passage, tokenize

Embed = Callable[[Sequence[str]], np.ndarray]
MIN_POINTS, MAX_POINTS = 2, 4
MAX_EXAMPLES = 2  # example questions among the points, when the user asked what to ask
FIRST_MAX_WORDS = 45
COMPARE_SIDE_WORDS = 28  # each definition joined into a comparison's first sentence
POINT_SPREAD = 0.18  # a point may score this much below the best candidate left after the first sentence
PASSAGE_WEIGHT = 0.3  # share of a sentence's score that comes from its passage's similarity to the question
EXAMPLE_MARGIN = 0.1
PAIR_MARGIN = 0.08  # a point takes the sentence after it along when that costs less than this
FIRST_FIT_MARGIN = 0.15  # the first sentence may score this much below the best one if it reads as an answer
FIT_WINDOW = 0.25  # answer-likeness only ranks sentences this close to the most similar one
CONTEXT_WEIGHT = 0.35  # share of a follow-up's meaning taken from the message it follows
_LEADING_CLAUSE = re.compile(r"^(?:before|after|when|once|if|for|during|at|in|on|within|a few \w+ before)\b[^,]{3,80},"
                             r"\s+(\w+)", re.I)
_NEGATED_IMPERATIVE = re.compile(r"^(?:do not|don't|never)\b", re.I)
_COMPARE_TERMS = (re.compile(r"\bbetween (?:an? |the |my )?(?P<a>[a-z][\w -]{1,30}?) and (?:an? |the |my )?"
                             r"(?P<b>[a-z][\w-]*(?: [a-z][\w-]*)?)\b", re.I),
                  re.compile(r"\b(?P<a>[a-z][\w-]*) (?:vs\.?|versus|compared (?:to|with)) (?:an? |the )?"
                             r"(?P<b>[a-z][\w-]*)\b", re.I))
_WHAT_IS_TERM = re.compile(r"\b(?:what(?: is|'s| are)|who (?:is|are)|define|what does) (?:an? |the )?"
                           r"(?:traditional )?(?P<t>[a-z][\w-]*)", re.I)


@dataclass(frozen=True)
class Situation:
    """What is known about the person asking, used to fit the points to them.

    Attributes:
        stage: career stage from the profile ("resident").
        field: their field, spelled out ("internal medicine").
        role: the mentor's role, when known ("sponsor").
        who: the person they are meeting, as the message names them ("EP attending").
        terms: stemmed words that mark a sentence as about this situation.
    """

    stage: str = ""
    field: str = ""
    role: str = ""
    who: str = ""
    terms: frozenset[str] = frozenset()

    @classmethod
    def of(cls, question: str, profile: Mapping[str, Any] | None, role: str | None,
           rules: AnswerRules) -> Situation:
        """The situation from the profile, the mentor's role and the message itself."""
        profile = profile or {}
        stage = str(profile.get("career_stage") or "").strip().lower()
        specialty = field_name(str(profile.get("specialty") or ""))
        role = role if role in ROLES else ""
        words = " ".join([stage, stage_phrase(stage), specialty, role, str(profile.get("goals") or "")[:200]])
        return cls(stage=stage, field=specialty, role=role, who=rules.who_in(question),
                   terms=frozenset(tokenize(words)))

    def describe(self) -> str:
        """A short line for a capable model's prompt ("resident in internal medicine; mentor's role: sponsor")."""
        parts = [" in ".join(p for p in (self.stage, self.field) if p)]
        if self.role:
            parts.append(f"the senior doctor seems to act as a {self.role}")
        if self.who:
            parts.append(f"meeting: {self.who}")
        return "; ".join(p for p in parts if p)


@dataclass
class Composed:
    """An extractive answer: the pieces to stream and the passages cited, in citation order."""

    pieces: list[str]
    used: list[int] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.pieces).strip()


def compose(question: str, passages: Sequence[Passage], rules: AnswerRules, *, embed: Embed | None,
            situation: Situation, context: str = "", said: Sequence[str] = ()) -> Composed | None:
    """Build the answer from ``passages`` (best first); None when no sentence can stand on its own.

    Args:
        question: the user's message.
        passages: retrieved passages, best first.
        rules: the compiled ``answers.yaml``.
        embed: returns unit vectors for texts; None scores by shared words only.
        situation: the user's situation, to fit the points.
        context: for a follow-up, the message it follows (blended into the meaning of the question).
        said: sentences of the previous answer, not to be repeated.
    """
    kind = rules.kind(question)
    candidates = [c for i, p in enumerate(passages)
                  for c in passage_candidates(p.text, i, rules.standalone, examples=kind == "ask")]
    candidates = [c for c in candidates if not any(near_duplicate(c.text, s) for s in said)] or candidates
    if not candidates:
        return None
    vectors, leads, query = _vectors(candidates, question, context, embed)
    topical = _passage_similarity(passages, query, embed)
    similarity = np.maximum(vectors @ query, leads @ query) if vectors is not None else np.zeros(len(candidates))
    scores, fits = _scores(candidates, similarity, topical, question, kind, situation, rules)
    first, used_first = _first_sentence(question, kind, candidates, scores, fits, rules)
    points = _points(candidates, scores, vectors, used_first, situation)
    numbers: dict[int, int] = {}

    def cite(*indexes: int) -> str:
        return "".join(f"[{numbers.setdefault(i, len(numbers) + 1)}]" for i in indexes)

    first_text = _fill(first[0], first[1], cite)
    pieces = [_personal(first_text, situation, rules)]
    for n, c in enumerate(points):
        pieces.append(("\n\n" if n == 0 else "\n") + f"- {_personal(c.text, situation, rules)} {cite(c.passage)}")
    return Composed(pieces=pieces, used=list(numbers))


def _fill(template: str, indexes: tuple[int, ...], cite: Callable[..., str]) -> str:
    """Put citations where the template marks them ({0}, {1}), else at the end of the sentence."""
    if "{0}" not in template:
        template = template.rstrip()
        if template[-1:] in "\"'”)":
            template = f"{template} {{0}}"  # the sentence ends inside a quotation: cite after it
        else:
            end = template[-1] if template[-1:] in ".!?" else "."
            template = f"{template.rstrip('.!?')} {{0}}{end}"
    return template.format(*(cite(i) for i in indexes))


def _vectors(candidates: list[Candidate], question: str, context: str,
             embed: Embed | None) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None]:
    """(unit vector per candidate, of its first sentence alone, of the question); Nones without an embedder.

    A sentence that leans on the one before it continues it, so a pair is as close to the question as
    either the pair as a whole or its first sentence.
    """
    if embed is None:
        return None, None, None
    sentences = list(dict.fromkeys(s for c in candidates for s in c.sentences))
    texts = [question, *([context] if context else []), *sentences]
    matrix = np.asarray(embed(texts), dtype=np.float32)
    query = matrix[0]
    if context:
        query = (1 - CONTEXT_WEIGHT) * query + CONTEXT_WEIGHT * matrix[1]
        query = query / (np.linalg.norm(query) or 1.0)
    row = {s: matrix[i] for i, s in enumerate(sentences, start=1 + bool(context))}
    vectors = np.array([np.sum([row[s] for s in c.sentences], axis=0) for c in candidates], dtype=np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    leads = np.array([row[c.sentences[0]] for c in candidates], dtype=np.float32)
    return vectors, leads, query


def _passage_similarity(passages: Sequence[Passage], query: np.ndarray | None, embed: Embed | None) -> np.ndarray:
    """How close each whole passage is to the question (the search's own figure when it has one)."""
    known = [p.similarity for p in passages]
    if all(s is not None for s in known):
        return np.array(known, dtype=float)
    if embed is None or query is None:
        return np.zeros(len(passages))
    return np.asarray(embed([p.text for p in passages]), dtype=float) @ query


def is_instruction(sentence: str, rules: AnswerRules) -> bool:
    """True when the sentence tells the reader what to do ("Prepare...", "Before the meeting, read...")."""
    first = re.match(r"[A-Za-z']+", sentence)
    lead = _LEADING_CLAUSE.match(sentence)
    return bool((first and first.group(0).lower() in rules.imperatives) or _NEGATED_IMPERATIVE.match(sentence)
                or (lead and lead.group(1).lower() in rules.imperatives))


def _scores(candidates: list[Candidate], similarity: np.ndarray, topical: np.ndarray, question: str, kind: str,
            situation: Situation, rules: AnswerRules) -> tuple[np.ndarray, np.ndarray]:
    """(score per candidate, whether it reads as an answer to this kind of question).

    A sentence is scored by its own similarity to the question and, with less weight, by its passage's: an
    example question in a section on "what to ask a sponsor" need not say "sponsor" itself.
    """
    terms = set(tokenize(question))
    cues = rules.answer_cues.get(kind, ())
    # a comparison is answered by sentences about both sides ("Where a mentor talks with you, a sponsor...")
    sides = [re.compile(rf"\b{re.escape(t)}s?\b", re.I) for t in compare_terms(question)] if kind == "compare" else []
    base = similarity.astype(float) + np.array([0.04 * min(4, len(terms & set(tokenize(c.text))))
                                          + PASSAGE_WEIGHT * topical[c.passage] for c in candidates])
    for i, c in enumerate(candidates):
        if c.example:  # an example question is as relevant as the section offering it, if a little less direct
            base[i] = max(base[i], (1 + PASSAGE_WEIGHT) * topical[c.passage] - EXAMPLE_MARGIN)
    scores = base.copy()
    fits = np.zeros(len(candidates), dtype=bool)
    for i, c in enumerate(candidates):
        bonus = 0.04 * min(2, len(situation.terms & set(tokenize(c.text))))
        # how answer-like a sentence reads only matters among sentences about the question
        fits[i] = _fits(c, kind, cues, sides, rules)
        if base[i] >= base.max() - FIT_WINDOW:
            bonus += 0.1 * fits[i] + 0.04 * sum(bool(side.search(c.text)) for side in sides)
        bonus -= 0.02 * min(c.passage, 3) + 0.02 * (not c.single) + 0.04 * (c.words > FIRST_MAX_WORDS)
        scores[i] += bonus
    return scores, fits


def _fits(c: Candidate, kind: str, cues: Sequence[re.Pattern[str]], sides: list[re.Pattern[str]],
          rules: AnswerRules) -> bool:
    if c.example or any(p.search(c.text) for p in cues):
        return True
    if kind in ("how_to", "should"):
        return is_instruction(c.sentences[0], rules)
    if sides:
        return all(side.search(c.text) for side in sides)
    return kind == "general"


def _first_sentence(question: str, kind: str, candidates: list[Candidate], scores: np.ndarray, fits: np.ndarray,
                    rules: AnswerRules) -> tuple[tuple[str, tuple[int, ...]], set[int]]:
    """(template with citation slots, passages it cites), and the candidates it used.

    The first sentence is one sentence: the best-scoring one among those that read as an answer to this
    kind of question, when any does.
    """
    singles = [i for i, c in enumerate(candidates)
               if c.single and not c.example and len(c.short.split()) <= FIRST_MAX_WORDS] \
        or list(range(len(candidates)))
    top = max(scores[i] for i in singles)
    answering = [i for i in singles if fits[i] and scores[i] >= top - FIRST_FIT_MARGIN] or singles
    if kind == "compare":
        short = [i for i in singles if len(candidates[i].short.split()) <= COMPARE_SIDE_WORDS]
        found = [_definition(t, candidates, scores, short, rules) for t in compare_terms(question)]
        if len(found) == 2 and None not in found and found[0] != found[1]:
            a, b = (candidates[i].short.replace("{", "{{").replace("}", "}}") for i in found)  # type: ignore[index]
            return (f"{a.rstrip('.!?')} {{0}}, while {lower_first(b).rstrip('.!?')} {{1}}.",
                    tuple(candidates[i].passage for i in found)), set(found)  # type: ignore[index,arg-type]
    if kind == "what_is":
        terms = _terms((_WHAT_IS_TERM,), question)
        best = _definition(terms[0], candidates, scores, singles, rules) if terms else None
        if best is not None:
            return (_escape(candidates[best].short), (candidates[best].passage,)), {best}
    best = max(answering, key=lambda i: scores[i])
    for opener in rules.openers.get(kind, ()):
        text = opener.apply(candidates[best].text)
        if text:
            return (_escape(text), (candidates[best].passage,)), {best}
    return (_escape(candidates[best].short), (candidates[best].passage,)), {best}


def _escape(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def compare_terms(question: str) -> list[str]:
    """The two things a comparison asks about ("sponsor", "mentor"), or []."""
    return _terms(_COMPARE_TERMS, question)[:2]


def _terms(patterns: Sequence[re.Pattern[str]], question: str) -> list[str]:
    for pattern in patterns:
        match = pattern.search(question)
        if match:
            found = [v for k, v in match.groupdict().items() if v]
            return [re.sub(r"^(?:traditional|good|real)\s+", "", t.strip().lower()).rstrip("s") or t
                    for t in found]
    return []


def _definition(term: str, candidates: list[Candidate], scores: np.ndarray, allowed: list[int],
                rules: AnswerRules) -> int | None:
    """The best candidate that defines ``term`` ("A sponsor uses...", "The traditional mentor is...")."""
    verbs = "|".join(sorted(rules.definition_verbs))
    pattern = re.compile(rf"^(?:(?:a|an|the)\s+)?(?:[a-z-]+\s+)?{re.escape(term)}s?\s+(?:often\s+|usually\s+)?"
                         rf"(?:{verbs})\b", re.I)
    found = [i for i in allowed if pattern.match(candidates[i].text)]
    # "A sponsor uses..." is the classic form of a definition; and among good ones, prefer the tighter sentence
    singular = re.compile(rf"^(?:a|an|the)\s+(?:[a-z-]+\s+)?{re.escape(term)}\b", re.I)
    return max(found, key=lambda i: scores[i] + 0.1 * bool(singular.match(candidates[i].text))
               - 0.004 * candidates[i].words) if found else None


def _points(candidates: list[Candidate], scores: np.ndarray, vectors: np.ndarray | None, used: set[int],
            situation: Situation) -> list[Candidate]:
    taken_sentences = {s for i in used for s in candidates[i].sentences}
    chosen: list[int] = list(used)
    points: list[int] = []
    # the bar is set by the best sentence left after the first one, not by the first one itself
    rest = [float(scores[i]) for i, c in enumerate(candidates)
            if i not in used and not taken_sentences & set(c.sentences)]
    best = max(rest, default=float(max(scores)))
    for i in sorted(range(len(candidates)), key=lambda i: -scores[i]):
        if len(points) >= MAX_POINTS:
            break
        c = candidates[i]
        if i in used or taken_sentences & set(c.sentences):
            continue
        if c.example and sum(candidates[j].example for j in points) >= MAX_EXAMPLES:
            continue
        # a passage that already gave a point needs a better sentence to give another
        score = scores[i] - 0.05 * sum(candidates[j].passage == c.passage for j in points)
        if score < best - 2 * POINT_SPREAD or (score < best - POINT_SPREAD and len(points) >= MIN_POINTS):
            continue
        longer = _continued(i, candidates, scores)
        if longer is not None and not taken_sentences & set(candidates[longer].sentences):
            i, c = longer, candidates[longer]  # the sentence with the one that leans on it says more
        if any(near_duplicate(c.text, candidates[j].text,
                              None if vectors is None else float(vectors[i] @ vectors[j])) for j in chosen):
            continue
        points.append(i)
        chosen.append(i)
        taken_sentences |= set(c.sentences)
    if situation.role and points and not any(situation.role in candidates[j].text.lower() for j in points):
        # one point should speak to the role this senior doctor seems to play, when the guidance has one
        fitting = [i for i in range(len(candidates)) if i not in chosen and situation.role in candidates[i].text.lower()
                   and scores[i] >= best - 3 * POINT_SPREAD and not taken_sentences & set(candidates[i].sentences)]
        if fitting:
            swap = max(fitting, key=lambda i: scores[i])
            points = points[:MAX_POINTS - 1] + [swap]
    return [candidates[i] for i in points]


def _continued(i: int, candidates: list[Candidate], scores: np.ndarray) -> int | None:
    """The candidate that is sentence ``i`` followed by the sentence leaning on it, when it scores about as well."""
    if not candidates[i].single:
        return None
    pairs = [j for j, c in enumerate(candidates) if not c.single and c.sentences[0] == candidates[i].sentences[0]
             and c.passage == candidates[i].passage]
    return next((j for j in pairs if scores[j] >= scores[i] - PAIR_MARGIN), None)


def _personal(text: str, situation: Situation, rules: AnswerRules) -> str:
    """Name the person the user is meeting where the guidance says "the senior physician"."""
    if not situation.who:
        return text

    def swap(match: re.Match[str]) -> str:
        name = f"the {situation.who}" + ("'s" if match.group("pos") else "")
        return name[0].upper() + name[1:] if match.group(0)[0].isupper() else name

    return rules.generic.sub(swap, text)
