"""Sharpen questions: paste one or many planned questions, see them ranked with verdicts and rewrites,
and keep the best ones for the meeting."""

from __future__ import annotations

import hashlib
from typing import Any

import streamlit as st

from agent.core import ROLES, InputError
from agent.questions import judge, sharpen, sharpen_batch, split_questions
from views.common import check_input, escape_md, show_citations
from views.context import AppContext

MAX_QUESTIONS = 30
RESULTS_KEY = "sharpen_results"
_BADGES = {"strong": ":green-background[STRONG]", "too_open": ":orange-background[TOO OPEN]",
           "googleable": ":blue-background[GOOGLEABLE]", "pumping": ":red-background[PUMPING]"}
_FLAG_LABELS = {"too_open": "too open", "googleable": "googleable", "pumping": "pumping"}
_NO_MENTOR = "No particular mentor"
_UNKNOWN_ROLE = "Not sure yet"


def render(ctx: AppContext) -> None:
    """The "Sharpen questions" mode."""
    st.header("Sharpen questions")
    st.caption("Paste the questions you plan to ask: one, or a list (numbered, bulleted or one per line). Each "
               "gets a verdict, the reason with sources, and rewrites that fit your situation and the mentor.")
    mentor_id, context = _mentor_and_context(ctx)
    text = st.text_area("Your questions", key="sharpen_text", height=160,
                        placeholder="1. What advice do you have for me?\n2. How long is a cardiology fellowship?")
    if st.button("Sharpen", type="primary", key="sharpen_go"):
        _run(ctx, text, context)
    results = st.session_state.get(RESULTS_KEY) or []
    for rank, critique in enumerate(results, 1):
        _show_critique(ctx, critique, rank, mentor_id)
    _show_kept(ctx, mentor_id)


def render_inline(ctx: AppContext, text: str) -> None:
    """A compact critique of one drafted question (verdict, top rewrite, keep button) for the prep chat."""
    if not (text or "").strip():
        return
    context = _profile_context(ctx)
    try:
        critique = sharpen(text, context, citer=None, model=None, rewrites=1).to_dict()
    except InputError as exc:
        st.caption(str(exc))
        return
    key = _key("inline", critique["question"])
    st.markdown(f"{_BADGES[critique['verdict']]} score {critique['score']}  \n{escape_md(critique['question'])}")
    if critique["rewrites"]:
        top = critique["rewrites"][0]
        st.markdown(f"Try: {escape_md(top)}")
        if st.button("Keep this rewrite", key=f"{key}-keep-rewrite"):
            _keep(ctx, top, None)
    if not critique["flags"] and st.button("Keep my question", key=f"{key}-keep-own"):
        _keep(ctx, critique["question"], None, critique)


# ---- inputs ------------------------------------------------------------------------------------
def _profile_context(ctx: AppContext) -> dict[str, Any]:
    try:
        profile = ctx.store.get_profile(ctx.user_id) or {}
    except Exception:  # a missing profile must not block the critique
        profile = {}
    return {k: profile.get(k, "") for k in ("name", "career_stage", "specialty", "goals", "interests")}


def _mentor_and_context(ctx: AppContext) -> tuple[int | None, dict[str, Any]]:
    """Optional mentor and role selectors; returns (mentor id, context for the engine)."""
    context = _profile_context(ctx)
    mentors = _list_mentors(ctx)
    names = [_NO_MENTOR] + [m["name"] for m in mentors]
    cols = st.columns(3)
    chosen = cols[0].selectbox("Meeting with", names, key="sharpen_mentor")
    mentor = next((m for m in mentors if m["name"] == chosen), None)
    estimate = (mentor or {}).get("role_estimate") or {}
    guessed = estimate.get("role") if isinstance(estimate, dict) else None
    options = [_UNKNOWN_ROLE, *ROLES]
    role = cols[1].selectbox("Their likely role", options,
                             index=options.index(guessed) if guessed in ROLES else 0, key="sharpen_role",
                             help="Read the room suggests this from your meeting notes.")
    specialty = cols[2].text_input("Their specialty", value=(mentor or {}).get("specialty", ""),
                                   key="sharpen_mentor_specialty")
    context["mentor_role"] = "" if role == _UNKNOWN_ROLE else role
    context["mentor_specialty"] = specialty.strip()
    if not any(context.get(k) for k in ("career_stage", "specialty", "goals")):
        st.info("Add your stage, specialty and goals in the sidebar profile so rewrites fit your situation.")
    return (mentor or {}).get("id"), context


