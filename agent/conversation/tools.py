"""The capabilities as tools: typed arguments in, a structured result and a short reply out.

Each tool wraps an engine (guidance, read the room, the question judge, the rehearsal, the prep sheet, the
follow-up note) and writes what it produced into the conversation state. Verdicts always come from the
engines; the reply text is rendered by :mod:`agent.conversation.replies` from the result. The same
functions back both engines: the embedded path calls them directly, the tool-calling agent through
LangChain tools (:mod:`agent.conversation.lc_tools`).
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from langchain_core.language_models import BaseChatModel

from agent.conversation import replies
from agent.conversation.state import ConversationState, MentorRef
from agent.core import InputError, split_sentences, stage_phrase
from agent.guidance import start_answer
from agent.prep import build_prep_sheet, draft_follow_up
from agent.prep import suggest_questions as suggestions
from agent.questions import sharpen_batch
from agent.read_room import read_room
from agent.rehearsal import (
    PRESETS,
    Rehearsal,
    build_persona,
    coach_note,
    end_rehearsal,
    persona_turn,
    start_rehearsal,
    surprise_me,
)
from retrieval import Citer, Retriever

MAX_QUESTIONS = 8


class Memory(Protocol):
    """What the tools may persist for the user beyond this conversation."""

    def save_mentor(self, mentor: MentorRef, reading: dict | None) -> int | None: ...

    def keep_question(self, text: str, verdict: str, score: float) -> None: ...

    def kept_questions(self) -> list[str]: ...


@dataclass
class ToolContext:
    """Everything a tool needs for one turn."""

    state: ConversationState
    model: BaseChatModel
    retriever: Retriever | None
    citer: Citer | None
    profile: dict[str, str] = field(default_factory=dict)
    memory: Memory | None = None
    history: list[dict[str, str]] = field(default_factory=list)
    seed: int = 0


@dataclass
class ToolResult:
    """What a tool produced: ``kind`` tells the UI how to render ``data``; ``text`` is the reply.

    ``stream`` (optional) yields the reply text piece by piece; when present, ``text`` is filled in once the
    stream has been read.
    """

    tool: str
    kind: str
    data: dict[str, Any]
    text: str = ""
    stream: Iterator[str] | None = None
    buttons: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"tool": self.tool, "kind": self.kind, "data": self.data, "text": self.text, "buttons": self.buttons}


def _mentor_dict(state: ConversationState) -> dict[str, Any]:
    mentor = state.mentor
    return {"name": mentor.name or mentor.label(), "specialty": mentor.specialty, "setting": mentor.setting or "other",
            "notes": state.meeting_notes, "role_estimate": state.reading}


# ---- guidance ---------------------------------------------------------------------------------------------

def ask_guidance(ctx: ToolContext, question: str) -> ToolResult:
    """A grounded answer from the knowledge base, with citations (streams)."""
    search = ctx.retriever or ctx.citer
    if search is None:
        return ToolResult("ask_guidance", "text", {}, replies.NO_KNOWLEDGE)
    pending = start_answer(question, search, ctx.model, profile=ctx.profile, history=ctx.history)
    result = ToolResult("ask_guidance", "guidance", {"mode": pending.mode}, stream=None)

    def pieces() -> Iterator[str]:
        yield from pending.stream
        answer = pending.result()
        result.text = answer.text
        result.data = {"answer": answer.text, "citations": pending.citations_dicts(), "mode": answer.mode}

    result.stream = pieces()
    return result


# ---- read the room ----------------------------------------------------------------------------------------

def observations(notes: str) -> str:
    """What the user saw, without the questions they asked us about it ("what does that mean?")."""
    sentences = [notes[a:b].strip() for a, b in split_sentences(notes)]
    kept = [s for s in sentences if not s.endswith("?")]
    return " ".join(kept) if kept else notes.strip()


def read_the_room(ctx: ToolContext, notes: str, asked: Sequence[str] = ()) -> ToolResult:
    """Which role the senior doctor seems to play, how available they are, and what it means.

    ``asked``: the two roles the user asked about, if they did ("more of a sponsor or a mentor?").
    """
    reading = read_room(notes, citer=ctx.citer)
    data = reading.to_dict() | {"notes": notes}
    ctx.state.reading = data
    ctx.state.meeting_notes = observations(notes)
    if ctx.state.mentor.mentor_id and ctx.memory is not None:
        ctx.memory.save_mentor(ctx.state.mentor, data)
    return ToolResult("read_the_room", "reading", data, replies.reading(data, ctx.state.mentor, asked),
                      buttons=replies.after_reading_buttons(data, ctx.state.mentor))


# ---- questions --------------------------------------------------------------------------------------------

def question_context(state: ConversationState, profile: dict[str, str]) -> dict[str, Any]:
    """The sharpener's context: the user's profile plus the mentor's likely role and specialty."""
    return {**{k: v for k, v in profile.items() if v}, "mentor_role": state.role or "",
            "mentor_specialty": state.mentor.specialty}


def sharpen_questions(ctx: ToolContext, questions: list[str]) -> ToolResult:
    """Verdict, flags, notes and rewrites for each question, strongest first."""
    questions = [q for q in questions if q.strip()][:MAX_QUESTIONS]
    if not questions:
        raise InputError("There is no question to check.")
    critiques = sharpen_batch(questions, question_context(ctx.state, ctx.profile), citer=ctx.citer, model=ctx.model)
    data = {"critiques": [c.to_dict() for c in critiques],
            "flags": sorted({f for c in critiques for f in c.flags})}
    ctx.state.critiques = data["critiques"]
    return ToolResult("sharpen_questions", "critiques", data, replies.critiques(data["critiques"]))


