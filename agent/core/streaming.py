"""Stream a model's reply as plain text, turning backend failures into clear `BackendError`s."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence

from langchain_core.messages import BaseMessage

from agent.core.errors import BackendError, MentorPrepError

log = logging.getLogger(__name__)

SWITCH_HINT = "Your message is kept. Try again, or switch to the embedded model in the sidebar."


def _retry_after(exc: BaseException) -> float | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) or {}
    value = headers.get("retry-after") if hasattr(headers, "get") else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def classify(exc: BaseException, partial: str = "") -> BackendError:
    """Map an exception from any backend to a `BackendError` with a next step."""
    if isinstance(exc, BackendError):
        return exc
    import httpx
    import openai

    status = getattr(exc, "status_code", None)
    if isinstance(exc, openai.APITimeoutError | httpx.TimeoutException | TimeoutError):
        return BackendError("The model server took too long to answer.", kind="timeout", partial=partial,
                            hint="Your message is kept. Try again, raise MENTORPREP_TIMEOUT for a slow server, "
                                 "or switch to the embedded model in the sidebar.")
    elif isinstance(exc, openai.AuthenticationError) or status in (401, 403):
        kind, msg = "auth", "The model server refused the API key (401)."
        return BackendError(msg, kind=kind, partial=partial,
                            hint="Check OPENAI_API_KEY in your .env, or switch to the embedded model.")
    elif isinstance(exc, openai.RateLimitError) or status == 429:
        wait = _retry_after(exc)
        after = f" It asked us to wait {wait:g} s." if wait else ""
        return BackendError(f"The model server is rate-limiting requests (429).{after}", kind="rate_limit",
                            retry_after=wait, partial=partial,
                            hint="Wait a moment and retry, or switch to the embedded model.")
    elif isinstance(exc, openai.APIConnectionError | httpx.TransportError | ConnectionError):
        if partial:
            kind, msg = "server", "The connection to the model server dropped in the middle of the reply."
        else:
            kind, msg = "unreachable", "The model server could not be reached."
    elif isinstance(exc, openai.APIStatusError):
        kind, msg = "server", f"The model server returned an error ({status})."
    elif isinstance(exc, ValueError | KeyError | TypeError | openai.APIResponseValidationError):
        kind, msg = "bad_response", "The model server sent a reply that could not be read."
    elif isinstance(exc, MentorPrepError):
        kind, msg = "server", str(exc)
    else:
        kind, msg = "server", f"The model failed: {type(exc).__name__}."
    return BackendError(msg, kind=kind, partial=partial, hint=SWITCH_HINT)


def stream_text(model, messages: Sequence[BaseMessage]) -> Iterator[str]:
    """Yield text chunks from ``model.stream(messages)``.

    Raises:
        BackendError: on any failure; ``partial`` holds the text streamed before it.
    """
    parts: list[str] = []
    try:
        for chunk in model.stream(list(messages)):
            text = chunk.content if isinstance(chunk.content, str) else ""
            if text:
                parts.append(text)
                yield text
    except GeneratorExit:
        raise
    except Exception as exc:  # noqa: BLE001 - every backend failure becomes a BackendError
        error = classify(exc, "".join(parts))
        log.warning("model call failed: %s (%s)", error.kind, type(exc).__name__)
        raise error from exc


def complete_text(model, messages: Sequence[BaseMessage]) -> str:
    """Whole reply as one string (same error mapping as `stream_text`)."""
    return "".join(stream_text(model, messages))
