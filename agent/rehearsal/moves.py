"""What a trainee's line does in the meeting (its "move"), from a classifier on its embedding fused with rules.

Thirteen moves (:data:`MOVES`), labelled in ``corpus/moves``. The rules (``move_rules.yaml``) are patterns that
are nearly always right when they fire ("thanks so much", "I'll let you go", "would you write me a letter");
the classifier copes with everything else. They are fused log-linearly, as the chat's intent router does: a
rule that fires adds a fixed boost to its move's log-probability, the boost chosen by cross-validation on the
training split. Without a trained head or an embedder, the rules decide alone.

Head (``python -m agent train moves``): ``rehearsal.moves``; its meta records the rule boost and the
cross-validated figures. :func:`evaluate` prints rules / classifier / fused accuracy on any split.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml

from agent.core import (
    ConfigError,
    HeadStore,
    LinearHead,
    MentorPrepError,
    boost_rule_hits,
    corpus_digest,
    corpus_rows,
    fit_head,
    fold_ids,
    head_store,
    out_of_fold,
    plain_text,
)

log = logging.getLogger(__name__)
Embed = Callable[[Sequence[str]], np.ndarray]

MOVES = ("greet", "share", "ask_path", "ask_advice", "ask_work", "ask_fact", "favour", "offer", "ask_next", "react",
         "thanks", "goodbye", "off_script")
# Moves that ask the persona something; only these (and question-shaped shares) are coached.
QUESTION_MOVES = frozenset({"ask_path", "ask_advice", "ask_work", "ask_fact", "favour", "ask_next"})
MOVE_HEAD = "rehearsal.moves"
HEADS = (MOVE_HEAD,)
CORPUS = "moves"
CLASSIFIER_C = 4.0
BOOSTS = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0)
MAX_CHARS = 1200

_QUESTION = re.compile(r"\?|^\s*(what|how|why|when|where|which|who|is|are|was|were|do|does|did|can|could|would|"
                       r"will|should|shd|shall|may|might|any)\b", re.I)


def _load_rules(path: Path) -> tuple[dict[str, list[re.Pattern[str]]], tuple[str, ...], str, str]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        rules = {move: [re.compile(p, re.I) for p in patterns] for move, patterns in data["moves"].items()}
        order = tuple(data["order"])
        fallbacks = data["fallback_question"], data["fallback_statement"]
    except (OSError, yaml.YAMLError, KeyError, TypeError, re.error) as exc:
        raise ConfigError(f"{path} is broken ({exc}); restore it from the repository.") from None
    unknown = [m for m in [*rules, *order, *fallbacks] if m not in MOVES]
    if unknown or set(order) != set(rules):
        raise ConfigError(f"{path}: moves must be among {', '.join(MOVES)} and `order` must list each rule's move "
                          f"once (found {', '.join(unknown) or 'a mismatch'}).")
    return rules, order, fallbacks[0], fallbacks[1]


RULES, ORDER, FALLBACK_QUESTION, FALLBACK_STATEMENT = _load_rules(Path(__file__).with_name("move_rules.yaml"))


@dataclass(frozen=True)
class MoveReading:
    """What one line does.

    Attributes:
        move: the chosen move.
        confidence: its probability (1.0 or 0.5 when the rules decided alone).
        scores: probability per move.
        rules: moves whose rules fired.
        engine: ``fused`` or ``rules``.
    """

    move: str
    confidence: float
    scores: dict[str, float] = field(default_factory=dict)
    rules: tuple[str, ...] = ()
    engine: str = "rules"

    def runner_up(self) -> str:
        """The second most likely move ('' when the rules decided alone)."""
        ranked = sorted(self.scores, key=lambda m: -self.scores[m])
        return ranked[1] if len(ranked) > 1 and self.engine == "fused" else ""


def clean(text: str) -> str:
    """What the classifier and the rules read: plain text, whitespace collapsed, a long line's start and end."""
    text = plain_text(text)
    return text if len(text) <= MAX_CHARS else f"{text[:MAX_CHARS // 2]} ... {text[-MAX_CHARS // 2:]}"


def is_question(text: str) -> bool:
    """True when a line asks something (a '?' or a question opening)."""
    return bool(_QUESTION.search(plain_text(text)))


def rule_hits(text: str) -> tuple[str, ...]:
    """Moves whose patterns match the line, in priority order."""
    line = clean(text)
    return tuple(m for m in ORDER if any(p.search(line) for p in RULES[m]))


def rule_move(text: str, hits: Sequence[str] | None = None) -> str:
    """The rules' own answer: the first move that fired, else a question or statement fallback."""
    hits = rule_hits(text) if hits is None else hits
    if hits:
        return hits[0]
    return FALLBACK_QUESTION if is_question(text) else FALLBACK_STATEMENT


def fuse(probabilities: np.ndarray, hits: Sequence[Sequence[str]], boost: float) -> np.ndarray:
    """Each move whose rule fired gains ``boost`` in log-probability."""
    return boost_rule_hits(probabilities, hits, MOVES, boost)


