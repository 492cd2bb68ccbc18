"""What a message says about the person rather than the task: a greeting, "what can you do", distress, or any
hint of self-harm. Checked before routing, so a person who is struggling gets a human reply first.

A classifier on the message embedding (``conversation.signals``) is combined with rules. For a crisis the
two are joined by *or*, with a low bar for the classifier: missing one costs far more than a gentle check-in
that was not needed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from agent.core import (
    HeadStore,
    LinearHead,
    compile_rule,
    corpus_digest,
    corpus_rows,
    fit_head,
    fold_ids,
    head_store,
    out_of_fold,
    plain_text,
)

Embed = Callable[[Sequence[str]], np.ndarray]

SIGNALS = ("greeting", "help", "distress", "crisis", "none")
SIGNAL_HEAD = "conversation.signals"
CLASSIFIER_C = 4.0
CRISIS_MIN = 0.25  # classifier probability of crisis that is enough on its own
DISTRESS_MIN = 0.5
SMALL_TALK_MIN = 0.6  # greeting/help must be clear: a greeting with a real request is routed as the request
SMALL_TALK_MAX_WORDS = 12
# Asking what the app can do addresses the app; "how do I ask one for help?" is a question about mentoring.
_ADDRESSES_APP = re.compile(r"\b(?:you|u|ya|yours?|this|it|app|mentorprep|bot)\b", re.IGNORECASE)
HELP_BARE_WORDS = 3

_RULES_FILE = Path(__file__).with_name("signal_rules.yaml")
_DATA = yaml.safe_load(_RULES_FILE.read_text(encoding="utf-8"))
RULES: dict[str, list[re.Pattern[str]]] = {
    name: [compile_rule(p, name, _RULES_FILE.name, re.IGNORECASE | re.VERBOSE) for p in spec["patterns"]]
    for name, spec in _DATA.items() if name in SIGNALS
}
_INJECTION = [compile_rule(p, "injection", _RULES_FILE.name, re.IGNORECASE | re.VERBOSE)
              for p in _DATA["injection"]["patterns"]]
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")


def without_injection(text: str) -> tuple[str, bool]:
    """The message without sentences that try to change MentorPrep's instructions, and whether any were cut."""
    kept = [s for s in _SENTENCE.findall(text) if not any(p.search(s) for p in _INJECTION)]
    cleaned = " ".join(s.strip() for s in kept if s.strip())
    return cleaned, cleaned != " ".join(s.strip() for s in _SENTENCE.findall(text) if s.strip())


@dataclass(frozen=True)
class Signal:
    """The strongest signal in a message: ``crisis``, ``distress``, ``greeting``, ``help`` or ``none``."""

    kind: str
    confidence: float
    by_rule: bool = False


def rule_signals(message: str) -> set[str]:
    text = plain_text(message)
    return {name for name, patterns in RULES.items() if any(p.search(text) for p in patterns)}


def load_head(store: HeadStore | None = None) -> LinearHead | None:
    return (store or head_store()).get(SIGNAL_HEAD)


def detect(message: str, embed: Embed | None = None, *, head: LinearHead | None = None) -> Signal:
    """The signal in one message (rules alone when the head is not trained or no embedder is given)."""
    hits = rule_signals(message)
    head = head or load_head()
    scores = dict.fromkeys(SIGNALS, 0.0)
    if head is not None and embed is not None:
        row = head.probabilities(embed([plain_text(message)[:2000]]))[0]
        scores = {label: float(p) for label, p in zip(head.labels, row, strict=True)}
    if "crisis" in hits or scores["crisis"] >= CRISIS_MIN:
        return Signal("crisis", max(scores["crisis"], 1.0 if "crisis" in hits else 0.0), "crisis" in hits)
    if "distress" in hits or scores["distress"] >= DISTRESS_MIN:
        return Signal("distress", max(scores["distress"], 1.0 if "distress" in hits else 0.0), "distress" in hits)
    short = len(plain_text(message).split()) <= SMALL_TALK_MAX_WORDS
    words = len(plain_text(message).split())
    for kind in ("help", "greeting"):
        learned = scores[kind] >= SMALL_TALK_MIN and (
            kind != "help" or words <= HELP_BARE_WORDS or bool(_ADDRESSES_APP.search(message)))
        if short and (kind in hits or learned):
            return Signal(kind, max(scores[kind], 1.0 if kind in hits else 0.0), kind in hits)
    return Signal("none", scores["none"])


@dataclass(frozen=True)
class TrainReport:
    rows: int
    classifier_accuracy: float
    crisis_recall: float


def train_heads(embed: Embed, store: HeadStore | None = None) -> TrainReport:
    """Fit and save the signal head on ``corpus/signals/train.jsonl``; reports crisis recall with the rules."""
    store = store or head_store()
    rows = corpus_rows("signals")
    messages = [r["message"] for r in rows]
    labels = [r["signal"] for r in rows]
    x = embed([plain_text(m)[:2000] for m in messages])
    oof = out_of_fold(x, labels, SIGNALS, c=CLASSIFIER_C, folds=fold_ids(labels))
    accuracy = float(np.mean([SIGNALS[i] == t for i, t in zip(oof.argmax(1), labels, strict=True)]))
    crisis = [i for i, t in enumerate(labels) if t == "crisis"]
    crisis_column = SIGNALS.index("crisis")
    caught = [i for i in crisis if "crisis" in rule_signals(messages[i]) or oof[i, crisis_column] >= CRISIS_MIN]
    report = TrainReport(len(rows), round(accuracy, 4), round(len(caught) / len(crisis), 4) if crisis else 0.0)
    store.save(fit_head(SIGNAL_HEAD, x, labels, SIGNALS, c=CLASSIFIER_C,
                        meta={"corpus": corpus_digest(rows), "rows": len(rows), "cv": report.__dict__}))
    return report
