"""Browser test of a short rehearsal: start a preset persona, talk for three turns, end, guess, debrief."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e import PROJECT_ROOT, open_app, send_chat, wait_idle

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not (PROJECT_ROOT / "views" / "rehearsal.py").exists(),
                       reason="views/rehearsal.py has not landed yet"),
]
TURNS = [
    "Thank you for making time. I'm a second-year internal medicine resident choosing between cardiology "
    "and nephrology.",
    "When you were at my stage, how did you decide on your specialty?",
    "What would you suggest I do over the next three months to test that choice?",
]


def test_short_rehearsal_ends_with_a_scorecard(page, app):
    session = app.new_session()
    open_app(page, app.session_url(session, "Rehearse"))
    main = page.get_by_test_id("stMainBlockContainer")
    expect(main.get_by_role("heading", name="Rehearse a meeting")).to_be_visible()

    main.get_by_role("button", name="Start the meeting").click()
    messages = page.get_by_test_id("stChatMessage")
    expect(messages).to_have_count(1)  # the persona opens
    wait_idle(page)
    for n, turn in enumerate(TURNS, start=1):
        send_chat(page, turn)
        expect(messages).to_have_count(1 + 2 * n)
        wait_idle(page)
        expect(messages.nth(2 * n - 1)).to_contain_text(turn)
        assert messages.nth(2 * n).inner_text().strip(), "the persona should answer every turn"

    main.get_by_role("button", name="End meeting").click()
    expect(main.get_by_text("Your guess")).to_be_visible()
    wait_idle(page)
    main.get_by_test_id("stRadio").get_by_text("sponsor", exact=False).click()
    wait_idle(page)
    main.get_by_role("button", name="Reveal and score").click()

    expect(main.get_by_role("heading", name="Debrief")).to_be_visible()
    wait_idle(page)
    expect(main.get_by_test_id("stAlert").first).to_contain_text(
        re.compile(r"You read them right|You guessed sponsor"))
    expect(main.get_by_text("Things to do differently")).to_be_visible()
    expect(main.get_by_text("✅").or_(main.get_by_text("❌")).first).to_be_visible()
    # The transcript and the debrief are saved with the session.
    kinds = [m["role"] for m in app.store.list_messages(session, kind="rehearsal")]
    assert kinds.count("user") == len(TURNS)
    assert "coach" in [m["role"] for m in app.store.list_messages(session)]
