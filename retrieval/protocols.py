"""What the capabilities need from a search backend, as Protocols: any object with these methods will do.

``KeywordRetriever`` (BM25 only, no index) and ``HybridRetriever`` (Chroma + BM25) both satisfy them, and so do
the small stand-ins the tests write.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from retrieval.search import Passage


@runtime_checkable
class Citer(Protocol):
    """Finds knowledge passages to cite beside a verdict (a role reading, a critique, a prep sheet)."""

    def search(self, query: str, k: int = 3, *, role: str | None = None, stage: str | None = None,
               topic: str | None = None) -> list[Passage]:
        """The ``k`` best passages for ``query``, optionally filtered by role, stage or topic."""
        ...


@runtime_checkable
class Retriever(Citer, Protocol):
    """A searchable knowledge base that can say whether it is ready to answer from."""

    def is_ready(self) -> bool:
        """True when searching will find passages (the index or the knowledge files are there)."""
        ...


@runtime_checkable
class Embeds(Protocol):
    """A retriever that can also embed text, so answers can pick sentences by meaning."""

    def embed(self, texts: Sequence[str]) -> Any:
        """One vector per text."""
        ...
