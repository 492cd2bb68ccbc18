"""One conversation through every capability in the browser, then a refresh that finds it all still there."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e import open_app, send_chat, wait_idle

pytestmark = pytest.mark.browser

NOTES = ("I'm meeting Dr. Patel, an electrophysiology attending. Last time she only gave me 15 min and kept "
         "checking her phone, but said she'd put my name forward for the research elective. What does that mean?")


def _say(page, text: str) -> None:
    before = page.get_by_test_id("stChatMessage").count()
    send_chat(page, text)
    expect(page.get_by_test_id("stChatMessage")).to_have_count(before + 2, timeout=60_000)
    wait_idle(page, 60_000)


def test_one_chat_through_every_capability_survives_a_refresh(page, app):
    session = app.new_session()
    open_app(page, app.session_url(session))
    expect(page.get_by_test_id("stChatMessage").first).to_contain_text("I'm MentorPrep")  # the app opens on chat

    _say(page, "How do I prepare for a coffee chat with an attending?")
    expect(page.get_by_test_id("stChatMessage").last).to_contain_text("[1]")

    _say(page, NOTES)
    reply = page.get_by_test_id("stChatMessage").last
    expect(reply).to_contain_text("sponsor")
    expect(reply.get_by_test_id("stVegaLiteChart")).to_have_count(1)  # the role chart
    expect(reply.locator("mark").first).to_be_visible()  # highlighted evidence

    _say(page, "Are these good questions?\n1. What's your best advice?\n2. How did you decide between EP and "
               "imaging when you were a fellow?")
    reply = page.get_by_test_id("stChatMessage").last
    expect(reply).to_contain_text("TOO OPEN")
    reply.get_by_role("button", name="Keep").first.click()
    wait_idle(page)
    assert app.store.list_kept_questions("local"), "the kept question is saved"

    _say(page, "can we practise the conversation? pretend you're her")
    expect(page.get_by_test_id("stChatMessage").last).to_contain_text("Dr. Patel")
    for line in ("Hi Dr. Patel, I'm a PGY-2 in internal medicine interested in EP.",
                 "How did you end up choosing electrophysiology?",
                 "Thank you so much for your time, I'll let you get back to clinic."):
        _say(page, line)
    _say(page, "end the practice")
    page.get_by_test_id("stChatMessage").last.get_by_role("button", name="Sponsor").click()
    expect(page.get_by_test_id("stChatMessage").last).to_contain_text("Debrief", timeout=60_000)
    wait_idle(page)

    _say(page, "make me a prep sheet for the meeting")
    reply = page.get_by_test_id("stChatMessage").last
    with page.expect_download() as download:
        reply.get_by_role("button", name="Download PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")

    _say(page, "can you write the thank-you email for me?")
    note = page.get_by_test_id("stChatMessage").last.get_by_role("textbox")
    expect(note).to_contain_text("Dr. Patel")
    note.fill("Dear Dr. Patel, thank you - edited by me.")
    page.get_by_test_id("stChatMessage").last.get_by_role("button", name="Save my edits").click()
    wait_idle(page)

    count = page.get_by_test_id("stChatMessage").count()
    page.reload()
    page.get_by_test_id("stSidebar").wait_for()
    wait_idle(page, 60_000)
    messages = page.get_by_test_id("stChatMessage")
    expect(messages).to_have_count(count)
    expect(messages.filter(has_text="most likely acting as a sponsor")).to_have_count(1)
    expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(1)
    expect(page.get_by_role("button", name="Download PDF")).to_have_count(1)
    note = messages.last.get_by_role("textbox")  # the draft note, not the chat box
    expect(note).to_have_value("Dear Dr. Patel, thank you - edited by me.")
