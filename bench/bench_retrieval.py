"""Retrieval benchmark: index build speed, and query latency of hybrid search vs a plain LangChain baseline.

Measures, in temporary folders (the project's own index is never touched):
1. building the index from ``knowledge/`` with the real embedder (chunks/s), and an unchanged rebuild;
2. query latency p50/p95 of ``HybridRetriever.search`` (dense + BM25 + RRF) and of
   ``langchain_chroma.Chroma.similarity_search`` (dense only) over the same collection and queries;
3. the same on a corpus replicated to >= 10,000 chunks. Replicas reuse the real chunks' embeddings with a
   little noise, so the big index is built in seconds instead of re-embedding everything.

Prints numbers and ratios; asserts nothing about speed.  Run: ``.venv/bin/python bench/bench_retrieval.py``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(fns: dict[str, Callable[[str], object]], queries: list[str], repeat: int) -> dict[str, list[float]]:
    """Per-call latencies in ms for each function, interleaved query by query so that load from other
    processes on the machine hits every contender alike. One untimed warm-up pass first."""
    for q in queries:
        for fn in fns.values():
            fn(q)
    out: dict[str, list[float]] = {name: [] for name in fns}
    names = list(fns)
    for r in range(repeat):
        for i, q in enumerate(queries):
            shift = (r + i) % len(names)
            for name in names[shift:] + names[:shift]:
                start = time.perf_counter()
                fns[name](q)
                out[name].append((time.perf_counter() - start) * 1000)
    return out


def report(label: str, times: dict[str, list[float]]) -> None:
    ours, base, embed = times["hybrid"], times["baseline"], times["embed"]
    p50, p95 = statistics.median(ours), percentile(ours, 0.95)
    b50, b95 = statistics.median(base), percentile(base, 0.95)
    print(f"{label}")
    print(f"  hybrid HybridRetriever.search        p50 {p50:7.2f} ms   p95 {p95:7.2f} ms")
    print(f"  langchain similarity_search    p50 {b50:7.2f} ms   p95 {b95:7.2f} ms")
    print(f"  ratio hybrid / baseline        p50 {p50 / b50:7.2f} x   p95 {p95 / b95:7.2f} x")
    print(f"  (query embedding alone         p50 {statistics.median(embed):7.2f} ms   "
          f"p95 {percentile(embed, 0.95):7.2f} ms)")


def client_at(path: Path):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    return chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))


def replicate(client, name: str, chunks, vectors: np.ndarray, target: int, seed: int = 7) -> int:
    """Fill ``name`` with copies of ``chunks`` (ids ``~rN``) whose vectors are the originals plus noise."""
    from tqdm import tqdm

    from retrieval import chunk_hash, chunk_metadata, corpus_version, get_collection

    rng = np.random.default_rng(seed)
    collection = get_collection(client, name, create=True)
    copies = -(-target // len(chunks))
    hashes = []
    with tqdm(total=copies * len(chunks), unit="chunk", desc="Replicating", file=sys.stderr) as bar:
        for r in range(copies):
            batch = [replace(c, id=f"{c.id}~r{r}", title=f"{c.title} ({r})") for c in chunks]
            noisy = vectors + rng.normal(0.0, 0.02, vectors.shape).astype(np.float32)
            noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
            for i in range(0, len(batch), 500):
                part = batch[i:i + 500]
                collection.upsert(ids=[c.id for c in part], embeddings=noisy[i:i + 500],
                                  documents=[c.text for c in part], metadatas=[chunk_metadata(c) for c in part])
                bar.update(len(part))
            hashes.extend(chunk_hash(c) for c in batch)
    collection.modify(metadata={"corpus_version": corpus_version(hashes), "embed_model": "replicated"})
    return collection.count()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", type=int, default=10_000, help="chunks in the replicated corpus")
    parser.add_argument("--repeat", type=int, default=3, help="passes over the query set per measurement")
    args = parser.parse_args()

    from langchain_chroma import Chroma

    from retrieval import (
        HybridRetriever,
        LangChainEmbeddings,
        build_index,
        default_sets,
        get_embedder,
        load_chunks,
        load_examples,
    )

    queries = [e["query"] for path in default_sets(ROOT).values() for e in load_examples(path)]
    print(f"Queries: {len(queries)} (dev + own sets), k=3, {args.repeat} timed passes each; "
          f"CPU threads available: {os.cpu_count()}")
    start = time.perf_counter()
    embedder = get_embedder()
    embedder.embed(["warm up"])
    print(f"Embedder load: {time.perf_counter() - start:.1f} s")

    with tempfile.TemporaryDirectory(prefix="bench-retrieval-") as tmp:
        client = client_at(Path(tmp) / "real")
        build = build_index(client, "bench_real", ROOT / "knowledge", embedder=embedder, progress=False)
        rate = build.embedded / build.seconds
        print(f"\nBuild (real corpus): {build.embedded} chunks in {build.seconds:.2f} s = {rate:.1f} chunks/s")
        again = build_index(client, "bench_real", ROOT / "knowledge", embedder=embedder, progress=False)
        print(f"Rebuild, nothing changed: {again.seconds * 1000:.0f} ms, embedded {again.embedded}")

        retriever = HybridRetriever(lambda: client, "bench_real", embedder=embedder)
        baseline = Chroma(collection_name="bench_real", client=client, embedding_function=LangChainEmbeddings())
        times = timed({"hybrid": lambda q: retriever.search(q, 3),
                       "baseline": lambda q: baseline.similarity_search(q, k=3),
                       "embed": embedder.embed_query}, queries, args.repeat)
        print()
        report(f"Query latency, real corpus ({build.embedded} chunks)", times)

        chunks = load_chunks(ROOT / "knowledge")
        stored = client.get_collection("bench_real").get(ids=[c.id for c in chunks], include=["embeddings"])
        by_id = dict(zip(stored["ids"], stored["embeddings"], strict=True))
        vectors = np.asarray([by_id[c.id] for c in chunks], dtype=np.float32)
        big_client = client_at(Path(tmp) / "big")
        start = time.perf_counter()
        total = replicate(big_client, "bench_big", chunks, vectors, args.target)
        print(f"\nReplicated corpus: {total} chunks stored in {time.perf_counter() - start:.1f} s "
              "(precomputed embeddings + noise)")
        big = HybridRetriever(lambda: big_client, "bench_big", embedder=embedder)
        start = time.perf_counter()
        big.search(queries[0], 3)
        print(f"First hybrid query (loads {total} records, builds BM25): {time.perf_counter() - start:.2f} s")
        big_base = Chroma(collection_name="bench_big", client=big_client, embedding_function=LangChainEmbeddings())
        times = timed({"hybrid": lambda q: big.search(q, 3),
                       "baseline": lambda q: big_base.similarity_search(q, k=3),
                       "embed": embedder.embed_query}, queries, args.repeat)
        report(f"Query latency, replicated corpus ({total} chunks)", times)
    return 0


if __name__ == "__main__":
    sys.exit(main())
