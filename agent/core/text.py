"""Plain text from what users paste: markup never changes a verdict, and sentences split the same everywhere."""

from __future__ import annotations

import html
import re
from pathlib import Path

from agent.core.errors import ConfigError

_TAG = re.compile(r"<\s*/?\s*[A-Za-z][^<>]{0,200}>")
_SCRIPT = re.compile(r"<\s*(script|style)\b[^>]*>.*?<\s*/\s*\1\s*>", re.IGNORECASE | re.DOTALL)
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\u2060\ufeff]")
_MD_EMPHASIS = re.compile(r"(\*\*|__|`+)(?=\S)(.+?)(?<=\S)\1")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[\"'“‘(]?[A-Za-z0-9])|\s*\n+\s*|\s+[-\u2013\u2014]\s+(?=[a-z])")
_ABBREVIATION = re.compile(r"\b(?:Dr|Drs|Mr|Mrs|Ms|Prof|St|vs|e\.g|i\.e|approx|no)\.$", re.IGNORECASE)


def compile_rule(pattern: str, where: str, source: str | Path, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """Compile one pattern from a rules file; a bad one is a :class:`ConfigError` naming the file and the place.

    Raises:
        ConfigError: the pattern does not compile.
    """
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise ConfigError(f"{source}: {where} does not compile ({exc}); fix the regex") from exc


def plain_text(text: str) -> str:
    """Text as a reader sees it: HTML tags and entities, Markdown emphasis, ANSI codes and invisible
    characters removed, whitespace collapsed."""
    text = str(text or "").encode("utf-8", "replace").decode("utf-8")
    text = _SCRIPT.sub(" ", text)
    text = _TAG.sub(" ", text)
    text = html.unescape(text)
    text = _ANSI.sub("", text)
    text = _CONTROL.sub("", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    return " ".join(text.split())


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences (or line-separated fragments) in ``text``, in order.

    Spans index into ``text`` itself, so a span can be quoted back as the user's own words.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if _ABBREVIATION.search(text[start:match.start()]):
            continue
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    out = []
    for a, b in spans:
        piece = text[a:b]
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece.rstrip())
        if piece.strip():
            out.append((a + lead, a + trail))
    return out
