"""End-to-end tests: the real Streamlit app driven by headless Chromium through Playwright.

The helpers here are shared with ``tests/test_concurrency.py``: find Chromium (or skip/fail with a clear
reason), start ``streamlit run app.py`` on a free loopback port with the scripted model and a throwaway
database, and open a browser with the flags that keep Chromium off the network.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import free_port, running

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync",
]
# Variables that could point the app at a real backend or the developer's data.
_SCRUBBED = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL", "CHROMA_HOST", "CHROMA_PATH",
             "MENTORPREP_DEBUG", "MENTORPREP_LOCAL_MODEL", "MENTORPREP_KNOWLEDGE")


def chromium_path() -> str | None:
    """The Chromium binary to drive, or None when none is installed."""
    for candidate in (os.environ.get("MENTORPREP_CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def require_browser() -> str:
    """Return the Chromium path, or skip (fail when ``MENTORPREP_REQUIRE_BROWSER=1``) with the reason."""
    problem = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problem = "Playwright is not installed (pip install -e '.[dev]')"
    path = chromium_path()
    if problem is None and path is None:
        problem = "Chromium is not installed (apt-get install chromium, or set MENTORPREP_CHROMIUM)"
    if problem is None:
        return path
    if os.environ.get("MENTORPREP_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are required here but cannot run: {problem}", pytrace=False)
    pytest.skip(f"browser tests skipped: {problem}")


def launch_browser(playwright, executable: str):
    """A headless Chromium that stays off the network."""
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)


def server_env(data_dir: Path) -> dict[str, str]:
    """Environment for the app under test: scripted model, temporary data, everything offline."""
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED}
    env.update({
        "MENTORPREP_MODEL": "fake",
        "MENTORPREP_DATA": str(data_dir),
        "MENTORPREP_DB": f"sqlite:///{data_dir / 'e2e.db'}",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
        "TOKENIZERS_PARALLELISM": "false",
    })
    return env


@contextlib.contextmanager
def app_server(data_dir: Path) -> Iterator[str]:
    """Run the app with ``streamlit run`` until the block ends; yields its base URL."""
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "app.py"),
           "--server.address", "127.0.0.1", "--server.port", str(port), "--server.headless", "true",
           "--browser.gatherUsageStats", "false",
           # Source edits must not rerun the app under test.
           "--server.fileWatcherType", "none"]
    base = f"http://127.0.0.1:{port}"
    with running(cmd, f"{base}/_stcore/health", timeout=120, env=server_env(data_dir)):
        yield base


# ---- page helpers ---------------------------------------------------------------------------------------
TIMEOUT_MS = 30_000  # a rerun takes a second or two on a busy 2-core machine; leave plenty of room
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"][data-test-connection-state="CONNECTED"]'


def wait_idle(page, timeout: float = TIMEOUT_MS) -> None:
    """Wait until the app is connected, no script run is in progress and none failed.

    A view that calls ``st.rerun()`` finishes one run and starts the next; waiting twice with a short
    pause between keeps the next action from landing in that gap (and being lost with the old widgets).
    """
    from playwright.sync_api import expect

    for _ in range(2):
        page.wait_for_selector(IDLE, state="attached", timeout=timeout)
        page.wait_for_timeout(250)
    page.wait_for_selector(IDLE, state="attached", timeout=timeout)
    expect(page.get_by_test_id("stException")).to_have_count(0, timeout=1)


def open_app(page, url: str) -> None:
    """Load ``url`` and wait for the first run to finish."""
    page.goto(url)
    page.get_by_test_id("stSidebar").wait_for()
    wait_idle(page)


def send_chat(page, text: str) -> None:
    """Type ``text`` into the chat input and send it."""
    box = page.get_by_test_id("stChatInput").locator("textarea")
    box.fill(text)
    box.press("Enter")


def new_session(page) -> str:
    """Click "New session" in the sidebar; returns the new session id once the URL shows it."""
    before = query_param(page.url, "session")
    page.locator(".st-key-new-session button").click()
    page.wait_for_url(lambda url: query_param(url, "session") not in (None, before))
    wait_idle(page)
    return query_param(page.url, "session")


def query_param(url: str, name: str) -> str | None:
    """One query parameter of ``url``."""
    from urllib.parse import parse_qs, urlparse

    values = parse_qs(urlparse(url).query).get(name)
    return values[0] if values else None
