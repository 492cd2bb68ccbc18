"""What the persona hears in a trainee's line: the move, what it is about, and what it tells about them.

Everything here is normalised before the persona can use it: a field is a vocabulary name, a stage a known
phrase ("a PGY-2", "an FY2", "a second-year resident"), a topic one of the bank's topics. The trainee's own
words are read, never repeated back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from agent.core import stage_phrase
from agent.rehearsal import bank
from agent.rehearsal import moves as mv
from agent.rehearsal import utterances as ut
from agent.rehearsal.language import with_article
from agent.rehearsal.personas import field_mentions

# "PGY-2", "FY1", "ST3", "MS3", "second-year resident", "registrar" ... -> a phrase the persona can say.
_STAGE_CODES = (
    (re.compile(r"\bpgy[- ]?([1-8])\b", re.I), "PGY-{0}"),
    (re.compile(r"\b(?:fy|f)([12])\b", re.I), "FY{0}"),
    (re.compile(r"\bst([1-8])\b", re.I), "ST{0} registrar"),
    (re.compile(r"\bct([1-3])\b", re.I), "CT{0}"),
    (re.compile(r"\b(?:ms|m)([1-4])\b", re.I), "MS{0}"),
)
_ORDINAL = r"(first|second|third|fourth|fifth|final|1st|2nd|3rd|4th|5th)"
_STAGE_WORDS = (
    (re.compile(rf"\b{_ORDINAL}[- ]year (?:[a-z]+ ){{0,3}}?(medical student|resident|registrar|fellow|trainee)\b",
                re.I), None),
    (re.compile(r"\b(medical student|intern|resident|registrar|fellow|sho|hospitalist|attending|consultant|"
                r"trainee)\b", re.I), None),
)
_ORDINALS = {"1st": "first", "2nd": "second", "3rd": "third", "4th": "fourth", "5th": "fifth"}
_CLINICAL = re.compile(r"\b(mg|dose|dosing|fever|rash|symptoms?|prescrib\w*|should i give|my (kid|child|son|daughter|"
                       r"mum|mom|dad|partner) (has|is))\b", re.I)
_WORK_KINDS = {
    "registry": re.compile(r"\b(registry|registries|database|data ?set|cohort)\b", re.I),
    "study": re.compile(r"\b(study|trial|research|recruit\w*|grant|paper)\b", re.I),
    "clinic": re.compile(r"\b(clinic|outpatients?|consultations?)\b", re.I),
    "service": re.compile(r"\b(service|team|unit|programme|program|lab)\b", re.I),
    "teaching": re.compile(r"\b(teaching|curriculum|simulation|course|students?)\b", re.I),
    "quality": re.compile(r"\b(audit|quality|qi|pathway|project)\b", re.I),
}
_YOUR_WORK = re.compile(r"\b(your|ur|the) ([\w-]+ ){0,4}(registry|database|study|trial|clinic|service|programme|"
                        r"program|lab|project|audit|pathway|curriculum|team|unit|research|work)\b", re.I)


@dataclass
class Heard:
    """One trainee line, as the persona takes it in.

    Attributes:
        text: the line.
        move: what it does (fused classifier and rules, adjusted by the meeting's context).
        reading: the move classifier's full reading.
        rules: the rule-based reading (questions, thanks, closing, hijack) from :mod:`utterances`.
        vector: the line's sentence embedding (None without the embedder).
        topics: bank topics the line is about, the surest first.
        fields: fields it names, as (field, 'target' | 'current' | 'neutral').
        stage: the trainee's stage as a phrase with its article ('' when not said).
        aspect: for a question about the persona's path, which part ('' otherwise).
        work_kind: the kind of the persona's work the line refers to ('' when none).
        clinical: a clinical question about a real person (not for a coffee chat).
        learned: slots this line filled for the first time (``stage_a``, ``user_field``, ``aim``).
    """

    text: str
    move: str
    reading: mv.MoveReading
    rules: ut.Reading
    vector: np.ndarray | None = None
    topics: list[str] = field(default_factory=list)
    fields: list[tuple[str, str]] = field(default_factory=list)
    stage: str = ""
    aspect: str = ""
    work_kind: str = ""
    clinical: bool = False
    learned: set[str] = field(default_factory=set)

    @property
    def asks(self) -> bool:
        """True when the line asks the persona something."""
        return self.move in mv.QUESTION_MOVES or (self.move == "share" and bool(self.rules.questions))

    def target(self) -> str:
        """The field the trainee is heading for in this line, else any field it names ('' when none)."""
        for wanted in ("target", "neutral", "current"):
            for name, kind in self.fields:
                if kind == wanted:
                    return name
        return ""

    def current(self) -> str:
        """The field the trainee says they are in now ('' when not said)."""
        return next((name for name, kind in self.fields if kind == "current"), "")


def stage_of(text: str) -> str:
    """The trainee's stage as a phrase with its article, from known codes and words only ('' when none)."""
    for pattern, form in _STAGE_CODES:
        match = pattern.search(text or "")
        if match:
            return with_article(form.format(match.group(1)))
    for pattern, _ in _STAGE_WORDS:
        match = pattern.search(text or "")
        if not match:
            continue
        if match.lastindex and match.lastindex >= 2:
            year = _ORDINALS.get(match.group(1).lower(), match.group(1).lower())
            return with_article(f"{year}-year {match.group(2).lower()}")
        word = match.group(1).lower()
        return stage_phrase("SHO" if word == "sho" else word)
    return ""


def topics_of(text: str, vector: np.ndarray | None) -> list[str]:
    """Bank topics a line is about: every pattern that matches, in file order, else the closest by meaning."""
    found = [name for name, pattern in bank.TOPIC_PATTERNS.items() if pattern.search(text or "")]
    if found or vector is None:
        return found
    best, score = "", 0.0
    for name, vectors in _topic_vectors().items():
        s = float(np.max(vectors @ vector))
        if s > score:
            best, score = name, s
    return [best] if score >= 0.5 else []


def aspect_of(text: str, vector: np.ndarray | None) -> str:
    """Which part of its path a question asks about (the bank's path aspects; ``chose`` by default)."""
    for name, pattern in bank.ASPECT_PATTERNS.items():
        if pattern.search(text or ""):
            return name
    if vector is not None:
        scores = {name: float(np.max(v @ vector)) for name, v in _aspect_vectors().items()}
        name = max(scores, key=scores.get)
        if scores[name] >= 0.45:
            return name
    return "chose"


def _examples_vectors(key: str, examples: dict[str, tuple[str, ...]]) -> dict[str, np.ndarray]:
    cached = bank._STATE.get(key)
    if cached is None:
        embed = bank.embedder()
        cached = {}
        if embed:  # one call for every example: far cheaper than one per topic
            flat = [e for ex in examples.values() for e in ex]
            vectors, start = np.asarray(embed(flat), dtype=np.float32), 0
            for name, ex in examples.items():
                cached[name], start = vectors[start:start + len(ex)], start + len(ex)
        bank._STATE[key] = cached
    return cached


def _topic_vectors() -> dict[str, np.ndarray]:
    return _examples_vectors("topic_vectors", {n: t.examples for n, t in bank.BOOK.topics.items()})


def _aspect_vectors() -> dict[str, np.ndarray]:
    return _examples_vectors("aspect_vectors", {n: a.examples for n, a in bank.BOOK.path_aspects.items()})


def listen(text: str, *, turn: int, closed: bool = False) -> Heard:
    """Read one trainee line.

    Args:
        text: the line (already whitespace-normalised).
        turn: how many lines the trainee has said, this one included.
        closed: whether the persona has already said goodbye.
    """
    vector = bank.embed_line(mv.clean(text))
    reading = mv.classify(text, (lambda _texts: vector[None, :]) if vector is not None else None)
    rules = ut.read(text)
    move = reading.move
    if move == "off_script" and not rules.hijack and not _CLINICAL.search(text):
        # An ordinary line the classifier could not place: a question is most likely a request or a question.
        move = (_runner_up(reading, include=mv.QUESTION_MOVES) if rules.questions else "") or \
            _runner_up(reading, exclude={"off_script"})
    if rules.hijack:
        move = "off_script"
    elif move == "thanks" and turn >= 2 and not rules.questions and (_SIGNING_OFF.search(text)
                                                                    or ut.says_goodbye(text)):
        move = "goodbye"  # thanks that looks back on the meeting, or ends in "bye", is how trainees say goodbye
    elif move == "goodbye" and not (rules.closing or ut.says_goodbye(text)) and turn <= 1:
        move = "greet"  # nobody leaves in their first line
    elif move == "ask_work" and not _SECOND_PERSON.search(text):
        move = "ask_advice"  # "what do the strongest residents do?" is not about the persona's own work
    elif move in {"greet", "share", "react", "thanks"} and rules.questions:
        # "Hi, I'm Sam. Can you get me a job?" asks for a job; "What's the hardest part of your job?" asks too.
        asked = _asked(rules.questions)
        if not asked and move != "greet":
            asked = _runner_up(reading, include=mv.QUESTION_MOVES, floor=0.15)
        move = asked or move
    heard = Heard(text=text, move=move, reading=reading, rules=rules, vector=vector)
    heard.topics = topics_of(text, vector)
    heard.fields = [(name, kind) for _, name, kind in field_mentions(text)]
    heard.stage = stage_of(text)
    heard.clinical = move == "off_script" and bool(_CLINICAL.search(text))
    if move == "ask_path" or (move in {"share", "ask_advice"} and _asks_about_persona(text)):
        heard.aspect = aspect_of(text, vector)
    your_work = _YOUR_WORK.search(text)
    if your_work or move == "ask_work":  # "could I help with it?" keeps the work already under discussion
        span = your_work.group(0) if your_work else text
        heard.work_kind = next((k for k, p in _WORK_KINDS.items() if p.search(span)), "")
    return heard


def _runner_up(reading: mv.MoveReading, *, exclude: set[str] | frozenset[str] = frozenset(),
               include: set[str] | frozenset[str] | None = None, floor: float = 0.0) -> str:
    """The likeliest move among ``include`` (all moves by default) minus ``exclude``; '' below ``floor``."""
    options = [(score, m) for m, score in reading.scores.items()
               if m not in exclude and (include is None or m in include) and score >= floor]
    return max(options)[1] if options else ("share" if include is None else "")


def _asked(questions: list[str]) -> str:
    """The move of the last question in a greeting or a share that asks the persona something ('' if none)."""
    for question in reversed(questions):
        vector = bank.embed_line(mv.clean(question))
        move = mv.classify(question, (lambda _texts, v=vector: v[None, :]) if vector is not None else None).move
        if move in mv.QUESTION_MOVES:
            return move
    return ""


_SECOND_PERSON = re.compile(r"\b(you|your|yours|u|ur|you're|you've)\b", re.I)
_SIGNING_OFF = re.compile(r"\b(for (all )?your time|thanks again|thank you again|for meeting (with )?me|for today|"
                          r"for (doing|having) this)\b", re.I)
_ABOUT_YOU = re.compile(r"\b(did you|were you|have you ever|when you were|you (chose|picked|decided)|your (own )?"
                        r"(path|career|training|story)|(hardest|best|worst|favou?rite) (part|thing) (of|about) (your|"
                        r"being)|how do you (keep|manage|balance|cope|switch off)\b.*\b(hours|life|family|home|"
                        r"burn\w*|tired|stress\w*))\b", re.I)


def _asks_about_persona(text: str) -> bool:
    return bool(_ABOUT_YOU.search(text or "")) and "?" in (text or "")
