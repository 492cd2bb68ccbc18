"""Chroma storage for chunks: client factory, metadata layout and the incremental (content-hash) build."""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import chromadb
from chromadb.config import Settings as ChromaSettings

from agent.core import ConfigError
from retrieval.corpus import ROLES, STAGES, Chunk, load_chunks
from retrieval.embeddings import MODEL_ID, Embedder, chroma_embedding_function, get_embedder

BATCH = 64


def open_client(settings: Any) -> Any:
    """Chroma client for ``settings``: HTTP when ``chroma_host`` is set, else embedded at ``chroma_path``.

    Raises:
        ConfigError: the Chroma server cannot be reached.
    """
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        try:
            return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port,
                                       settings=chroma_settings)
        except Exception as exc:  # noqa: BLE001 - any connection failure gets the same advice
            raise ConfigError(
                f"Cannot reach the Chroma server at {settings.chroma_host}:{settings.chroma_port} "
                f"({type(exc).__name__}). Start it (`chroma run --path data/chroma --port "
                f"{settings.chroma_port}`) or unset CHROMA_HOST to use the embedded store."
            ) from None
    path = Path(settings.chroma_path)
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def describe_location(settings: Any) -> str:
    """Where the index lives, for messages and the sidebar."""
    if settings.chroma_host:
        return f"Chroma server {settings.chroma_host}:{settings.chroma_port}"
    return f"embedded Chroma at {settings.chroma_path}"


def get_collection(client: Any, name: str, *, create: bool = False) -> Any:
    """Open (or create) the chunk collection with MentorPrep's embedding function and cosine space.

    Raises:
        chromadb.errors.NotFoundError: ``create`` is False and the collection does not exist.
    """
    ef = chroma_embedding_function()
    if create:
        return client.get_or_create_collection(name, embedding_function=ef,
                                               configuration={"hnsw": {"space": "cosine"}})
    return client.get_collection(name, embedding_function=ef)


def chunk_metadata(chunk: Chunk) -> dict[str, Any]:
    """Flat Chroma metadata; roles/stages become booleans so `where` filters can use them.

    A document that lists no roles (or stages) applies to all of them.
    """
    meta: dict[str, Any] = {
        "title": chunk.title,
        "heading": chunk.heading,
        "topic": chunk.topic,
        "source_path": chunk.source_path,
        "roles": ",".join(chunk.roles),
        "stages": ",".join(chunk.stages),
        "sources": json.dumps(list(chunk.sources)),
        "hash": chunk_hash(chunk),
    }
    meta.update({f"role_{r}": not chunk.roles or r in chunk.roles for r in ROLES})
    meta.update({f"stage_{s}": not chunk.stages or s in chunk.stages for s in STAGES})
    return meta


def chunk_from_record(chunk_id: str, document: str, meta: dict[str, Any]) -> Chunk:
    """Rebuild a :class:`Chunk` from what Chroma stores."""
    split = lambda value: tuple(v for v in str(value or "").split(",") if v)  # noqa: E731
    return Chunk(id=chunk_id, text=document or "", title=str(meta.get("title", "")),
                 heading=str(meta.get("heading", "")), topic=str(meta.get("topic", "")),
                 source_path=str(meta.get("source_path", "")), roles=split(meta.get("roles")),
                 stages=split(meta.get("stages")), sources=tuple(json.loads(meta.get("sources") or "[]")))


def chunk_hash(chunk: Chunk) -> str:
    """Content hash that also changes when the embedding model changes."""
    return hashlib.sha256(f"{MODEL_ID}\x1f{chunk.content_hash}".encode()).hexdigest()[:32]


