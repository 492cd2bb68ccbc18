"""Rehearse: set up a persona, talk, guess their role, then see the scorecard. State survives reruns."""

from __future__ import annotations

import random
import re

import streamlit as st

from agent.core import ROLES, MentorPrepError, find_identifiers, privacy_warning
from agent.rehearsal import (
    AVAILABILITY,
    MEETINGS,
    PRESETS,
    SPECIALTIES,
    Rehearsal,
    build_persona,
    coach_note,
    end_rehearsal,
    start_rehearsal,
    stream_persona_turn,
    surprise_me,
)
from views.common import check_input, escape_md
from views.context import AppContext

STATE_KIND = "rehearsal_state"
DEBRIEF_KIND = "rehearsal_debrief"
ROLE_HINTS = {
    "mentor": "mentor: invested in you as a person, in it for the long run",
    "coach": "coach: works on one skill with feedback and practice",
    "sponsor": "sponsor: spends their influence on you (nominates, vouches)",
    "connector": "connector: points you to other people and introduces you",
}
_STAGE = re.compile(r"(?<!\*)\*([a-z][^*\n]{1,80})\*(?!\*)")  # the persona's own *stage directions*


def render(ctx: AppContext) -> None:
    """The rehearsal page: setup, meeting, role guess and debrief."""
    st.header("Rehearse a meeting")
    key = f"rehearsal:{ctx.session_id}"
    if key not in st.session_state:
        st.session_state[key] = _load(ctx)
    data = st.session_state[key]
    if not data:
        _setup(ctx, key)
        return
    state = Rehearsal.from_dict(data["state"])
    _header(state)
    if data["phase"] == "done":
        _transcript(state, show_coaching=True)
        _debrief(data["debrief"])
        _again(ctx, key, state)
        return
    _transcript(state, show_coaching=st.session_state.get("reh-coaching", True))
    if data["phase"] == "guess":
        _guess(ctx, key, state)
        return
    _meeting(ctx, key, state)


# ---- persistence ---------------------------------------------------------------------------------
def _load(ctx: AppContext) -> dict | None:
    saved = ctx.store.get_artifacts(ctx.session_id, STATE_KIND, user_id=ctx.user_id)
    return (saved[-1]["data"] or None) if saved else None


def _save(ctx: AppContext, key: str, state: Rehearsal, phase: str, debrief: dict | None = None) -> None:
    data = {"state": state.to_dict(), "phase": phase, "debrief": debrief}
    st.session_state[key] = data
    ctx.store.save_artifact(ctx.session_id, STATE_KIND, data, user_id=ctx.user_id)


def _log(ctx: AppContext, role: str, text: str, meta: dict) -> None:
    ctx.store.add_message(ctx.session_id, role, text, kind="rehearsal", meta=meta, user_id=ctx.user_id)


# ---- setup ---------------------------------------------------------------------------------------
def _label(pid: str) -> str:
    p = PRESETS[pid]
    return f"{p.name}: {p.title}, {p.seniority}, {AVAILABILITY[p.availability]}"


