"""A deterministic stand-in for the sentence embedder, for tests that must not load a real model."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence

import numpy as np

from retrieval import tokenize


class HashEmbedder:
    """Bag-of-words vectors from hashed, stemmed tokens: texts sharing words get similar vectors.

    Counts every text it embeds in ``embedded`` so tests can check what a build re-embedded.
    """

    model_id = "hash-embedder"

    def __init__(self, dimension: int = 64) -> None:
        self.dimension = dimension
        self.embedded: list[str] = []
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
        with self._lock:
            self.embedded.extend(texts)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in tokenize(text) or ["empty"]:
                digest = hashlib.md5(token.encode()).digest()
                out[row, digest[0] % self.dimension] += 1.0 if digest[1] % 2 else -1.0
            norm = float(np.linalg.norm(out[row]))
            out[row] = out[row] / norm if norm else out[row]
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]