def load_head(store: HeadStore | None = None) -> LinearHead | None:
    """The trained head, or None (then the rules decide alone)."""
    return (store or head_store()).get(MOVE_HEAD)


def default_embed() -> Embed | None:
    """The shared sentence embedder's ``embed``, or None when the model is not installed."""
    try:
        from retrieval import get_embedder

        return get_embedder().embed
    except (MentorPrepError, ImportError, OSError) as exc:
        log.warning("move reading falls back to rules: %s", exc)
        return None


def classify(text: str, embed: Embed | None = None, *, head: LinearHead | None = None) -> MoveReading:
    """Read one line's move.

    Args:
        text: the trainee's line.
        embed: the sentence embedder; without one (or without a trained head) the rules decide alone.
        head: a head to use instead of the stored one (tests).
    """
    hits = rule_hits(text)
    head = head or load_head()
    if head is None or embed is None:
        move = rule_move(text, hits)
        return MoveReading(move, 1.0 if hits else 0.5, {m: float(m == move) for m in MOVES}, hits, "rules")
    probabilities = head.probabilities(embed([clean(text)]))
    fused = fuse(probabilities, [hits], float(head.meta.get("rule_boost", 1.0)))[0]
    scores = {m: round(float(p), 4) for m, p in zip(head.labels, fused, strict=True)}
    move = max(MOVES, key=lambda m: (scores.get(m, 0.0), -MOVES.index(m)))
    return MoveReading(move, scores[move], scores, hits, "fused")


@dataclass(frozen=True)
class TrainReport:
    """Cross-validated accuracy on the training split."""

    rows: int
    rules_accuracy: float
    classifier_accuracy: float
    fused_accuracy: float
    rule_boost: float


def _accuracy(predicted: Sequence[str], truth: Sequence[str]) -> float:
    return round(sum(p == t for p, t in zip(predicted, truth, strict=True)) / len(truth), 4) if truth else 0.0


def _argmax(probabilities: np.ndarray) -> list[str]:
    return [MOVES[i] for i in probabilities.argmax(1)]


def train_heads(embed: Embed, store: HeadStore | None = None) -> TrainReport:
    """Fit and save ``rehearsal.moves`` on ``corpus/moves/train.jsonl`` (``turn``, ``move``)."""
    store = store or head_store()
    rows = corpus_rows(CORPUS)
    texts = [clean(r["turn"]) for r in rows]
    truth = [r["move"] for r in rows]
    x = np.asarray(embed(texts))
    hits = [rule_hits(t) for t in texts]
    oof = out_of_fold(x, truth, MOVES, c=CLASSIFIER_C, folds=fold_ids(truth))
    boost = max(BOOSTS, key=lambda b: (_accuracy(_argmax(fuse(oof, hits, b)), truth), -b))
    report = TrainReport(len(rows), _accuracy([rule_move(t, h) for t, h in zip(texts, hits, strict=True)], truth),
                         _accuracy(_argmax(oof), truth), _accuracy(_argmax(fuse(oof, hits, boost)), truth), boost)
    meta = {"corpus": corpus_digest(rows), "rows": len(rows), "cv": report.__dict__, "rule_boost": boost}
    store.save(fit_head(MOVE_HEAD, x, truth, MOVES, c=CLASSIFIER_C, meta=meta))
    return report


def evaluate(split: str = "test", embed: Embed | None = None) -> dict[str, float | int | str]:
    """Accuracy of the rules alone, the classifier alone and the fused reading on a labelled split.

    Args:
        split: ``test`` (the frozen split; report it, never tune on it) or ``train``.
        embed: the sentence embedder (default: the shared one).

    Returns:
        ``split``, ``n``, ``rules`` and, when the head is trained, ``classifier``, ``fused`` and the
        head's cross-validated training figures as ``cv_rules``, ``cv_classifier``, ``cv_fused``.
    """
    rows = corpus_rows(CORPUS, split)
    texts = [clean(r["turn"]) for r in rows]
    truth = [r["move"] for r in rows]
    hits = [rule_hits(t) for t in texts]
    figures: dict[str, float | int | str] = {
        "split": split, "n": len(rows), "rules": _accuracy([rule_move(t, h) for t, h in zip(texts, hits, strict=True)],
                                                            truth)}
    head = load_head()
    embed = embed or default_embed()
    if head is None or embed is None:
        return figures
    probabilities = head.probabilities(np.asarray(embed(texts)))
    fused = fuse(probabilities, hits, float(head.meta.get("rule_boost", 1.0)))
    figures |= {"classifier": _accuracy(_argmax(probabilities), truth), "fused": _accuracy(_argmax(fused), truth)}
    cv = head.meta.get("cv", {})
    figures |= {"cv_rules": cv.get("rules_accuracy", 0.0), "cv_classifier": cv.get("classifier_accuracy", 0.0),
                "cv_fused": cv.get("fused_accuracy", 0.0)}
    return figures
