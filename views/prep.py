"""Prep sheet & team: keep a list of mentors and meetings, build a one-page prep sheet, log a meeting to
update the role estimate and draft the follow-up note, and see which roles and settings the team covers."""

from __future__ import annotations

import datetime as dt
import re

import streamlit as st

from agent.core import ROLES, SETTINGS_KINDS, InputError, is_capable
from agent.prep import build_prep_sheet, draft_follow_up, read_estimate, team_map, to_pdf, updated_estimate
from views.common import check_input, clean_text, escape_md
from views.context import AppContext

NEW_MEETING = "New meeting (today)"
NOT_SURE = "not sure yet"
NO_MEETING = "No meeting recorded"
SHEET_KEY, FOLLOW_UP_KEY, SELECT_KEY = "prep_sheet", "prep_follow_up", "prep_after_select"


def render(ctx: AppContext) -> None:
    """The "Prep sheet & team" mode: four tabs over the user's mentors."""
    st.header("Prep sheet & team")
    st.caption("Keep track of the senior doctors you meet, walk into each meeting with a one-page plan, "
               "and follow up well afterwards. Guidance is cited from the knowledge base.")
    mentors = [dict(m, meetings=ctx.store.list_meetings(m["id"])) for m in ctx.store.list_mentors(ctx.user_id)]
    tabs = st.tabs(["Mentors", "Prep sheet", "After the meeting", "Team map"])
    with tabs[0]:
        _mentors_tab(ctx, mentors)
    with tabs[1]:
        _sheet_tab(ctx, mentors)
    with tabs[2]:
        _after_tab(ctx, mentors)
    with tabs[3]:
        _team_tab(ctx, mentors)


def _role_line(mentor: dict) -> str:
    role, availability, _ = read_estimate(mentor.get("role_estimate"))
    if not role:
        return "role not read yet"
    return f"likely {role}" + (f", {availability} availability" if availability else "")


def _pick_mentor(mentors: list[dict], key: str) -> dict:
    ids = [m["id"] for m in mentors]
    names = {m["id"]: f"{m['name']} ({_role_line(m)})" for m in mentors}
    chosen = st.selectbox("Mentor", ids, format_func=names.get, key=key)
    return next(m for m in mentors if m["id"] == chosen)


# ---- Mentors ------------------------------------------------------------------------------------------
def _mentors_tab(ctx: AppContext, mentors: list[dict]) -> None:
    with st.form("prep-add-mentor", clear_on_submit=True):
        st.markdown("**Add a person you meet**")
        cols = st.columns([2, 2, 1])
        name = cols[0].text_input("Name", key="prep-new-name", placeholder="Dr. Ana Ruiz")
        specialty = cols[1].text_input("Specialty", key="prep-new-specialty")
        setting = cols[2].selectbox("Setting", SETTINGS_KINDS, key="prep-new-setting")
        notes = st.text_area("What you know about them", key="prep-new-notes", height=68)
        role = st.selectbox("Their role, if you already know it", [NOT_SURE, *ROLES], key="prep-new-role",
                            help="Otherwise log a meeting in “After the meeting” and it is read from your notes.")
        if st.form_submit_button("Add mentor", key="prep-add"):
            try:
                ctx.store.add_mentor(ctx.user_id, clean_text(name)[:200], specialty=clean_text(specialty)[:200],
                                     setting=setting, notes=clean_text(notes)[:4000],
                                     role_estimate=_chosen_role(role, None))
                st.rerun()
            except InputError as exc:
                st.error(str(exc))
    if not mentors:
        st.info("No mentors yet: add the first person you are meeting above.")
    for mentor in mentors:
        with st.expander(f"{escape_md(mentor['name'])} - {_role_line(mentor)}"):
            _edit_mentor(ctx, mentor)


def _chosen_role(choice: str, previous: dict | None) -> dict | None:
    """A role the user set by hand (keeping the last availability reading), or None for "not sure"."""
    if choice not in ROLES:
        return None
    _, availability, _ = read_estimate(previous)
    return {"role": choice, "availability": availability or "unclear", "basis": "set by you", "evidence": []}


