"""Backend faults end to end: a misbehaving OpenAI-compatible server, the real client, and the UI.

Every failure must reach the user as a `BackendError` of the right kind with a next step, keep streamed text,
retry only what is worth retrying (with backoff, honouring Retry-After), and give up within the time budget.
"""

from __future__ import annotations

import socket
import time

import pytest
from langchain_core.messages import HumanMessage
from streamlit.testing.v1 import AppTest

from agent.core import PROJECT_ROOT, BackendError, Store, load_settings, make_chat_model, stream_text
from tests.fault_server import FaultServer

APP = str(PROJECT_ROOT / "app.py")
REPLY = "Bring two specific questions and listen well."
QUESTION = "How should I prepare for a coffee chat with a potential mentor?"


def _model(server: FaultServer, *, timeout: float = 1.0, retries: int = 0):
    settings = load_settings(openai_base_url=server.base_url, request_timeout=timeout, max_retries=retries)
    return make_chat_model("compat:test", settings)


def _fail(model) -> tuple[BackendError, str, float]:
    """Stream until the backend fails; return the error, the text seen and the elapsed seconds."""
    seen: list[str] = []
    start = time.monotonic()
    with pytest.raises(BackendError) as info:
        for piece in stream_text(model, [HumanMessage("How do I ask for feedback?")]):
            seen.append(piece)
    return info.value, "".join(seen), time.monotonic() - start


def test_healthy_server_streams_the_reply_in_one_request():
    with FaultServer("ok", reply=REPLY) as server:
        pieces = list(stream_text(_model(server, retries=2), [HumanMessage("hi")]))
    assert "".join(pieces) == REPLY and len(pieces) > 1
    assert server.count == 1


@pytest.mark.parametrize(
    "mode, kind, hint_words",
    [
        ("401", "auth", ("OPENAI_API_KEY", "embedded model")),
        ("429", "rate_limit", ("retry", "embedded model")),
        ("500", "server", ("Try again", "embedded model")),
        ("garbage", "bad_response", ("Try again", "embedded model")),
    ],
)
def test_each_failure_has_its_kind_and_a_next_step(mode, kind, hint_words):
    with FaultServer(mode, retry_after=0.2) as server:
        error, seen, _ = _fail(_model(server))
    assert error.kind == kind
    assert all(word in error.hint for word in hint_words), error.hint
    assert error.hint in error.user_message()
    assert seen == "" and error.partial == ""


def test_unreachable_server_says_so():
    with socket.socket() as s:  # a port that was free a moment ago: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    model = make_chat_model("compat:test", load_settings(openai_base_url=f"http://127.0.0.1:{port}/v1",
                                                         request_timeout=1.0, max_retries=0))
    error, _, elapsed = _fail(model)
    assert error.kind == "unreachable" and "embedded model" in error.hint
    assert elapsed < 3


def test_drop_mid_stream_keeps_the_partial_text_and_is_not_retried():
    with FaultServer("drop", reply=REPLY, drop_after=3) as server:
        error, seen, _ = _fail(_model(server, retries=2))
    assert seen == "Bring two specific"
    assert error.partial == seen
    assert error.kind == "server" and "dropped" in str(error)
    assert server.count == 1  # a reply already under way cannot be replayed


def test_stall_mid_stream_times_out_and_keeps_the_partial_text():
    with FaultServer("stall", reply=REPLY, drop_after=2, hang=10) as server:
        error, seen, elapsed = _fail(_model(server, timeout=1.0, retries=1))
    assert error.kind == "timeout" and error.partial == seen == "Bring two"
    assert elapsed < 1.0 + 1.5


@pytest.mark.parametrize("retries", [0, 1])
def test_hang_gives_up_within_the_time_budget(retries):
    timeout = 1.0
    with FaultServer("hang", hang=30) as server:
        error, _, elapsed = _fail(_model(server, timeout=timeout, retries=retries))
    assert error.kind == "timeout" and "Try again" in error.hint
    assert server.count == 1 + retries
    # Each attempt waits one timeout; backoff between attempts is at most 0.5 s and 1 s; 1 s of slack.
    assert timeout * (retries + 1) - 0.1 <= elapsed <= timeout * (retries + 1) + 1.5 * retries + 1.0


