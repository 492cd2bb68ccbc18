"""Sidebar: who is signed in, mode, backend and index status, saved sessions, the profile and "Your data"."""

from __future__ import annotations

import streamlit as st

from agent.core import LOCAL_USER, InputError, User, model_label
from agent.core import STAGES as VOCABULARY_STAGES
from views.account import render_signed_in, render_your_data
from views.common import clean_text, escape_label
from views.context import AppContext

STAGES = ["", *VOCABULARY_STAGES]


def open_session(session_id: str) -> None:
    """Make ``session_id`` this tab's session (state for reruns, URL for refreshes)."""
    st.session_state["session_id"] = session_id
    if st.query_params.get("session") != session_id:
        st.query_params["session"] = session_id


def render_sidebar(ctx: AppContext, spec: str, modes: list[str], config_problem: str | None,
                   user: User = LOCAL_USER) -> str:
    """Draw the sidebar and return the chosen mode."""
    with st.sidebar:
        st.title("🩺 MentorPrep")
        render_signed_in(user)
        current = st.query_params.get("mode", modes[0])
        mode = st.radio("Mode", modes, index=modes.index(current) if current in modes else 0, key="mode")
        st.query_params["mode"] = mode
        _backend(ctx, spec, config_problem)
        _sessions(ctx)
        render_your_data(ctx)
        _profile(ctx)  # last: its form's submit button is the sidebar's final button
    return mode


def _backend(ctx: AppContext, spec: str, config_problem: str | None) -> None:
    st.subheader("Model")
    label = ctx.settings.describe_backend() if spec == ctx.settings.model else "Embedded SmolLM2-135M-Instruct"
    st.caption(f"Backend: **{label}**  \nModel: `{model_label(ctx.model)}`")
    if config_problem:
        st.warning(config_problem)
    if spec != "local" and st.button("Use the embedded model", key="use-local"):
        st.session_state["model_spec"] = "local"
        st.rerun()
    if spec == "local" and ctx.settings.model != "local" and st.button("Back to the configured model"):
        st.session_state["model_spec"] = ctx.settings.model
        st.rerun()
    if ctx.retriever is not None:
        status = ctx.retriever.status() if hasattr(ctx.retriever, "status") else {}
        st.caption(f"Knowledge index: ✅ ready ({status.get('chunks', '?')} passages)")
    else:
        st.caption("Knowledge index: ⏳ not built - run `make index` (keyword search is used meanwhile)")


def _sessions(ctx: AppContext) -> None:
    st.subheader("Sessions")
    sessions = ctx.store.list_sessions(ctx.user_id)
    if st.button("➕ New session", key="new-session"):
        open_session(ctx.store.create_session(ctx.user_id))
        st.rerun()
    for session in sessions[:30]:
        current = session["id"] == ctx.session_id
        label = f"{'▶ ' if current else ''}{escape_label(session['title'])} ({session['message_count']})"
        if st.button(label, key=f"open-{session['id']}", type="primary" if current else "secondary",
                     width="stretch") and not current:
            open_session(session["id"])
            st.rerun()
    with st.expander("Rename or delete this session"):
        current = ctx.store.get_session(ctx.session_id) or {"title": ""}
        title = st.text_input("Title", value=current["title"], key=f"title-{ctx.session_id}")
        if st.button("Rename", key="rename"):
            ctx.store.rename_session(ctx.session_id, clean_text(title))
            st.rerun()
        if st.button("Delete this session", key="delete", type="secondary"):
            ctx.store.delete_session(ctx.session_id)
            st.session_state.pop("session_id", None)
            st.query_params.pop("session", None)
            st.rerun()


def _profile(ctx: AppContext) -> None:
    profile = ctx.store.get_profile(ctx.user_id)
    with st.expander("Your profile", expanded=not profile["name"]):
        with st.form("profile"):
            name = st.text_input("Name", value=profile["name"], key="profile-name")
            stage = st.selectbox("Career stage", STAGES, index=STAGES.index(profile["career_stage"])
                                 if profile["career_stage"] in STAGES else 0, key="profile-stage")
            specialty = st.text_input("Specialty or interest", value=profile["specialty"], key="profile-specialty")
            goals = st.text_area("Goals", value=profile["goals"], height=80, key="profile-goals")
            if st.form_submit_button("Save profile"):
                try:
                    ctx.store.save_profile(ctx.user_id, name=clean_text(name)[:200], career_stage=stage,
                                           specialty=clean_text(specialty)[:200], goals=clean_text(goals)[:2000])
                    st.success("Profile saved.")
                except InputError as exc:
                    st.error(str(exc))
