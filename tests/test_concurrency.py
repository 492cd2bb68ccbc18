"""Many people at once: sessions never see each other's messages, and shared heavy objects are thread-safe.

* The agent layer and the store: 20 people (one user and one session each, on SQLite and on PostgreSQL) share
  one retriever, one model and one store.
* The real server: ``streamlit run`` driven by 20 headless browser contexts at once (marked ``browser``).
* The shared embedder and the Chroma-backed retriever called from 8 threads (marked ``slow``).
"""

from __future__ import annotations

import shutil
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from agent.core import Store
from tests.e2e import PROJECT_ROOT
from tests.pgserver import BACKENDS, backend_url

SESSIONS = 20
TURNS = 3
QUESTIONS = [
    "How do I prepare for a coffee chat with a senior physician?",
    "What is the difference between a mentor and a sponsor?",
    "How should I follow up after meeting a possible mentor?",
    "Which questions should I ask a connector?",
    "How do I tell whether a senior doctor has time for me?",
    "What makes a good question to ask a mentor?",
    "How do I build a mentoring team during residency?",
    "How do I ask a coach for feedback on my presentations?",
]


def _question(session: int, turn: int) -> str:
    return QUESTIONS[(session * TURNS + turn) % len(QUESTIONS)]


@pytest.fixture(params=BACKENDS)
def shared_store(request, tmp_path):
    with backend_url(request.param, tmp_path) as url:
        store = Store(url)
        yield store
        store.close()


def test_twenty_sessions_through_the_agent_layer_keep_their_own_messages(shared_store, settings):
    from agent.core import FakeChatModel
    from agent.guidance import answer
    from retrieval import KeywordRetriever

    store = shared_store
    retriever = KeywordRetriever(settings.knowledge_dir)
    model = FakeChatModel()  # one model object for everyone, as the app's cache_resource shares it
    expected = {q: answer(q, retriever, FakeChatModel()) for q in QUESTIONS}  # one at a time, for reference
    start = threading.Barrier(SESSIONS)

    def one_person(n: int) -> str:
        mine = store.for_user(f"person-{n}")
        sid = mine.create_session(title=f"person {n}")
        start.wait(timeout=60)
        for turn in range(TURNS):
            question = _question(n, turn)
            mine.add_message(sid, "user", f"{question} [person {n} turn {turn}]")
            reply = answer(question, retriever, model)
            mine.add_message(sid, "assistant", reply.text,
                             meta={"citations": [c.to_dict() for c in reply.citations]})
        return sid

    began = time.perf_counter()
    with ThreadPoolExecutor(SESSIONS) as pool:
        sids = list(pool.map(one_person, range(SESSIONS)))
    elapsed = time.perf_counter() - began

    assert len(set(sids)) == SESSIONS
    for n, sid in enumerate(sids):
        mine = store.for_user(f"person-{n}")
        messages = mine.list_messages(sid)
        assert [m["role"] for m in messages] == ["user", "assistant"] * TURNS
        for turn in range(TURNS):
            user, reply = messages[2 * turn], messages[2 * turn + 1]
            assert user["content"] == f"{_question(n, turn)} [person {n} turn {turn}]"
            reference = expected[_question(n, turn)]
            assert reply["content"] == reference.text
            assert reply["meta"]["citations"] == [c.to_dict() for c in reference.citations]
        sessions = mine.list_sessions()
        assert [s["id"] for s in sessions] == [sid] and sessions[0]["message_count"] == 2 * TURNS
        assert store.for_user(f"person-{(n + 1) % SESSIONS}").list_messages(sid) == []
    print(f"\nagent layer on {store.dialect}: {SESSIONS} people x {TURNS} turns in {elapsed:.2f}s")


@pytest.mark.browser
@pytest.mark.server
def test_twenty_browser_sessions_at_once_see_only_their_own_messages(tmp_path):
    from tests.e2e import app_server, require_browser

    chromium = require_browser()
    tokens = [uuid.uuid4().hex[:10] for _ in range(SESSIONS)]
    data = tmp_path / "data"
    with app_server(data) as url:
        store = Store(f"sqlite:///{data / 'e2e.db'}")
        sessions = [store.create_session("local") for _ in range(SESSIONS)]
        # Sync Playwright refuses to start where another instance (the e2e fixtures') runs: use a thread.
        with ThreadPoolExecutor(1) as pool:
            opened, elapsed, shown = pool.submit(_drive_browsers, chromium, url, sessions, tokens).result()
        for n, sid in enumerate(sessions):
            # each of the page's own two messages shows (a reply may quote one back, as evidence)
            assert all(_probe(n, t, tokens) in shown[n] for t in range(2)), shown[n]
            strangers = [t for m, t in enumerate(tokens) if m != n and t in shown[n]]
            assert not strangers, f"page {n} shows other people's messages: {strangers}"
            messages = store.list_messages(sid)
            assert [m["role"] for m in messages] == ["user", "assistant"] * 2
            assert [m["content"] for m in messages if m["role"] == "user"] == [
                _probe(n, t, tokens) for t in range(2)]
    print(f"\nserver: {SESSIONS} browser sessions opened in {opened:.1f}s; "
          f"2 rounds of {SESSIONS} simultaneous messages all answered in {elapsed:.1f}s")


