"""Index and search through a real `chroma run` server on 127.0.0.1 (HttpClient path)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.core import load_settings
from retrieval import HybridRetriever, build_index, make_retriever, open_client
from tests.fakes import HashEmbedder
from tests.servers import free_port, running
from tests.test_retrieval_index import write_corpus

pytestmark = [pytest.mark.server, pytest.mark.slow]


def test_index_and_search_through_a_chroma_server(tmp_path):
    chroma = Path(__file__).resolve().parent.parent / ".venv" / "bin" / "chroma"
    if not chroma.exists():
        pytest.skip("the chroma CLI is not installed in the project venv")
    port = free_port()
    corpus = write_corpus(tmp_path / "knowledge")
    command = [str(chroma), "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1",
               "--port", str(port)]
    with running(command, f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=90):
        settings = load_settings(chroma_host="127.0.0.1", chroma_port=port, collection="server_kb",
                                 knowledge_dir=str(corpus))
        assert not make_retriever(settings).is_ready()
        client = open_client(settings)
        embedder = HashEmbedder()
        report = build_index(client, settings.collection, corpus, embedder=embedder, progress=False)
        assert report.embedded == 5
        assert build_index(client, settings.collection, corpus, embedder=embedder, progress=False).embedded == 0
        retriever = HybridRetriever(lambda: open_client(settings), settings.collection, embedder=embedder)
        assert retriever.is_ready() and retriever.status()["chunks"] == 5
        top = retriever.search("thank-you email after coffee", k=2, stage="resident")
        assert top[0].source_path == "knowledge/thanks.md"
        assert [p.topic for p in retriever.search("sponsor", k=3, topic="mentor-roles")] == ["mentor-roles"]


def test_unreachable_server_is_a_clear_config_error():
    from agent.core import ConfigError

    settings = load_settings(chroma_host="127.0.0.1", chroma_port=free_port())
    with pytest.raises(ConfigError, match="CHROMA_HOST"):
        open_client(settings)
    assert make_retriever(settings).status()["ready"] is False