def suggest_questions(ctx: ToolContext) -> ToolResult:
    """Questions that fit the mentor's likely role and specialty, each checked by the judge."""
    goal = ctx.state.goal or ctx.profile.get("goals", "")
    drafts = suggestions(ctx.profile, _mentor_dict(ctx.state), ctx.state.role, goal)[:4]
    critiques = sharpen_batch(drafts, question_context(ctx.state, ctx.profile), citer=ctx.citer, rewrites=0)
    data = {"critiques": [c.to_dict() for c in critiques if not c.flags][:4], "suggested": True}
    ctx.state.critiques = data["critiques"]
    return ToolResult("suggest_questions", "critiques", data, replies.suggestions(ctx.state))


def keep_question(ctx: ToolContext, text: str, verdict: str = "strong", score: float = 0.0) -> None:
    """Add a question to the user's kept list (and the conversation's)."""
    text = " ".join(text.split())
    if text and text not in ctx.state.kept_questions:
        ctx.state.kept_questions.append(text)
        if ctx.memory is not None:
            ctx.memory.keep_question(text, verdict, score)


# ---- rehearsal --------------------------------------------------------------------------------------------

def start_practice(ctx: ToolContext, preset: str = "") -> ToolResult:
    """Start a rehearsal with the mentor under discussion (or a preset); the persona opens."""
    state = ctx.state
    if preset and preset in PRESETS:
        persona = PRESETS[preset]
    else:
        mentor = state.mentor
        # The persona plays the reading's role when there is one; otherwise the role is a surprise.
        role = state.role or random.Random(ctx.seed).choice(["mentor", "coach", "sponsor", "connector"])
        busy = (state.reading or {}).get("availability") == "low"
        stand_in = surprise_me(ctx.seed)
        persona = build_persona(
            name=mentor.name or stand_in.name, pronoun=mentor.subject() if mentor.pronoun else stand_in.pronoun,
            specialty=mentor.specialty or stand_in.specialty, seniority="attending", role=role,
            availability="busy" if busy else "unhurried", hospital=stand_in.hospital, persona_id="chat")
    rehearsal = start_rehearsal(persona, "coffee", state.goal or ctx.profile.get("goals", ""), seed=ctx.seed)
    state.rehearsal = rehearsal.to_dict()
    state.rehearsal_active = True
    state.debrief = None
    opening = rehearsal.turns[-1].text
    data = {"persona": persona.public_dict(), "line": opening, "started": True}
    return ToolResult("start_practice", "persona", data, opening)


def practice_turn(ctx: ToolContext, text: str) -> ToolResult:
    """The persona's reply to one line of the user's, with live coaching on the user's question."""
    rehearsal = Rehearsal.from_dict(ctx.state.rehearsal or {})
    coaching = coach_note(text, rehearsal, ctx.citer)
    turn = persona_turn(rehearsal, text, model=ctx.model, citer=ctx.citer)
    note = coaching.to_dict() if coaching is not None else None
    if note:
        for t in rehearsal.turns:
            if t.speaker == "user" and t.text == " ".join(text.split()) and t.coaching is None:
                t.coaching = note
    ctx.state.rehearsal = rehearsal.to_dict()
    data = {"persona": rehearsal.persona.public_dict(), "line": turn.text, "coaching": note}
    return ToolResult("practice_turn", "persona", data, turn.text)


def finish_practice(ctx: ToolContext, role_guess: str | None) -> ToolResult:
    """End the rehearsal: the role is revealed and the meeting scored."""
    rehearsal = Rehearsal.from_dict(ctx.state.rehearsal or {})
    guess = role_guess if role_guess in ("mentor", "coach", "sponsor", "connector") else None
    debrief = end_rehearsal(rehearsal, guess, citer=ctx.citer).to_dict()
    ctx.state.rehearsal_active = False
    ctx.state.debrief = debrief
    return ToolResult("finish_practice", "debrief", debrief, replies.debrief(debrief))


# ---- prep sheet and follow-up -----------------------------------------------------------------------------

def prep_sheet(ctx: ToolContext) -> ToolResult:
    """The one-page prep sheet for the meeting with the mentor under discussion."""
    kept = list(dict.fromkeys(ctx.state.kept_questions + (ctx.memory.kept_questions() if ctx.memory else [])))
    sheet = build_prep_sheet(ctx.profile, _mentor_dict(ctx.state), kept, goal=ctx.state.goal, citer=ctx.citer)
    data = {"title": sheet.title, "markdown": sheet.to_markdown(), "role": sheet.role,
            "mentor": sheet.mentor_name}
    ctx.state.prep_sheet = data
    return ToolResult("prep_sheet", "prep_sheet", data, replies.prep_sheet(data))


def follow_up_note(ctx: ToolContext, what_happened: str) -> ToolResult:
    """A draft thank-you and follow-up note, and what it used from the user's account."""
    mentor = _mentor_dict(ctx.state)
    note = draft_follow_up(what_happened, profile=ctx.profile, mentor=mentor, model=ctx.model)
    data = note.to_dict() | {"used": {"what_happened": what_happened, "mentor": ctx.state.mentor.label(),
                                      "stage": stage_phrase(ctx.profile.get("career_stage", ""))}}
    ctx.state.follow_up = {"note": note.note, "used": data["used"], "edited": False}
    ctx.state.meeting_notes = ctx.state.meeting_notes or what_happened
    return ToolResult("follow_up_note", "follow_up", data, replies.follow_up(data, ctx.state.mentor))


def decline(ctx: ToolContext, message: str) -> ToolResult:
    """A kind decline for what MentorPrep does not do, with what it can do instead."""
    return ToolResult("decline", "decline", {"reason": replies.decline_reason(message)},
                      replies.decline(message), buttons=replies.starter_buttons())
