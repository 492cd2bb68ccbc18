"""Grounded prep chat: one coherent extractive answer, citations in both modes, the nothing-relevant and
clinical paths, follow-ups, and the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from agent.__main__ import main as agent_main
from agent.core import BackendError, ConfigError, FakeChatModel, InputError
from agent.guidance.grounded import NOT_FOUND, answer, cited_numbers, start_answer
from agent.guidance.rules import DATA_FILE, load_rules, rules
from retrieval import KeywordRetriever
from tests.fakes import HashEmbedder
from tests.test_retrieval_index import write_corpus


class EmbeddingRetriever(KeywordRetriever):
    """Keyword search that also embeds (the Embeds protocol), with the hash embedder: no model to load."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.embedder = HashEmbedder()

    def embed(self, texts):
        return self.embedder.embed(texts)


@pytest.fixture
def retriever(tmp_path) -> KeywordRetriever:
    return EmbeddingRetriever(write_corpus(tmp_path / "knowledge"))


def capable(*replies: str) -> FakeChatModel:
    """A scripted model that ``is_capable`` treats like a remote one."""
    return FakeChatModel(responses=list(replies), capable=True)


def _front(title: str, topic: str, roles: str = "[mentor, coach, sponsor, connector]") -> str:
    return f"---\ntitle: {title}\ntopic: {topic}\nroles: {roles}\n---\n"


# A knowledge base with the traps real guidance has: an example email with its subject line, a sentence that
# leans on the one before it ("Writing it forces..."), a quoted script, and the same advice in two documents.
CHAT_DOCS = {
    "coffee.md": _front("Preparing for a coffee chat", "preparing-for-a-meeting") + """
## Write down your goals before the coffee chat
Write one sentence on what you want from the coffee chat before you prepare anything else.
For example: "I'm a PGY-2 torn between cardiology and hospital medicine, and I want your view."
Writing it forces the self-reflection that good mentoring starts with.

## Send your CV to the attending ahead of the coffee chat
Subject: CV ahead of our coffee chat on Tuesday

"Dear Dr. Lee, in case it is useful before our coffee chat, here is my CV and a few lines on my goals."

Send your CV and a few lines on your goals two days before the coffee chat.
Sending them ahead means the senior doctor arrives knowing your background, so you prepare less small talk.
""",
    "agenda.md": _front("Agenda for a coffee chat", "preparing-for-a-meeting") + """
## Plan the agenda of the coffee chat
Prepare a short agenda for the coffee chat: your goal, two topics and a close with next steps.
Send your CV and a few lines on your goals two days before the coffee chat meeting.
Bring a notebook to the coffee chat and write down the next step the senior doctor suggests.
""",
    "roles.md": _front("Sponsors and mentors", "mentor-roles", "[sponsor]") + """
## The difference between a sponsor and a mentor
A sponsor uses their reputation to put your name forward for jobs, committees and awards.
Where a mentor talks with you, a sponsor talks about you in rooms you are not in.

## Preparing for a coffee chat with a sponsor
Before a coffee chat with a sponsor, prepare two achievements you want the sponsor to remember about you.
Keep the coffee chat short: sponsors are often busy attendings.
""",
    "mentors.md": _front("Traditional mentors", "mentor-roles", "[mentor]") + """
## What a traditional mentor does
A traditional mentor guides your whole career and meets with you over years, not weeks.
""",
    "signals.md": _front("Reading availability", "reading-the-room") + """
## Short meetings and a phone on the table
A senior doctor who gives you fifteen minutes and keeps checking the phone is signalling low availability,
at least for now.
Low availability is not rejection: the same person may still sponsor you later.
It does tell you to keep your next request short and specific.
""",
}


@pytest.fixture
def chat_kb(tmp_path) -> EmbeddingRetriever:
    return EmbeddingRetriever(write_corpus(tmp_path / "chat-kb", CHAT_DOCS))


_BACK_REFERENCE = re.compile(r"^(?:it|this|that|these|those|they|both|writing it|sending them)\b", re.I)


def _parts(text: str) -> tuple[str, list[str]]:
    """(first sentence, bullet points) of an extractive answer."""
    first, _, rest = text.partition("\n\n")
    return first, [line[2:] for line in rest.splitlines() if line.startswith("- ")]


def _assert_well_formed(text: str, n_citations: int) -> tuple[str, list[str]]:
    first, points = _parts(text)
    assert not _BACK_REFERENCE.match(first), first  # nothing for "it" or "this" to refer to
    assert not re.match(r"(?i)(?:subject|re|fwd?)\s*:", first) and not first.startswith(('"', "Dear")), first
    assert re.search(r"\[\d\](?:\[\d\])?[.!?]?$|\[\d\][^\n]*$", first), first  # the first sentence is cited too
    assert 1 <= len(points) <= 4
    for point in points:
        assert re.search(r" \[\d+\]$", point), point  # every point is cited
        assert not _BACK_REFERENCE.match(point), point
        assert "Subject:" not in point and not point.startswith('"')
    assert cited_numbers(text, n_citations) == set(range(1, n_citations + 1))
    return first, points


