"""What every view receives: settings, store, model and retrievers, plus who and which session."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models import BaseChatModel

from agent.core import Settings, Store
from retrieval import Citer, Retriever


@dataclass
class AppContext:
    """Per-run context handed to each view's ``render(ctx)``.

    Attributes:
        settings: resolved settings.
        store: persistence.
        model: the active LangChain chat model.
        retriever: hybrid retriever, or None while the knowledge index is not built.
        citer: a retriever that always works (keyword search when the index is missing), for citations.
        session_id: the open session.
        user_id: who is signed in (``local`` when sign-in is off).
        embed: the sentence embedder (for the chat's router), or None to route by rules alone.
    """

    settings: Settings
    store: Store
    model: BaseChatModel
    retriever: Retriever | None
    citer: Citer | None
    session_id: str
    user_id: str
    embed: Callable[[Sequence[str]], Any] | None = None

    @property
    def profile(self) -> dict[str, str]:
        """The user's saved profile."""
        return self.store.get_profile(self.user_id)
