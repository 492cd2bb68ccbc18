"""Many people chatting at once against one app: p50/p95 time to first token, and no cross-talk.

Each simulated person is a browser tab (its own websocket and Streamlit session) with its own chat session.
A reference round first sends every message alone, one after another, and keeps the reply. Then every tab
sends its message at the same moment; the time to first token is measured in the page, from pressing Enter
to the first reply text appearing. Cross-talk check: each tab shows only its own message, each stored
session holds exactly its own message and one reply, and that reply is the one the same message got alone.

Tabs share a few browser contexts over two Chromium processes (a context per tab would not fit on two cores);
each tab still has its own Streamlit session. Chromium is /usr/bin/chromium (or MENTORPREP_CHROMIUM).

Run: `.venv/bin/python bench/bench_load.py [--sessions 50] [--url http://127.0.0.1:8501 --db sqlite:///...]`
Without --url it starts `streamlit run app.py` on a free port with the scripted model and a temporary database.
It prints numbers; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

QUESTIONS = [
    "How do I prepare for a coffee chat with a senior physician?",
    "What is the difference between a mentor and a sponsor?",
    "How should I follow up after meeting a possible mentor?",
    "Which questions should I ask a connector?",
    "How do I tell whether a senior doctor has time for me?",
    "How do I build a mentoring team during residency?",
]
# Written into the page before the message goes out: records when the reply's first text appears.
WATCH = """(token) => {
  window.__ttft = null; window.__t0 = performance.now();
  const seen = () => {
    const msgs = [...document.querySelectorAll('[data-testid="stChatMessage"]')];
    const mine = msgs.findIndex(m => m.innerText.includes(token));
    return mine >= 0 && mine + 1 < msgs.length && msgs[mine + 1].innerText.trim().length > 0;
  };
  const obs = new MutationObserver(() => {
    if (window.__ttft === null && seen()) { window.__ttft = performance.now() - window.__t0; obs.disconnect(); }
  });
  obs.observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def token(n: int) -> str:
    return f"(person {n:04d})"


def probe(n: int, question: str) -> str:
    # Digits only: a number matches no word of the knowledge base, so it cannot change which passages are found.
    return f"{question} {token(n)}"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


@contextlib.contextmanager
def app(url: str | None, db: str | None):
    """The app under test: the given one, or a fresh `streamlit run` with the scripted model."""
    if url:
        if not db:
            sys.exit("--url needs --db (the app's MENTORPREP_DB) to create sessions and check replies")
        yield url, db
        return
    from tests.e2e import app_server

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        with app_server(data) as started:
            yield started, f"sqlite:///{data / 'e2e.db'}"


def run(url: str, db: str, sessions: int, chromium: str, timeout_s: float) -> None:
    from playwright.sync_api import sync_playwright

    from agent.core import Store
    from tests.e2e import CHROMIUM_ARGS, IDLE, send_chat

    store = Store(db)
    user = "local"
    timeout = timeout_s * 1000
    with sync_playwright() as playwright:
        # Background tabs must not be throttled: each one stands for a person looking at their own screen.
        args = [*CHROMIUM_ARGS, "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                "--disable-backgrounding-occluded-windows"]
        browsers = [playwright.chromium.launch(executable_path=chromium, args=args, headless=True) for _ in range(2)]
        contexts = [b.new_context(viewport={"width": 1000, "height": 700}) for b in browsers for _ in range(3)]
        for context in contexts:
            context.set_default_timeout(timeout)

        def open_tab(n: int, sid: str):
            page = contexts[n % len(contexts)].new_page()
            page.goto(f"{url}/?{urlencode({'session': sid, 'mode': 'Chat'})}", wait_until="commit")
            return page

        def wait_ready(page) -> None:
            page.get_by_test_id("stChatInput").wait_for()
            page.wait_for_selector(IDLE, state="attached")

        def solo_turn(page, n: int) -> tuple[str, float]:
            """One message alone, in its own session: (the reply, seconds to its first token)."""
            sid = store.create_session(user, title=f"alone {n}")
            page.goto(f"{url}/?{urlencode({'session': sid, 'mode': 'Chat'})}")
            wait_ready(page)
            page.evaluate(WATCH, token(n))
            send_chat(page, probe(n, QUESTIONS[n % len(QUESTIONS)]))
            page.wait_for_function("window.__ttft !== null")
            seconds = page.evaluate("window.__ttft") / 1000
            page.wait_for_function("document.querySelectorAll('[data-testid=stChatMessage]').length === 2")
            wait_ready(page)
            return store.list_messages(sid, user_id=user)[-1]["content"], seconds

        # Reference: every message alone, one after another in one tab, after a warm-up turn (first-run loading).
        page = contexts[0].new_page()
        solo_turn(page, 9999)
        reference: dict[int, str] = {}
        solo: list[float] = []
        for n in range(sessions):
            reference[n], seconds = solo_turn(page, n)
            solo.append(seconds)
        page.close()

        sids = [store.create_session(user, title=f"load {n}") for n in range(sessions)]
        began = time.perf_counter()
        pages = [open_tab(n, sid) for n, sid in enumerate(sids)]
        for page in pages:
            wait_ready(page)
        opened = time.perf_counter() - began

        began = time.perf_counter()
        for n, page in enumerate(pages):  # every message goes out before any reply is awaited
            page.evaluate(WATCH, token(n))
            send_chat(page, probe(n, QUESTIONS[n % len(QUESTIONS)]))
        ttft: list[float] = []
        for page in pages:
            page.wait_for_function("window.__ttft !== null", timeout=timeout)
            ttft.append(page.evaluate("window.__ttft") / 1000)
        for page in pages:
            page.wait_for_function("document.querySelectorAll('[data-testid=stChatMessage]').length === 2")
            page.wait_for_selector(IDLE, state="attached")
        done = time.perf_counter() - began
        shown = [" ".join(page.get_by_test_id("stChatMessage").all_inner_texts()) for page in pages]
        errors = sum(page.get_by_test_id("stException").count() for page in pages)
        for browser in browsers:
            browser.close()

    strangers, wrong_reply, wrong_rows, example = 0, 0, 0, ""
    for n, sid in enumerate(sids):
        others = [m for m in range(sessions) if m != n and token(m) in shown[n]]
        strangers += bool(others) or token(n) not in shown[n]
        rows = store.list_messages(sid, user_id=user)
        question = QUESTIONS[n % len(QUESTIONS)]
        if [(m["role"], m["content"]) for m in rows[:1]] != [("user", probe(n, question))] or len(rows) != 2:
            wrong_rows += 1
        elif rows[1]["content"] != reference[n]:
            wrong_reply += 1
            example = example or f"    e.g. {question!r}\n      alone: {reference[n][:160]!r}\n" \
                                 f"      under load: {rows[1]['content'][:160]!r}"

    print(f"app {url}: {sessions} concurrent chat sessions ({len(contexts)} contexts over {len(browsers)} "
          "Chromium processes)")
    print(f"  alone, one after another ({len(solo)} turns): time to first token p50 {percentile(solo, 50):.2f}s  "
          f"p95 {percentile(solo, 95):.2f}s")
    print(f"  opened {sessions} tabs in {opened:.1f}s; all {sessions} replies finished {done:.1f}s after sending")
    print(f"  time to first token: p50 {percentile(ttft, 50):.2f}s  p95 {percentile(ttft, 95):.2f}s  "
          f"max {max(ttft):.2f}s")
    print(f"  cross-talk: {strangers} tabs showing another person's message, {wrong_rows} sessions with wrong rows, "
          f"{wrong_reply} replies differing from the same message sent alone; {errors} exceptions shown")
    if example:
        print(example)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=50, help="concurrent chat sessions (default 50)")
    parser.add_argument("--url", help="a running app (default: start one with the scripted model)")
    parser.add_argument("--db", help="that app's MENTORPREP_DB URL (with --url)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for any one step")
    args = parser.parse_args()
    from tests.e2e import chromium_path

    chromium = chromium_path()
    if chromium is None:
        sys.exit("Chromium not found: install it or set MENTORPREP_CHROMIUM")
    with app(args.url, args.db) as (url, db):
        run(url, db, args.sessions, chromium, args.timeout)


if __name__ == "__main__":
    main()
