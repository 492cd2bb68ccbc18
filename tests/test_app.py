"""Streamlit AppTest coverage of the app shell and the prep chat on the scripted model."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from agent.core import PROJECT_ROOT, Store, load_settings

APP = str(PROJECT_ROOT / "app.py")


@pytest.fixture
def app(monkeypatch):
    monkeypatch.setenv("MENTORPREP_MODEL", "fake")
    return AppTest.from_file(APP, default_timeout=60)


def _store() -> Store:
    return Store(load_settings().db_url)


def test_chat_reply_streams_from_fake_model_and_survives_rerun(app):
    at = app.run()
    assert not at.exception
    at.chat_input[0].set_value("How do I prepare for a coffee chat?").run()
    assert not at.exception
    texts = [m.markdown[0].value for m in at.chat_message if m.markdown]
    assert any("prepare for a coffee chat" in t for t in texts)
    assert len(at.chat_message) >= 2
    reply = at.chat_message[1].markdown[0].value
    at.run()  # a rerun (or a browser refresh) redraws from the store
    assert at.chat_message[1].markdown[0].value == reply
    sid = at.query_params["session"][0] if isinstance(at.query_params["session"], list) else at.query_params["session"]
    stored = _store().list_messages(sid)
    assert [m["role"] for m in stored] == ["user", "assistant"]


def test_work_survives_an_app_restart(app, monkeypatch):
    at = app.run()
    at.chat_input[0].set_value("What is a sponsor?").run()
    fresh = AppTest.from_file(APP, default_timeout=60).run()  # new app instance, same database
    texts = [m.markdown[0].value for m in fresh.chat_message if m.markdown]
    assert any("What is a sponsor" in t for t in texts)


def test_empty_and_oversized_messages_get_a_clear_message(app):
    at = app.run()
    at.chat_input[0].set_value("   ").run()
    assert any("empty" in w.value for w in at.warning)
    at.chat_input[0].set_value("x" * 100_000).run()
    assert any("100,000 characters" in w.value for w in at.warning)
    assert not at.exception


def test_sidebar_shows_backend_and_index_status(app):
    at = app.run()
    captions = " ".join(c.value for c in at.sidebar.caption)
    assert "Scripted test model" in captions
    assert "Knowledge index" in captions


def test_sessions_can_be_created_renamed_and_deleted(app):
    at = app.run()
    first = at.query_params["session"]
    at.sidebar.button(key="new-session").click().run()
    second = at.query_params["session"]
    assert second != first
    at.sidebar.text_input(key=f"title-{_one(second)}").set_value("Nephrology prep").run()
    at.sidebar.button(key="rename").click().run()
    titles = [s["title"] for s in _store().list_sessions("local")]
    assert "Nephrology prep" in titles
    at.sidebar.button(key="delete").click().run()
    assert _one(second) not in [s["id"] for s in _store().list_sessions("local")]
    assert not at.exception


def test_profile_is_saved(app):
    at = app.run()
    at.sidebar.text_input(key="profile-name").set_value("Dana Ortiz")
    at.sidebar.selectbox(key="profile-stage").set_value("resident")
    at.sidebar.button[-1].click().run()
    assert _store().get_profile("local")["name"] == "Dana Ortiz"


def _one(value):
    return value[0] if isinstance(value, list) else value


def test_chat_sharpens_a_drafted_question_inline_and_keeps_a_rewrite(app):
    at = app.run()
    at.chat_input[0].set_value("Should I ask her: what advice do you have?").run()
    assert not at.exception
    body = " ".join(m.value for m in at.markdown)
    assert "too open" in body.lower()
    keep = [b for b in at.button if b.label == "Keep"]
    assert keep, "each rewrite has a Keep button"
    keep[0].click().run()
    assert not at.exception
    assert _store().list_kept_questions("local")


def test_a_look_up_question_is_flagged_in_the_chat(app):
    at = app.run()
    at.chat_input[0].set_value("is this googleable: How many years is a cardiology fellowship?").run()
    assert not at.exception
    assert "look" in " ".join(m.value for m in at.markdown).lower()


def test_follow_up_questions_are_searched_with_the_conversation(app, monkeypatch):
    import agent.guidance

    seen = []
    real = agent.guidance.start_answer

    def spy(question, retriever, model, **kwargs):
        seen.append(kwargs.get("history"))
        return real(question, retriever, model, **kwargs)

    monkeypatch.setattr("agent.conversation.tools.start_answer", spy)
    at = app.run()
    at.chat_input[0].set_value("What is a sponsor?").run()
    at.chat_input[0].set_value("And how do I ask one for help?").run()
    assert seen[-1] and seen[-1][0] == {"role": "user", "content": "What is a sponsor?"}


def test_sessions_are_named_after_their_first_message(app):
    at = app.run()
    at.chat_input[0].set_value("How do I find a research mentor?").run()
    assert any(s["title"] == "How do I find a research mentor?" for s in _store().list_sessions("local"))


def test_over_the_rate_limit_the_message_is_kept_with_a_clear_message(app, monkeypatch):
    monkeypatch.setenv("MENTORPREP_RATE_LIMIT", "1/hour")
    at = app.run()
    at.chat_input[0].set_value("What is a sponsor?").run()
    at.chat_input[0].set_value("And how do I ask one for help?").run()
    assert not at.exception
    assert any("try again" in w.value.lower() for w in at.warning), [w.value for w in at.warning]
    assert any(b.label == "Send it again" for b in at.button)
    assert "And how do I ask one for help?" in " ".join(m.value for m in at.markdown)
