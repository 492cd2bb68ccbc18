"""Hybrid search: dense (Chroma + MiniLM) and BM25 rankings fused by reciprocal rank fusion."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from agent.core import InputError
from retrieval.corpus import ROLES, STAGES, TOPICS, Chunk, load_chunks
from retrieval.embeddings import Embedder, get_embedder
from retrieval.index import chunk_from_record, describe_location, get_collection, open_client
from retrieval.keyword import BM25Index

RRF_K = 60  # the usual constant: damps the gap between rank 1 and rank 2
DENSE_WEIGHT = 1.0
KEYWORD_WEIGHT = 1.0
CANDIDATES = 40  # per ranking, before fusion
TOPIC_WINDOW = 10  # how far down the fused ranking a topic's passages count as evidence for it
TOPIC_EVIDENCE_SCALE = 8.0  # fused scores are reciprocal ranks (~0.016 for first place, ~0.03 from both rankings)
TOPIC_PRIOR_WEIGHT = 1.0  # the topic prior's log-probability; both weights chosen by CV on the training queries
FRESHNESS_SECONDS = 2.0
RELEVANCE_THRESHOLD = 0.4
KEYWORD_RELEVANCE_THRESHOLD = 0.3  # how often a HybridRetriever checks whether the index was rebuilt


@dataclass(frozen=True)
class Passage:
    """One retrieved passage.

    Attributes:
        score: fused rank score (higher is better; only comparable within one search).
        similarity: cosine similarity of the query to the passage (None for keyword-only search).
        overlap: number of distinct query terms (stemmed, no stopwords) found in the passage.
        coverage: IDF-weighted share of the query's terms found in the passage (0..1).
    """

    id: str
    text: str
    title: str
    heading: str
    topic: str
    source_path: str
    score: float
    roles: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    similarity: float | None = None
    overlap: int = 0
    coverage: float = 0.0

    @classmethod
    def from_chunk(cls, chunk: Chunk, score: float, similarity: float | None = None,
                   match: tuple[int, float] = (0, 0.0)) -> Passage:
        return cls(id=chunk.id, text=chunk.text, title=chunk.title, heading=chunk.heading,
                   topic=chunk.topic, source_path=chunk.source_path, score=round(score, 6), roles=chunk.roles,
                   stages=chunk.stages, sources=chunk.sources,
                   similarity=None if similarity is None else round(similarity, 4),
                   overlap=match[0], coverage=round(match[1], 4))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("roles", "stages", "sources"):
            data[key] = list(data[key])
        return data


def check_filters(role: str | None, stage: str | None, topic: str | None) -> None:
    """Raise InputError for a filter value outside the taxonomy."""
    for value, allowed, name in ((role, ROLES, "role"), (stage, STAGES, "stage"), (topic, TOPICS, "topic")):
        if value is not None and value not in allowed:
            raise InputError(f"Unknown {name} {value!r}; use one of: {', '.join(allowed)}.")


def _keeper(role: str | None, stage: str | None, topic: str | None) -> Callable[[Chunk], bool] | None:
    if role is None and stage is None and topic is None:
        return None

    def keep(chunk: Chunk) -> bool:
        return ((role is None or not chunk.roles or role in chunk.roles)
                and (stage is None or not chunk.stages or stage in chunk.stages)
                and (topic is None or chunk.topic == topic))

    return keep


def _where(role: str | None, stage: str | None, topic: str | None) -> dict[str, Any] | None:
    clauses: list[dict[str, Any]] = []
    if role:
        clauses.append({f"role_{role}": True})
    if stage:
        clauses.append({f"stage_{stage}": True})
    if topic:
        clauses.append({"topic": topic})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def rrf(rankings: list[tuple[list[str], float]], k: int = RRF_K) -> dict[str, float]:
    """Reciprocal rank fusion: ``sum(weight / (k + rank))`` over the rankings each id appears in."""
    fused: dict[str, float] = {}
    for ids, weight in rankings:
        for rank, item in enumerate(ids, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (k + rank)
    return fused


class KeywordRetriever:
    """BM25-only search straight over the knowledge files: no embeddings, no Chroma, fast to build.

    The files are re-read when any of them changes. Thread-safe.
    """

    def __init__(self, knowledge_dir: str | Path) -> None:
        self.knowledge_dir = Path(knowledge_dir)
        self._lock = threading.Lock()
        self._signature: tuple | None = None
        self._index: BM25Index | None = None

    def _current(self) -> BM25Index:
        signature = tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size)
                                 for p in self.knowledge_dir.glob("*.md")))
        with self._lock:
            if self._index is None or signature != self._signature:
                self._index = BM25Index(load_chunks(self.knowledge_dir))
                self._signature = signature
            return self._index

    def search(self, query: str, k: int = 3, *, role: str | None = None, stage: str | None = None,
               topic: str | None = None) -> list[Passage]:
        """Top ``k`` passages by BM25 among those matching the filters (passages must share a query term)."""
        check_filters(role, stage, topic)
        index = self._current()
        hits = index.search(query, k, _keeper(role, stage, topic))
        return [Passage.from_chunk(index.chunks[h.index], h.score, match=(h.overlap, h.coverage))
                for h in hits]

    def is_ready(self) -> bool:
        """True when the knowledge folder holds at least one chunk."""
        try:
            return len(self._current()) > 0
        except Exception:  # noqa: BLE001 - readiness is a yes/no question
            return False


class HybridRetriever:
    """Hybrid retriever over a Chroma collection built by :func:`retrieval.index.build_index`.

    Dense results come from Chroma (with metadata ``where`` filters); BM25 runs over the same records,
    fetched from the collection and cached until the collection's ``corpus_version`` changes.
    Thread-safe: the embedder serialises its own use and the cache swaps under a lock.

    Args:
        connect: zero-argument callable returning a Chroma client (called lazily, once).
        collection_name: the collection to search.
        embedder: defaults to the process-wide :func:`get_embedder`.
        location: human-readable description of where the index lives (for :meth:`status`).
        topic_prior: maps a query vector to a probability per topic (see :mod:`retrieval.topics`); passages on
            likely topics move up the fused ranking. None searches without a prior.
        diverse: return the best passage of each of the likeliest topics rather than several passages on one.
    """

    def __init__(self, connect: Callable[[], Any], collection_name: str, *, embedder: Embedder | None = None,
                 location: str = "", topic_prior: Callable[[np.ndarray], dict[str, float] | None] | None = None,
                 diverse: bool = True) -> None:
        self.topic_prior = topic_prior
        self.diverse = diverse
        self._connect = connect
        self.collection_name = collection_name
        self._embedder = embedder
        self.location = location or collection_name
        self._lock = threading.Lock()
        self._client: Any = None
        self._collection: Any = None
        self._version: str | None = None
        self._checked = 0.0
        self._bm25 = BM25Index([])
        self._by_id: dict[str, int] = {}

    def _client_(self) -> Any:
        if self._client is None:
            self._client = self._connect()
        return self._client

    def _refresh(self, force: bool = False) -> tuple[Any, BM25Index, dict[str, int]]:
        with self._lock:
            if force or self._collection is None or time.monotonic() - self._checked > FRESHNESS_SECONDS:
                collection = get_collection(self._client_(), self.collection_name)
                version = (collection.metadata or {}).get("corpus_version") or str(collection.count())
                if version != self._version:
                    records = collection.get(include=["documents", "metadatas"])
                    chunks = [chunk_from_record(i, d, m or {}) for i, d, m in
                              zip(records["ids"], records["documents"], records["metadatas"], strict=True)]
                    self._bm25 = BM25Index(chunks)
                    self._by_id = {c.id: n for n, c in enumerate(chunks)}
                    self._version = version
                self._collection = collection
                self._checked = time.monotonic()
            return self._collection, self._bm25, self._by_id

    def search(self, query: str, k: int = 3, *, role: str | None = None, stage: str | None = None,
               topic: str | None = None) -> list[Passage]:
        """Top ``k`` passages for ``query`` by fused dense + BM25 rank, among those matching the filters.

        Raises:
            InputError: a filter value is not in the taxonomy.
            chromadb.errors.NotFoundError: the index has not been built (see :meth:`is_ready`).
        """
        check_filters(role, stage, topic)
        if not query.strip() or k <= 0:
            return []
        collection, bm25, by_id = self._refresh()
        if len(bm25) == 0:
            return []
        vector = (self._embedder or get_embedder()).embed_query(query)
        # Only ids and distances from Chroma: texts and metadata come from the local cache.
        dense = collection.query(query_embeddings=[vector], n_results=min(max(CANDIDATES, k), len(bm25)),
                                 where=_where(role, stage, topic), include=["distances"])
        similarity = {cid: 1.0 - float(d) for cid, d in zip(dense["ids"][0], dense["distances"][0], strict=True)}
        keyword = bm25.search(query, max(CANDIDATES, k), _keeper(role, stage, topic))
        matches = {bm25.chunks[h.index].id: (h.overlap, h.coverage) for h in keyword}
        fused = rrf([(list(similarity), DENSE_WEIGHT), (list(matches), KEYWORD_WEIGHT)])
        prior = self.topic_prior(vector) if self.topic_prior is not None and topic is None else None
        if self.diverse and topic is None:
            best = _diverse(fused, {cid: bm25.chunks[n].topic for cid, n in by_id.items()}, prior, k)
        else:
            best = sorted(fused, key=lambda cid: (-fused[cid], cid))[:k]
        chunks = {cid: bm25.chunks[by_id[cid]] for cid in best if cid in by_id}
        stale = [cid for cid in best if cid not in chunks]
        if stale:  # the index changed since the cache was filled
            got = collection.get(ids=stale, include=["documents", "metadatas"])
            for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
                chunks[cid] = chunk_from_record(cid, doc, meta or {})
        missing = [cid for cid in best if cid not in similarity]
        if missing:  # keyword-only hits: compute their similarity so every passage has one
            got = collection.get(ids=missing, include=["embeddings"])
            for cid, emb in zip(got["ids"], got["embeddings"], strict=True):
                similarity[cid] = float(np.dot(vector, np.asarray(emb, dtype=np.float32)))
        passages = []
        for cid in best:
            if cid not in chunks:
                continue
            match = matches.get(cid) or (bm25.overlap(query, by_id[cid]) if cid in by_id else (0, 0.0))
            passages.append(Passage.from_chunk(chunks[cid], fused[cid], similarity.get(cid), match))
        return passages

    def embed(self, texts: list[str]) -> Any:
        """Unit-length embeddings of ``texts`` with the retriever's embedder (numpy array, one row each)."""
        return (self._embedder or get_embedder()).embed(texts)

    def is_ready(self) -> bool:
        """True when the collection exists and holds at least one chunk."""
        try:
            collection, _, _ = self._refresh()
            return collection.count() > 0
        except Exception:  # noqa: BLE001 - missing collection, unreachable server: not ready either way
            return False

    def status(self) -> dict[str, Any]:
        """For the sidebar: ``{"ready", "chunks", "collection", "location", "error"}``."""
        try:
            collection, _, _ = self._refresh(force=True)
            count = collection.count()
            return {"ready": count > 0, "chunks": count, "collection": self.collection_name,
                    "location": self.location, "error": None}
        except Exception as exc:  # noqa: BLE001 - reported, not raised
            return {"ready": False, "chunks": 0, "collection": self.collection_name,
                    "location": self.location, "error": f"{type(exc).__name__}: {exc}"}


