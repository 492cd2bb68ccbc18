"""Fixtures for the browser tests: one app server and one Chromium per run, a fresh page per test.

A failing test leaves a full-page screenshot in ``tests/artifacts/<test name>.png``.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e import PROJECT_ROOT, TIMEOUT_MS, app_server, launch_browser, require_browser

ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"


class E2EApp:
    """The running app: its URL and a handle on its database (to set up and check sessions)."""

    def __init__(self, url: str, db_url: str) -> None:
        from agent.core import Store

        self.url = url
        self.store = Store(db_url)

    def new_session(self, title: str = "New session") -> str:
        """Create a session for the app's local user and return its id."""
        return self.store.create_session("local", title=title)

    def session_url(self, session_id: str, mode: str | None = None) -> str:
        """URL that opens ``session_id`` (and ``mode``, e.g. "Read the room")."""
        from urllib.parse import urlencode

        query = {"session": session_id} | ({"mode": mode} if mode else {})
        return f"{self.url}/?{urlencode(query)}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item so the page fixture knows whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def chromium() -> str:
    """Chromium's path; skips (or fails under MENTORPREP_REQUIRE_BROWSER=1) when it is missing."""
    return require_browser()


@pytest.fixture(scope="session")
def app(chromium, tmp_path_factory) -> E2EApp:
    """``streamlit run app.py`` on a free port with the scripted model and a temporary database."""
    data = tmp_path_factory.mktemp("e2e-data")
    with app_server(data) as url:
        yield E2EApp(url, f"sqlite:///{data / 'e2e.db'}")


@pytest.fixture(scope="session")
def browser(chromium):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)  # assertions wait as long as actions do
    with sync_playwright() as playwright:
        browser = launch_browser(playwright, chromium)
        yield browser
        browser.close()


@pytest.fixture
def page(request, browser, app):
    """A fresh browser context and page; screenshots the page when the test fails."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::", 1)[-1])
        try:
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        except Exception as exc:  # noqa: BLE001 - a failed screenshot must not hide the real failure
            print(f"could not save a screenshot: {exc}")
    context.close()