def _edit_mentor(ctx: AppContext, mentor: dict) -> None:
    mid = mentor["id"]
    current, _, evidence = read_estimate(mentor.get("role_estimate"))
    if evidence:
        st.caption("Evidence: " + "; ".join(f"“{escape_md(q)}”" for q in evidence))
    with st.form(f"prep-edit-{mid}"):
        cols = st.columns([2, 2, 1])
        name = cols[0].text_input("Name", value=mentor["name"], key=f"prep-name-{mid}")
        specialty = cols[1].text_input("Specialty", value=mentor["specialty"], key=f"prep-specialty-{mid}")
        setting = cols[2].selectbox("Setting", SETTINGS_KINDS, index=SETTINGS_KINDS.index(mentor["setting"])
                                    if mentor["setting"] in SETTINGS_KINDS else 3, key=f"prep-setting-{mid}")
        notes = st.text_area("Notes", value=mentor["notes"], key=f"prep-notes-{mid}", height=68)
        options = [NOT_SURE, *ROLES]
        role = st.selectbox("Role", options, index=options.index(current or NOT_SURE), key=f"prep-role-{mid}",
                            help="Updated from your meeting logs; change it if you know better.")
        if st.form_submit_button("Save changes", key=f"prep-save-{mid}"):
            values = {"name": clean_text(name)[:200] or mentor["name"], "specialty": clean_text(specialty)[:200],
                      "setting": setting, "notes": clean_text(notes)[:4000]}
            if (role if role in ROLES else None) != current:
                values["role_estimate"] = _chosen_role(role, mentor.get("role_estimate"))
            try:
                ctx.store.update_mentor(mid, user_id=ctx.user_id, **values)
                st.rerun()
            except InputError as exc:
                st.error(str(exc))
    st.markdown("**Meetings**")
    for meeting in mentor["meetings"]:
        cols = st.columns([1, 4, 1])
        cols[0].markdown(f"`{meeting['date']}`")
        summary = meeting["goal"] or meeting["log"] or "(no notes yet)"
        cols[1].markdown(escape_md(summary[:160]) + (" · note drafted" if meeting["note"] else ""))
        if cols[2].button("Delete", key=f"prep-del-meeting-{meeting['id']}"):
            ctx.store.delete_meeting(meeting["id"], user_id=ctx.user_id)
            st.rerun()
    cols = st.columns([1, 3, 1], vertical_alignment="bottom")
    date = cols[0].date_input("Date", value=dt.date.today(), key=f"prep-meet-date-{mid}")
    goal = cols[1].text_input("Goal for this meeting", key=f"prep-meet-goal-{mid}")
    if cols[2].button("Add meeting", key=f"prep-add-meeting-{mid}"):
        try:
            ctx.store.add_meeting(mid, date.isoformat(), goal=clean_text(goal)[:1000], user_id=ctx.user_id)
            st.rerun()
        except InputError as exc:
            st.error(str(exc))
    if st.checkbox("I want to delete this mentor and their meetings", key=f"prep-confirm-del-{mid}"):
        if st.button("Delete mentor", key=f"prep-del-mentor-{mid}", type="secondary"):
            ctx.store.delete_mentor(mid, user_id=ctx.user_id)
            st.rerun()


# ---- Prep sheet ---------------------------------------------------------------------------------------
def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "mentor"


def _demote(markdown: str) -> str:
    """Smaller headings for display inside the page (the downloaded file keeps its own)."""
    return re.sub(r"^(#{1,2}) ", lambda m: "#" * (len(m.group(1)) + 2) + " ", markdown, flags=re.M)


