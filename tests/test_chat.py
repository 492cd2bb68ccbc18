"""Grounded prep chat: citations in both answer modes, the nothing-relevant path, and the CLI."""

from __future__ import annotations

import json

import pytest

from agent.__main__ import main as agent_main
from agent.core import BackendError, FakeChatModel, InputError
from agent.guidance.grounded import FIXED_FRAMING, NOT_FOUND, answer, cited_numbers, normalise_framing, start_answer
from retrieval import KeywordRetriever
from tests.test_retrieval_index import write_corpus


@pytest.fixture
def retriever(tmp_path) -> KeywordRetriever:
    return KeywordRetriever(write_corpus(tmp_path / "knowledge"))


def capable(*replies: str) -> FakeChatModel:
    """A scripted model that ``is_capable`` treats like a remote one."""
    return FakeChatModel(responses=list(replies), capable=True)


def test_weak_model_answer_is_built_from_passages_with_citations(retriever):
    model = FakeChatModel(responses=["Sure! A short thank-you email after coffee is a good first step."])
    result = answer("how soon should I send a thank-you email after coffee", retriever, model)
    assert result.mode == "extractive"
    assert result.text.startswith("A short thank-you email after coffee is a good first step.")
    assert "[1]" in result.text
    assert "Send a short thank-you email after the coffee meeting" in result.text  # quoted from the passage
    assert result.citations and result.citations[0].n == 1
    first = result.citations[0].to_dict()
    assert set(first) == {"n", "title", "heading", "source_path", "topic", "text"}
    assert first["title"] == "Thank-you notes" and first["source_path"] == "knowledge/thanks.md"
    assert cited_numbers(result.text, len(result.citations)) == {c.n for c in result.citations}
    # the model was asked only for a framing sentence, never shown the passages
    assert "thank-you email after the coffee meeting" not in json.dumps(model.calls)


@pytest.mark.parametrize("junk", ["", "1. [1] See [2]", "I'm sorry, as an AI I cannot help.", "Why?",
                                  "word " * 80, "Sure! Here is a sentence:"])
def test_junk_framing_falls_back_to_the_fixed_one(retriever, junk):
    result = answer("thank-you email after coffee", retriever, FakeChatModel(responses=[junk]))
    assert result.text.startswith(FIXED_FRAMING)
    assert "[1]" in result.text


def test_framing_failure_falls_back_too(retriever):
    result = answer("thank-you email after coffee", retriever, FakeChatModel(responses=[RuntimeError("boom")]))
    assert result.text.startswith(FIXED_FRAMING) and result.citations


def test_normalise_framing_cleans_preambles():
    assert normalise_framing('Sure! Here is one: "Meeting a sponsor calls for a clear ask."') == (
        "Meeting a sponsor calls for a clear ask.")
    assert normalise_framing("Good preparation pays off. Also, bring snacks.") == "Good preparation pays off."
    assert normalise_framing("Call 555 1234 now please today.") == ""


def test_framing_must_be_on_topic_and_use_only_grounded_words():
    grounding = "A connector introduces you to people who can help: coaches, sponsors and collaborators."
    assert normalise_framing("A connector is a tool that joins two devices.", "what is a connector", grounding) == ""
    assert normalise_framing("What a great question about connectors!", "what is a connector", grounding) == ""
    assert normalise_framing("I'm here to help with connectors and people.", "what is a connector", grounding) == ""
    assert normalise_framing("Sponsors and coaches matter too.", "what is a connector", grounding) == ""
    assert normalise_framing("A connector introduces you to useful people.", "what is a connector", grounding) == (
        "A connector introduces you to useful people.")


def test_nothing_relevant_says_so_without_calling_the_model(retriever):
    model = FakeChatModel(responses=["should not be used"])
    result = answer("how do I bake sourdough bread", retriever, model)
    assert result.mode == "not_found" and result.text == NOT_FOUND
    assert result.citations == [] and not result.grounded
    assert model.calls == []


def test_streaming_yields_pieces_and_citations_are_known_up_front(retriever):
    pending = start_answer("what does a sponsor do for committees", retriever, FakeChatModel())
    assert pending.citations and pending.citations[0].topic == "mentor-roles"
    pieces = list(pending.stream)
    assert len(pieces) >= 2 and "".join(pieces).strip() == pending.result().text
    assert pending.citations_dicts()[0]["n"] == 1


def test_capable_model_synthesises_and_citations_narrow_to_those_cited(retriever):
    model = capable("A sponsor puts your name forward for committees [1]. Ask what makes a strong candidate [2].")
    result = answer("what does a sponsor do and what should I ask one", retriever, model)
    assert result.mode == "synthesis"
    assert result.text.startswith("A sponsor puts your name forward")
    assert [c.n for c in result.citations] == [1, 2]


