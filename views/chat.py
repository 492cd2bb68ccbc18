"""Prep chat: grounded answers streamed token by token, with sources; work survives reruns and restarts."""

from __future__ import annotations

from collections.abc import Iterator

import streamlit as st

from agent.core import BackendError, find_identifiers, privacy_warning
from agent.questions import drafted_question
from views.common import check_input, escape_md, show_backend_error, show_citations
from views.context import AppContext
from views.questions import render_inline

PARTIAL_MARK = "\n\n*(partial reply - the model stopped before finishing)*"


def render(ctx: AppContext) -> None:
    """Draw the chat history and handle a new message."""
    st.header("Prep chat")
    st.caption("Ask how to prepare for a meeting with a senior doctor. Answers come from the curated guidance, "
               "with numbered sources.")
    _question_checker(ctx)
    history = ctx.store.list_messages(ctx.session_id, kind="chat")
    drafted = _last_drafted(history)
    for message in history:
        _show(message)
        if drafted and message["id"] == drafted[0]:
            with st.expander("Sharpen the question you drafted", expanded=True):
                render_inline(ctx, drafted[1])
    pending = _unanswered(history)
    if pending is not None and st.button("Retry the last message", key="retry"):
        _answer(ctx, pending["content"], history[:-1])
    prompt = st.chat_input("Ask about preparing for your meeting…")
    if prompt is None:
        return
    text, problem = check_input(prompt)
    if problem:
        st.warning(problem)
        if text:
            st.code(text[:200_000], language=None)
        return
    findings = find_identifiers(text)
    if findings:
        st.warning(privacy_warning(findings, redacting=ctx.settings.redact_remote))
    ctx.store.add_message(ctx.session_id, "user", text)
    with st.chat_message("user"):
        st.markdown(escape_md(text))
    answered = _answer(ctx, text, history)
    if answered and (drafted_question(text) or not history):
        # Redraw from the store: the sidebar shows the new title, and an inline critique gets live buttons.
        st.rerun()


def _question_checker(ctx: AppContext) -> None:
    """A box to check a question you plan to ask, without leaving the chat."""
    with st.expander("✏️ Check a question you plan to ask"):
        draft = st.text_input("Your question", key="chat-draft", max_chars=1000,
                              placeholder="e.g. How did you decide between fellowship and practice?")
        text, problem = check_input(draft, limit=1000)
        if draft and problem:
            st.caption(problem)
        elif text:
            render_inline(ctx, text)


def _last_drafted(history: list[dict]) -> tuple[int, str] | None:
    """(message id, question) for the latest user message that drafts a question for the mentor."""
    for message in reversed(history):
        if message["role"] == "user":
            question = drafted_question(message["content"])
            return (message["id"], question) if question else None
    return None


def _show(message: dict) -> None:
    role = "user" if message["role"] == "user" else "assistant"
    with st.chat_message(role):
        if role == "user":
            st.markdown(escape_md(message["content"]))
            return
        if message["content"]:
            st.markdown(message["content"] + (PARTIAL_MARK if message["partial"] else ""))
        meta = message.get("meta") or {}
        if meta.get("error"):
            st.caption(f"⚠️ {meta['error']}")
        show_citations(meta.get("citations", []))


def _unanswered(history: list[dict]) -> dict | None:
    """The last user message when no complete reply follows it (e.g. after a backend failure)."""
    if history and history[-1]["role"] == "user":
        return history[-1]
    if len(history) >= 2 and history[-1]["partial"] and history[-2]["role"] == "user":
        return history[-2]
    return None


def _answer(ctx: AppContext, question: str, history: list[dict]) -> bool:
    """Stream an answer, save it (marked partial if the backend failed mid-way) and show its sources."""
    from agent.guidance import start_answer

    profile = ctx.store.get_profile(ctx.user_id)
    retriever = ctx.retriever or ctx.citer
    pieces: list[str] = []

    def tee(stream: Iterator[str]) -> Iterator[str]:
        for piece in stream:
            pieces.append(piece)
            yield piece

    with st.chat_message("assistant"):
        try:
            turns = [{"role": m["role"], "content": m["content"]} for m in history if not m["partial"]]
            answer = start_answer(question, retriever, ctx.model, profile=profile, history=turns)
            st.write_stream(tee(answer.stream))
            citations = answer.citations_dicts()
            ctx.store.add_message(ctx.session_id, "assistant", "".join(pieces), meta={"citations": citations})
            show_citations(citations)
            return True
        except BackendError as error:
            partial = "".join(pieces) or error.partial
            if partial:
                st.caption(PARTIAL_MARK.strip())
            ctx.store.add_message(ctx.session_id, "assistant", partial, partial=True,
                                  meta={"error": error.user_message(), "kind": error.kind})
            show_backend_error(error, key="chat")
            return False
