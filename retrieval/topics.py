"""A topic prior for search: which of the 15 knowledge topics a query is about, from its embedding.

The head ``retrieval.topics`` is a softmax over topic ids, trained on labelled queries
(``corpus/retrieval/train.jsonl``) together with the knowledge passages themselves (each carries one topic).
At search time it reads the query vector that dense search computes anyway, so it costs one small matrix
product; its probabilities nudge the fused ranking toward passages on the topic the user is asking about.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from agent.core import SEED, HeadStore, LinearHead, corpus_digest, corpus_rows, head_store
from retrieval.corpus import TOPICS, load_chunks

TOPIC_HEAD = "retrieval.topics"
CLASSIFIER_C = 4.0
PASSAGE_WEIGHT = 0.5  # a passage is a long, formal example of its topic; a typed query counts more


def load_topic_head(store: HeadStore | None = None) -> LinearHead | None:
    """The trained topic head, or None (then search runs without a prior)."""
    return (store or head_store()).get(TOPIC_HEAD)


def topic_prior(head: LinearHead, vector: np.ndarray) -> dict[str, float]:
    """Probability of each topic for one query vector."""
    row = head.probabilities(np.asarray(vector)[None, :])[0]
    return dict(zip(head.labels, row.tolist(), strict=True))


@dataclass(frozen=True)
class TrainReport:
    rows: int
    passages: int
    top1: float
    top3: float


def train_topic_head(embed: Callable[[Sequence[str]], np.ndarray], knowledge_dir: str | Path,
                     store: HeadStore | None = None) -> TrainReport:
    """Fit and save the topic head on ``corpus/retrieval/train.jsonl`` plus the passages in ``knowledge_dir``.

    Cross-validated figures are over the queries only (every fold trains on all passages).
    """
    rows = corpus_rows("retrieval")
    chunks = load_chunks(Path(knowledge_dir))
    store = store or head_store()
    topics = sorted(TOPICS)
    queries = [r["query"] for r in rows]
    labels = [r["topics"][0] for r in rows]
    passage_texts = [f"{c.title}. {c.heading}. {c.text}" for c in chunks]
    x = embed(queries + passage_texts)
    y = labels + [c.topic for c in chunks]
    weights = np.array([1.0] * len(queries) + [PASSAGE_WEIGHT] * len(chunks))
    # Out-of-fold over queries: passages always train, held-out queries are scored.
    folds = np.array([i % 5 for i in range(len(queries))] + [-1] * len(chunks))
    oof = np.zeros((len(queries), len(topics)))
    for fold in range(5):
        keep = folds != fold
        head = _fit(x[keep], [t for t, k in zip(y, keep, strict=True) if k], topics, weights[keep])
        oof[folds[:len(queries)] == fold] = head.probabilities(x[:len(queries)][folds[:len(queries)] == fold])
    ranks = np.argsort(-oof, axis=1)
    truth = [set(r["topics"]) for r in rows]
    top1 = np.mean([topics[ranks[i, 0]] in truth[i] for i in range(len(rows))])
    top3 = np.mean([bool({topics[j] for j in ranks[i, :3]} & truth[i]) for i in range(len(rows))])
    report = TrainReport(len(rows), len(chunks), round(float(top1), 4), round(float(top3), 4))
    meta = {"corpus": corpus_digest(list(rows)), "rows": len(rows), "passages": len(chunks), "cv": report.__dict__}
    head = _fit(x, y, topics, weights)
    store.save(LinearHead(TOPIC_HEAD, head.labels, head.weights, head.bias, head.kind, meta))
    return report


def _fit(x: np.ndarray, y: Sequence[str], topics: Sequence[str], weights: np.ndarray) -> LinearHead:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=CLASSIFIER_C, max_iter=5000, random_state=SEED)
    model.fit(x, [topics.index(t) for t in y], sample_weight=weights)
    present = [topics[i] for i in model.classes_]
    weights_full = np.full((len(topics), x.shape[1]), 0.0)
    bias_full = np.full(len(topics), -20.0)  # a topic with no examples is never predicted
    for row, topic in enumerate(present):
        weights_full[topics.index(topic)] = model.coef_[row]
        bias_full[topics.index(topic)] = model.intercept_[row]
    return LinearHead(TOPIC_HEAD, tuple(topics), weights_full, bias_full)


