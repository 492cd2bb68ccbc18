"""Model factory, fake model, streaming and backend error mapping."""

from __future__ import annotations

import httpx
import openai
import pytest
from langchain_core.messages import HumanMessage

from agent.core import (
    BackendError,
    ConfigError,
    FakeChatModel,
    LocalChatModel,
    classify,
    is_capable,
    make_chat_model,
    stream_text,
)


def test_factory_builds_each_backend(settings):
    assert isinstance(make_chat_model("fake", settings), FakeChatModel)
    local = make_chat_model("local", settings)
    assert isinstance(local, LocalChatModel) and local.model_path.endswith(".gguf")
    assert not is_capable(local)
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        make_chat_model("openai:gpt-4o-mini", settings)
    with pytest.raises(ConfigError, match="Unknown model"):
        make_chat_model("mystery", settings)


def test_openai_and_compatible_backends_are_capable_and_stream():
    from langchain_openai import ChatOpenAI

    from agent.core import load_settings

    s = load_settings(openai_api_key="sk-test", openai_base_url="http://127.0.0.1:9/v1")
    for spec in ("openai:gpt-4o-mini", "compat:llama3"):
        model = make_chat_model(spec, s)
        inner = getattr(model, "inner", model)  # remote models are wrapped by the privacy redactor
        assert isinstance(inner, ChatOpenAI) and inner.streaming and is_capable(model)


def test_fake_model_streams_word_by_word_and_records_calls():
    model = FakeChatModel(responses=["one two three"])
    chunks = list(stream_text(model, [HumanMessage("hi")]))
    assert chunks == ["one", " two", " three"]
    assert model.calls[0][-1] == {"role": "user", "content": "hi"}


def test_remote_calls_are_blocked_in_tests():
    from agent.core import load_settings

    model = make_chat_model("openai:gpt-4o-mini", load_settings(openai_api_key="sk-test", max_retries=0))
    with pytest.raises(BackendError) as info:
        list(stream_text(model, [HumanMessage("hi")]))
    assert type(info.value.__cause__).__name__ == "RemoteCallBlocked"


def _status_error(cls, status, headers=None):
    request = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")
    response = httpx.Response(status, headers=headers or {}, request=request)
    return cls("boom", response=response, body=None)


@pytest.mark.parametrize(
    "exc, kind",
    [
        (_status_error(openai.AuthenticationError, 401), "auth"),
        (_status_error(openai.RateLimitError, 429, {"retry-after": "7"}), "rate_limit"),
        (_status_error(openai.InternalServerError, 500), "server"),
        (openai.APITimeoutError(request=httpx.Request("POST", "http://127.0.0.1")), "timeout"),
        (openai.APIConnectionError(request=httpx.Request("POST", "http://127.0.0.1")), "unreachable"),
        (ValueError("bad json"), "bad_response"),
    ],
)
def test_backend_errors_are_classified_with_a_next_step(exc, kind):
    error = classify(exc)
    assert error.kind == kind
    assert error.hint
    if kind == "rate_limit":
        assert error.retry_after == 7


def test_failure_mid_stream_keeps_partial_text():
    model = FakeChatModel(responses=["never"])

    def broken(*_a, **_k):
        yield type("C", (), {"content": "half "})()
        raise httpx.RemoteProtocolError("peer closed connection")

    object.__setattr__(model, "stream", broken)
    with pytest.raises(BackendError) as info:
        list(stream_text(model, [HumanMessage("hi")]))
    assert info.value.partial == "half "
    assert "dropped" in str(info.value)


@pytest.mark.slow
def test_embedded_model_streams_text(settings):
    model = make_chat_model("local", settings)
    chunks = list(stream_text(model, [HumanMessage("Say hello to a doctor in five words.")]))
    assert len(chunks) > 1 and "".join(chunks).strip()
