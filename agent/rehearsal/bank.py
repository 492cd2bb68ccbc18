"""The reply bank (``replies.yaml``): loading, validation, line embeddings and picking a line.

:func:`choose` pools the cells that fit a reply (a role's own lines before the shared ones, a topic's own
before ``any``), drops lines already used, lines whose slots are not known and lines that would repeat a
sentence or match a bad pattern, and picks the one closest in meaning to the trainee's line (all-MiniLM
sentence embeddings, cached on disk), with a little seeded variety. Without the embedder it falls back to
word overlap, so a rehearsal still works on a machine without the model.
"""

from __future__ import annotations

import logging
import random
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import Field, model_validator

from agent.core import ROLES, EmbeddingCache, MentorPrepError, heads_dir
from agent.rehearsal import language as lang
from agent.rehearsal.material import Pattern, Templates, Text, _read, _same_keys, _Strict
from agent.rehearsal.moves import MOVES
from agent.rehearsal.state import normalise

log = logging.getLogger(__name__)
REPLIES_FILE = Path(__file__).with_name("replies.yaml")
JITTER = 0.06  # enough to vary the pick between equally fitting lines, too little to override a clear fit
TOPIC_BONUS, ROLE_BONUS, PREFER_BONUS = 0.2, 0.05, 0.25
# Topics the engine sets itself (no pattern): an offer about the persona's work, a clinical question, a hijack.
ENGINE_TOPICS = ("work", "clinical", "hijack")
PATH_ASPECTS = ("regret", "surprise", "expect", "balance", "doubt", "hardest", "best", "turning", "early", "trained",
                "chose")
# What a slot stands for when a line is embedded before it is filled.
_PLACEHOLDERS = {"work": "the project", "new_contact": "a colleague", "named_contact": "that colleague",
                 "new_contact2": "another colleague", "named_contact_surname": "them", "field": "the specialty",
                 "aim": "the specialty", "user_field": "your specialty", "specialty": "my specialty",
                 "stage_a": "a trainee", "topic_phrase": "it", "skill": "the skill", "opportunity": "the opening",
                 "event": "the meeting", "cadence": "regularly", "artifact": "your work"}


class Topic(_Strict):
    """What a trainee's line is about: a pattern that decides first, and examples for closeness in meaning."""

    pattern: Pattern
    phrase: Text
    examples: Annotated[tuple[Text, ...], Field(min_length=1)]


class Opening(_Strict):
    """The persona's first words: by meeting, then who it is and an invitation (all role-neutral)."""

    coffee: Templates
    video: Templates
    follow_up: Templates = Field(alias="follow-up")
    intro: Templates
    invite: Templates
    follow_up_topic: Templates
    follow_up_plain: Templates


class TimeLines(_Strict):
    """Time cues, by how far the meeting has gone; each is said at most once."""

    busy_open: Templates
    busy_mid: Templates
    busy_late: Templates
    busy_wrap: Templates
    unhurried_open: Templates


class AfterClose(_Strict):
    lead: Templates
    goodbye: Annotated[tuple[Text, ...], Field(min_length=4)]


class Aspect(_Strict):
    pattern: Pattern
    examples: Annotated[tuple[Text, ...], Field(min_length=1)]


class ModelCheck(_Strict):
    """What a model's reply to one move must (by role, or ``any``) and must never contain."""

    must: dict[str, Pattern] = Field(default_factory=dict)
    never: Pattern | None = None