def _diverse(fused: dict[str, float], topic_of: dict[str, str], prior: dict[str, float] | None,
             k: int) -> list[str]:
    """The top ``k`` ids, one per topic while topics last: the best passage of each of the likeliest topics.

    A topic's likelihood is the fused score its passages earn near the top of the ranking, plus the topic
    prior's log-probability when there is one. The first result is still the best passage overall in almost
    every case; the others cover the next likeliest readings of the query instead of repeating the first.
    """
    ranked = sorted(fused, key=lambda cid: (-fused[cid], cid))
    weight: dict[str, float] = {}
    for cid in ranked[:TOPIC_WINDOW]:
        topic = topic_of.get(cid, "")
        weight[topic] = weight.get(topic, 0.0) + fused[cid]

    def likelihood(topic: str) -> float:
        score = TOPIC_EVIDENCE_SCALE * weight.get(topic, 0.0)
        if prior is not None:
            score += TOPIC_PRIOR_WEIGHT * math.log(prior.get(topic, 0.0) + 1e-6)
        return score

    first_of: dict[str, str] = {}
    for cid in ranked:
        first_of.setdefault(topic_of.get(cid, ""), cid)
    topics = sorted(first_of, key=lambda t: (-likelihood(t), t))
    chosen = [first_of[t] for t in topics[:k]]
    return chosen + [cid for cid in ranked if cid not in chosen][:k - len(chosen)]


