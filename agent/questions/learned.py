"""The learned half of the question judge: flag classifiers on sentence embeddings, fused with the rules.

Two heads, trained by :func:`train` on ``corpus/questions/train.jsonl``:

* ``questions.flags``: one sigmoid per flag (too_open, googleable, pumping) over the embedding of the whole
  text beside the embedding of the question itself (its last question sentence), so a long preamble about
  the user does not drown out what is actually asked;
* ``questions.flags_fused``: one sigmoid per flag over the classifier's log-odds and the rules' signals
  (each detector's verdict, part-look-up, personal context), learned on out-of-fold classifier outputs.

A flag is raised when its fused probability reaches its threshold in :data:`FLAG_THRESHOLDS`. The rules still
explain *why* (their notes and the matched structure); the classifier copes with wording the rules never saw,
such as a favour asked very politely.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from agent.core import (
    SIGMOID,
    HeadStore,
    LinearHead,
    corpus_digest,
    corpus_rows,
    fit_head,
    fold_ids,
    head_store,
    log_odds,
    out_of_fold,
    plain_text,
    split_sentences,
)
from agent.questions.notes import has_personal_context
from agent.questions.rules import FLAGS, Parsed, fact_intent, parse, pumping, too_open

Embed = Callable[[Sequence[str]], np.ndarray]

FLAG_HEAD, FUSED_HEAD = "questions.flags", "questions.flags_fused"
HEADS = (FLAG_HEAD, FUSED_HEAD)
CLASSIFIER_C = 4.0
FUSER_C = 1.0
# Fused probability at which a flag is raised. A false flag on a good question costs the user more than a
# missed look-up or an open question, so those two need a little more; chosen by cross-validation on the
# training split together with the shared dev set.
FLAG_THRESHOLDS = {"pumping": 0.5, "googleable": 0.6, "too_open": 0.6}
TRUSTED_RULE_FLAGS = frozenset({"pumping"})  # rule flags kept even when the fused probability is lower


@dataclass(frozen=True)
class FlagHeads:
    classifier: LinearHead
    fuser: LinearHead


@dataclass(frozen=True)
class FlagScores:
    """Per-flag probabilities for one question: classifier alone and fused with the rules."""

    classifier: dict[str, float]
    fused: dict[str, float]

    def flags(self) -> list[str]:
        """Flags at or over the threshold, in the verdict's priority order."""
        return raised(self.fused)


def raised(probabilities: dict[str, float]) -> list[str]:
    """The flags whose probability reaches their threshold, in the verdict's priority order."""
    return [f for f in FLAGS if probabilities.get(f, 0.0) >= FLAG_THRESHOLDS[f]]


def load_heads(store: HeadStore | None = None) -> FlagHeads | None:
    """The trained heads, or None when one is missing (then the rules judge alone)."""
    store = store or head_store()
    classifier, fuser = store.get(FLAG_HEAD), store.get(FUSED_HEAD)
    return FlagHeads(classifier, fuser) if classifier and fuser else None


def asked_sentence(text: str) -> str:
    """The sentence that asks: the last one ending in "?", else the last sentence."""
    sentences = [text[a:b] for a, b in split_sentences(text)] or [text]
    asks = [s for s in sentences if s.rstrip().endswith("?")]
    return asks[-1] if asks else sentences[-1]


def features(embed: Embed, questions: Sequence[str]) -> np.ndarray:
    """``[whole text, asked sentence]`` embeddings, in one batch."""
    vectors = embed(list(questions) + [asked_sentence(q) for q in questions])
    return np.hstack([vectors[:len(questions)], vectors[len(questions):]])


def rule_signals(p: Parsed) -> list[float]:
    """What the rules see in a parsed question, as numbers for the fuser."""
    facts = any(fact_intent(c) for c in p.clauses)
    return [float(pumping(p)), float(facts), float(too_open(p)), float(has_personal_context(p))]


def clean_question(text: str) -> str:
    """What the judge reads: plain text (no markup), whitespace collapsed."""
    return plain_text(text)


