"""The intent router: which capability a chat message is for, from a classifier on its embedding fused with rules.

Seven intents (:data:`INTENTS`). The rules are patterns that are nearly always right when they fire ("let's
practise", "prep sheet", "is this googleable: ...", a clinical dose question); the classifier copes with
everything else. They are fused log-linearly: a rule that fires adds a fixed boost to its intent's
log-probability, the boost chosen by cross-validation on the training split (a learned multinomial fuser
over-fitted the 420 messages). When the top two intents are close, the router says so and the chat offers
both as buttons instead of guessing.

Head (``python -m agent train``): ``conversation.intents``; its meta records the rule boost.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml

from agent.core import (
    HeadStore,
    LinearHead,
    boost_rule_hits,
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

INTENTS = ("ask", "read_room", "sharpen", "rehearse", "prep_sheet", "follow_up", "off_topic")
INTENT_HEAD = "conversation.intents"
HEADS = (INTENT_HEAD,)
CLASSIFIER_C = 4.0
BOOSTS = (0.0, 1.0, 2.0, 3.0, 4.0, 5.0)
UNSURE_BELOW = 0.6  # top fused probability under which the runner-up is offered too
RUNNER_UP_MIN = 0.2  # ... if the runner-up has at least this much
MAX_CHARS = 2000  # the router reads the start of a long paste; the request is usually near the end too

_RULES_FILE = Path(__file__).with_name("intent_rules.yaml")
_PATTERNS = yaml.safe_load(_RULES_FILE.read_text(encoding="utf-8"))
RULES: dict[str, list[re.Pattern[str]]] = {
    intent: [compile_rule(p, f"intents.{intent}", _RULES_FILE.name, re.IGNORECASE | re.VERBOSE)
             for p in spec["patterns"]]
    for intent, spec in _PATTERNS["intents"].items()
}


@dataclass(frozen=True)
class Route:
    """Where a message goes.

    Attributes:
        intent: the chosen intent.
        confidence: its fused probability.
        scores: probability per intent.
        runner_up: a close second intent to offer as a button, or None.
        rules: intents whose rules fired.
    """

    intent: str
    confidence: float
    scores: dict[str, float] = field(default_factory=dict)
    runner_up: str | None = None
    rules: tuple[str, ...] = ()

    @property
    def unsure(self) -> bool:
        return self.runner_up is not None


def rule_hits(message: str) -> tuple[str, ...]:
    """Intents whose patterns match the message."""
    text = plain_text(message)[:MAX_CHARS]
    return tuple(intent for intent, patterns in RULES.items() if any(p.search(text) for p in patterns))


# A question the message quotes is what the user wants checked, not what they want: "is 'could we meet again?'
# a good question" is a request to sharpen, whatever the quoted words are about. The router reads the frame.
# Recorded with the head: a head trained on text read another way is stale (see `train --if-stale`).
FEATURES = "quoted-questions-masked"
_QUOTED_QUESTION = re.compile(r"(?<![\w])[\"“'‘]([^\"”'’\n]{6,400}?\?)[\"”'’]")


def _text(message: str) -> str:
    text = _QUOTED_QUESTION.sub('"this question?"', plain_text(message))
    if len(text) <= MAX_CHARS:
        return text
    return f"{text[:MAX_CHARS // 2]} ... {text[-MAX_CHARS // 2:]}"  # the ask is often at the end


def fuse(probabilities: np.ndarray, hits: Sequence[Sequence[str]], boost: float) -> np.ndarray:
    """Each intent whose rule fired gains ``boost`` in log-probability."""
    return boost_rule_hits(probabilities, hits, INTENTS, boost)


def load_head(store: HeadStore | None = None) -> LinearHead | None:
    return (store or head_store()).get(INTENT_HEAD)


def route(message: str, embed: Embed | None = None, *, head: LinearHead | None = None) -> Route:
    """Route one message. Without a trained head (or an embedder), the rules decide alone (``ask`` when
    none fires)."""
    hits = rule_hits(message)
    head = head or load_head()
    if head is None or embed is None:
        intent = hits[0] if hits else "ask"
        return Route(intent, 1.0 if hits else 0.5, {i: float(i == intent) for i in INTENTS}, rules=hits)
    probabilities = head.probabilities(embed([_text(message)]))
    fused = fuse(probabilities, [hits], float(head.meta.get("rule_boost", 2.0)))[0]
    scores = {i: round(float(p), 4) for i, p in zip(head.labels, fused, strict=True)}
    ranked = sorted(scores, key=lambda i: (-scores[i], INTENTS.index(i)))
    top, second = ranked[0], ranked[1]
    runner_up = second if scores[top] < UNSURE_BELOW and scores[second] >= RUNNER_UP_MIN else None
    return Route(top, scores[top], scores, runner_up, hits)


@dataclass(frozen=True)
class TrainReport:
    rows: int
    classifier_accuracy: float
    fused_accuracy: float
    rules_precision: float
    rule_boost: float


def train_heads(embed: Embed, store: HeadStore | None = None) -> TrainReport:
    """Fit and save the router heads on ``corpus/intents/train.jsonl``."""
    store = store or head_store()
    rows = corpus_rows("intents")
    messages = [r["message"] for r in rows]
    intents = [r["intent"] for r in rows]
    x = embed([_text(m) for m in messages])
    hits = [rule_hits(m) for m in messages]
    oof = out_of_fold(x, intents, INTENTS, c=CLASSIFIER_C, folds=fold_ids(intents))

    def accuracy(probabilities: np.ndarray) -> float:
        return round(float(np.mean([INTENTS[i] == t for i, t in zip(probabilities.argmax(1), intents,
                                                                    strict=True)])), 4)

    boost = max(BOOSTS, key=lambda b: (accuracy(fuse(oof, hits, b)), -b))
    fired = [(h, t) for h, t in zip(hits, intents, strict=True) if h]
    precision = sum(t in h for h, t in fired) / len(fired) if fired else 0.0
    report = TrainReport(len(rows), accuracy(oof), accuracy(fuse(oof, hits, boost)), round(precision, 4), boost)
    meta = {"corpus": corpus_digest(rows), "features": FEATURES, "rows": len(rows), "cv": report.__dict__,
            "rule_boost": boost}
    store.save(fit_head(INTENT_HEAD, x, intents, INTENTS, c=CLASSIFIER_C, meta=meta))
    return report


def evaluate(rows: Sequence[dict], embed: Embed | None) -> tuple[dict[str, float], list[tuple[str, str, str]]]:
    """Accuracy of the rules alone, the classifier alone and the fused router on labelled messages.

    Returns the figures (``n``, ``rules`` and, when the head is trained, ``classifier`` and ``fused``) and
    the fused router's misses as (expected, got, message).
    """
    truth = [r["intent"] for r in rows]
    hits = [rule_hits(r["message"]) for r in rows]
    figures = {"n": len(rows), "rules": _accuracy([h[0] if h else "ask" for h in hits], truth)}
    head = load_head()
    if head is None or embed is None:
        return figures, []
    probabilities = head.probabilities(embed([_text(r["message"]) for r in rows]))
    fused = fuse(probabilities, hits, float(head.meta.get("rule_boost", 2.0)))
    predicted = [INTENTS[i] for i in fused.argmax(1)]
    figures |= {"classifier": _accuracy([INTENTS[i] for i in probabilities.argmax(1)], truth),
                "fused": _accuracy(predicted, truth)}
    return figures, [(t, p, r["message"]) for r, t, p in zip(rows, truth, predicted, strict=True) if t != p]


def _accuracy(predicted: Sequence[str], truth: Sequence[str]) -> float:
    return round(sum(p == t for p, t in zip(predicted, truth, strict=True)) / len(truth), 4) if truth else 0.0