def _list_mentors(ctx: AppContext) -> list[dict[str, Any]]:
    try:
        return list(ctx.store.list_mentors(ctx.user_id))
    except Exception:  # older stores without mentors: the selector simply stays empty
        return []


def _run(ctx: AppContext, text: str, context: dict[str, Any]) -> None:
    cleaned, problem = check_input(text)
    if problem:
        st.warning(problem)
        return
    questions = split_questions(cleaned)
    if len(questions) > MAX_QUESTIONS:
        st.warning(f"Only the first {MAX_QUESTIONS} of {len(questions)} questions were checked.")
        questions = questions[:MAX_QUESTIONS]
    usable, skipped = [], []
    for q in questions:
        try:
            judge(q, context)
            usable.append(q)
        except InputError as exc:
            skipped.append(str(exc))
    for reason in skipped:
        st.warning(reason)
    with st.spinner("Checking your questions…"):
        ranked = sharpen_batch(usable, context, citer=ctx.citer, model=ctx.model)
    st.session_state[RESULTS_KEY] = [c.to_dict() for c in ranked]


# ---- output ------------------------------------------------------------------------------------
def _key(prefix: str, text: str) -> str:
    return f"{prefix}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:12]}"


def _show_critique(ctx: AppContext, c: dict[str, Any], rank: int, mentor_id: int | None) -> None:
    key = _key(f"q{rank}", c["question"])
    with st.container(border=True):
        st.markdown(f"**{rank}.** {_BADGES[c['verdict']]} score **{c['score']}**/100")
        st.markdown(escape_md(c["question"]))
        if c["flags"]:
            st.caption("Flags: " + ", ".join(_FLAG_LABELS[f] for f in c["flags"]))
        for code in c["notes"]:
            st.caption(f"Note: {c['note_messages'][code]}")
        st.markdown(escape_md(_explanation_without_sources(c["explanation"])))
        show_citations(c.get("citations", []))
        if not c["flags"] and st.button("Keep my question", key=f"{key}-own"):
            _keep(ctx, c["question"], mentor_id, c)
        if c["rewrites"]:
            st.markdown("**Rewrites**")
        for i, rewrite in enumerate(c["rewrites"]):
            cols = st.columns([6, 1])
            cols[0].markdown(escape_md(rewrite))
            if cols[1].button("Keep", key=f"{key}-rw{i}"):
                _keep(ctx, rewrite, mentor_id)


def _explanation_without_sources(text: str) -> str:
    """The sources are listed separately; drop the trailing "See: ..." sentence."""
    head, sep, _ = text.partition(" See: ")
    return head if sep else text


def _keep(ctx: AppContext, text: str, mentor_id: int | None, critique: dict[str, Any] | None = None) -> None:
    checked = critique or judge(text).to_dict()
    try:
        ctx.store.keep_question(ctx.user_id, text, verdict=checked["verdict"], score=checked["score"],
                                mentor_id=mentor_id)
    except InputError as exc:
        st.warning(str(exc))
        return
    st.toast("Kept for the meeting.")


def _show_kept(ctx: AppContext, mentor_id: int | None) -> None:
    try:
        kept = ctx.store.list_kept_questions(ctx.user_id, mentor_id)
    except Exception as exc:  # the kept list is a convenience; say why it is missing
        st.caption(f"Kept questions are unavailable: {exc}")
        return
    st.subheader(f"Kept for the meeting ({len(kept)})")
    if not kept:
        st.caption("Keep a question or a rewrite above and it appears here, best first.")
        return
    for item in kept:
        cols = st.columns([6, 1])
        verdict = item.get("verdict") or "strong"
        badge = _BADGES.get(verdict, "")
        cols[0].markdown(f"{badge} {escape_md(item['text'])}")
        if cols[1].button("Remove", key=f"kept-rm-{item['id']}"):
            ctx.store.remove_kept_question(item["id"], user_id=ctx.user_id)
            st.rerun()