class ReplyBook(_Strict):
    """``replies.yaml``, validated."""

    topics: dict[str, Topic]
    opening: Opening
    time: TimeLines
    after_close: AfterClose
    greeting_fix: Templates
    answer_beats: dict[str, dict[str, Text]]
    answers: dict[str, dict[str, dict[str, Templates]]]
    work_tails: dict[str, Templates]
    fact_tails: dict[str, Templates]
    path: dict[str, Templates]
    path_aspects: dict[str, Aspect]
    path_tails: dict[str, Templates]
    move_intents: dict[str, Text]
    model_checks: dict[str, ModelCheck]

    @model_validator(mode="after")
    def _keys_resolve(self) -> ReplyBook:
        problems = []
        topics = {*self.topics, *ENGINE_TOPICS, "any"}
        for move, by_role in self.answers.items():
            if move not in MOVES:
                problems.append(f"answers > {move}: not a move ({', '.join(MOVES)})")
            for role, by_topic in by_role.items():
                if role not in (*ROLES, "any"):
                    problems.append(f"answers > {move} > {role}: not a role or 'any'")
                problems += [f"answers > {move} > {role} > {t}: not a topic" for t in by_topic if t not in topics]
        try:
            _same_keys("move_intents", self.move_intents, MOVES)
        except ValueError as exc:
            problems.append(str(exc))
        problems += [f"model_checks > {m}: not a move" for m in self.model_checks if m not in MOVES]
        for move, by_role in self.answer_beats.items():
            problems += [f"answer_beats > {move} > {r}: not a role" for r in by_role if r not in ROLES]
        for name in ("work_tails", "fact_tails", "path_tails"):
            try:
                _same_keys(name, getattr(self, name), ROLES)
            except ValueError as exc:
                problems.append(str(exc))
        for name in ("path", "path_aspects"):
            try:
                _same_keys(name, getattr(self, name), PATH_ASPECTS)
            except ValueError as exc:
                problems.append(str(exc))
        if problems:
            raise ValueError("; ".join(problems))
        return self


def load_replies(path: Path | str = REPLIES_FILE) -> ReplyBook:
    """Read and validate a reply bank.

    Raises:
        ConfigError: the file is missing, is not YAML, or breaks the format; the message names the file and key.
    """
    return _read(path, ReplyBook)


BOOK = load_replies()
TOPIC_PATTERNS = {name: re.compile(t.pattern, re.I) for name, t in BOOK.topics.items()}
ASPECT_PATTERNS = {name: re.compile(a.pattern, re.I) for name, a in BOOK.path_aspects.items()}


def answer_cells(move: str, role: str, topics: Sequence[str]) -> list[tuple[str, tuple[str, ...], float]]:
    """(cell key, lines, bonus) for every cell of ``answers`` that fits, the closest fit with the largest bonus."""
    by_role = BOOK.answers.get(move, {})
    cells = []
    for who, role_bonus in ((role, ROLE_BONUS), ("any", 0.0)):
        by_topic = by_role.get(who, {})
        for topic in [*dict.fromkeys(topics), "any"]:
            if topic in by_topic:
                bonus = role_bonus + (TOPIC_BONUS if topic != "any" else 0.0)
                cells.append((f"answers.{move}.{who}.{topic}", by_topic[topic], bonus))
    return cells


# ---- embeddings ---------------------------------------------------------------------------------------------
Embed = Callable[[Sequence[str]], np.ndarray]
_LOCK = threading.Lock()
_STATE: dict[str, Any] = {}


def embedder() -> Embed | None:
    """The shared sentence embedder, or None when it cannot load (then word overlap is used)."""
    with _LOCK:
        if "embed" not in _STATE:
            try:
                from retrieval import get_embedder

                _STATE["embed"] = get_embedder().embed
            except (MentorPrepError, ImportError, OSError) as exc:
                log.warning("persona lines are picked by word overlap: %s", exc)
                _STATE["embed"] = None
        return _STATE["embed"]


def use_embedder(embed: Embed | None) -> None:
    """Use this embedder (None: word overlap only) instead of the shared one; for tests and benchmarks."""
    with _LOCK:
        _STATE.clear()
        _STATE["embed"] = embed


def _placeholder_text(template: str) -> str:
    return " ".join(re.sub(r"\{(\w+)\}", lambda m: _PLACEHOLDERS.get(m.group(1), ""), template).split())


def _every_template() -> list[str]:
    from agent.rehearsal import beats as pb

    texts = [line for by_role in BOOK.answers.values() for by_topic in by_role.values()
             for lines in by_topic.values() for line in lines]
    for tails in (BOOK.work_tails, BOOK.fact_tails, BOOK.path_tails):
        texts += [line for lines in tails.values() for line in lines]
    texts += [line for role in pb.BEATS.values() for beat in role.values() for line in beat.lines]
    return list(dict.fromkeys(texts))


