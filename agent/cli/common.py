"""Helpers shared by the CLI commands."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


def citer_for(settings: Any, *, purpose: str = "results") -> Any:
    """Keyword search over the knowledge files, used for citations; None (with a warning) when there are none.

    Keyword search needs no index build, so commands answer at once and cite the same passages the app does.
    """
    from retrieval.search import KeywordRetriever

    knowledge = Path(settings.knowledge_dir)
    if not knowledge.is_dir() or not any(knowledge.glob("*.md")):
        print(f"warning: no knowledge files in {knowledge}; {purpose} will have no citations "
              "(set MENTORPREP_KNOWLEDGE).", file=sys.stderr)
        return None
    return KeywordRetriever(knowledge)