def _setup(ctx: AppContext, key: str) -> None:
    st.caption("Practise a first meeting. The persona has a hidden role (mentor, coach, sponsor or "
               "connector) that shows only in what they do. At the end, guess the role and get a scorecard.")
    how = st.radio("Who do you want to meet?", ["A preset", "Build your own", "Surprise me"], horizontal=True,
                   key="reh-how")
    with st.form("reh-setup"):
        if how == "A preset":
            pid = st.selectbox("Persona", list(PRESETS), format_func=_label, key="reh-preset")
        elif how == "Build your own":
            name = st.text_input("Name", "Dr. Ana Ruiz", max_chars=60)
            specialty = st.selectbox("Specialty", sorted(SPECIALTIES))
            seniority = st.text_input("Seniority", "senior attending", max_chars=60)
            years = st.number_input("Years in practice", 1, 50, 15)
            availability = st.radio("Time available", list(AVAILABILITY), format_func=AVAILABILITY.get)
            temperament = st.text_input("Temperament", "warm", max_chars=60)
            role = st.selectbox("Hidden role", ["random", *ROLES])
        seed = st.number_input("Seed (same seed, same meeting)", 0, 10**6, random.randrange(1000))
        meeting = st.selectbox("Meeting type", list(MEETINGS), format_func=MEETINGS.get)
        goal = st.text_area("Your goal for this meeting", max_chars=500,
                            placeholder="e.g. find out whether nephrology fits someone who loves teaching")
        started = st.form_submit_button("Start the meeting", type="primary")
    if not started:
        return
    try:
        if how == "A preset":
            persona = PRESETS[pid]
        elif how == "Surprise me":
            persona = surprise_me(int(seed))
        else:
            chosen = random.Random(int(seed)).choice(ROLES) if role == "random" else role
            persona = build_persona(name=name, specialty=specialty, role=chosen, availability=availability,
                                    seniority=seniority, years=int(years), temperament=temperament)
        state = start_rehearsal(persona, meeting, goal, int(seed))
    except MentorPrepError as exc:
        st.warning(str(exc))
        return
    _save(ctx, key, state, "chat")
    _log(ctx, "persona", state.turns[0].text, {"beat": "open", "persona": persona.public_dict()})
    st.rerun()


# ---- meeting -------------------------------------------------------------------------------------
def _header(state: Rehearsal) -> None:
    p = state.persona
    st.caption(f"**{escape_md(p.name)}**, {escape_md(p.title)} ({escape_md(p.seniority)}, {p.years} years) "
               "at "
               f"{escape_md(p.hospital)} · {AVAILABILITY[p.availability]} · {MEETINGS[state.meeting]}"
               + (f" · goal: {escape_md(state.goal)}" if state.goal else ""))


def _persona_md(text: str) -> str:
    """Persona lines may echo the user's words: escape everything, keep *stage directions* in italics."""
    parts = _STAGE.split(text)
    return "".join(f"_{escape_md(p)}_" if i % 2 else escape_md(p) for i, p in enumerate(parts))


def _transcript(state: Rehearsal, *, show_coaching: bool) -> None:
    for i, turn in enumerate(state.turns):
        if turn.speaker == "persona":
            with st.chat_message("assistant", avatar="🩺"):
                st.markdown(_persona_md(turn.text))
            continue
        with st.chat_message("user"):
            st.markdown(escape_md(turn.text))
            if show_coaching and turn.coaching:
                _coaching(turn.coaching, i)


def _coaching(note: dict, index: int) -> None:
    for q in note.get("questions", []):
        if q["verdict"] == "strong":
            st.caption(f"✓ Strong question: {escape_md(q['question'])}")
        elif q["verdict"] == "takes_up_offer":
            st.caption(f"✓ Takes up what they offered: {escape_md(q['question'])}")
        else:
            better = f" Try: “{escape_md(q['rewrite'])}”" if q.get("rewrite") else ""
            st.caption(f"⚠ {', '.join(q['flags']) or q['verdict']}: {escape_md(q['question'])}.{better}")
    if note.get("tip"):
        src = note.get("source") or {}
        where = " - ".join(escape_md(x) for x in (src.get("title"), src.get("heading")) if x)
        cite = f" (see {where})" if where else ""
        st.caption(f"💡 {escape_md(note['tip'])}{cite}")


