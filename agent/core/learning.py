"""Learned heads on sentence embeddings: fit, store as JSON, load, score.

A :class:`LinearHead` is a logistic-regression layer (softmax over exclusive labels, or one sigmoid per label
for multi-label flags) over whatever features a capability builds: sentence embeddings for the classifiers,
and a handful of numbers (classifier log-odds plus rule scores) for the fusers that combine the two.
Heads are stored as plain JSON arrays (never pickle) in the heads folder, ``MENTORPREP_HEADS``.

Training is deterministic: fixed seeds, fixed fold assignment, and scikit-learn's lbfgs solver. Scoring
needs only numpy, so scikit-learn is imported only while training.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from agent.core.errors import ConfigError
from agent.core.settings import PROJECT_ROOT

SEED = 20261130
FOLDS = 5
SOFTMAX, SIGMOID = "softmax", "sigmoid"


def heads_dir() -> Path:
    """Where trained heads live: ``MENTORPREP_HEADS``, else ``data/heads`` in the project."""
    return Path(os.environ.get("MENTORPREP_HEADS") or PROJECT_ROOT / "data" / "heads")


@dataclass(frozen=True)
class LinearHead:
    """A trained logistic-regression layer.

    Attributes:
        name: file stem, e.g. ``read_room.role``.
        labels: output labels, in column order.
        weights: array of shape ``(len(labels), n_features)``; for a binary softmax head, one row per label.
        bias: array of shape ``(len(labels),)``.
        kind: ``softmax`` (exclusive labels) or ``sigmoid`` (independent labels).
        meta: how it was trained (corpus digest, regularisation, cross-validated figures).
    """

    name: str
    labels: tuple[str, ...]
    weights: np.ndarray
    bias: np.ndarray
    kind: str = SOFTMAX
    meta: dict[str, Any] = field(default_factory=dict)

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """Probabilities of shape ``(n, len(labels))`` for features of shape ``(n, n_features)``."""
        features = np.atleast_2d(np.asarray(features, dtype=np.float64))
        logits = features @ self.weights.T + self.bias
        if self.kind == SIGMOID:
            return 1.0 / (1.0 + np.exp(-logits))
        logits = logits - logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "labels": list(self.labels), "kind": self.kind,
                "weights": np.round(self.weights, 7).tolist(), "bias": np.round(self.bias, 7).tolist(),
                "meta": self.meta}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LinearHead:
        weights = np.asarray(data["weights"], dtype=np.float64)
        bias = np.asarray(data["bias"], dtype=np.float64)
        labels = tuple(data["labels"])
        if weights.shape[0] != len(labels) or bias.shape != (len(labels),):
            raise ConfigError(f"Head {data.get('name')!r} is malformed - run `python -m agent train`.")
        return cls(str(data["name"]), labels, weights, bias, str(data.get("kind", SOFTMAX)), dict(data.get("meta", {})))


def fit_head(name: str, features: np.ndarray, targets: Sequence[Any], labels: Sequence[str], *, kind: str = SOFTMAX,
             c: float = 1.0, meta: dict[str, Any] | None = None) -> LinearHead:
    """Fit a head with scikit-learn's logistic regression.

    Args:
        features: array ``(n, d)``.
        targets: for ``softmax``, one label per row; for ``sigmoid``, one collection of labels per row.
        labels: every label, in output order.
        c: inverse regularisation strength.
    """
    from sklearn.linear_model import LogisticRegression

    features = np.asarray(features, dtype=np.float64)
    labels = tuple(labels)
    if kind == SIGMOID:
        rows, biases = [], []
        for label in labels:
            y = np.array([label in t for t in targets], dtype=int)
            model = LogisticRegression(C=c, max_iter=5000, random_state=SEED).fit(features, y)
            rows.append(model.coef_[0])
            biases.append(model.intercept_[0])
        weights, bias = np.array(rows), np.array(biases)
    else:
        y = np.array([labels.index(t) for t in targets])
        model = LogisticRegression(C=c, max_iter=5000, random_state=SEED).fit(features, y)
        weights, bias = model.coef_, model.intercept_
        if len(labels) == 2:  # scikit-learn keeps one row for two classes; a softmax needs both
            weights = np.vstack([-weights[0] / 2, weights[0] / 2])
            bias = np.array([-bias[0] / 2, bias[0] / 2])
    return LinearHead(name, labels, weights, bias, kind, dict(meta or {}))


def fold_ids(targets: Sequence[Any], folds: int = FOLDS) -> np.ndarray:
    """A deterministic, stratified fold number for each row (stratified by the first label of each target)."""
    keys = [t if isinstance(t, str) else (sorted(t)[0] if t else "") for t in targets]
    rng = np.random.default_rng(SEED)
    out = np.zeros(len(keys), dtype=int)
    for key in sorted(set(keys)):
        rows = np.array([i for i, k in enumerate(keys) if k == key])
        rng.shuffle(rows)
        out[rows] = np.arange(len(rows)) % folds
    return out


def out_of_fold(features: np.ndarray, targets: Sequence[Any], labels: Sequence[str], *, kind: str = SOFTMAX,
                c: float = 1.0, folds: np.ndarray | None = None) -> np.ndarray:
    """Cross-validated probabilities: each row scored by a head that never saw it (for fusers and figures)."""
    folds = fold_ids(targets) if folds is None else folds
    out = np.zeros((len(targets), len(labels)))
    for fold in sorted(set(folds.tolist())):
        train, held = folds != fold, folds == fold
        head = fit_head("oof", features[train], [t for t, keep in zip(targets, train, strict=True) if keep],
                        labels, kind=kind, c=c)
        out[held] = head.probabilities(features[held])
    return out


def log_odds(probabilities: np.ndarray) -> np.ndarray:
    """Probabilities as clipped log-odds, the scale a fuser reads them on."""
    p = np.clip(np.asarray(probabilities, dtype=np.float64), 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def boost_rule_hits(probabilities: np.ndarray, hits: Sequence[Sequence[str]], labels: Sequence[str],
                    boost: float) -> np.ndarray:
    """Log-linear fusion of a classifier with rules: each label whose rule fired gains ``boost`` in log-probability.

    Args:
        probabilities: one row of class probabilities per text, columns in ``labels`` order.
        hits: for each row, the labels whose rules fired.
        labels: the column labels.
        boost: log-probability added per fired rule (tuned out of fold on the training corpus).
    """
    indicators = np.array([[float(label in h) for label in labels] for h in hits])
    logits = np.log(np.clip(probabilities, 1e-6, 1.0)) + boost * indicators
    logits -= logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    return exp / exp.sum(axis=1, keepdims=True)


class HeadStore:
    """Loads heads from a folder once and keeps them; thread-safe."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = Path(folder) if folder else heads_dir()
        self._heads: dict[str, LinearHead | None] = {}
        self._lock = threading.Lock()

    def path(self, name: str) -> Path:
        return self.folder / f"{name}.json"

    def get(self, name: str) -> LinearHead | None:
        """The head called ``name``, or None when it has not been trained."""
        with self._lock:
            if name not in self._heads:
                path = self.path(name)
                self._heads[name] = (LinearHead.from_json(json.loads(path.read_text(encoding="utf-8")))
                                     if path.exists() else None)
            return self._heads[name]

    def save(self, head: LinearHead) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.path(head.name)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(head.to_json()), encoding="utf-8")
        tmp.replace(path)
        with self._lock:
            self._heads[head.name] = head
        return path

    def missing(self, names: Sequence[str]) -> list[str]:
        return [n for n in names if not self.path(n).exists()]


