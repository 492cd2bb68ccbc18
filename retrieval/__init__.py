"""Knowledge retrieval for MentorPrep.

- ``corpus``: parse ``knowledge/*.md`` (YAML front matter) into heading-level :class:`~retrieval.corpus.Chunk` s.
- ``embeddings``: the shared all-MiniLM-L6-v2 embedder (one per process, thread-safe) and its Chroma adapter.
- ``index``: Chroma client factory and the incremental build (only new or changed chunks are embedded).
- ``keyword``: BM25 over chunks; ``search``: :class:`~retrieval.search.Retriever` (dense + BM25 fused by
  reciprocal rank) and :class:`~retrieval.search.KeywordRetriever` (BM25 only, no index needed).
- ``extract``: query-relevant sentences of a passage; ``evaluate``: hit@k on labelled query sets.

Command line: ``python -m retrieval build [--if-missing] | search "query" [--json] | status``.
"""
