"""Browser test of "Read the room": meeting notes in, role chart and highlighted evidence out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e import PROJECT_ROOT, open_app, wait_idle

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not (PROJECT_ROOT / "views" / "roles.py").exists(), reason="views/roles.py has not landed yet"),
]
NOTES = ("She only had fifteen minutes between clinics and checked her pager twice, but she said she would "
         "nominate me for the quality improvement committee and put my name forward for the chief resident role.")


def test_read_the_room_shows_role_chart_and_evidence(page, app):
    session = app.new_session()
    open_app(page, app.session_url(session, "Read the room"))
    main = page.get_by_test_id("stMainBlockContainer")
    expect(main.get_by_role("heading", name="Read the room")).to_be_visible()

    main.get_by_label("What happened in the meeting?").fill(NOTES)
    main.get_by_role("button", name="Read the room").click()

    expect(main.get_by_role("heading", name=re.compile(r"Most likely: sponsor \(\d+%\)"))).to_be_visible()
    wait_idle(page)
    chart = main.locator("[data-testid$='VegaLiteChart']")
    expect(chart.first).to_be_visible()
    expect(chart.first.locator("canvas, svg").first).to_be_attached()
    marks = main.locator("mark[title]")  # the notes, with each cue highlighted and labelled
    assert marks.count() >= 2
    highlighted = " ".join(marks.all_inner_texts()).lower()
    assert "nominate" in highlighted
    assert any("sponsor" in (m.get_attribute("title") or "") for m in marks.all())
    expect(main.get_by_text("Availability:")).to_be_visible()
    expect(main.get_by_test_id("stExpander").filter(has_text="Sources")).to_have_count(1)

    # The reading is saved with the session and comes back after a reload.
    saved = app.store.list_messages(session, kind="read_room")
    assert [m["role"] for m in saved] == ["user", "assistant"] and saved[0]["content"] == NOTES
    page.reload()
    expect(main.get_by_role("heading", name=re.compile(r"Most likely: sponsor"))).to_be_visible()


def test_html_in_meeting_notes_is_shown_as_text(page, app):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_app(page, app.session_url(app.new_session(), "Read the room"))
    main = page.get_by_test_id("stMainBlockContainer")
    notes = ('<img src=x onerror="alert(1)"><script>alert(2)</script> He offered to introduce me to '
             "<b>three colleagues</b> in cardiology.")
    main.get_by_label("What happened in the meeting?").fill(notes)
    main.get_by_role("button", name="Read the room").click()
    expect(main.get_by_role("heading", name=re.compile(r"Most likely|Role: unclear"))).to_be_visible()
    wait_idle(page)
    highlighted = main.locator("div").filter(has=page.locator("mark[title]")).last
    expect(highlighted).to_contain_text('<img src=x onerror="alert(1)">')
    expect(highlighted.locator("img, script, b")).to_have_count(0)
    assert not dialogs