_STORE: HeadStore | None = None
_STORE_LOCK = threading.Lock()


def head_store() -> HeadStore:
    """The process-wide head store (folder resolved on first use)."""
    global _STORE
    with _STORE_LOCK:
        if _STORE is None or _STORE.folder != heads_dir():
            _STORE = HeadStore()
        return _STORE


class EmbeddingCache:
    """Embeddings of training text, keyed by a hash of the text, so retraining takes seconds.

    Stored beside the heads as ``embeddings.npz`` (arrays only; loaded with ``allow_pickle=False``).
    """

    def __init__(self, embed: Callable[[Sequence[str]], np.ndarray], folder: Path | None = None) -> None:
        self.embed_fn = embed
        self.path = (Path(folder) if folder else heads_dir()) / "embeddings.npz"
        self._vectors: dict[str, np.ndarray] = {}
        if self.path.exists():
            with np.load(self.path, allow_pickle=False) as data:
                self._vectors = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
        self._dirty = False

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        keys = [self.key(t) for t in texts]
        todo = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in self._vectors}.items())
        if todo:
            vectors = self.embed_fn([t for _, t in todo])
            self._vectors.update({k: v for (k, _), v in zip(todo, vectors, strict=True)})
            self._dirty = True
        return np.array([self._vectors[k] for k in keys])

    def save(self) -> None:
        if not self._dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = sorted(self._vectors)
        tmp = self.path.with_name("embeddings.tmp.npz")
        np.savez(tmp, keys=np.array(keys), vectors=np.array([self._vectors[k] for k in keys], dtype=np.float32))
        tmp.replace(self.path)
        self._dirty = False


CORPUS_DIR = PROJECT_ROOT / "corpus"


def corpus_rows(corpus: str, split: str = "train") -> list[dict[str, Any]]:
    """The rows of ``corpus/<corpus>/<split>.jsonl`` (``train``, ``test``, or a file name under ``external``).

    Raises:
        ConfigError: the file is missing.
    """
    path = CORPUS_DIR / corpus / f"{split}.jsonl"
    if not path.exists():
        raise ConfigError(f"Corpus file {path} is missing - it ships with MentorPrep; restore it from git.")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def corpus_digest(rows: Sequence[dict[str, Any]]) -> str:
    """A short digest of a training corpus, recorded in each head's meta."""
    return hashlib.sha1(json.dumps(list(rows), sort_keys=True).encode("utf-8")).hexdigest()[:12]
