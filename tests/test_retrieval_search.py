"""Keyword retriever, rank fusion, relevance and sentence extraction (no embeddings, no Chroma)."""

from __future__ import annotations

import os
import time

import pytest

from agent.core import InputError
from retrieval import (
    BM25Index,
    KeywordRetriever,
    Passage,
    extract_passage,
    is_relevant,
    parse_document,
    relevance,
    rrf,
    split_sentences,
    stem,
    tokenize,
)
from tests.fakes import HashEmbedder
from tests.test_retrieval_index import DOCS, write_corpus


def test_tokenize_drops_stopwords_and_stems():
    assert tokenize("What questions should I ask my mentors?") == ["question", "ask", "mentor"]
    assert stem("meetings") == "meeting" and stem("studies") == "study" and stem("asked") == "ask"
    assert stem("coaches") == "coach" and stem("focus") == "focus"


def test_rrf_rewards_agreement_between_rankings():
    fused = rrf([(["a", "b", "c"], 1.0), (["b", "c", "a"], 1.0)], k=60)
    assert max(fused, key=fused.get) == "b"
    assert rrf([(["x"], 2.0)], k=0)["x"] == 2.0


def test_keyword_retriever_searches_and_filters(tmp_path):
    retriever = KeywordRetriever(write_corpus(tmp_path / "kb"))
    assert retriever.is_ready()
    top = retriever.search("sponsor committees", k=1)[0]
    assert top.heading == "What a sponsor does" and top.similarity is None and top.coverage == 1.0
    assert retriever.search("sponsor committees", k=3, role="sponsor")[0].source_path.endswith("sponsors.md")
    assert all(not p.source_path.endswith("sponsors.md")
               for p in retriever.search("sponsor committees thank-you", k=3, role="mentor"))
    assert [p.topic for p in retriever.search("sponsor", k=3, topic="questions-for-sponsors-connectors")] == [
        "questions-for-sponsors-connectors"]
    assert retriever.search("zebra xylophone", k=3) == []
    with pytest.raises(InputError):
        retriever.search("x", stage="intern")


def test_keyword_retriever_reloads_changed_files(tmp_path):
    folder = write_corpus(tmp_path / "kb")
    retriever = KeywordRetriever(folder)
    assert retriever.search("pager", k=1) == []
    path = folder / "etiquette.md"
    path.write_text(DOCS["etiquette.md"].replace("Silence your phone", "Silence your pager"), encoding="utf-8")
    later = time.time() + 5
    os.utime(path, (later, later))
    assert retriever.search("pager", k=1)[0].source_path.endswith("etiquette.md")


def passage(similarity: float | None, overlap: int, coverage: float) -> Passage:
    return Passage(id="x", text="t", title="T", heading="H", topic="follow-up", source_path="k/x.md", score=0.1,
                   similarity=similarity, overlap=overlap, coverage=coverage)


def test_relevance_needs_similarity_or_shared_rare_terms():
    assert is_relevant(passage(0.7, 1, 0.2))
    assert not is_relevant(passage(0.15, 0, 0.0))
    assert not is_relevant(passage(0.1, 1, 1.0))  # a single shared word is weak evidence
    assert is_relevant(passage(0.12, 2, 0.6))
    assert relevance(passage(None, 2, 0.5)) == 0.5
    assert not is_relevant(passage(None, 1, 0.1))


def test_bm25_coverage_weights_rare_terms():
    docs = [parse_document(f"---\ntitle: T{i}\ntopic: follow-up\n---\n## H\nmentor mentor {w}\n", f"k/{i}.md")[0]
            for i, w in enumerate(["sepsis", "phone", "note", "thanks"])]
    index = BM25Index(docs)
    overlap, coverage = index.overlap("mentor sepsis", 0)
    assert overlap == 2 and coverage == 1.0
    overlap, coverage = index.overlap("mentor sepsis", 1)
    assert overlap == 1 and coverage < 0.3


def test_split_sentences_strips_markdown_and_keeps_quotes():
    text = ('Intro line with **bold** text. Second one: "Quoted advice here." Third sentence.\n\n'
            "- First bullet item here\n- Second bullet item here")
    assert split_sentences(text) == ["Intro line with bold text.", 'Second one: "Quoted advice here."',
                                     "Third sentence.", "First bullet item here", "Second bullet item here"]


def test_extract_passage_prefers_sentences_about_the_query():
    text = ("Mentors are busy people with many demands. Send a thank-you note within a day of the meeting. "
            "Parking near the hospital is often difficult to find. Name one piece of advice you will act on.")
    picked = extract_passage("how soon should I send a thank-you note", text)
    assert picked.startswith("Send a thank-you note within a day")
    assert "Parking" not in picked
    with_vectors = extract_passage("thank-you note", text, embed=HashEmbedder().embed)
    assert "thank-you note" in with_vectors
    assert extract_passage("anything", "") == ""


def test_numbers_match_whether_typed_as_digits_or_words():
    from retrieval import tokenize

    assert tokenize("a fifteen-minute slot") == tokenize("a 15 minute slot")
    assert "45" in tokenize("forty-five minutes")
