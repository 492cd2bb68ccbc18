"""The capable-model engine: a LangChain tool-calling agent over the same tools, verdicts from the tools."""

from __future__ import annotations

import json
import time

import pytest
from langchain_core.messages import AIMessage

from agent.conversation import ConversationState, StoreMemory, open_conversation
from agent.core import FakeChatModel, RedactingChatModel, Store, is_capable, load_settings, make_chat_model
from tests.tool_server import ToolServer

NOTES = "She only had ten minutes but said she would nominate me for the teaching award."


@pytest.fixture
def memory(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'tools.db'}")
    return StoreMemory(store, "local", store.create_session("local"))


@pytest.fixture(scope="module")
def citer():
    from retrieval import KeywordRetriever

    return KeywordRetriever(load_settings().knowledge_dir)


def _call(name: str, **args) -> AIMessage:
    return AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": f"call-{name}"}])


def _turn(memory, model, citer, message: str):
    conversation = open_conversation(memory, model, retriever=citer, citer=citer, embed=None)
    return conversation.respond(message)


def test_the_model_picks_the_tool_and_the_verdict_comes_from_it(memory, citer):
    model = FakeChatModel(responses=[_call("read_the_room", notes=NOTES),
                                     "Sounds like she is backing you - send her a short CV."], capable=True)
    reply = _turn(memory, model, citer, f"{NOTES} What is she?")
    pieces = list(reply.stream)
    assert "".join(pieces).startswith("Sounds like") and len(pieces) > 3  # streamed word by word
    assert reply.tool == "read_the_room" and reply.result["role"] == "sponsor"  # the tool decided
    tool_message = model.calls[1][-1]
    assert tool_message["role"] == "tool" and json.loads(tool_message["content"])["role"] == "sponsor"
    saved = memory.messages()[-1]["meta"]["results"][0]
    assert saved["kind"] == "reading"  # the UI renders the tool's result; the model did not retype it


def test_two_tools_in_one_turn_run_in_the_order_asked_and_both_reach_the_ui(memory, citer, monkeypatch):
    from agent.conversation import tools

    read, seen = tools.read_the_room, {}

    def slow_read(ctx, notes):  # the first call is the slow one: run in parallel, it would finish last
        time.sleep(0.5)
        return read(ctx, notes)

    def suggest(ctx):
        seen["role"] = ctx.state.role  # the reading the first call made is there when the second runs
        return suggest_questions(ctx)

    suggest_questions = tools.suggest_questions
    monkeypatch.setattr(tools, "read_the_room", slow_read)
    monkeypatch.setattr(tools, "suggest_questions", suggest)
    model = FakeChatModel(responses=[
        AIMessage(content="", tool_calls=[{"name": "read_the_room", "args": {"notes": NOTES}, "id": "a"},
                                          {"name": "suggest_questions", "args": {}, "id": "b"}]),
        "Here is what I make of it, with questions to take in."], capable=True)
    reply = _turn(memory, model, citer, NOTES + " What should I ask her?").finish()
    assert [r.tool for r in reply.results] == ["read_the_room", "suggest_questions"]
    assert seen["role"] == "sponsor"


def test_a_tool_error_goes_back_to_the_model_not_to_the_user(memory, citer):
    model = FakeChatModel(responses=[_call("sharpen_questions", questions=[]), "Which question should I check?"],
                          capable=True)
    reply = _turn(memory, model, citer, "check my question").finish()
    assert reply.text == "Which question should I check?" and not reply.results
    assert "error" in model.calls[1][-1]["content"]


def test_redaction_covers_every_request_of_the_loop(memory, citer):
    inner = FakeChatModel(responses=[_call("read_the_room", notes="Patient Jane Doe, MRN 12345678, was discussed. "
                                                                  "She said she would nominate me."),
                                     "Noted."])
    model = RedactingChatModel(inner=inner)
    assert is_capable(model)
    _turn(memory, model, citer, "Patient Jane Doe, MRN 12345678: she said she would nominate me. What is she?").finish()
    sent = json.dumps(inner.calls)
    assert "12345678" not in sent and "[MRN]" in sent


@pytest.mark.parametrize("streaming", [True, False], ids=["streamed", "not-streamed"])
def test_an_openai_compatible_server_drives_the_agent_end_to_end(memory, citer, streaming):
    script = [{"tool": "sharpen_questions", "args": {"questions": ["How long is EP fellowship?"]}},
              "That one can be looked up - try the rewrites instead."]
    with ToolServer(script) as server:
        settings = load_settings(openai_base_url=server.base_url, max_retries=0, model="compat:test")
        model = make_chat_model(settings.model, settings)
        if not streaming:
            model.inner.streaming = False
            model.inner.disable_streaming = True
        reply = _turn(memory, model, citer, "is this googleable: how long is EP fellowship?").finish()
    assert reply.tool == "sharpen_questions" and reply.result["flags"] == ["googleable"]
    assert reply.text.strip().startswith("That one can be looked up")
    first, second = [r for r in server.requests if r.get("tools")]  # the others are the rewrites' own drafts
    assert {t["function"]["name"] for t in first["tools"]} >= {"read_the_room", "sharpen_questions", "prep_sheet"}
    assert any(m["role"] == "tool" and "googleable" in m["content"] for m in second["messages"])


def test_distress_is_answered_by_code_before_any_model_call(memory, citer):
    model = FakeChatModel(responses=[_call("ask_guidance", question="x")], capable=True)
    reply = _turn(memory, model, citer, "I'm so burnt out, I can't cope with this rotation").finish()
    assert reply.intent == "distress" and model.calls == []


def test_state_from_earlier_turns_reaches_the_model(memory, citer):
    state = ConversationState()
    state.mentor.name, state.mentor.specialty = "Dr. Patel", "electrophysiology"
    memory.save_state(state)
    model = FakeChatModel(responses=["Happy to help."], capable=True)
    _turn(memory, model, citer, "what should I focus on?").finish()
    system = model.calls[0][0]["content"]
    assert "Dr. Patel" in system and "electrophysiology" in system
