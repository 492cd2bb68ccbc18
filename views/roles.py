"""Read the room: describe what happened in a meeting; see which role the person seems to play, why, and
how to work with them. The reading is saved with the session and can be attached to a mentor."""

from __future__ import annotations

import html
from typing import Any

import streamlit as st

from agent.conversation import StoreMemory
from agent.core import ROLES, InputError
from agent.read_room import OBSERVED_BEHAVIOURS, read_room
from views.common import check_input, escape_md, show_citations
from views.context import AppContext

RESULT_KEY = "room_result"
KIND = "read_room"
COLOURS = {"mentor": "#cfe3ff", "coach": "#d4f5d0", "sponsor": "#ffe0b2", "connector": "#ead7ff",
           "high": "#fff2a8", "low": "#ffd3d3", "negated": "#e4e4e4"}
_LABELS = {"high": "more time/attention", "low": "less time/attention", "negated": "negated (not counted)"}
_BASIS = {"role": "No time or attention cues in the notes; this is a weak guess from the kind of help offered.",
          "none": "Nothing in the notes says how much time or attention they gave.", "cues": ""}


def render(ctx: AppContext) -> None:
    """The "Read the room" mode."""
    st.header("Read the room")
    st.caption("Describe what happened: what they asked, offered and did, and how much time they gave. "
               "MentorPrep points out the cues and suggests which role they are playing - mentor, coach, "
               "sponsor or connector - and how to work with it.")
    notes = st.text_area("What happened in the meeting?", key="room_notes", height=150,
                         placeholder="She only had fifteen minutes, but said she would recommend me for the "
                                     "leadership council...")
    st.caption("Anything else you noticed?")
    columns = st.columns(3)
    observed = [key for i, (key, label) in enumerate(OBSERVED_BEHAVIOURS.items())
                if columns[i % 3].checkbox(label, key=f"room_obs_{key}")]
    if st.button("Read the room", type="primary", key="room_go"):
        _run(ctx, notes, observed)
    result = st.session_state.get(RESULT_KEY)
    if not result or result.get("session") != ctx.session_id:
        result = _last_saved(ctx)
    if result:
        _show(ctx, result["notes"], result["reading"])


def _run(ctx: AppContext, notes: str, observed: list[str]) -> None:
    text, problem = check_input(notes)
    if problem and not (observed and not text):
        st.warning(problem if text else "Describe the meeting, or tick what you noticed, first.")
        return
    try:
        reading = read_room(text, observed, citer=ctx.citer).to_dict()
    except InputError as exc:
        st.warning(str(exc))
        return
    ctx.store.add_message(ctx.session_id, "user", text or "(no notes; ticked behaviours only)", kind=KIND,
                          user_id=ctx.user_id)
    ctx.store.add_message(ctx.session_id, "assistant", _summary(reading), kind=KIND, meta=reading,
                          user_id=ctx.user_id)
    st.session_state[RESULT_KEY] = {"session": ctx.session_id, "notes": text, "reading": reading}
    share_with_chat(ctx, reading | {"notes": text}, text)


def share_with_chat(ctx: AppContext, reading: dict[str, Any], notes: str) -> None:
    """A reading made here is the chat's latest reading too (and the other way round: see _last_saved)."""
    memory = StoreMemory(ctx.store, ctx.user_id, ctx.session_id)
    state = memory.load_state()
    state.reading, state.meeting_notes = reading, notes or state.meeting_notes
    memory.save_state(state)


def _last_saved(ctx: AppContext) -> dict[str, Any] | None:
    """The session's latest reading (made here or in the chat), so a reload shows it again."""
    shared = StoreMemory(ctx.store, ctx.user_id, ctx.session_id).load_state().reading
    if shared:
        return {"session": ctx.session_id, "notes": shared.get("notes", ""), "reading": shared}
    messages = ctx.store.list_messages(ctx.session_id, kind=KIND, user_id=ctx.user_id)
    for i in range(len(messages) - 1, 0, -1):
        if messages[i]["role"] == "assistant" and messages[i].get("meta") and messages[i - 1]["role"] == "user":
            return {"session": ctx.session_id, "notes": messages[i - 1]["content"], "reading": messages[i]["meta"]}
    return None