def _fuser_input(probabilities: np.ndarray, signals: np.ndarray) -> np.ndarray:
    return np.hstack([log_odds(probabilities), np.atleast_2d(signals)])


def score(heads: FlagHeads, embed: Embed, question: str, p: Parsed) -> FlagScores:
    """Classifier and fused flag probabilities for one (already plain-text) question."""
    probabilities = heads.classifier.probabilities(features(embed, [question]))
    fused = heads.fuser.probabilities(_fuser_input(probabilities, np.array([rule_signals(p)])))
    return FlagScores(classifier=_as_dict(heads.classifier, probabilities[0]), fused=_as_dict(heads.fuser, fused[0]))


def score_many(heads: FlagHeads, embed: Embed, questions: Sequence[str]) -> list[FlagScores]:
    """:func:`score` for many questions in one embedding batch."""
    if not questions:
        return []
    probabilities = heads.classifier.probabilities(features(embed, questions))
    signals = np.array([rule_signals(parse(q)) for q in questions])
    fused = heads.fuser.probabilities(_fuser_input(probabilities, signals))
    return [FlagScores(_as_dict(heads.classifier, a), _as_dict(heads.fuser, b))
            for a, b in zip(probabilities, fused, strict=True)]


def _as_dict(head: LinearHead, row: np.ndarray) -> dict[str, float]:
    return {label: round(float(v), 4) for label, v in zip(head.labels, row, strict=True)}


def macro_f1(predicted: Sequence[Sequence[str]], truth: Sequence[Sequence[str]]) -> float:
    """Macro-F1 over the three flags plus "no flag", the measure the eval command reports."""
    scores = []
    for label in (*FLAGS, "no_flag"):
        def has(flags: Sequence[str], label: str = label) -> bool:
            return (not flags) if label == "no_flag" else label in flags
        tp = sum(has(p) and has(t) for p, t in zip(predicted, truth, strict=True))
        fp = sum(has(p) and not has(t) for p, t in zip(predicted, truth, strict=True))
        fn = sum(not has(p) and has(t) for p, t in zip(predicted, truth, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return round(sum(scores) / len(scores), 4)


@dataclass(frozen=True)
class TrainReport:
    rows: int
    classifier_macro_f1: float
    fused_macro_f1: float


def train_heads(embed: Embed, store: HeadStore | None = None) -> TrainReport:
    """Fit and save both heads on ``corpus/questions/train.jsonl`` (``question``, ``flags``).

    Args:
        embed: embeds text, ideally through an EmbeddingCache; questions are cleaned as the judge cleans them.
    """
    rows = corpus_rows("questions")
    store = store or head_store()
    questions = [clean_question(r["question"]) for r in rows]
    targets = [tuple(r["flags"]) for r in rows]
    x = features(embed, questions)
    signals = np.array([rule_signals(parse(q)) for q in questions])
    folds = fold_ids([t[0] if t else "good" for t in targets])
    oof = out_of_fold(x, targets, FLAGS, kind=SIGMOID, c=CLASSIFIER_C, folds=folds)
    fuser_in = _fuser_input(oof, signals)
    fused = out_of_fold(fuser_in, targets, FLAGS, kind=SIGMOID, c=FUSER_C, folds=folds)

    def predicted(probabilities: np.ndarray) -> list[list[str]]:
        return [raised(dict(zip(FLAGS, row, strict=True))) for row in probabilities]

    report = TrainReport(len(rows), macro_f1(predicted(oof), targets), macro_f1(predicted(fused), targets))
    meta = {"corpus": corpus_digest(rows), "rows": len(rows), "cv": report.__dict__}
    store.save(fit_head(FLAG_HEAD, x, targets, FLAGS, kind=SIGMOID, c=CLASSIFIER_C, meta=meta))
    store.save(fit_head(FUSED_HEAD, fuser_in, targets, FLAGS, kind=SIGMOID, c=FUSER_C, meta=meta))
    return report
