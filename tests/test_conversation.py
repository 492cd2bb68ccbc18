"""The chat agent on the embedded path: every capability reachable by saying what you want, with context."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from agent.conversation import ConversationState, StoreMemory, open_conversation
from agent.core import FakeChatModel, InputError, Store, load_settings

ROOT = Path(__file__).resolve().parent.parent
PROFILE = {"career_stage": "resident", "specialty": "internal medicine", "goals": "match into an EP fellowship"}
EP_NOTES = ("she only gave me 15 min and kept checking her phone, but said she'd put my name forward for the "
            "research elective. what does that mean?")


@pytest.fixture(scope="module")
def services():
    from retrieval import KeywordRetriever, get_embedder

    settings = load_settings(model="fake")
    citer = KeywordRetriever(settings.knowledge_dir)
    return citer, get_embedder().embed


@pytest.fixture
def chat(tmp_path, services):
    """Send messages through a saved conversation, as the app and the CLI do."""
    citer, embed = services
    store = Store(f"sqlite:///{tmp_path / 'chat.db'}")
    store.save_profile("local", **PROFILE)
    memory = StoreMemory(store, "local", store.create_session("local"))
    model = FakeChatModel(responses=["(the embedded model is not asked to decide anything)"])

    def send(message: str, intent: str | None = None):
        conversation = open_conversation(memory, model, retriever=citer, citer=citer, embed=embed)
        return conversation.respond(message, intent=intent).finish()

    send.memory = memory  # type: ignore[attr-defined]
    return send


def test_greeting_and_help_say_what_it_offers_with_starter_buttons(chat):
    hello = chat("hi!")
    assert hello.intent == "greeting" and "prep sheet" in hello.text and len(hello.buttons) == 4
    assert chat("what can you do?").intent == "help"


@pytest.mark.parametrize("message, kind, must", [
    ("what if I cry in the meeting, I've been having a really hard rotation", "distress", "wellbeing"),
    ("honestly I don't want to be here anymore, can you make my prep sheet", "crisis", "988"),
])
def test_distress_gets_a_human_reply_and_support_first(chat, message, kind, must):
    reply = chat(message)
    assert reply.intent == kind and must in reply.text and not reply.results  # never excerpts
    assert "emergency" in reply.text


def test_the_ep_story_reads_the_room_then_suggests_fitting_questions(chat):
    reading = chat(EP_NOTES)
    assert (reading.intent, reading.tool) == ("read_room", "read_the_room")
    assert reading.result["role"] == "sponsor" and reading.result["availability"] == "low"
    assert reading.result["evidence"] and "sponsor" in reading.text
    again = chat("is she more of a sponsor or a mentor?")  # no new cues: the same meeting is read again
    assert "more like a sponsor" in again.text and "than a traditional mentor" in again.text
    assert again.tool == "read_the_room" and again.result["notes"] == "she only gave me 15 min and kept checking " \
        "her phone, but said she'd put my name forward for the research elective."  # what she saw, not the question
    asked = chat("what should I ask her then?")
    assert asked.tool == "suggest_questions" and asked.result["critiques"]
    assert all(not c["flags"] for c in asked.result["critiques"])


def test_sharpen_checks_quoted_and_listed_questions(chat):
    one = chat("is this googleable: how long is EP fellowship?")
    assert one.tool == "sharpen_questions" and one.result["flags"] == ["googleable"]
    two = chat("can you check these?\n1. What's your best advice?\n2. Would you mind mentioning my name to the "
               "fellowship director?")
    assert {tuple(c["flags"]) for c in two.result["critiques"]} == {("too_open",), ("pumping",)}


@pytest.mark.parametrize("message", [
    "is 'could we meet again in a couple of months?' a good question",
    "would 'can we practise a mock interview sometime?' come across ok",
    "how does this sound - 'could you introduce me to the EP fellowship director?'",
    "thinking of opening with \"what's the hardest call you made this year?\" - too much?",
])
def test_a_quoted_question_is_checked_whatever_it_is_about(chat, message):
    reply = chat(message)  # the quoted words talk of meeting, practising, introductions; the ask is to check them
    assert reply.tool == "sharpen_questions" and len(reply.result["critiques"]) == 1


def test_missing_information_gets_one_short_question(chat):
    asked = chat("make me a prep sheet")
    assert asked.intent == "prep_sheet" and not asked.results and asked.text.startswith("Who is the meeting with")
    sheet = chat("Dr. Lee, a cardiologist")
    assert sheet.tool == "prep_sheet" and "Dr. Lee" in sheet.result["markdown"]


def test_follow_up_uses_the_meeting_already_described(chat):
    chat("Dr. Okafor gave me an hour and offered to introduce me to the EP fellowship director. We agreed I'd send "
         "my CV by Friday. is he a connector?")
    note = chat("can you write the thank-you email for me?")
    assert note.tool == "follow_up_note" and "Okafor" in note.result["note"]
    assert note.result["used"]["what_happened"].startswith("Dr. Okafor gave me an hour")


def test_practice_plays_the_mentor_then_debriefs_and_the_chat_carries_on(chat):
    chat("I'm meeting Dr. Patel, an electrophysiology attending, next week")
    chat(EP_NOTES)
    opened = chat("let's practise - you be her")
    assert opened.tool == "start_practice" and opened.result["persona"]["name"] == "Dr. Patel"
    assert "role" not in opened.result["persona"]  # the role stays hidden
    turn = chat("Hi Dr. Patel, I'm a PGY-2 in IM hoping to do EP. How did you end up in EP?")
    assert turn.intent == "rehearsal" and turn.result["line"]
    end = chat("ok let's end the practice")
    assert end.buttons and [b["label"] for b in end.buttons][:4] == ["Mentor", "Coach", "Sponsor", "Connector"]
    debrief = chat("I think sponsor")
    assert debrief.tool == "finish_practice" and debrief.result["hidden_role"] == "sponsor"
    assert debrief.result["correct"] is True
    after = chat("what is a sponsor?")
    assert after.intent == "ask" and after.tool == "ask_guidance"


def test_clinical_questions_are_declined_kindly_even_when_they_mention_a_mentor(chat):
    reply = chat("my mentor said to start metoprolol at 25mg for AF, is that the right dose?")
    assert reply.intent == "off_topic" and "clinical" in reply.text and reply.buttons


def test_a_close_call_offers_both_intents_and_a_choice_runs_it(chat):
    reply = chat("my questions and the meeting")  # check the questions, or a prep sheet with them?
    assert reply.intent == "clarify" and len(reply.buttons) == 2
    choice = reply.buttons[1]
    assert {"intent", "message", "label"} <= set(choice) and choice["intent"] != "off_topic"
    chosen = chat(choice["message"], intent=choice["intent"])
    assert chosen.intent == choice["intent"]


@pytest.mark.parametrize(("message", "intent"), [
    ("she was lovely, we chatted about the weather", "read_room"),  # no cue yet: it asks what she did
    ("How do I tell whether a senior doctor has time for me?", "ask"),
])
def test_an_unsure_call_between_a_capability_and_a_decline_goes_ahead(chat, message, intent):
    reply = chat(message)  # never "do you want me to ... or to leave it there?"
    assert reply.intent == intent and "leave it there" not in reply.text


def test_state_is_saved_with_the_session_and_survives_a_restart(chat):
    chat(EP_NOTES)
    chat("Dr. Patel is an electrophysiology attending")
    memory = chat.memory
    state = StoreMemory(memory.store, "local", memory.session_id).load_state()
    assert isinstance(state, ConversationState)
    assert state.reading["role"] == "sponsor" and state.mentor.name == "Dr. Patel"
    assert state.mentor.specialty == "electrophysiology"
    messages = memory.messages()
    assert [m["role"] for m in messages[:2]] == ["user", "assistant"]
    assert messages[1]["meta"]["results"][0]["kind"] == "reading"


def test_empty_messages_are_refused(chat):
    with pytest.raises(InputError):
        chat("   \u200b ")


def _cli(*args: str, stdin: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, "-m", "agent", *args], input=stdin, text=True, capture_output=True,
                          cwd=ROOT, timeout=300, env={**os.environ, **(env or {})})


def test_cli_route_jsonl_gives_one_of_seven_intents():
    lines = [{"id": 1, "message": "can we practice? pretend you're her"}, {"id": 2, "message": "what is a sponsor?"},
             {"id": 3, "message": "write the thank-you email for me"}]
    done = _cli("route", "--jsonl", stdin="\n".join(json.dumps(x) for x in lines) + "\n{bad\n")
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o["intent"] for o in out[:3]] == ["rehearse", "ask", "follow_up"]
    assert all(0 <= o["confidence"] <= 1 for o in out[:3]) and "error" in out[3]


def test_cli_chat_script_prints_turns_and_saves_a_session(tmp_path):
    script = tmp_path / "turns.txt"
    script.write_text(f"{EP_NOTES}\nis this googleable: how long is EP fellowship?\n"
                      "can you draft the thank-you note for me?\n", encoding="utf-8")
    env = {"MENTORPREP_DB": f"sqlite:///{tmp_path / 'cli.db'}", "MENTORPREP_MODEL": "fake"}
    done = _cli("chat", "--script", str(script), "--json", env=env)
    assert done.returncode == 0, done.stderr
    turns = json.loads(done.stdout)["turns"]
    assert [t["intent"] for t in turns] == ["read_room", "sharpen", "follow_up"]
    assert turns[0]["result"]["role"] == "sponsor" and turns[1]["result"]["flags"] == ["googleable"]
    assert turns[2]["result"]["note"] and all({"user", "intent", "tool", "reply", "result"} <= set(t) for t in turns)
    sessions = json.loads(_cli("sessions", "--json", env=env).stdout)
    assert len(sessions) == 1 and sessions[0]["message_count"] == 6