def _sheet_tab(ctx: AppContext, mentors: list[dict]) -> None:
    if not mentors:
        st.info("Add the person you are meeting in the Mentors tab, then come back for the sheet.")
        return
    mentor = _pick_mentor(mentors, "prep-sheet-mentor")
    today = dt.date.today().isoformat()
    upcoming = [m for m in mentor["meetings"] if m["date"] >= today and not m["log"]]
    options = [None, *[m["id"] for m in upcoming]]
    labels = {None: NO_MEETING, **{m["id"]: f"{m['date']}: {m['goal'][:60] or 'no goal yet'}" for m in upcoming}}
    meeting_id = st.selectbox("Meeting", options, format_func=labels.get, key=f"prep-sheet-meeting-{mentor['id']}",
                              index=1 if upcoming else 0)
    meeting = next((m for m in upcoming if m["id"] == meeting_id), None)
    mentor = dict(mentor, meetings=[m for m in mentor["meetings"] if m["log"] or m["date"] < today])
    profile = ctx.store.get_profile(ctx.user_id)
    default_goal = (meeting or {}).get("goal") or profile.get("goals", "")
    goal = st.text_input("Your goal for this meeting", value=default_goal,
                         key=f"prep-sheet-goal-{mentor['id']}-{meeting_id}")
    kept = ctx.store.list_kept_questions(ctx.user_id, mentor["id"])
    st.caption(f"{len(kept)} kept question(s) for this meeting. Fewer than three? The sheet suggests "
               "role-fitting ones; sharpen your own in “Sharpen questions”.")
    if st.button("Build prep sheet", type="primary", key="prep-build"):
        sheet = build_prep_sheet(profile, mentor, kept, goal=clean_text(goal)[:500], citer=ctx.citer,
                                 meeting=meeting)
        ctx.store.save_artifact(ctx.session_id, "prep_sheet", sheet.to_dict(), user_id=ctx.user_id)
        st.session_state[SHEET_KEY] = {"mentor_id": mentor["id"], "markdown": sheet.to_markdown(),
                                       "display": _demote(sheet.to_markdown(escape=escape_md)), "pdf": to_pdf(sheet),
                                       "name": sheet.mentor_name}
    built = st.session_state.get(SHEET_KEY)
    if not built or built["mentor_id"] != mentor["id"]:
        return
    cols = st.columns(2)
    cols[0].download_button("Download Markdown", built["markdown"], file_name=f"{_slug(built['name'])}-prep-sheet.md",
                            mime="text/markdown", key="prep-dl-md")
    cols[1].download_button("Download PDF", built["pdf"], file_name=f"{_slug(built['name'])}-prep-sheet.pdf",
                            mime="application/pdf", key="prep-dl-pdf")
    with st.container(border=True):
        st.markdown(built["display"])


# ---- After the meeting ------------------------------------------------------------------------------------
def _after_tab(ctx: AppContext, mentors: list[dict]) -> None:
    if not mentors:
        st.info("Add the person you met in the Mentors tab first.")
        return
    mentor = _pick_mentor(mentors, "prep-after-mentor")
    mid = mentor["id"]
    past = [m for m in reversed(mentor["meetings"]) if m["date"] <= dt.date.today().isoformat()]
    options = [None, *[m["id"] for m in past]]
    labels = {None: NEW_MEETING, **{m["id"]: f"{m['date']}: {(m['goal'] or m['log'])[:60]}" for m in past}}
    key = f"prep-after-meeting-{mid}"
    pending = st.session_state.pop(SELECT_KEY, None)
    if pending and pending[0] == mid and pending[1] in options:
        st.session_state[key] = pending[1]  # show the meeting just logged, not a second new one
    if st.session_state.get(key, "unset") not in options:
        # Default: the latest meeting up to today with no log yet (the one just held), else a new one.
        st.session_state[key] = next((m["id"] for m in past if not m["log"]), None)
    meeting_id = st.selectbox("Which meeting", options, format_func=labels.get, key=key)
    meeting = next((m for m in past if m["id"] == meeting_id), None)
    log = st.text_area("What happened, in a few lines", value=(meeting or {}).get("log", ""), height=120,
                       key=f"prep-after-log-{mid}-{meeting_id}",
                       placeholder="She gave me a full hour. She suggested I apply for the QI fellowship. "
                                   "We agreed I'll send her my CV by Friday.")
    polish = False
    if not is_capable(ctx.model):
        polish = st.checkbox("Let the embedded model polish the wording (slower; kept only if it keeps your "
                             "facts)", key="prep-polish")
    if st.button("Update role and draft the note", type="primary", key="prep-draft"):
        _draft(ctx, mentor, meeting, log, polish)
    _show_follow_up(ctx, mid)


