"""Knowledge retrieval for MentorPrep.

- ``corpus``: parse ``knowledge/*.md`` (YAML front matter) into heading-level :class:`~retrieval.corpus.Chunk` s.
- ``embeddings``: the shared all-MiniLM-L6-v2 embedder (one per process, thread-safe) and its Chroma adapter.
- ``index``: Chroma client factory and the incremental build (only new or changed chunks are embedded).
- ``keyword``: BM25 over chunks; ``search``: :class:`~retrieval.search.HybridRetriever` (dense + BM25 fused by
  reciprocal rank) and :class:`~retrieval.search.KeywordRetriever` (BM25 only, no index needed).
- ``extract``: query-relevant sentences of a passage; ``evaluate``: hit@k on labelled query sets.

Command line: ``python -m retrieval build [--if-missing] | search "query" [--json] | status``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# The public API, loaded on first use: importing ``retrieval`` must not pull in Chroma or the embedder.
_EXPORTS = {
    "Chunk": "corpus", "CorpusError": "corpus", "TOPICS": "corpus", "load_chunks": "corpus",
    "parse_document": "corpus", "MAX_CHUNK_WORDS": "corpus",
    "Embedder": "embeddings", "LangChainEmbeddings": "embeddings", "get_embedder": "embeddings",
    "MODEL_ID": "embeddings",
    "build_index": "index", "chunk_hash": "index", "chunk_metadata": "index", "corpus_version": "index",
    "get_collection": "index", "open_client": "index",
    "tokenize": "keyword", "stem": "keyword", "BM25Index": "keyword",
    "extract_passage": "extract", "split_sentences": "extract",
    "Citer": "protocols", "Embeds": "protocols", "Retriever": "protocols",
    "Passage": "search", "HybridRetriever": "search", "KeywordRetriever": "search", "is_relevant": "search",
    "make_retriever": "search", "relevance": "search", "rrf": "search",
    "TOPIC_HEAD": "topics", "load_topic_head": "topics", "topic_prior": "topics", "train_topic_head": "topics",
    "default_sets": "evaluate", "topic_hit_at_k": "evaluate", "hit_at_k": "evaluate", "load_examples": "evaluate",
}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # pragma: no cover - for type checkers and readers
    from retrieval.corpus import MAX_CHUNK_WORDS, TOPICS, Chunk, CorpusError, load_chunks, parse_document  # noqa: F401
    from retrieval.protocols import Citer, Embeds, Retriever  # noqa: F401
    from retrieval.search import HybridRetriever, KeywordRetriever, Passage, is_relevant, make_retriever  # noqa: F401


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'retrieval' has no attribute {name!r}")
    return getattr(importlib.import_module(f"retrieval.{module}"), name)
