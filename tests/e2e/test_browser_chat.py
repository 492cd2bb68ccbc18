"""Browser tests of the prep chat and of resuming a session after a reload."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e import new_session, open_app, query_param, send_chat, wait_idle

pytestmark = pytest.mark.browser


def test_chat_answers_with_numbered_sources(page, app):
    open_app(page, app.session_url(app.new_session(), "Chat"))
    welcome = page.get_by_test_id("stChatMessage").first
    expect(welcome).to_contain_text("I'm MentorPrep")  # the app opens on the chat, with suggested first messages
    expect(page.get_by_role("button", name="Read the room for me")).to_be_visible()
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


INJECTION = ("<script>alert(1)</script> <img src=x onerror=alert(1)> [click](javascript:alert(1)) **bold** `code`\n"
             "# Heading\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- item\n> quote")
_RENDERED_TAGS = "a, img, script, iframe, h1, h2, h3, table, strong, em, code, blockquote, ul, ol, hr"


def _watch_dialogs(page) -> list[str]:
    opened: list[str] = []
    page.on("dialog", lambda dialog: (opened.append(dialog.message), dialog.dismiss()))
    return opened


def test_html_and_markdown_in_a_message_show_as_typed(page, app):
    dialogs = _watch_dialogs(page)
    open_app(page, app.session_url(app.new_session(), "Chat"))
    send_chat(page, INJECTION)
    user = page.get_by_test_id("stChatMessage").first.get_by_test_id("stChatMessageContent")
    expect(user).to_contain_text("<script>alert(1)</script>")
    wait_idle(page)
    expect(user.locator(_RENDERED_TAGS)).to_have_count(0)
    assert " ".join(user.inner_text().split()) == " ".join(INJECTION.split())
    # A lone surrogate reaches the server as U+FFFD; the app carries on.
    send_chat(page, "bad \ud800 question about finding a mentor")
    expect(page.get_by_test_id("stChatMessage").nth(2)).to_contain_text("question about finding a mentor")
    wait_idle(page)
    assert not dialogs


def test_a_typed_url_shows_as_typed(page, app):
    session = app.new_session()
    open_app(page, app.session_url(session, "Chat"))
    typed = "Is https://example.invalid/mentoring-guide a good resource?"
    send_chat(page, typed)
    user = page.get_by_test_id("stChatMessage").first.get_by_test_id("stChatMessageContent")
    expect(user).to_contain_text("a good resource?")
    wait_idle(page)
    page.reload()  # the sidebar shows the new title from the next run
    title = page.locator(f".st-key-open-{session} button")
    expect(title).to_contain_text("(2)")
    wait_idle(page)
    problems = []
    hrefs = [a.get_attribute("href") for a in user.locator("a").all()]
    if any(h != "https://example.invalid/mentoring-guide" for h in hrefs):
        problems.append(f"link goes elsewhere: {hrefs}")
    if user.inner_text().strip() != typed:
        problems.append(f"message shows {user.inner_text().strip()!r}")
    if typed not in title.inner_text():
        problems.append(f"sidebar shows {title.inner_text()!r}")
    assert not problems, problems


def test_session_titles_show_as_typed_in_the_sidebar(page, app):
    session = app.new_session()
    open_app(page, app.session_url(session, "Chat"))
    send_chat(page, "![x](https://example.invalid/x.png) [hi](https://example.invalid/)")
    expect(page.get_by_test_id("stChatMessage")).to_have_count(2)
    wait_idle(page)
    page.reload()  # the sidebar shows the new title from the next run
    button = page.locator(f".st-key-open-{session} button")
    expect(button).to_contain_text("(2)")
    wait_idle(page)
    assert button.locator("img, a").count() == 0, button.inner_html()
