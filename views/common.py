"""Small UI helpers shared by views: safe rendering of user text, input checks, error display."""

from __future__ import annotations

import html
import re

import streamlit as st

from agent.core import BackendError

MAX_INPUT_CHARS = 8000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028-\u202e\ufeff]")
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
# Inline Markdown syntax, plus ':' and '@' so typed URLs and emails are never auto-linked.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>~$:@])")
# Block syntax only matters at the start of a line: list markers, and lines that would underline a heading.
_MD_LINE_START = re.compile(r"^(\s*)(\d+)([.)])|^(\s*)([-=])", re.MULTILINE)
_WWW = re.compile(r"\b(www)\.", re.IGNORECASE)


def clean_text(text: str | None) -> str:
    """Drop control characters and unpaired surrogates; keep ordinary whitespace."""
    if not text:
        return ""
    text = text.encode("utf-8", "replace").decode("utf-8")
    return _CONTROL.sub("", _ANSI.sub("", text)).strip()


def check_input(text: str | None, *, limit: int = MAX_INPUT_CHARS) -> tuple[str, str | None]:
    """Return (cleaned text, problem). A problem is a clear message; the caller keeps the raw text."""
    cleaned = clean_text(text)
    if not cleaned:
        return "", "That message was empty - type a question or some notes first."
    if len(cleaned) > limit:
        return cleaned, (f"That text is {len(cleaned):,} characters; the limit is {limit:,}. "
                         "Nothing was sent - shorten it and try again; your text is kept.")
    return cleaned, None


def escape_md(text: str) -> str:
    """Escape Markdown and HTML so user text renders literally in st.markdown."""
    return _escape_blocks(_MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False)))


def escape_label(text: str) -> str:
    """Escape Markdown in a widget label (labels render Markdown but never HTML)."""
    return _escape_blocks(_MD_SPECIAL.sub(r"\\\1", text))


def _escape_blocks(text: str) -> str:
    def line_start(match: re.Match) -> str:
        if match.group(2) is not None:
            return f"{match.group(1)}{match.group(2)}\\{match.group(3)}"
        return f"{match.group(4)}\\{match.group(5)}"

    return _WWW.sub(r"\1\\.", _MD_LINE_START.sub(line_start, text))


def _use_embedded() -> None:
    st.session_state["model_spec"] = "local"


def show_backend_error(error: BackendError, key: str) -> None:
    """Explain a backend failure with the next step and offer the embedded model."""
    st.error(error.user_message(), icon="⚠️")
    if st.session_state.get("model_spec") != "local":
        # A callback, because the button is drawn only in the run that failed and its click reruns the script.
        st.button("Switch to the embedded model", key=f"switch-{key}", on_click=_use_embedded)


def show_citations(citations: list[dict], label: str = "Sources") -> None:
    """List cited passages in an expander."""
    if not citations:
        return
    with st.expander(f"{label} ({len(citations)})"):
        for c in citations:
            n = c.get("n")
            head = f"[{n}] " if n else ""
            st.markdown(f"**{head}{escape_md(c.get('title', ''))}** — {escape_md(c.get('heading', ''))}  \n"
                        f"`{c.get('source_path', '')}`")
            excerpt = c.get("text") or c.get("excerpt") or ""
            if excerpt:
                st.caption(excerpt[:600])