def _probe(n: int, turn: int, tokens: list[str]) -> str:
    return f"{_question(n, turn)} (person {tokens[n]} turn {turn})"


def _drive_browsers(chromium: str, url: str, sessions: list[str], tokens: list[str]):
    """Open one browser context per session, send two rounds of messages from all at once.

    Returns (seconds to open all pages, seconds for both rounds, each page's chat text).
    """
    from playwright.sync_api import expect, sync_playwright

    from tests.e2e import IDLE, TIMEOUT_MS, launch_browser, send_chat

    slow = TIMEOUT_MS * 3  # 20 runs queue up on two cores
    with sync_playwright() as playwright:
        # 20 tabs, each its own websocket and Streamlit session, in 4 contexts (own cookies and cache) over
        # 2 browser processes; sharing a context's cache spares loading the app's scripts 20 times.
        browsers = [launch_browser(playwright, chromium) for _ in range(2)]
        contexts = [b.new_context(viewport={"width": 1000, "height": 700}) for b in browsers for _ in range(2)]
        for context in contexts:
            context.set_default_timeout(slow)
        began = time.perf_counter()
        pages = []
        for n, sid in enumerate(sessions):
            page = contexts[n % len(contexts)].new_page()
            page.goto(f"{url}/?session={sid}&mode=Chat", wait_until="commit")  # let all 20 load at once
            pages.append(page)
        for page in pages:
            page.get_by_test_id("stChatInput").wait_for()
            page.wait_for_selector(IDLE, state="attached")
        opened = time.perf_counter() - began

        began = time.perf_counter()
        for turn in range(2):
            for n, page in enumerate(pages):  # every message goes out before any reply is awaited
                send_chat(page, _probe(n, turn, tokens))
            for page in pages:
                expect(page.get_by_test_id("stChatMessage")).to_have_count(2 * (turn + 1), timeout=slow)
            for page in pages:
                page.wait_for_selector(IDLE, state="attached")
                expect(page.get_by_test_id("stException")).to_have_count(0, timeout=1)
        elapsed = time.perf_counter() - began
        shown = [" ".join(page.get_by_test_id("stChatMessage").all_inner_texts()) for page in pages]
        for page, sid in zip(pages, sessions, strict=True):
            assert f"session={sid}" in page.url
        for browser in browsers:
            browser.close()
    return opened, elapsed, shown


# ---- shared heavy objects ------------------------------------------------------------------------------
TEXTS = [
    "Prepare three specific questions before a coffee chat.",
    "A sponsor uses their influence to nominate you.",
    "Send a thank-you note on the same day.",
    "A connector introduces you to other people.",
]


@pytest.mark.slow
def test_shared_embedder_gives_the_same_vectors_from_eight_threads():
    import numpy as np

    from retrieval import get_embedder

    start = threading.Barrier(8)

    def load(_: int):
        start.wait(timeout=60)
        return get_embedder()  # the first call loads the model: every thread must get the same one

    with ThreadPoolExecutor(8) as pool:
        embedders = list(pool.map(load, range(8)))
    assert all(e is embedders[0] for e in embedders)
    embedder = embedders[0]
    reference = embedder.embed(TEXTS)
    single = np.stack([embedder.embed_query(t) for t in TEXTS])
    assert reference.shape == (len(TEXTS), embedder.dimension)
    np.testing.assert_allclose(single, reference, atol=1e-5)
    go = threading.Barrier(8)

    def work(n: int):
        go.wait(timeout=60)
        texts = TEXTS[n % len(TEXTS):] + TEXTS[: n % len(TEXTS)]  # a different batch order per thread
        results = []
        for _ in range(5):
            results.append((texts, embedder.embed(texts)))
            results.append(([texts[0]], embedder.embed_query(texts[0])[None, :]))
        return results

    with ThreadPoolExecutor(8) as pool:
        for results in pool.map(work, range(8)):
            for texts, vectors in results:
                expected = reference[[TEXTS.index(t) for t in texts]]
                np.testing.assert_allclose(vectors, expected, atol=1e-5)


@pytest.mark.slow
def test_chroma_retriever_is_thread_safe(tmp_path):
    from agent.core import load_settings
    from retrieval import build_index, make_retriever, open_client

    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    for source in sorted((PROJECT_ROOT / "knowledge").glob("*.md"))[:4]:
        shutil.copy(source, knowledge / source.name)
    settings = load_settings(model="fake", data_dir=str(tmp_path / "data"), knowledge_dir=str(knowledge))
    build_index(open_client(settings), settings.collection, settings.knowledge_dir, progress=False)
    retriever = make_retriever(settings)  # one retriever (one Chroma client) shared by all threads
    assert retriever.is_ready()
    queries = QUESTIONS[:4]
    reference = {q: [p.id for p in retriever.search(q, 3)] for q in queries}
    go = threading.Barrier(8)

    def work(n: int):
        go.wait(timeout=60)
        return [(q, [p.id for p in retriever.search(q, 3)]) for q in queries[n % 4:] + queries[: n % 4]]

    with ThreadPoolExecutor(8) as pool:
        for results in pool.map(work, range(8)):
            for query, ids in results:
                assert ids == reference[query], query