def line_vectors() -> dict[str, np.ndarray]:
    """Template -> unit vector for every line the engine may pick (embedded once, cached beside the heads)."""
    with _LOCK:
        if "vectors" in _STATE:
            return _STATE["vectors"]
    embed = embedder()
    vectors: dict[str, np.ndarray] = {}
    if embed is not None:
        templates = _every_template()
        try:
            cache = EmbeddingCache(embed, heads_dir() / "rehearsal_lines")
            found = cache.embed([_placeholder_text(t) for t in templates])
            try:
                cache.save()
            except OSError:  # a read-only install still works, it just embeds again next time
                pass
        except (OSError, ValueError):
            found = embed([_placeholder_text(t) for t in templates])
        vectors = dict(zip(templates, np.asarray(found, dtype=np.float32), strict=True))
    with _LOCK:
        _STATE["vectors"] = vectors
    return vectors


_RECENT_MAX = 256  # lines embedded lately: listening, the move of a question inside it and coaching share them


def embed_line(text: str) -> np.ndarray | None:
    """The trainee's line as a unit vector, or None without an embedder (recent lines are kept, not re-embedded)."""
    embed = embedder()
    if embed is None or not text:
        return None
    with _LOCK:
        recent = _STATE.setdefault("recent", {})
        if text in recent:
            return recent[text]
    vector = np.asarray(embed([text])[0], dtype=np.float32)
    with _LOCK:
        if len(recent) >= _RECENT_MAX:
            recent.pop(next(iter(recent)))
        recent[text] = vector
    return vector


def closeness(query: np.ndarray | None, query_text: str, template: str) -> float:
    """How close a template is in meaning to the trainee's line (cosine; word overlap without vectors)."""
    if query is not None:
        vector = line_vectors().get(template)
        if vector is not None:
            return float(vector @ query)
    ours = set(re.findall(r"[a-z]{4,}", query_text.lower()))
    theirs = set(re.findall(r"[a-z]{4,}", _placeholder_text(template).lower()))
    return len(ours & theirs) / (len(theirs) ** 0.5 + 1.0) if ours and theirs else 0.0


# ---- picking --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Choice:
    """A picked line: its cell, its template and the text as it will be said."""

    key: str
    template: str
    text: str


def choose(state: Any, cells: Iterable[tuple[str, Sequence[str], float]], values: dict[str, str],
           rng: random.Random, *, query: np.ndarray | None = None, query_text: str = "", record: bool = True,
           avoid_question: bool = False, said: Sequence[str] = (), prefer: Iterable[str] = ()) -> Choice | None:
    """The best unused line among ``cells`` that can be said now, or None when none can.

    Args:
        state: the rehearsal (its ``used`` lines and sentences are read, and updated when ``record``).
        cells: (cell key, templates, bonus) in order of preference.
        values: slot values from :func:`agent.rehearsal.facts.slots`.
        rng: the turn's seeded random source.
        query, query_text: the trainee's line, as a vector and as text.
        avoid_question: skip lines that end with a question (the reply already asks one).
        said: sentences already planned for this reply.
        prefer: slots worth using now (something just learned): lines that use one score higher.
    """
    prefer = set(prefer)
    seen = set(state.used.sentences) | {normalise(s) for s in said}
    best: tuple[float, Choice] | None = None
    for key, templates, bonus in cells:
        used = state.used.lines.get(key, [])
        for template in templates:
            if template in used:
                continue
            text = lang.fill(template, values)
            if not text or lang.problems(text) or (avoid_question and text.rstrip().endswith("?")):
                continue
            if any(normalise(s) in seen for s in _sentences(text)):
                continue
            score = bonus + closeness(query, query_text, template) + rng.uniform(0.0, JITTER)
            if prefer & lang.slots_in(template):
                score += PREFER_BONUS
            if best is None or score > best[0]:
                best = (score, Choice(key, template, text))
    if best is None:
        return None
    if record:
        state.used.lines.setdefault(best[1].key, []).append(best[1].template)
    return best[1]


def _sentences(text: str) -> list[str]:
    from agent.rehearsal.utterances import sentences

    return sentences(text)
