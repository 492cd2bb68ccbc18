"""Browser tests of the prep chat and of resuming a session after a reload."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e import new_session, open_app, query_param, send_chat, wait_idle

pytestmark = pytest.mark.browser


def test_prep_chat_answers_with_numbered_sources(page, app):
    open_app(page, app.session_url(app.new_session(), "Prep chat"))
    expect(page.get_by_role("heading", name="Prep chat")).to_be_visible()
    question = "How do I prepare for a coffee chat with a cardiologist?"
    send_chat(page, question)

    messages = page.get_by_test_id("stChatMessage")
    expect(messages.first).to_contain_text(question)
    reply = messages.nth(1)
    expect(reply).to_contain_text("[1]")
    sources = page.get_by_test_id("stExpander").filter(has_text="Sources")
    expect(sources).to_have_count(1)
    expect(sources).to_contain_text("Sources (")
    sources.locator("summary").click()
    details = sources.get_by_test_id("stExpanderDetails")
    expect(details).to_be_visible()
    expect(details).to_contain_text("[1]")
    expect(details).to_contain_text("knowledge/")
    wait_idle(page)
    expect(messages).to_have_count(2)


def test_session_resumes_after_reload(page, app):
    open_app(page, app.url)
    before = query_param(page.url, "session")
    assert before, "the app should put the session in the URL"
    session = new_session(page)
    assert session != before

    marker = f"What should I ask a sponsor? ({uuid.uuid4().hex[:8]})"
    send_chat(page, marker)
    messages = page.get_by_test_id("stChatMessage")
    expect(messages).to_have_count(2)
    expect(messages.first).to_contain_text(marker)
    wait_idle(page)

    page.reload()
    page.get_by_test_id("stSidebar").wait_for()
    expect(page.get_by_test_id("stChatMessage").first).to_contain_text(marker)
    expect(page.get_by_test_id("stChatMessage")).to_have_count(2)
    assert query_param(page.url, "session") == session

    # The same link in another tab opens the same conversation.
    other = page.context.new_page()
    open_app(other, app.session_url(session))
    expect(other.get_by_test_id("stChatMessage").first).to_contain_text(marker)
    assert [m["content"] for m in app.store.list_messages(session) if m["role"] == "user"] == [marker]