def test_server_errors_are_retried_with_growing_backoff():
    with FaultServer("500") as server:
        error, _, _ = _fail(_model(server, retries=2))
    gaps = server.gaps()
    assert error.kind == "server"
    assert server.count == 3
    assert gaps[1] > gaps[0] > 0.3  # exponential backoff: about 0.5 s, then 1 s (minus jitter)


def test_rate_limit_is_retried_after_the_server_asked_wait():
    with FaultServer("429", retry_after=1) as server:
        error, _, elapsed = _fail(_model(server, retries=2))
    assert error.kind == "rate_limit" and error.retry_after == 1
    assert "1 s" in str(error)
    assert server.count == 3
    # Without Retry-After the first gap would be at most 0.5 s; with it, each gap is the requested second.
    assert all(0.95 <= gap <= 1.6 for gap in server.gaps()), server.gaps()
    assert elapsed < 4


def test_auth_failure_is_not_retried():
    with FaultServer("401") as server:
        error, _, elapsed = _fail(_model(server, retries=3))
    assert error.kind == "auth"
    assert server.count == 1 and elapsed < 1


def test_a_retry_that_succeeds_is_invisible_to_the_user():
    with FaultServer("500", reply=REPLY, recover_after=1) as server:
        pieces = list(stream_text(_model(server, retries=2), [HumanMessage("hi")]))
    assert "".join(pieces) == REPLY
    assert server.count == 2


# ---- through the UI -----------------------------------------------------------------------------------------
@pytest.fixture
def ui(monkeypatch):
    """Start the app against a fault server; yields (server, AppTest)."""

    def start(mode: str, **kw) -> tuple[FaultServer, AppTest]:
        server = FaultServer(mode, reply=REPLY, **kw).__enter__()
        started.append(server)
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("MENTORPREP_MODEL", "compat:test")
        monkeypatch.setenv("MENTORPREP_MAX_RETRIES", "0")
        monkeypatch.setenv("MENTORPREP_TIMEOUT", "2")
        return server, AppTest.from_file(APP, default_timeout=60).run()

    started: list[FaultServer] = []
    yield start
    for server in started:
        server.close()


def _session(at: AppTest) -> str:
    sid = at.query_params["session"]
    return sid[0] if isinstance(sid, list) else sid


def _chat_texts(at: AppTest) -> list[str]:
    return [" ".join(md.value for md in m.markdown) for m in at.chat_message]


def test_ui_shows_the_error_keeps_the_message_and_offers_the_embedded_model(ui):
    server, at = ui("500")
    assert not at.exception
    at.chat_input[0].set_value(QUESTION).run()
    assert not at.exception
    assert server.count == 1
    assert any("returned an error (500)" in e.value and "embedded model" in e.value for e in at.error)
    assert any(b.label == "Switch to the embedded model" for b in at.button)
    at.run()  # a rerun redraws from the store: the question is still there, and can be retried
    stored = Store(load_settings().db_url).list_messages(_session(at))
    assert stored[0]["role"] == "user" and stored[0]["content"] == QUESTION
    assert QUESTION in _chat_texts(at)[0]
    assert any(b.label == "Retry the last message" for b in at.button)


def test_ui_marks_a_reply_cut_off_mid_stream_as_partial(ui):
    server, at = ui("drop", drop_after=3)
    at.chat_input[0].set_value(QUESTION).run()
    assert not at.exception
    assert any("dropped" in e.value for e in at.error)
    at.run()
    stored = Store(load_settings().db_url).list_messages(_session(at))
    assert [m["role"] for m in stored] == ["user", "assistant"]
    assert stored[1]["partial"] and stored[1]["content"].startswith("Bring two specific")
    assert "partial reply" in _chat_texts(at)[1]


def test_ui_timeout_is_reported_within_the_budget(ui):
    server, at = ui("hang", hang=30)
    start = time.monotonic()
    at.chat_input[0].set_value(QUESTION).run()
    assert time.monotonic() - start < 2 + 3  # MENTORPREP_TIMEOUT=2, no retries, slack for the app itself
    assert any("took too long" in e.value for e in at.error)


def test_ui_switch_button_moves_to_the_embedded_model(ui):
    server, at = ui("500")
    at.chat_input[0].set_value(QUESTION).run()
    next(b for b in at.button if b.label == "Switch to the embedded model").click().run()
    assert at.session_state["model_spec"] == "local"
