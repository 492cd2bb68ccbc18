"""How each tool result looks in the chat: the UI renders results itself, so nothing is retyped by a model."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

import streamlit as st

from agent.core import ROLES
from agent.prep import to_pdf
from views.common import escape_md, show_citations

_BADGES = {"strong": ":green-background[STRONG]", "too_open": ":orange-background[TOO OPEN]",
           "googleable": ":blue-background[GOOGLEABLE]", "pumping": ":red-background[PUMPING]"}
_FLAG_LABELS = {"too_open": "too open", "googleable": "answerable online", "pumping": "asks for a favour"}
_STAGE = re.compile(r"(\*[^*\n]{1,80}\*)")
PERSONA_AVATAR = "🩺"


def key_for(prefix: str, *parts: object) -> str:
    digest = hashlib.sha1("|".join(map(str, parts)).encode("utf-8")).hexdigest()[:12]
    return f"{prefix}-{digest}"


def persona_md(text: str) -> str:
    """Persona lines: everything escaped, *stage directions* kept in italics."""
    parts = _STAGE.split(text)
    return "".join(f"_{escape_md(p.strip('*'))}_" if i % 2 else escape_md(p) for i, p in enumerate(parts))


def reading(data: dict[str, Any], *, key: str) -> None:
    """Role chart, highlighted evidence, availability, what it means, the tie-break question."""
    from views.roles import highlight_html, legend_html

    scores = data.get("scores") or {}
    left, right = st.columns([3, 2])
    with left:
        role = data.get("role")
        st.markdown(f"**Most likely:** {role if role in ROLES else 'unclear'} · **Availability:** "
                    f"{data.get('availability', 'unclear')}")
        notes = data.get("notes") or ""
        if notes:
            st.html(highlight_html(notes, data.get("evidence") or []))
            st.html(legend_html())
    with right:
        if scores:
            st.bar_chart({"role": list(scores), "probability": list(scores.values())}, x="role", y="probability",
                         horizontal=True, sort="-probability", height=180)
    guidance = data.get("guidance") or {}
    if guidance.get("how_to_work"):
        st.markdown("\n".join(f"- {escape_md(tip)}" for tip in guidance["how_to_work"]))
    show_citations(guidance.get("citations") or [])


def critiques(data: dict[str, Any], *, key: str, keep: Callable[[str, dict[str, Any]], None]) -> None:
    """Each question's verdict, flags, notes and rewrites, each with a Keep button."""
    for rank, c in enumerate(data.get("critiques") or [], start=1):
        ckey = key_for(key, rank, c["question"])
        with st.container(border=True):
            st.markdown(f"{_BADGES.get(c['verdict'], '')} score **{c['score']}**/100 · {escape_md(c['question'])}")
            if c.get("flags"):
                st.caption("Flags: " + ", ".join(_FLAG_LABELS.get(f, f) for f in c["flags"]))
            for code in c.get("notes") or []:
                message = (c.get("note_messages") or {}).get(code)
                if message:
                    st.caption(f"Note: {message}")
            explanation = (c.get("explanation") or "").partition(" See: ")[0]
            if explanation:
                st.markdown(escape_md(explanation))
            if not c.get("flags") and st.button("Keep this question", key=f"{ckey}-own"):
                keep(c["question"], c)
            for i, rewrite in enumerate(c.get("rewrites") or []):
                cols = st.columns([6, 1])
                cols[0].markdown(f"→ {escape_md(rewrite)}")
                if cols[1].button("Keep", key=f"{ckey}-rw{i}"):
                    keep(rewrite, {"verdict": "strong", "score": 90})


def persona_line(data: dict[str, Any], text: str) -> None:
    """A persona's line, under its own name and avatar, with live coaching on the user's last question."""
    persona = data.get("persona") or {}
    st.markdown(f"**{escape_md(persona.get('name', 'Your senior doctor'))}**  \n{persona_md(text)}")
    coaching(data.get("coaching"))


def coaching(note: dict[str, Any] | None) -> None:
    if not note:
        return
    for q in note.get("questions", []):
        if q["verdict"] == "strong":
            st.caption(f"✓ Coach: strong question - {escape_md(q['question'])}")
        elif q["verdict"] == "takes_up_offer":
            st.caption(f"✓ Coach: takes up what they offered - {escape_md(q['question'])}")
        else:
            better = f" Try: “{escape_md(q['rewrite'])}”" if q.get("rewrite") else ""
            st.caption(f"⚠ Coach: {', '.join(q['flags']) or q['verdict']} - {escape_md(q['question'])}.{better}")
    if note.get("tip"):
        st.caption(f"💡 {escape_md(note['tip'])}")


def debrief(data: dict[str, Any]) -> None:
    st.markdown(f"**Debrief · {data.get('score', '')}**")
    verdict = "You read them right." if data.get("correct") else f"You guessed {data.get('guess') or 'nothing'}."
    (st.success if data.get("correct") else st.warning)(f"{verdict} {escape_md(data.get('reveal', ''))}")
    for check in data.get("checks", []):
        st.markdown(f"{'✅' if check['passed'] else '❌'} **{check['label']}** - {escape_md(check['why'])}")
    if data.get("improvements"):
        st.markdown("**Next time**\n" + "\n".join(f"- {escape_md(i['text'])}" for i in data["improvements"]))


def prep_sheet(data: dict[str, Any], *, key: str) -> None:
    """A preview with Markdown and PDF downloads."""
    markdown = data.get("markdown") or ""
    with st.container(border=True, height=360):
        st.markdown(re.sub(r"^(#+) ", r"#\1 ", markdown, flags=re.MULTILINE))  # one level down inside the chat
    slug = re.sub(r"[^a-z0-9]+", "-", (data.get("mentor") or "meeting").lower()).strip("-") or "meeting"
    cols = st.columns(2)
    cols[0].download_button("Download Markdown", markdown, file_name=f"prep-sheet-{slug}.md", mime="text/markdown",
                            key=f"{key}-md")
    cols[1].download_button("Download PDF", to_pdf(markdown), file_name=f"prep-sheet-{slug}.pdf",
                            mime="application/pdf", key=f"{key}-pdf")


def follow_up(data: dict[str, Any], *, key: str, current: str | None, save: Callable[[str], None]) -> None:
    """An editable draft note, and what it used from the user's account."""
    note = current if current is not None else data.get("note", "")
    edited = st.text_area("Your note (edit freely)", value=note, height=220, key=f"{key}-note")
    cols = st.columns([1, 3])
    if cols[0].button("Save my edits", key=f"{key}-save"):
        save(edited)
        st.toast("Saved - it will be here when you come back.")
    used = data.get("used") or {}
    bits = [f"what you said happened: “{escape_md(used.get('what_happened', ''))}”"]
    if data.get("specific_thing"):
        bits.append(f"the specific thing they said: {escape_md(data['specific_thing'])}")
    if data.get("next_step"):
        bits.append(f"the next step: {escape_md(data['next_step'])}")
    cols[1].caption("Built from " + "; ".join(bits))


def guidance(data: dict[str, Any]) -> None:
    show_citations(data.get("citations") or [])