def _draft(ctx: AppContext, mentor: dict, meeting: dict | None, log: str, polish: bool) -> None:
    text, problem = check_input(log)
    if problem:
        st.warning(problem)
        return
    profile = ctx.store.get_profile(ctx.user_id)
    with st.spinner("Reading the log and drafting your note…"):
        result = draft_follow_up(text, profile=profile, mentor=mentor, model=ctx.model, polish_weak=polish)
    before = _role_line(mentor)
    estimate = updated_estimate(mentor.get("role_estimate"), result.role_reading)
    ctx.store.update_mentor(mentor["id"], role_estimate=estimate, user_id=ctx.user_id)
    if meeting is None:
        meeting_id = ctx.store.add_meeting(mentor["id"], dt.date.today().isoformat(), log=text, note=result.note,
                                           user_id=ctx.user_id)
    else:
        meeting_id = meeting["id"]
        ctx.store.update_meeting(meeting_id, log=text, note=result.note, user_id=ctx.user_id)
    st.session_state[FOLLOW_UP_KEY] = {"mentor_id": mentor["id"], "meeting_id": meeting_id, "before": before,
                                       "after": _role_line({"role_estimate": estimate}), **result.to_dict()}
    st.session_state[SELECT_KEY] = (mentor["id"], meeting_id)
    st.rerun()


def _show_follow_up(ctx: AppContext, mentor_id: int) -> None:
    data = st.session_state.get(FOLLOW_UP_KEY)
    if not data or data["mentor_id"] != mentor_id:
        return
    reading = data.get("role_reading") or {}
    st.markdown(f"**Role estimate:** {data['before']} → **{data['after']}**")
    if reading and reading.get("role") not in ROLES:
        st.caption("The log shows no clear role cues, so the earlier estimate is kept.")
    quotes = [e["text"] for e in reading.get("evidence", []) if isinstance(e, dict) and e.get("text")]
    if quotes:
        st.caption("Evidence: " + "; ".join(f"“{escape_md(q)}”" for q in quotes[:4]))
    for gap in data.get("missing") or []:
        st.warning("The log has no " + ("specific thing they said - add one line quoting them, it makes the "
                                        "note personal." if gap == "specific_thing" else
                                        "agreed next step - add what you will do next, and by when."))
    key = f"prep-note-{data['meeting_id']}"
    note = st.text_area("Your note (edit freely)", value=data["note"], height=240, key=key)
    if st.button("Save note to the meeting", key="prep-save-note"):
        ctx.store.update_meeting(data["meeting_id"], note=clean_text(note), user_id=ctx.user_id)
        st.success("Saved with the meeting.")
    st.caption("Copy it with the button at the top right of the box below.")
    st.code(note, language=None, wrap_lines=True)


# ---- Team map ---------------------------------------------------------------------------------------------
def _team_tab(ctx: AppContext, mentors: list[dict]) -> None:
    profile = ctx.store.get_profile(ctx.user_id)
    tm = team_map(mentors, citer=ctx.citer, stage=profile.get("career_stage") or None)
    if tm.rows:
        st.dataframe(tm.grid(), hide_index=True, width="stretch")
    else:
        st.info("No mentors yet - your map starts when you add the first person you meet.")
    covered = [k for k, names in tm.coverage.items() if names]
    st.markdown("**Covered:** " + (", ".join(covered) if covered else "nothing yet"))
    if tm.unread:
        st.caption("Role not read yet for: " + ", ".join(escape_md(n) for n in tm.unread)
                   + ". Log a meeting in “After the meeting” to estimate it.")
    if not tm.gaps:
        st.success("Every role and setting is covered.")
    for suggestion in tm.suggestions:
        refs = "".join(f" [{n}]" for n in suggestion.refs)
        st.markdown(f"- **Gap - {suggestion.gap}** ({suggestion.kind}): {escape_md(suggestion.text)}{refs}")
    if tm.references:
        with st.expander(f"Sources ({len(tm.references)})"):
            for ref in tm.references:
                st.markdown(f"[{ref.n}] {escape_md(ref.line())}")