@dataclass
class BuildReport:
    """What one build changed. Lists hold chunk ids; ``files`` maps each change kind to file -> count."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    seconds: float = 0.0
    skipped: bool = False

    @property
    def embedded(self) -> int:
        """How many chunks were sent to the embedder."""
        return len(self.added) + len(self.updated)

    @property
    def files(self) -> dict[str, dict[str, int]]:
        kinds = (("added", self.added), ("updated", self.updated), ("removed", self.removed))
        return {kind: dict(sorted(Counter(i.split("#", 1)[0] for i in ids).items())) for kind, ids in kinds}

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(embedded=self.embedded, files=self.files,
                    counts={k: len(data[k]) for k in ("added", "updated", "removed", "unchanged")})
        return data

    def summary(self) -> str:
        """Several human-readable lines: counts, then the files behind each change."""
        if self.skipped:
            return f"Index already holds {len(self.unchanged)} chunks; nothing to do (--if-missing)."
        lines = [f"{len(self.added)} added, {len(self.updated)} updated, {len(self.removed)} removed, "
                 f"{len(self.unchanged)} unchanged; embedded {self.embedded} chunks in {self.seconds:.1f} s."]
        for kind, per_file in self.files.items():
            for path, count in per_file.items():
                lines.append(f"  {kind:<8} {path} ({count} chunk{'s' if count != 1 else ''})")
        return "\n".join(lines)


def corpus_version(hashes: list[str]) -> str:
    """One hash for the whole index content, stored on the collection so readers notice rebuilds."""
    return hashlib.sha256("".join(sorted(hashes)).encode()).hexdigest()[:16]


def build_index(client: Any, collection_name: str, knowledge_dir: str | Path, *,
                embedder: Embedder | None = None, progress: bool = True,
                if_missing: bool = False) -> BuildReport:
    """Bring the collection in line with the knowledge folder, embedding only new or changed chunks.

    Args:
        client: a Chroma client (see :func:`open_client`).
        collection_name: collection to fill; created when missing.
        knowledge_dir: folder of knowledge Markdown files.
        embedder: defaults to the shared :func:`get_embedder` (loaded only if something must be embedded).
        progress: show a tqdm bar on stderr while embedding.
        if_missing: do nothing when the collection already holds chunks.

    Raises:
        CorpusError: a knowledge file is malformed (the message names it).
    """
    start = time.perf_counter()
    collection = get_collection(client, collection_name, create=True)
    if if_missing and collection.count() > 0:
        return BuildReport(unchanged=list(collection.get(include=[])["ids"]), skipped=True)
    chunks = load_chunks(knowledge_dir)
    stored = collection.get(include=["metadatas"])
    old = {i: (m or {}).get("hash") for i, m in zip(stored["ids"], stored["metadatas"] or [], strict=False)}
    report = BuildReport()
    todo: list[Chunk] = []
    for chunk in chunks:
        if chunk.id not in old:
            report.added.append(chunk.id)
            todo.append(chunk)
        elif old[chunk.id] != chunk_hash(chunk):
            report.updated.append(chunk.id)
            todo.append(chunk)
        else:
            report.unchanged.append(chunk.id)
    current = {c.id for c in chunks}
    report.removed = sorted(i for i in old if i not in current)
    if report.removed:
        collection.delete(ids=report.removed)
    if todo:
        _embed_and_store(collection, todo, embedder or get_embedder(), progress)
    if todo or report.removed or not (collection.metadata or {}).get("corpus_version"):
        collection.modify(metadata={"corpus_version": corpus_version([chunk_hash(c) for c in chunks]),
                                    "embed_model": MODEL_ID})
    report.seconds = time.perf_counter() - start
    return report


def _embed_and_store(collection: Any, chunks: list[Chunk], embedder: Embedder, progress: bool) -> None:
    from tqdm import tqdm

    with tqdm(total=len(chunks), unit="chunk", desc="Embedding", disable=not progress) as bar:
        for i in range(0, len(chunks), BATCH):
            batch = chunks[i:i + BATCH]
            vectors = embedder.embed([c.search_text for c in batch])
            collection.upsert(ids=[c.id for c in batch], embeddings=vectors,
                              documents=[c.text for c in batch], metadatas=[chunk_metadata(c) for c in batch])
            bar.update(len(batch))
