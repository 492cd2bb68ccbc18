"""The chat: one conversation with the MentorPrep agent, where every capability's result shows inline.

The user talks; :class:`agent.conversation.Conversation` works out what they want and runs the tool; this
view streams the reply and renders each tool's result (chart, rewrites with Keep buttons, the persona under
its own name and avatar, the debrief, the prep sheet with downloads, the editable note). Everything is saved
as it is made, so a refresh or a restart shows the same conversation.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from agent.conversation import Conversation, StoreMemory, open_conversation, starter_buttons, welcome
from agent.core import BackendError, InputError, find_identifiers, privacy_warning
from views import results
from views.account import turn_allowed
from views.common import check_input, escape_md, show_backend_error
from views.context import AppContext

PARTIAL_MARK = "\n\n*(partial reply - the model stopped before finishing)*"
SEND_KEY = "chat-send"  # a message queued by a button: {"message", "intent"}
DRAFT_KEY = "chat-too-long"


def render(ctx: AppContext) -> None:
    """Draw the conversation so far, then handle a new message (typed or from a button)."""
    memory = StoreMemory(ctx.store, ctx.user_id, ctx.session_id)
    state = memory.load_state()
    history = memory.messages()
    if not history:
        _welcome()
    for message in history:
        _show(ctx, memory, message, state, last=message is history[-1])
    _save_mentor_offer(ctx, memory)
    _too_long_box()
    queued = st.session_state.pop(SEND_KEY, None)
    typed = st.chat_input("Tell me about your meeting, ask a question, paste your questions…")
    if queued:
        _respond(ctx, memory, queued["message"], queued.get("intent"))
    elif typed is not None:
        _respond(ctx, memory, typed, None)


def send(message: str, intent: str | None = None) -> None:
    """Queue a message (from a suggestion or choice button) for the next run."""
    st.session_state[SEND_KEY] = {"message": message, "intent": intent}


def _welcome() -> None:
    with st.chat_message("assistant"):
        st.markdown(welcome())
        _buttons(starter_buttons(), key="welcome")


def _respond(ctx: AppContext, memory: StoreMemory, message: str, intent: str | None) -> None:
    text, problem = check_input(message)
    if problem:
        if text:  # too long: keep it, editable, and say so
            st.session_state[DRAFT_KEY] = text
            st.rerun()
        st.warning(problem)
        return
    refused = turn_allowed(ctx)
    if refused:  # over the rate limit: say so and keep the message, one click from sending again
        with st.chat_message("user"):
            st.markdown(escape_md(text))
        st.warning(refused)
        st.button("Send it again", key="chat-rate-retry", on_click=send, args=(text, intent))
        return
    findings = find_identifiers(text)
    if findings:
        st.warning(privacy_warning(findings, redacting=ctx.settings.redact_remote))
    with st.chat_message("user"):
        st.markdown(escape_md(text))
    conversation = _conversation(ctx, memory)
    pieces: list[str] = []
    with st.chat_message("assistant"):
        try:
            reply = conversation.respond(text, intent=intent)
            st.write_stream(_tee(reply.stream, pieces))
        except InputError as exc:
            st.warning(str(exc))
            return
        except BackendError as error:
            _save_failed_turn(memory, conversation, text, "".join(pieces) or error.partial, error)
            show_backend_error(error, key="chat")
            return
    _title_session(ctx, text)
    st.rerun()  # redraw from the store: results get their widgets, the sidebar its new title


def _conversation(ctx: AppContext, memory: StoreMemory) -> Conversation:
    return open_conversation(memory, ctx.model, retriever=ctx.retriever, citer=ctx.citer, embed=ctx.embed)


def _tee(stream: Any, parts: list[str]):
    for piece in stream or ():
        parts.append(piece)
        yield piece


def _save_failed_turn(memory: StoreMemory, conversation: Conversation, text: str, partial: str,
                      error: BackendError) -> None:
    """Nothing typed is lost: the message is saved, and any partial reply marked partial, with a retry."""
    store = memory.store
    store.add_message(memory.session_id, "user", text, kind="chat", user_id=memory.user_id)
    store.add_message(memory.session_id, "assistant", partial, kind="chat", partial=True,
                      meta={"error": error.user_message(), "retry": text}, user_id=memory.user_id)
    memory.save_state(conversation.state)


def _title_session(ctx: AppContext, text: str) -> None:
    session = ctx.store.get_session(ctx.session_id, user_id=ctx.user_id)
    if session and session["title"] in ("New session", "Untitled session"):
        ctx.store.rename_session(ctx.session_id, text[:60], user_id=ctx.user_id)


# ---- drawing saved turns -------------------------------------------------------------------------------------

def _show(ctx: AppContext, memory: StoreMemory, message: dict[str, Any], state: Any, *, last: bool) -> None:
    meta = message.get("meta") or {}
    if message["role"] == "user":
        with st.chat_message("user"):
            st.markdown(escape_md(message["content"]))
        return
    result_list = meta.get("results") or []
    final = result_list[-1] if result_list else {}
    is_persona = final.get("kind") == "persona"
    name, avatar = ((final.get("data") or {}).get("persona", {}).get("name", "Persona"), results.PERSONA_AVATAR) \
        if is_persona else ("assistant", None)
    with st.chat_message(name, avatar=avatar):
        if is_persona:
            results.persona_line(final.get("data") or {}, message["content"])
        elif message["content"]:
            st.markdown(message["content"] + (PARTIAL_MARK if message["partial"] else ""))
        if meta.get("error"):
            st.caption(f"⚠️ {meta['error']}")
            if st.button("Retry the last message", key=f"retry-{message['id']}"):
                send(meta.get("retry", ""))
                st.rerun()
        for i, result in enumerate(result_list):
            _result(ctx, memory, result, key=f"m{message['id']}-{i}", state=state)
        buttons = meta.get("buttons") or []
        if buttons and last:  # suggestions are for the next message only
            _buttons(buttons, key=f"b{message['id']}")


def _result(ctx: AppContext, memory: StoreMemory, result: dict[str, Any], *, key: str, state: Any) -> None:
    kind, data = result.get("kind"), result.get("data") or {}
    if kind == "guidance":
        results.guidance(data)
    elif kind == "reading":
        results.reading(data, key=key)
    elif kind == "critiques":
        results.critiques(data, key=key, keep=lambda text, c: _keep(memory, text, c))
    elif kind == "debrief":
        results.debrief(data)
    elif kind == "prep_sheet":
        results.prep_sheet(data, key=key)
    elif kind == "follow_up":
        current = (state.follow_up or {}).get("note") if state.follow_up else None
        results.follow_up(data, key=key, current=current, save=lambda note: _save_note(memory, note))


def _buttons(buttons: list[dict[str, str]], *, key: str) -> None:
    cols = st.columns(min(len(buttons), 4) or 1)
    for i, button in enumerate(buttons):
        if cols[i % len(cols)].button(button["label"], key=f"{key}-{i}"):
            send(button.get("message", button["label"]), button.get("intent"))
            st.rerun()


def _keep(memory: StoreMemory, text: str, critique: dict[str, Any]) -> None:
    state = memory.load_state()
    if text not in state.kept_questions:
        state.kept_questions.append(text)
        memory.save_state(state)
    memory.keep_question(text, critique.get("verdict", "strong"), float(critique.get("score", 0) or 0))
    st.toast("Kept for the meeting - it goes on your prep sheet.")


def _save_note(memory: StoreMemory, note: str) -> None:
    state = memory.load_state()
    state.follow_up = {**(state.follow_up or {}), "note": note, "edited": True}
    memory.save_state(state)


def _save_mentor_offer(ctx: AppContext, memory: StoreMemory) -> None:
    """Once the chat knows who the meeting is with, offer to save them to the user's mentors."""
    state = memory.load_state()
    mentor = state.mentor
    if not mentor.name or mentor.mentor_id:
        return
    if st.button(f"Save {mentor.name} to my mentors", key="save-mentor"):
        state.mentor.mentor_id = memory.save_mentor(mentor, state.reading)
        memory.save_state(state)
        st.toast(f"Saved {mentor.name} to your mentors.")
        st.rerun()


def _too_long_box() -> None:
    """A message over the limit stays here, editable, instead of being emptied."""
    draft = st.session_state.get(DRAFT_KEY)
    if not draft:
        return
    from views.common import MAX_INPUT_CHARS

    st.warning(f"That message is {len(draft):,} characters; the limit is {MAX_INPUT_CHARS:,}. It is kept below - "
               "shorten it, then send it.")
    edited = st.text_area("Your message", value=draft, height=200, key="chat-too-long-box")
    cols = st.columns(2)
    if cols[0].button("Send", key="chat-too-long-send"):
        st.session_state[DRAFT_KEY] = edited
        if len(edited) <= MAX_INPUT_CHARS:
            st.session_state.pop(DRAFT_KEY, None)
            send(edited)
        st.rerun()
    if cols[1].button("Discard", key="chat-too-long-discard"):
        st.session_state.pop(DRAFT_KEY, None)
        st.rerun()