def _meeting(ctx: AppContext, key: str, state: Rehearsal) -> None:
    cols = st.columns([1, 1, 2])
    cols[0].toggle("Live coaching", value=True, key="reh-coaching")
    if cols[1].button("End meeting", key="reh-end", type="primary" if state.closed else "secondary"):
        _save(ctx, key, state, "guess")
        st.rerun()
    if state.closed:
        st.info("The meeting has wrapped up. Press **End meeting** to guess their role and see your "
                "scorecard.")
    said = st.chat_input("Say something to the persona…", key="reh-input")
    if said is None:
        return
    text, problem = check_input(said, limit=2000)
    if problem:
        st.warning(problem)
        return
    findings = find_identifiers(text)
    if findings:
        st.warning(privacy_warning(findings, redacting=ctx.settings.redact_remote))
    with st.chat_message("user"):
        st.markdown(escape_md(text))
    with st.chat_message("assistant", avatar="🩺"):
        st.write_stream(stream_persona_turn(state, text, model=ctx.model))
    user_index = len(state.turns) - 2
    if st.session_state.get("reh-coaching", True):
        try:
            note = coach_note(text, state, ctx.citer)
        except MentorPrepError:
            note = None
        state.turns[user_index].coaching = note.to_dict() if note else None
    reply = state.turns[-1]
    _log(ctx, "user", text, {"coaching": state.turns[user_index].coaching})
    _log(ctx, "persona", reply.text, {"beat": reply.beat})
    _save(ctx, key, state, "chat")
    st.rerun()


# ---- guess and debrief ---------------------------------------------------------------------------
def _guess(ctx: AppContext, key: str, state: Rehearsal) -> None:
    st.subheader(f"Which role was {escape_md(state.persona.name)} playing?")
    guess = st.radio("Your guess", ROLES, format_func=ROLE_HINTS.get, key="reh-guess")
    if st.button("Reveal and score", key="reh-reveal", type="primary"):
        debrief = end_rehearsal(state, guess, citer=ctx.citer).to_dict()
        transcript = [t.to_dict() for t in state.turns]
        ctx.store.save_artifact(ctx.session_id, DEBRIEF_KIND, {"transcript": transcript, "debrief": debrief},
                                user_id=ctx.user_id)
        _log(ctx, "coach", f"Debrief: {debrief['score']} - {debrief['reveal']}", {"debrief": debrief})
        _save(ctx, key, state, "done", debrief)
        st.rerun()


def _debrief(data: dict) -> None:
    st.subheader(f"Debrief · {data['score']}")
    verdict = "You read them right." if data["correct"] else f"You guessed {data['guess'] or 'nothing'}."
    (st.success if data["correct"] else st.error)(f"{verdict} {escape_md(data['reveal'])}")
    for e in data["role_evidence"]:
        st.caption(f"Turn {e['turn']}: “{escape_md(e['quote'])}”")
    for check in data["checks"]:
        st.markdown(f"{'✅' if check['passed'] else '❌'} **{check['label']}** - {escape_md(check['why'])}")
        for e in check["evidence"]:
            who = "you" if e["speaker"] == "user" else "them"
            st.caption(f"Turn {e['turn']} ({who}): “{escape_md(e['quote'])}”")
    st.markdown("**Things to do differently**")
    for item in data["improvements"]:
        st.markdown(f"- {escape_md(item['text'])}")
        src = item.get("source")
        if src:
            cite = f" · {escape_md(src['citation'])}" if src.get("citation") else ""
            where = " - ".join(escape_md(x) for x in (src.get("title"), src.get("heading")) if x)
            st.caption(f"Source: {where} (`{src['source_path']}`){cite}")


def _again(ctx: AppContext, key: str, state: Rehearsal) -> None:
    cols = st.columns(2)
    if cols[0].button("Rehearse again with the same persona", key="reh-again", type="primary"):
        fresh = start_rehearsal(state.persona, state.meeting, state.goal, state.seed + 1)
        _save(ctx, key, fresh, "chat")
        _log(ctx, "persona", fresh.turns[0].text, {"beat": "open", "again": True})
        st.rerun()
    if cols[1].button("New rehearsal", key="reh-new"):
        st.session_state[key] = None
        ctx.store.save_artifact(ctx.session_id, STATE_KIND, {}, user_id=ctx.user_id)
        st.rerun()