def relevance(passage: Passage) -> float:
    """How plausibly a passage answers its query: cosine similarity plus credit for shared rare terms.

    Keyword-only passages (no similarity) are judged on term coverage alone.
    """
    if passage.similarity is None:
        return passage.coverage
    weight = 0.5 if passage.overlap >= 2 else 0.25  # one shared word is weak evidence on its own
    return passage.similarity + weight * passage.coverage


def is_relevant(passage: Passage) -> bool:
    """True when :func:`relevance` clears its threshold (calibrated on in- and off-topic queries)."""
    threshold = KEYWORD_RELEVANCE_THRESHOLD if passage.similarity is None else RELEVANCE_THRESHOLD
    return relevance(passage) >= threshold


def make_retriever(settings: Any, *, topic_prior: bool = True, diverse: bool = True) -> HybridRetriever:
    """The hybrid retriever for ``settings`` (connects to Chroma on first use, not here).

    Args:
        topic_prior: use the trained topic head when there is one (``python -m agent train``).
        diverse: one passage per likely topic (see :class:`HybridRetriever`).
    """
    prior = None
    if topic_prior:
        from retrieval.topics import load_topic_head
        from retrieval.topics import topic_prior as prior_of

        head = load_topic_head()
        if head is not None:
            def prior(vector: np.ndarray) -> dict[str, float] | None:
                # A stand-in embedder of another size (in tests) cannot be read by the head.
                return prior_of(head, vector) if vector.shape[-1] == head.weights.shape[1] else None
    return HybridRetriever(lambda: open_client(settings), settings.collection, location=describe_location(settings),
                           topic_prior=prior, diverse=diverse)
