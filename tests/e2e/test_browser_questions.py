"""Browser test of "Sharpen questions": paste a list, see a verdict for each, keep a rewrite."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e import PROJECT_ROOT, open_app, wait_idle

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not (PROJECT_ROOT / "views" / "questions.py").exists(),
                       reason="views/questions.py has not landed yet"),
]
EXPECTED = {  # question: the verdict badge it should get
    "What advice do you have for me?": "TOO OPEN",
    "How long is a cardiology fellowship?": "GOOGLEABLE",
    "Could you introduce me to the program director?": "PUMPING",
    "When you chose between research and clinical work as a fellow, what made you decide?": "STRONG",
}
QUESTIONS = "\n".join(f"{n}. {q}" for n, q in enumerate(EXPECTED, start=1))


def test_sharpen_shows_verdicts_and_keeps_a_rewrite(page, app):
    open_app(page, app.session_url(app.new_session(), "Sharpen questions"))
    main = page.get_by_test_id("stMainBlockContainer")
    expect(main.get_by_role("heading", name="Sharpen questions")).to_be_visible()
    kept_before = len(app.store.list_kept_questions("local"))

    main.get_by_label("Your questions").fill(QUESTIONS)
    main.get_by_role("button", name="Sharpen", exact=True).click()
    # One card per question: rank, verdict badge and score, then the question; strongest first.
    for question in EXPECTED:
        expect(main.get_by_text(question, exact=True).first).to_be_visible()
    wait_idle(page)
    shown = main.inner_text()
    for question, verdict in EXPECTED.items():
        assert re.search(rf"\d+\. {verdict} score \d+/100\s+{re.escape(question)}", shown), (question, verdict)
    assert re.search(r"1\. STRONG score", shown)
    expect(main.get_by_test_id("stExpander").filter(has_text="Sources").first).to_be_visible()
    wait_idle(page)

    # Keep the first rewrite offered for the too-open question.
    card = main.get_by_test_id("stVerticalBlock").filter(has_text="TOO OPEN").filter(
        has_text="What advice do you have for me?").last
    rewrite_row = card.get_by_test_id("stHorizontalBlock").filter(
        has=page.get_by_role("button", name="Keep", exact=True)).first
    rewrite = rewrite_row.get_by_test_id("stMarkdownContainer").first.inner_text().strip()
    assert rewrite and rewrite != "What advice do you have for me?"
    rewrite_row.get_by_role("button", name="Keep", exact=True).click()

    kept_heading = main.get_by_role("heading", name="Kept for the meeting")
    expect(kept_heading).to_contain_text(f"({kept_before + 1})")
    kept = [q["text"] for q in app.store.list_kept_questions("local")]
    assert rewrite in kept
    expect(main.get_by_role("button", name="Remove").first).to_be_visible()
