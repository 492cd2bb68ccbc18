"""The OpenAI-compatible backend against a real `python -m llama_cpp.server` on 127.0.0.1."""

from __future__ import annotations

import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from agent.core import (
    PROJECT_ROOT,
    bundled_gguf_path,
    complete_text,
    is_capable,
    load_settings,
    make_chat_model,
    stream_text,
)
from tests.servers import free_port, python, running

pytestmark = [pytest.mark.server, pytest.mark.slow]


@pytest.fixture(scope="module")
def llama_server():
    port = free_port()
    cmd = [python(), "-m", "llama_cpp.server", "--model", str(bundled_gguf_path()), "--host", "127.0.0.1",
           "--port", str(port), "--n_ctx", "2048", "--model_alias", "smollm2"]
    with running(cmd, f"http://127.0.0.1:{port}/v1/models"):
        yield f"http://127.0.0.1:{port}/v1"


def test_compatible_backend_streams_from_real_server(llama_server):
    settings = load_settings(openai_base_url=llama_server, openai_model="smollm2", max_retries=0)
    assert settings.model == "compat:smollm2"
    model = make_chat_model(settings=settings)
    assert is_capable(model)
    messages = [SystemMessage("You answer in one short sentence."),
                HumanMessage("Name one thing to bring to a meeting.")]
    chunks = list(stream_text(model.bind(max_tokens=40), messages))
    assert len(chunks) > 1, "the reply should arrive in several streamed chunks"
    assert "".join(chunks).strip()
    assert complete_text(model.bind(max_tokens=20), messages).strip()


def test_compatible_backend_serves_the_app_chat(llama_server, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("OPENAI_BASE_URL", llama_server)
    monkeypatch.setenv("OPENAI_MODEL", "smollm2")
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120).run()
    at.chat_input[0].set_value("How should I prepare for a coffee chat with a senior doctor?").run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert len(at.chat_message) >= 2
