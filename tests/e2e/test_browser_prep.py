"""Browser test of "Prep sheet & team": add a mentor, build the sheet, download it as Markdown and PDF."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect

from tests.e2e import PROJECT_ROOT, open_app, wait_idle

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not (PROJECT_ROOT / "views" / "prep.py").exists(), reason="views/prep.py has not landed yet"),
]
MENTOR = "Dr. Zora Quill"


def test_prep_sheet_downloads_as_markdown_and_pdf(page, app):
    open_app(page, app.session_url(app.new_session(), "Prep sheet & team"))
    main = page.get_by_test_id("stMainBlockContainer")
    expect(main.get_by_role("heading", name="Prep sheet & team")).to_be_visible()

    form = main.get_by_test_id("stForm").filter(has_text="Add a person you meet")
    form.get_by_label("Name").fill(MENTOR)
    form.get_by_label("Specialty").fill("nephrology")
    form.get_by_label("What you know about them").fill(
        "Runs the transplant clinic; offered to introduce me to the fellowship director.")
    form.get_by_role("button", name="Add mentor").click()
    expect(main.get_by_test_id("stExpander").filter(has_text=MENTOR)).to_have_count(1)
    wait_idle(page)
    assert any(m["name"] == MENTOR for m in app.store.list_mentors("local"))

    main.get_by_role("tab", name="Prep sheet").click()
    panel = main.get_by_role("tabpanel").filter(has=page.get_by_role("button", name="Build prep sheet"))
    mentor_box = panel.get_by_test_id("stSelectbox").filter(has_text="Mentor")
    if MENTOR not in mentor_box.inner_text():
        mentor_box.click()
        page.get_by_role("option", name=re.compile(re.escape(MENTOR))).click()
        wait_idle(page)
    panel.get_by_label("Your goal for this meeting").fill("Find out whether transplant nephrology suits me")
    panel.get_by_label("Your goal for this meeting").press("Enter")
    wait_idle(page)
    panel.get_by_role("button", name="Build prep sheet").click()
    expect(panel.get_by_test_id("stDownloadButton")).to_have_count(2)
    expect(panel).to_contain_text(f"Prep sheet: meeting {MENTOR}")
    wait_idle(page)

    with page.expect_download() as info:
        panel.get_by_role("button", name="Download Markdown").click()
    download = info.value
    assert download.suggested_filename.endswith(".md")
    markdown = open(download.path(), encoding="utf-8").read()
    assert markdown.startswith(f"# Prep sheet: meeting {MENTOR}")
    assert "transplant nephrology" in markdown
    assert re.search(r"^## .*Questions", markdown, re.M)
    assert re.search(r"^1\. ", markdown, re.M), "the sheet lists questions in order"

    with page.expect_download() as info:
        panel.get_by_role("button", name="Download PDF").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    data = open(download.path(), "rb").read()
    assert data.startswith(b"%PDF")
    pypdf = pytest.importorskip("pypdf")
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert MENTOR in " ".join(text.split())
