"""Incremental index builds and hybrid search over a small temporary corpus (hash embedder, no model)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import chromadb
import pytest
from chromadb.config import Settings as ChromaSettings

from agent.core import InputError
from retrieval import HybridRetriever, build_index, get_collection
from retrieval import __main__ as retrieval_cli
from tests.fakes import HashEmbedder

DOCS = {
    "sponsors.md": """---
title: Sponsors
topic: mentor-roles
roles: [sponsor]
stages: [fellow, attending]
---
## What a sponsor does
A sponsor nominates you for committees and recommends you for jobs and promotions.

## Questions for a sponsor
<!-- topic: questions-for-sponsors-connectors -->
Ask a sponsor what would make you a strong candidate for the next role.
""",
    "thanks.md": """---
title: Thank-you notes
topic: follow-up
roles: [mentor, coach, sponsor, connector]
stages: [student, resident]
---
## Write the note the same day
Send a short thank-you email after the coffee meeting and name one piece of advice.

## Report back
Tell the mentor later what you did with their advice.
""",
    "etiquette.md": """---
title: Meeting etiquette
topic: meeting-etiquette
---
## Phones away
Silence your phone and listen; respect the time the senior doctor gave you.
""",
}


def write_corpus(folder: Path, docs: dict[str, str] = DOCS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in docs.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def corpus(tmp_path) -> Path:
    return write_corpus(tmp_path / "knowledge")


@pytest.fixture
def client(tmp_path):
    return chromadb.PersistentClient(path=str(tmp_path / "chroma"), settings=ChromaSettings(anonymized_telemetry=False))


def test_incremental_build_embeds_only_what_changed(corpus, client):
    embedder = HashEmbedder()
    first = build_index(client, "kb_test", corpus, embedder=embedder, progress=False)
    assert len(first.added) == 5 and first.embedded == 5 and not first.removed
    assert len(embedder.embedded) == 5

    embedder.embedded.clear()
    again = build_index(client, "kb_test", corpus, embedder=embedder, progress=False)
    assert again.embedded == 0 and len(again.unchanged) == 5
    assert embedder.embedded == []

    edited_text = DOCS["thanks.md"].replace("Send a short", "Send a brief")
    (corpus / "thanks.md").write_text(edited_text, encoding="utf-8")
    edited = build_index(client, "kb_test", corpus, embedder=embedder, progress=False)
    assert edited.updated == ["knowledge/thanks.md#write-the-note-the-same-day"]
    assert not edited.added and not edited.removed and len(edited.unchanged) == 4
    assert len(embedder.embedded) == 1 and "Send a brief" in embedder.embedded[0]
    assert edited.files["updated"] == {"knowledge/thanks.md": 1}

    renamed = DOCS["etiquette.md"].replace("## Phones away", "## Put the phone away")
    (corpus / "etiquette.md").write_text(renamed, encoding="utf-8")
    embedder.embedded.clear()
    moved = build_index(client, "kb_test", corpus, embedder=embedder, progress=False)
    assert moved.added == ["knowledge/etiquette.md#put-the-phone-away"]
    assert moved.removed == ["knowledge/etiquette.md#phones-away"] and len(embedder.embedded) == 1

    (corpus / "sponsors.md").unlink()
    deleted = build_index(client, "kb_test", corpus, embedder=embedder, progress=False)
    assert sorted(deleted.removed) == ["knowledge/sponsors.md#questions-for-a-sponsor",
                                       "knowledge/sponsors.md#what-a-sponsor-does"]
    assert deleted.embedded == 0
    assert get_collection(client, "kb_test").count() == 3
    assert "removed" in deleted.summary() and "knowledge/sponsors.md (2 chunks)" in deleted.summary()
    assert json.loads(json.dumps(deleted.to_dict()))["counts"] == {"added": 0, "updated": 0, "removed": 2,
                                                                    "unchanged": 3}


def test_if_missing_skips_a_filled_collection(corpus, client):
    embedder = HashEmbedder()
    build_index(client, "kb_test", corpus, embedder=embedder, progress=False)
    (corpus / "new.md").write_text(DOCS["etiquette.md"].replace("Phones away", "Be on time"), encoding="utf-8")
    report = build_index(client, "kb_test", corpus, embedder=embedder, progress=False, if_missing=True)
    assert report.skipped and report.embedded == 0
    assert get_collection(client, "kb_test").count() == 5


def make(client, corpus) -> HybridRetriever:
    embedder = HashEmbedder()
    build_index(client, "kb_test", corpus, embedder=embedder, progress=False)
    return HybridRetriever(lambda: client, "kb_test", embedder=embedder)


def test_hybrid_search_returns_passages_with_metadata(corpus, client):
    retriever = make(client, corpus)
    assert retriever.is_ready()
    assert retriever.status()["chunks"] == 5
    passages = retriever.search("thank-you email after coffee", k=2)
    assert passages[0].title == "Thank-you notes"
    assert passages[0].heading == "Write the note the same day"
    assert passages[0].topic == "follow-up"
    assert passages[0].source_path == "knowledge/thanks.md"
    assert passages[0].similarity is not None and passages[0].overlap >= 2
    data = passages[0].to_dict()
    assert {"id", "text", "title", "heading", "topic", "source_path", "score", "roles", "stages",
            "sources"} <= set(data)
    json.dumps(data)


def test_filters_by_role_stage_and_topic(corpus, client):
    retriever = make(client, corpus)
    query = "sponsor advice thank-you phone"
    assert {p.source_path for p in retriever.search(query, k=5, role="connector")} == {
        "knowledge/thanks.md", "knowledge/etiquette.md"}  # etiquette lists no roles: it applies to all
    assert {p.source_path for p in retriever.search(query, k=5, stage="attending")} == {
        "knowledge/sponsors.md", "knowledge/etiquette.md"}
    by_topic = retriever.search(query, k=5, topic="questions-for-sponsors-connectors")
    assert [p.heading for p in by_topic] == ["Questions for a sponsor"]
    assert retriever.search(query, k=5, role="sponsor", stage="resident", topic="follow-up")
    with pytest.raises(InputError):
        retriever.search(query, role="boss")


def test_retriever_notices_a_rebuild(corpus, client):
    retriever = make(client, corpus)
    assert retriever.search("phone", k=1)[0].source_path == "knowledge/etiquette.md"
    (corpus / "etiquette.md").unlink()
    build_index(client, "kb_test", corpus, embedder=HashEmbedder(), progress=False)
    retriever._checked = 0.0  # skip the freshness interval
    assert all(p.source_path != "knowledge/etiquette.md" for p in retriever.search("phone", k=5))


def test_missing_collection_is_not_ready(client):
    retriever = HybridRetriever(lambda: client, "not_built", embedder=HashEmbedder())
    assert not retriever.is_ready()
    status = retriever.status()
    assert status["ready"] is False and status["chunks"] == 0 and status["error"]


def test_concurrent_searches_are_safe(corpus, client):
    retriever = make(client, corpus)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(5):
                assert retriever.search("sponsor committees", k=2)
        except BaseException as exc:  # noqa: BLE001 - collected and re-raised below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_cli_build_then_search_json(corpus, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MENTORPREP_KNOWLEDGE", str(corpus))
    monkeypatch.setenv("CHROMA_PATH", str(tmp_path / "cli-chroma"))
    monkeypatch.setattr("retrieval.embeddings._EMBEDDER", HashEmbedder())
    assert retrieval_cli.main(["build", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "5 added, 0 updated, 0 removed, 0 unchanged" in out and "knowledge/thanks.md" in out
    assert retrieval_cli.main(["build", "--quiet"]) == 0
    assert "0 added, 0 updated, 0 removed, 5 unchanged" in capsys.readouterr().out
    assert retrieval_cli.main(["build", "--if-missing", "--quiet"]) == 0
    capsys.readouterr()
    assert retrieval_cli.main(["search", "thank-you email", "--k", "2", "--json", "--stage", "resident"]) == 0
    results = json.loads(capsys.readouterr().out)
    assert len(results) == 2
    for item in results:
        assert {"text", "title", "heading", "topic", "source_path", "score"} <= set(item)
        assert "resident" in item["stages"] or not item["stages"]


def test_cli_reports_bad_knowledge_without_traceback(tmp_path, monkeypatch, capsys):
    folder = write_corpus(tmp_path / "kb", {"bad.md": "---\ntitle: T\ntopic: nonsense\n---\n## A\nx\n"})
    monkeypatch.setenv("MENTORPREP_KNOWLEDGE", str(folder))
    monkeypatch.setenv("CHROMA_PATH", str(tmp_path / "c"))
    monkeypatch.setattr("retrieval.embeddings._EMBEDDER", HashEmbedder())
    assert retrieval_cli.main(["build", "--quiet"]) == 2
    assert "bad.md" in capsys.readouterr().err


def test_collections_use_the_project_embedding_function_not_chromas_default(corpus, client, monkeypatch):
    fake = HashEmbedder()
    monkeypatch.setattr("retrieval.embeddings._EMBEDDER", fake)
    build_index(client, "kb_test", corpus, progress=False)
    ef = get_collection(client, "kb_test").configuration["embedding_function"]
    assert ef.name() == "mentorprep_minilm"
    fake.embedded.clear()
    vectors = ef(["a sponsor nominates you"])
    assert fake.embedded == ["a sponsor nominates you"] and len(vectors[0]) == fake.dimension
