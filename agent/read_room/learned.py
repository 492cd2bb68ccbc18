"""The learned half of read the room: classifiers on sentence embeddings, and the fusers that join them to the rules.

Six heads, trained by :func:`train` on ``corpus/read_room/train.jsonl``:

* ``read_room.role`` and ``read_room.availability`` read the embedding of the whole note (adding the mean of
  its sentence embeddings gained 0.3 points of cross-validated accuracy for three times the time);
* ``read_room.role_fused`` and ``read_room.availability_fused`` read the classifier's log-probabilities beside
  the rules' points, learned on out-of-fold classifier outputs. Where the two agree the fused probability is
  high; where they disagree it drops, and a low top probability reads as "unclear";
* ``read_room.shows_role`` and ``read_room.shows_role_fused`` tell notes that show a role from notes that show
  none (small talk, only negated cues, a wish that was not granted, time alone), so those read as "unclear".

Per-sentence classifier scores give evidence in the user's own words when no rule fired for the winning role.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from agent.core import (
    AVAILABILITY_LEVELS,
    ROLES,
    HeadStore,
    LinearHead,
    corpus_digest,
    fit_head,
    fold_ids,
    head_store,
    log_odds,
    out_of_fold,
    split_sentences,
)

Embed = Callable[[Sequence[str]], np.ndarray]

NONE = "none"  # notes that show no role at all (small talk, only negated cues, unmet wishes)
ROLE_HEAD, AVAILABILITY_HEAD = "read_room.role", "read_room.availability"
ROLE_FUSER, AVAILABILITY_FUSER = "read_room.role_fused", "read_room.availability_fused"
SHOWS_HEAD, SHOWS_FUSER = "read_room.shows_role", "read_room.shows_role_fused"
SHOWS = (NONE, "role")
HEADS = (ROLE_HEAD, AVAILABILITY_HEAD, ROLE_FUSER, AVAILABILITY_FUSER, SHOWS_HEAD, SHOWS_FUSER)
CLASSIFIER_C = 4.0
FUSER_C = 1.0
MIN_SENTENCE_WORDS = 3
NO_ROLE_MIN = 0.8  # how sure the no-role head must be before a note reads "unclear" (costs little role accuracy)


@dataclass(frozen=True)
class RoleHeads:
    """The four trained heads."""

    role: LinearHead
    availability: LinearHead
    role_fuser: LinearHead
    availability_fuser: LinearHead
    shows: LinearHead
    shows_fuser: LinearHead


@dataclass(frozen=True)
class LearnedScores:
    """Classifier and fused probabilities for one note, plus per-sentence role scores for evidence."""

    role: dict[str, float]
    availability: dict[str, float]
    fused_role: dict[str, float]
    fused_availability: dict[str, float]
    no_role: float = 0.0


def load_heads(store: HeadStore | None = None) -> RoleHeads | None:
    """The trained heads, or None when any is missing (then read the room uses its rules alone)."""
    store = store or head_store()
    heads = [store.get(name) for name in HEADS]
    return None if any(h is None for h in heads) else RoleHeads(*heads)  # type: ignore[arg-type]


def sentence_spans(notes: str) -> list[tuple[int, int]]:
    """Sentences worth scoring on their own (three words or more)."""
    return [(a, b) for a, b in split_sentences(notes) if len(notes[a:b].split()) >= MIN_SENTENCE_WORDS]


def features(embed: Embed, notes: Sequence[str]) -> np.ndarray:
    """The notes' embeddings, in one batch (sentences are embedded only when evidence needs them)."""
    return np.asarray(embed(list(notes)))


def sentence_scores(heads: RoleHeads, embed: Embed, notes: str) -> list[tuple[int, int, dict[str, float]]]:
    """Each sentence's role probabilities, with its span in the notes, for quoting the user's own words."""
    spans = sentence_spans(notes)
    if not spans:
        return []
    probabilities = heads.role.probabilities(embed([notes[a:b] for a, b in spans]))
    return [(a, b, dict(zip(heads.role.labels, row.round(4).tolist(), strict=True)))
            for (a, b), row in zip(spans, probabilities, strict=True)]


def rule_vector(role_points: dict[str, float]) -> list[float]:
    """The rules' points per role, plus the largest positive one (how much the rules found at all)."""
    points = [float(role_points.get(r, 0.0)) for r in ROLES]
    return [*points, max(0.0, *points)]


def shows_vector(role_points: dict[str, float], negated: int) -> list[float]:
    """What the rules say about whether any role shows: the strongest positive cue and how many were negated."""
    return [max(0.0, *(float(role_points.get(r, 0.0)) for r in ROLES)), float(negated)]


def availability_vector(points: dict[str, float]) -> list[float]:
    return [float(points.get(level, 0.0)) for level in AVAILABILITY_LEVELS]


def _fuser_input(probabilities: np.ndarray, points: np.ndarray) -> np.ndarray:
    return np.hstack([log_odds(probabilities), np.atleast_2d(points)])