def test_capable_model_without_citations_gets_a_sources_line(retriever):
    result = answer("what does a sponsor do", retriever, capable("Sponsors advocate for you in rooms you are not in."))
    assert "Sources: [1]" in result.text and result.citations


def test_capable_prompt_carries_passages_profile_and_history(retriever, monkeypatch):
    from agent.guidance import grounded as chat

    seen = {}

    def fake_stream(model, messages):
        seen["messages"] = messages
        yield "Fine [1]."

    monkeypatch.setattr(chat, "stream_text", fake_stream)
    answer("and for a sponsor?", retriever, capable("unused"),
           profile={"name": "Dr Secret", "career_stage": "fellow", "specialty": "cardiology"},
           history=[{"role": "user", "content": "what questions should I ask about committees"},
                    {"role": "assistant", "content": "Ask about the process."}])
    messages = seen["messages"]
    assert messages[0].type == "system"
    assert [m.type for m in messages[1:]] == ["human", "ai", "human"]
    final = messages[-1].content
    assert "[1] Sponsors > " in final and "career stage: fellow" in final and "cardiology" in final
    assert "Dr Secret" not in final
    assert "and for a sponsor?" in final


def test_backend_failure_in_capable_mode_surfaces_as_backend_error(retriever):
    broken = FakeChatModel(responses=[ConnectionError("refused")], capable=True)
    pending = start_answer("what does a sponsor do", retriever, broken)
    with pytest.raises(BackendError):
        list(pending.stream)


def test_empty_question_is_an_input_error(retriever):
    with pytest.raises(InputError):
        answer("   ", retriever, FakeChatModel())


def test_cli_ask_json_shape(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MENTORPREP_KNOWLEDGE", str(write_corpus(tmp_path / "kb")))
    monkeypatch.setenv("CHROMA_PATH", str(tmp_path / "no-index"))
    assert agent_main(["--model", "fake", "ask", "when should I send the thank-you email", "--json"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert set(data) >= {"answer", "citations"}
    assert "[1]" in data["answer"] and data["citations"][0]["n"] == 1
    assert "keyword search" in captured.err  # no index built: it says so and falls back


def test_cli_eval_retrieval_keyword_json(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MENTORPREP_KNOWLEDGE", str(write_corpus(tmp_path / "kb")))
    queries = tmp_path / "q.jsonl"
    queries.write_text('{"query": "thank-you email", "topics": ["follow-up"]}\n'
                       '{"query": "phone away", "topics": ["meeting-etiquette"]}\n', encoding="utf-8")
    assert agent_main(["eval", "retrieval", "--keyword", "--set", str(queries), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)["q"]["keyword"]
    assert result["rate"] == 1.0 and result["total"] == 2
    assert agent_main(["eval", "retrieval", "--set", str(tmp_path / "missing.jsonl")]) == 2


def test_hybrid_retriever_answers_with_sentence_embeddings(tmp_path):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    from retrieval import HybridRetriever, build_index
    from tests.fakes import HashEmbedder

    client = chromadb.PersistentClient(path=str(tmp_path / "c"), settings=ChromaSettings(anonymized_telemetry=False))
    embedder = HashEmbedder()
    build_index(client, "chat_kb", write_corpus(tmp_path / "kb"), embedder=embedder, progress=False)
    hybrid = HybridRetriever(lambda: client, "chat_kb", embedder=embedder)
    embedder.embedded.clear()
    result = answer("what should I ask a sponsor about being a strong candidate", hybrid, FakeChatModel())
    assert result.mode == "extractive" and "[1]" in result.text
    assert any("strong candidate" in c.text for c in result.citations)
    assert len(embedder.embedded) > 1  # the query, then the passage sentences being ranked


@pytest.mark.parametrize("question", ["What is the best treatment for sepsis?",
                                      "how do I dose vancomycin in renal failure"])
def test_clinical_questions_are_declined_without_searching(question):
    class NoSearch:
        def search(self, *_a, **_k):
            raise AssertionError("a clinical question must not be answered from the guidance")

    result = start_answer(question, NoSearch(), FakeChatModel()).result()
    assert result.mode == "not_found" and "clinical" in result.text and not result.citations


def test_career_questions_that_mention_clinical_words_are_still_answered():
    from agent.guidance import is_clinical_question

    assert not is_clinical_question("How do I ask my attending for feedback on my sepsis management?")
    assert not is_clinical_question("Which CME would help me lead our antibiotic stewardship work?")


def test_sentences_keep_titles_and_quotations_whole():
    from retrieval import split_sentences

    text = 'Mention Dr. Okafor by name. Try: "I chose a lab. What would you look for?" Then listen.'
    assert split_sentences(text) == ["Mention Dr. Okafor by name.",
                                     'Try: "I chose a lab. What would you look for?"', "Then listen."]