# ---- extractive answers (embedded or fake model) -------------------------------------------------------
def test_extractive_answer_is_one_coherent_answer(chat_kb):
    model = FakeChatModel(responses=["Sure! Coffee chats are great. Writing it forces reflection."])
    result = answer("how do I prepare for a coffee chat with an attending?", chat_kb, model)
    assert result.mode == "extractive" and model.calls == []  # the model writes nothing
    first, points = _assert_well_formed(result.text, len(result.citations))
    assert first.startswith(("Prepare a short agenda", "Write one sentence", "Before a coffee chat"))
    assert len(points) >= 2
    for junk in ("Subject:", "Dear Dr. Lee", "Writing it forces", "For example", "Coffee chats are great"):
        assert junk not in result.text
    # the same advice in two documents is said once
    assert result.text.count("Send your CV and a few lines on your goals two days before") <= 1
    assert [c.n for c in result.citations] == list(range(1, len(result.citations) + 1))
    assert set(result.citations[0].to_dict()) == {"n", "title", "heading", "source_path", "topic", "text"}


def test_a_sentence_that_leans_on_the_one_before_keeps_it(chat_kb):
    result = answer("she gave me fifteen minutes and kept checking the phone, what does that mean?", chat_kb,
                    FakeChatModel())
    first, points = _assert_well_formed(result.text, len(result.citations))
    assert first.startswith("What you describe usually signals low availability, at least for now [1]")
    pair = ("Low availability is not rejection: the same person may still sponsor you later. "
            "It does tell you to keep your next request short and specific.")
    assert any(point.startswith(pair) for point in points)


def test_a_comparison_opens_with_both_definitions(chat_kb):
    result = answer("what's the difference between a sponsor and a mentor?", chat_kb, FakeChatModel())
    first, points = _assert_well_formed(result.text, len(result.citations))
    assert first.startswith("A sponsor uses their reputation to put your name forward")
    assert ", while a traditional mentor guides your whole career" in first
    assert any("Where a mentor talks with you, a sponsor talks about you" in p for p in points)


def test_points_fit_the_mentors_role(chat_kb):
    question = "how do I prepare for a coffee chat with an EP attending?"
    plain = answer(question, chat_kb, FakeChatModel())
    assert not any("sponsor" in p for p in _parts(plain.text)[1])
    result = answer(question, chat_kb, FakeChatModel(), mentor_role="sponsor",
                    profile={"career_stage": "resident", "specialty": "internal medicine"})
    first, points = _assert_well_formed(result.text, len(result.citations))
    assert any("sponsor" in p for p in [first, *points])
    assert any("sponsor" in p for p in points) or "sponsor" in first


def test_the_person_named_in_the_message_replaces_the_senior_doctor(chat_kb):
    result = answer("how do I prepare for a coffee chat with an EP attending?", chat_kb, FakeChatModel())
    assert "write down the next step the EP attending suggests" in result.text
    assert "the senior doctor" not in result.text


def test_a_follow_up_uses_the_conversation_and_does_not_repeat_itself(chat_kb):
    first = answer("how do I prepare for a coffee chat with an attending?", chat_kb, FakeChatModel())
    history = [{"role": "user", "content": "how do I prepare for a coffee chat with an attending?"},
               {"role": "assistant", "content": first.text}]
    more = answer("and then?", chat_kb, FakeChatModel(), history=history)
    assert more.mode == "extractive"  # "and then?" alone finds nothing; with the conversation it does
    assert answer("and then?", chat_kb, FakeChatModel()).mode == "not_found"
    _, before = _parts(first.text)
    said = {re.sub(r" \[\d+\]$", "", p) for p in before}
    assert not any(re.sub(r" \[\d+\]$", "", p) in said for p in _parts(more.text)[1])


@pytest.mark.parametrize("sentence, problem", [
    ("Subject: Question from an intern about hospital medicine research", "subject line"),
    ("Writing it forces the self-reflection that Zerzan and colleagues put at the start.", "dangling"),
    ("It does tell you to keep your next request short.", "dangling"),
    ('"Dear Dr. Patel, I\'m an intern on your team and would value twenty minutes of your time."', "dialogue"),
    ("Mentor: So what brings you here today?", "dialogue"),
    ("Cover three points:", "fragment"),
    ("Send your CV two days before the meeting.", ""),
])
def test_sentences_that_need_missing_context_are_recognised(sentence, problem):
    assert rules().standalone.problem(sentence) == problem


def test_the_answer_rules_check_their_own_examples(tmp_path):
    broken = DATA_FILE.read_text(encoding="utf-8").replace(
        "examples: [\"what's the difference between a sponsor and a mentor?\"",
        "examples: [\"how do I bake bread?\"")
    path = tmp_path / "answers.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ConfigError, match="how do I bake bread"):
        load_rules(path)
    assert load_rules().kind("what's the difference between a coach and a mentor?") == "compare"


def test_weak_model_answer_on_the_small_corpus_cites_its_passages(retriever):
    model = FakeChatModel(responses=["Sure! A short thank-you email after coffee is a good first step."])
    result = answer("how soon should I send a thank-you email after coffee", retriever, model)
    assert result.mode == "extractive" and model.calls == []
    assert result.text.startswith("Send a short thank-you email after the coffee meeting and name one piece of "
                                  "advice [1].")
    first = result.citations[0].to_dict()
    assert first["title"] == "Thank-you notes" and first["source_path"] == "knowledge/thanks.md"
    assert cited_numbers(result.text, len(result.citations)) == {c.n for c in result.citations}


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
