"""Errors that reach the user carry a message that says what to do next."""

from __future__ import annotations


class MentorPrepError(Exception):
    """Base class for every error MentorPrep raises on purpose."""


class ConfigError(MentorPrepError):
    """A setting is missing or wrong; the message tells the user how to fix it."""


class InputError(MentorPrepError):
    """The user's input cannot be used as given (empty, too long, malformed)."""


class BackendError(MentorPrepError):
    """The chat model backend failed at run time.

    Attributes:
        kind: one of ``unreachable``, ``timeout``, ``auth``, ``rate_limit``, ``server``, ``bad_response``.
        hint: the next step for the user.
        retry_after: seconds the server asked us to wait, when it said.
        partial: text already streamed before the failure, if any.
    """

    def __init__(
        self,
        message: str,
        *,
        kind: str = "server",
        hint: str = "",
        retry_after: float | None = None,
        partial: str = "",
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.hint = hint
        self.retry_after = retry_after
        self.partial = partial

    def user_message(self) -> str:
        """One paragraph for the chat: what happened and what to do."""
        text = str(self)
        if self.hint:
            text = f"{text} {self.hint}"
        return text