def score(heads: RoleHeads, embed: Embed, notes: str, role_points: dict[str, float],
          availability_points: dict[str, float], negated: int = 0) -> LearnedScores:
    """Classifier and fused scores for one note, given the rules' points and negated-cue count."""
    note_features = features(embed, [notes])
    shows = heads.shows.probabilities(note_features)
    no_role = heads.shows_fuser.probabilities(_fuser_input(shows, np.array([shows_vector(role_points, negated)])))
    role = heads.role.probabilities(note_features)
    availability = heads.availability.probabilities(note_features)
    fused_role = heads.role_fuser.probabilities(_fuser_input(role, np.array([rule_vector(role_points)])))
    fused_availability = heads.availability_fuser.probabilities(
        _fuser_input(availability, np.array([availability_vector(availability_points)])))
    return LearnedScores(
        role=_as_dict(heads.role, role[0]), availability=_as_dict(heads.availability, availability[0]),
        fused_role=_as_dict(heads.role_fuser, fused_role[0]),
        fused_availability=_as_dict(heads.availability_fuser, fused_availability[0]),
        no_role=round(float(no_role[0][heads.shows_fuser.labels.index(NONE)]), 4),
    )


def _as_dict(head: LinearHead, row: np.ndarray) -> dict[str, float]:
    return {label: round(float(p), 4) for label, p in zip(head.labels, row, strict=True)}


@dataclass(frozen=True)
class TrainReport:
    """Cross-validated accuracy on the training split, for the heads' meta and the eval command."""

    rows: int
    role_classifier: float
    role_fused: float
    availability_classifier: float
    availability_fused: float
    no_role_fused: float = 0.0


def train(rows: list[dict], embed: Embed, rule_points: Callable[[str], tuple[dict, dict, int]],
          store: HeadStore) -> TrainReport:
    """Fit and save the four heads on labelled notes (``notes``, ``role``, ``availability``).

    Args:
        rows: the training split.
        embed: embeds text exactly as :func:`score` will see it (markup stripped), ideally through a cache.
        rule_points: the rules' (role points, availability points, negated role cues) for a note.
        store: where the heads are saved.
    """
    notes = [r["notes"] for r in rows]
    roles = [r["role"] for r in rows]
    x = features(embed, notes)
    points = [rule_points(n) for n in notes]
    role_points = np.array([rule_vector(p[0]) for p in points])
    level_points = np.array([availability_vector(p[1]) for p in points])
    shows_points = np.array([shows_vector(p[0], p[2]) for p in points])
    folds = fold_ids(roles)
    meta = {"corpus": corpus_digest(rows), "rows": len(rows)}

    # The role heads learn from notes that show a role; whether any role shows is a head of its own.
    has_role = np.array([r in ROLES for r in roles])
    role_rows = [r for r in roles if r in ROLES]
    oof_role = out_of_fold(x[has_role], role_rows, ROLES, c=CLASSIFIER_C, folds=folds[has_role])
    role_in = _fuser_input(oof_role, role_points[has_role])
    fused_role = out_of_fold(role_in, role_rows, ROLES, c=FUSER_C, folds=folds[has_role])
    shows = [NONE if r == NONE else "role" for r in roles]
    oof_shows = out_of_fold(x, shows, SHOWS, c=CLASSIFIER_C, folds=folds)
    shows_in = _fuser_input(oof_shows, shows_points)
    fused_shows = out_of_fold(shows_in, shows, SHOWS, c=FUSER_C, folds=folds)
    # Availability is learned wherever it is labelled high or low.
    timed = np.array([r["availability"] in AVAILABILITY_LEVELS for r in rows])
    levels = [r["availability"] for r in rows if r["availability"] in AVAILABILITY_LEVELS]
    oof_level = out_of_fold(x[timed], levels, AVAILABILITY_LEVELS, c=CLASSIFIER_C, folds=folds[timed])
    level_in = _fuser_input(oof_level, level_points[timed])
    fused_level = out_of_fold(level_in, levels, AVAILABILITY_LEVELS, c=FUSER_C, folds=folds[timed])

    def accuracy(probabilities: np.ndarray, names: Sequence[str], truth: Sequence[str]) -> float:
        return round(float(np.mean([names[i] == t for i, t in zip(probabilities.argmax(1), truth, strict=True)])), 4)

    report = TrainReport(
        rows=len(rows), role_classifier=accuracy(oof_role, ROLES, role_rows),
        role_fused=accuracy(fused_role, ROLES, role_rows),
        availability_classifier=accuracy(oof_level, AVAILABILITY_LEVELS, levels),
        availability_fused=accuracy(fused_level, AVAILABILITY_LEVELS, levels),
        no_role_fused=round(float(np.mean((fused_shows[:, 0] >= NO_ROLE_MIN) == (np.array(shows) == NONE))), 4),
    )
    meta["cv"] = report.__dict__
    store.save(fit_head(ROLE_HEAD, x[has_role], role_rows, ROLES, c=CLASSIFIER_C, meta=meta))
    store.save(fit_head(ROLE_FUSER, role_in, role_rows, ROLES, c=FUSER_C, meta=meta))
    store.save(fit_head(SHOWS_HEAD, x, shows, SHOWS, c=CLASSIFIER_C, meta=meta))
    store.save(fit_head(SHOWS_FUSER, shows_in, shows, SHOWS, c=FUSER_C, meta=meta))
    store.save(fit_head(AVAILABILITY_HEAD, x[timed], levels, AVAILABILITY_LEVELS, c=CLASSIFIER_C, meta=meta))
    store.save(fit_head(AVAILABILITY_FUSER, level_in, levels, AVAILABILITY_LEVELS, c=FUSER_C, meta=meta))
    return report