def _summary(reading: dict[str, Any]) -> str:
    if reading["role"] not in ROLES:
        return f"Role unclear from these notes; availability {reading['availability']}."
    return (f"Likely {reading['role']} (confidence {reading['confidence']:.0%}); "
            f"availability {reading['availability']}.")


def _show(ctx: AppContext, notes: str, reading: dict[str, Any]) -> None:
    st.divider()
    role, availability = reading["role"], reading["availability"]
    left, right = st.columns([3, 2])
    with left:
        if role in ROLES:
            st.subheader(f"Most likely: {role} ({reading['confidence']:.0%})")
        else:
            st.subheader("Role: unclear - no role cues in the notes")
        st.markdown(f"**Availability:** {availability}")
        if _BASIS.get(reading.get("availability_basis", "cues")):
            st.caption(_BASIS[reading["availability_basis"]])
        if notes:
            st.html(highlight_html(notes, reading["evidence"]))
            st.html(legend_html())
    with right:
        scores = reading["scores"]
        st.bar_chart({"role": list(scores), "probability": list(scores.values())}, x="role", y="probability",
                     horizontal=True, sort="-probability", height=200)
    if reading.get("tiebreak_question"):
        st.info(f"**{role.capitalize()} or {reading['runner_up']}?** Next time you could ask: "
                f"\"{escape_md(reading['tiebreak_question'])}\"")
    guidance = reading["guidance"]
    st.markdown(guidance["summary"])
    st.markdown("\n".join(f"- {tip}" for tip in guidance["how_to_work"]))
    st.caption(guidance["availability_tip"])
    show_citations(guidance.get("citations") or [], label="Sources")
    _attach_to_mentor(ctx, reading)


def highlight_html(notes: str, evidence: list[dict[str, Any]]) -> str:
    """The user's notes as safe HTML, with each evidence span wrapped in a coloured ``<mark>``.

    Where spans overlap, a role cue wins over an availability cue, and the stronger cue wins within a kind.
    """
    owner: list[dict[str, Any] | None] = [None] * len(notes)
    ranked = sorted(evidence, key=lambda e: (e["kind"] == "role", abs(e["weight"])))
    for e in ranked:  # later (stronger) spans overwrite earlier ones
        for i in range(max(0, e["start"]), min(len(notes), e["end"])):
            owner[i] = e
    parts, i = [], 0
    while i < len(notes):
        j = i
        while j < len(notes) and owner[j] is owner[i]:
            j += 1
        chunk = html.escape(notes[i:j])
        e = owner[i]
        if e is None:
            parts.append(chunk)
        else:
            key = "negated" if e["negated"] or e["weight"] < 0 else e["supports"]
            label = f"{e['cue'].replace('_', ' ')} -> {_LABELS.get(key, key)}"
            parts.append(f'<mark style="background:{COLOURS.get(key, "#eee")};padding:0 2px;border-radius:3px" '
                         f'title="{html.escape(label)}">{chunk}</mark>')
        i = j
    body = "".join(parts).replace("\n", "<br>")
    return f'<div style="line-height:1.7;font-size:1rem;white-space:normal">{body}</div>'


def legend_html() -> str:
    items = [f'<mark style="background:{c};padding:0 4px;border-radius:3px">{html.escape(_LABELS.get(k, k))}</mark>'
             for k, c in COLOURS.items()]
    return f'<div style="font-size:0.8rem;opacity:0.8">{" ".join(items)}</div>'


def _attach_to_mentor(ctx: AppContext, reading: dict[str, Any]) -> None:
    try:
        mentors = list(ctx.store.list_mentors(ctx.user_id))
    except Exception:  # noqa: BLE001 - a store without mentors simply hides the option
        mentors = []
    if not mentors:
        st.caption("Add the people you meet under \"Prep sheet & team\" to keep this reading with them.")
        return
    cols = st.columns([3, 2])
    names = {m["id"]: m["name"] for m in mentors}
    mentor_id = cols[0].selectbox("Keep this reading with", list(names), format_func=names.get, key="room_mentor")
    if cols[1].button("Save to their profile", key="room_attach"):
        ctx.store.update_mentor(mentor_id, role_estimate=reading, user_id=ctx.user_id)
        st.success(f"Saved as {names[mentor_id]}'s role estimate.")
