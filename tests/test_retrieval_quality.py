"""Search quality with the real embedder: hit@3 on the dev and own query sets (slow: loads MiniLM)."""

from __future__ import annotations

import chromadb
import pytest
from chromadb.config import Settings as ChromaSettings

from agent.core import PROJECT_ROOT
from retrieval import HybridRetriever, build_index, default_sets, hit_at_k, load_examples

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def retriever(tmp_path_factory):
    path = tmp_path_factory.mktemp("quality") / "chroma"
    client = chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))
    build_index(client, "quality", PROJECT_ROOT / "knowledge", progress=False)
    return HybridRetriever(lambda: client, "quality")


@pytest.mark.parametrize("name", ["dev", "own"])
def test_hit_at_3_is_at_least_point_nine(retriever, name):
    path = default_sets(PROJECT_ROOT)[name]
    examples = load_examples(path)
    assert len(examples) >= (30 if name == "own" else 1)
    result = hit_at_k(retriever, examples, k=3, name=name)
    assert result.rate >= 0.9, f"hit@3 on {name} = {result.rate:.3f}; misses: {result.misses}"


def test_one_embedder_per_process_even_under_concurrency():
    from concurrent.futures import ThreadPoolExecutor

    from retrieval import get_embedder

    with ThreadPoolExecutor(max_workers=4) as pool:
        embedders = list(pool.map(lambda _: get_embedder(), range(8)))
    assert all(e is embedders[0] for e in embedders)
    with ThreadPoolExecutor(max_workers=4) as pool:
        vectors = list(pool.map(lambda t: embedders[0].embed_query(t), ["mentor", "sponsor"] * 4))
    assert all(abs(float(v @ v) - 1.0) < 1e-4 for v in vectors)
    assert float(vectors[0] @ vectors[2]) > 0.999  # same text, same vector, whatever the thread
