"""The conversation: one message in, one reply out, with the state kept between turns.

Each turn goes through the same steps whichever model is behind the chat:

1. a rehearsal in progress keeps the floor until the user ends it;
2. distress or any hint of self-harm gets a warm, human reply with where to find support, before anything
   else; a greeting or "what can you do" gets what MentorPrep offers, with suggested first messages;
3. an answer to a question the agent asked fills what was missing;
4. otherwise the message is routed: with the embedded model by the learned router
   (:mod:`agent.conversation.router`), which picks the tool and lets code fill in its arguments; with a
   capable model by a LangChain tool-calling agent over the same tools (:mod:`agent.conversation.lc_agent`).

Verdicts always come from the tools. When a tool lacks something it needs (who the meeting is with, what
happened) the agent asks one short question instead of guessing; when two intents are close it offers both.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from langchain_core.language_models import BaseChatModel

from agent.conversation import extract, replies, tools
from agent.conversation.router import INTENTS, Route, route, rule_hits
from agent.conversation.signals import detect, without_injection
from agent.conversation.state import ConversationState, MentorRef, Pending
from agent.core import InputError, is_capable, plain_text
from agent.questions import context_from_text
from retrieval import Citer, Retriever

log = logging.getLogger(__name__)

_END_PRACTICE = re.compile(
    r"^\s*(?:ok(?:ay)?[,.!]?\s+)?(?:let'?s\s+)?(?:end|stop|finish|quit|pause|wrap\s+up)\b[^?]{0,40}"
    r"(?:practi[cs]e|rehearsal|role[\s-]?play|meeting|session|here|now|it|this)?\s*[.!]*\s*$"
    r"|\b(?:end|stop|finish)\s+(?:the\s+)?(?:practi[cs]e|rehearsal|role[\s-]?play)\b|\bdebrief\b",
    re.IGNORECASE)
_ROLE_WORD = re.compile(r"\b(mentor|coach|sponsor|connector|not\s+sure|no\s+idea|don'?t\s+know)\b", re.IGNORECASE)
_WHAT_TO_ASK = re.compile(r"\bwhat\s+(?:should|can|could|do)\s+i\s+ask\b"
                          r"|\bquestions?\s+(?:to|i\s+(?:could|should))\s+ask\b"
                          r"|\bsuggest\s+(?:some\s+)?questions\b", re.IGNORECASE)
_SELF = re.compile(r"\b(?:i'?m|i\s+am|im)\s+(?:a|an|now\s+a|currently\s+a)?\s*(?:\w+\s+){0,3}?"
                   r"(?:pgy|fy|ct|st|resident|registrar|fellow|intern|student|trainee|house\s*officer|md|do)",
                   re.IGNORECASE)
_YOU = re.compile(r"\b(?:you|your|yours|yourself|u|ur)\b", re.IGNORECASE)
_QUOTED = re.compile(r"[\"“][^\"“”]*[\"”]|:\s.*$")  # a quoted question is the user's, not said to the persona
ACT_MIN = 0.6  # below this, a message that mostly introduces the mentor is noted rather than acted on
# A message that opens as a question ("how do I tell...", "what does she do"), not as an account of a meeting
_QUESTION_FIRST = re.compile(r"\W*(?:how|what|which|why|where|when|who|should|can|could|would|is|are|do|does)\b",
                             re.IGNORECASE)
ASIDE_MIN = 0.8  # how sure the router must be that a message in a practice meeting is for MentorPrep
ASIDE_INTENTS = ("read_room", "sharpen", "prep_sheet", "follow_up", "off_topic")
GUESS_MAX_WORDS = 3  # "dunno", "no clue tbh": an answer to "which role?", not a new request
_SURPRISE = re.compile(r"\b(?:surprise|anyone|random|whoever|any\s+(?:attending|consultant|senior))\b", re.IGNORECASE)


_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060\ufeff\x00-\x1f\x7f]")


@dataclass
class Reply:
    """One assistant turn.

    Attributes:
        intent: what the message was taken to ask for (one of the seven intents, or ``greeting``, ``help``,
            ``distress``, ``crisis``, ``clarify``, ``rehearsal``).
        results: what the tools produced, for the UI to render (charts, buttons, downloads).
        text: the reply text; complete once :attr:`stream` has been read.
        buttons: suggested next messages ({"label", "message"}), or intent choices ({"label", "intent"}).
        stream: yields the reply text in pieces; read it once (the reply is saved when it ends).
    """

    intent: str
    results: list[tools.ToolResult] = field(default_factory=list)
    text: str = ""
    buttons: list[dict[str, str]] = field(default_factory=list)
    stream: Iterator[str] | None = None
    confidence: float = 1.0

    @property
    def tool(self) -> str | None:
        return self.results[-1].tool if self.results else None

    @property
    def result(self) -> dict[str, Any] | None:
        return self.results[-1].data if self.results else None

    def finish(self) -> Reply:
        """Read the stream to the end (for callers that do not stream)."""
        if self.stream is not None:
            for _ in self.stream:
                pass
        return self

    def meta(self) -> dict[str, Any]:
        return {"intent": self.intent, "confidence": self.confidence, "buttons": self.buttons,
                "results": [r.to_dict() for r in self.results]}


class Conversation:
    """A chat session's agent. Build one per turn or keep it; the state is loaded and saved through ``save``.

    Args:
        state: the conversation so far.
        model: the chat model; :func:`agent.core.is_capable` picks the engine.
        retriever: knowledge search for answers (None until the index is built).
        citer: keyword search for citations (always available).
        profile: the user's profile.
        history: earlier turns as {"role", "content"} dicts, oldest first.
        memory: where kept questions and saved mentors go.
        embed: the sentence embedder for the router and signals (None: rules alone).
        save: called with (user message, reply, state) when a turn is complete.
    """

    def __init__(self, state: ConversationState, model: BaseChatModel, *, retriever: Retriever | None = None,
                 citer: Citer | None = None, profile: dict[str, str] | None = None,
                 history: Sequence[dict[str, str]] = (), memory: tools.Memory | None = None,
                 embed: Callable[[Sequence[str]], np.ndarray] | None = None,
                 save: Callable[[str, Reply, ConversationState], None] | None = None) -> None:
        self.state = state
        self.model = model
        self.embed = embed
        self._save = save
        self.ctx = tools.ToolContext(state=state, model=model, retriever=retriever, citer=citer,
                                     profile=dict(profile or {}), memory=memory, history=list(history))
        self._fill_profile()

    def _fill_profile(self) -> None:
        """What the user said about themselves in the chat fills what their saved profile leaves empty."""
        for key, value in self.state.about_user.items():
            if value and not str(self.ctx.profile.get(key) or "").strip():
                self.ctx.profile[key] = value

    def _learn_about_user(self, text: str) -> None:
        found = context_from_text(text) if _SELF.search(text) else {}
        for key in ("career_stage", "specialty", "goals"):
            if found.get(key):
                self.state.about_user[key] = found[key]
        self._fill_profile()

    # ---- the turn ----------------------------------------------------------------------------------------

    def respond(self, message: str, *, intent: str | None = None) -> Reply:
        """Handle one user message; ``intent`` forces the route (a button the user pressed).

        Raises:
            InputError: the message is empty.
        """
        text = plain_text(message) or " ".join(_INVISIBLE.sub("", message).split())  # markup alone: as typed
        if not text:
            raise InputError("Type a message first.")
        self.state.turns += 1
        self.ctx.seed = self.state.turns
        reply = self._turn(message, text, intent)
        self.state.last_intent = reply.intent
        return self._with_save(message, reply)

    def _turn(self, message: str, text: str, forced: str | None) -> Reply:
        state = self.state
        signal = detect(message, self.embed)
        if signal.kind in ("crisis", "distress"):  # a person first, even in the middle of a practice meeting
            state.pending = None
            buttons = [{"label": "Help me prepare, gently", "message": "help me prepare for the meeting"}]
            if state.rehearsal_active:
                buttons = [{"label": "End the practice meeting", "message": "end the practice"}]
            return Reply(signal.kind, text=replies.support(signal.kind, state.turns), buttons=buttons)
        if state.rehearsal_active and forced in (None, "rehearse"):
            return self._practice(message, text)
        text, injected = without_injection(text)
        if injected and not text:
            return Reply("off_topic", text=replies.line("injection", state.turns), buttons=replies.starter_buttons())
        if injected:
            message = text
        # Small talk the classifier guessed ("practise" looks like "help") gives way to a capability's rule.
        small_talk = signal.kind in ("greeting", "help") and (signal.by_rule or not rule_hits(text))
        if small_talk and forced is None and state.pending is None:
            body = replies.help_text() if signal.kind == "help" else replies.welcome(state.turns - 1)
            return Reply(signal.kind, text=body, buttons=replies.starter_buttons())
        before = state.mentor.model_copy()
        state.mentor = extract.mentor_from(message, state.mentor)
        self._learn_about_user(text)
        if forced is None and _WHAT_TO_ASK.search(text) and (state.mentor.known or state.reading):
            return self.dispatch("ask", message, text)
        if forced is None and state.pending is not None:
            filled = self._fill_pending(message, text)
            if filled is not None:
                return filled
        if forced is not None:
            routed = Route(forced, 1.0)
        else:
            routed = route(message, self.embed)
        if is_capable(self.model):  # the model chooses among the tools itself; the route is only a hint
            from agent.conversation.lc_agent import tool_calling_reply

            return tool_calling_reply(self, message, routed)
        learned_who = (state.mentor.name, state.mentor.specialty) != (before.name, before.specialty)
        weak = routed.unsure or (routed.confidence < ACT_MIN and not routed.rules)
        if weak and forced is None and "read_room" in (routed.intent, routed.runner_up) \
                and "?" not in text and extract.describes_meeting(text):
            # It tells what the doctor did ("spent ages on my audit, said come back anytime"): read it. A
            # question that only mentions time ("how do I tell whether she has time for me?") is not a meeting.
            return self.dispatch("read_room", message, text)
        if weak and forced is None and learned_who and not text.rstrip().endswith("?"):
            # The message mostly tells who the meeting is with: note it and offer the next steps.
            return Reply("ask", text=replies.line("noted", 0, who=_who(state.mentor)), confidence=routed.confidence,
                         buttons=replies.after_reading_buttons({}, state.mentor))
        if routed.unsure and forced is None and "off_topic" in (routed.intent, routed.runner_up):
            # "Or leave it there" is no choice to offer. Real off-topic requests (a dose, a tax return) are
            # routed with confidence; an unsure one that could be a capability is that capability ("she was
            # lovely, we chatted about the weather" is a meeting, even though the weather is off topic).
            routed = Route(routed.runner_up if routed.intent == "off_topic" else routed.intent,  # type: ignore[arg-type]
                           routed.confidence, routed.scores, None, routed.rules)
        if routed.unsure and forced is None:
            # Two capabilities are close: offer both as buttons.
            first, second = routed.intent, routed.runner_up or "ask"
            return Reply("clarify", text=replies.clarify(first, second), confidence=routed.confidence, buttons=[
                {"label": replies.intent_label(first).capitalize(), "intent": first, "message": message},
                {"label": replies.intent_label(second).capitalize(), "intent": second, "message": message}])
        reply = self.dispatch(routed.intent, message, text)
        reply.confidence = routed.confidence
        return reply

    # ---- the embedded path: the router's intent, arguments filled in by code --------------------------------

    def dispatch(self, intent: str, message: str, text: str) -> Reply:
        """Run the tool for ``intent`` with arguments taken from the message and the state."""
        state, ctx = self.state, self.ctx
        state.pending = None
        if intent == "ask":
            if _WHAT_TO_ASK.search(text) and (state.mentor.known or state.reading):
                return self._tool_reply(intent, tools.suggest_questions(ctx))
            return self._tool_reply(intent, tools.ask_guidance(ctx, message))
        if intent == "read_room":
            if extract.describes_meeting(message):
                return self._tool_reply(intent, tools.read_the_room(ctx, message))
            if state.meeting_notes:
                asked = [r for r in ("mentor", "coach", "sponsor", "connector")
                         if re.search(rf"\b{r}s?\b", text, re.IGNORECASE)]
                return self._tool_reply(intent, tools.read_the_room(ctx, state.meeting_notes, asked))
            return self._ask(intent, "notes", message)
        if intent == "sharpen":
            questions = extract.questions_from(message)
            if not questions:
                return self._ask(intent, "questions", message)
            return self._tool_reply(intent, tools.sharpen_questions(ctx, questions))
        if intent == "rehearse":
            if not (state.mentor.known or state.reading) and not _SURPRISE.search(text) \
                    and not extract.mentor_from(message).specialty:
                return self._ask(intent, "mentor", message)
            return self._tool_reply(intent, tools.start_practice(ctx))
        if intent == "prep_sheet":
            if not state.mentor.known:
                return self._ask(intent, "mentor", message)
            return self._tool_reply(intent, tools.prep_sheet(ctx))
        if intent == "follow_up":
            happened = message if extract.describes_meeting(message) else state.meeting_notes
            if not happened:
                return self._ask(intent, "meeting", message)
            return self._tool_reply(intent, tools.follow_up_note(ctx, happened))
        return self._tool_reply("off_topic", tools.decline(ctx, message))

    def _ask(self, intent: str, need: str, message: str) -> Reply:
        self.state.pending = Pending(intent=intent, need=need, original=message)
        return Reply(intent, text=replies.ask_for(need, self.state.mentor))

    def _fill_pending(self, message: str, text: str) -> Reply | None:
        """Use this message as the answer to the question the agent asked, when it is one."""
        pending = self.state.pending
        assert pending is not None
        routed = route(message, self.embed)
        moved_on = routed.rules and routed.intent != pending.intent
        if pending.need in ("notes", "meeting") and (_QUESTION_FIRST.match(text) or (
                text.rstrip().endswith("?") and not extract.describes_meeting(text))):
            moved_on = True  # asked what happened, they asked something else ("how do I tell if she has time?")
        if moved_on:
            self.state.pending = None
            return None
        if pending.need == "mentor":
            if not self.state.mentor.known and not _SURPRISE.search(text):
                return self._ask(pending.intent, "mentor", pending.original)
            return self.dispatch(pending.intent, pending.original, plain_text(pending.original))
        if pending.need == "notes":
            self.state.meeting_notes = message
            return self.dispatch("read_room", message, text)
        if pending.need == "meeting":
            self.state.meeting_notes = message
            return self._tool_reply("follow_up", tools.follow_up_note(self.ctx, message))
        if pending.need == "questions":
            questions = extract.questions_from(message) or [message]
            self.state.pending = None
            return self._tool_reply("sharpen", tools.sharpen_questions(self.ctx, questions))
        return None

    # ---- rehearsal ------------------------------------------------------------------------------------------

    def _practice(self, message: str, text: str) -> Reply:
        state = self.state
        if state.pending is not None and state.pending.need == "role_guess":
            state.pending = None
            debrief = self._tool_reply("rehearse", tools.finish_practice(self.ctx, _role_guess(text)))
            if _ROLE_WORD.search(text) or len(text.split()) <= GUESS_MAX_WORDS:
                return debrief
            return _merge(debrief, self._turn(message, text, None))  # not a guess: a new request
        if _END_PRACTICE.search(text):
            guess = _role_guess(text)
            if guess is not None:
                return self._tool_reply("rehearse", tools.finish_practice(self.ctx, guess))
            state.pending = Pending(intent="rehearse", need="role_guess", original=message)
            buttons = [{"label": name.capitalize(), "message": f"I think {name}"}
                       for name in ("mentor", "coach", "sponsor", "connector")]
            buttons.append({"label": "Not sure", "message": "not sure"})
            return Reply("rehearse", text=replies.ask_for("role_guess", state.mentor), buttons=buttons)
        aside = self._aside(message, text)
        if aside is not None:
            return aside
        return self._tool_reply("rehearsal", tools.practice_turn(self.ctx, message))

    def _aside(self, message: str, text: str) -> Reply | None:
        """A message to the coach in the middle of a practice meeting, answered without ending it.

        Said to the persona, a question addresses it ("you"); a question about "her", or a request for a reading,
        a check of questions, a prep sheet or a note, is for MentorPrep.
        """
        if _YOU.search(_QUOTED.sub("", text)):
            return None
        if _WHAT_TO_ASK.search(text) and (self.state.mentor.known or self.state.reading):
            reply = self._tool_reply("ask", tools.suggest_questions(self.ctx))
        else:
            routed = route(message, self.embed)
            if routed.intent not in ASIDE_INTENTS or routed.confidence < ASIDE_MIN or routed.unsure:
                return None
            reply = self.dispatch(routed.intent, message, text)
            reply.confidence = routed.confidence
            self.state.pending = None
        reply.text = replies.line("aside", 0, who=_who(self.state.mentor)) + "\n\n" + (reply.text or "")
        if reply.stream is not None:
            reply.stream = itertools.chain([replies.line("aside", 0, who=_who(self.state.mentor)) + "\n\n"],
                                           reply.stream)
        reply.buttons = [*reply.buttons, {"label": "End the practice meeting", "message": "end the practice"}]
        return reply

    # ---- plumbing ---------------------------------------------------------------------------------------------

    def _tool_reply(self, intent: str, result: tools.ToolResult) -> Reply:
        reply = Reply(intent, [result], result.text, list(result.buttons))
        if result.stream is not None:
            source = result.stream

            def pieces() -> Iterator[str]:
                parts = []
                for piece in source:
                    parts.append(piece)
                    yield piece
                reply.text = result.text or "".join(parts)

            reply.stream = pieces()
        return reply

    def _with_save(self, message: str, reply: Reply) -> Reply:
        if reply.stream is None:
            reply.stream = iter([reply.text]) if reply.text else iter(())
        source = reply.stream

        def pieces() -> Iterator[str]:
            yield from source
            if self._save is not None:
                self._save(message, reply, self.state)

        reply.stream = pieces()
        return reply

    # ---- actions from buttons -------------------------------------------------------------------------------

    def keep(self, question: str, verdict: str = "strong", score: float = 0.0) -> None:
        """Keep a question (a critique's question or one of its rewrites) for the prep sheet."""
        tools.keep_question(self.ctx, question, verdict, score)

    def save_mentor(self) -> int | None:
        """Save the mentor under discussion (with the latest reading) to the user's mentors."""
        if self.ctx.memory is None or not self.state.mentor.known:
            return None
        mentor_id = self.ctx.memory.save_mentor(self.state.mentor, self.state.reading)
        self.state.mentor.mentor_id = mentor_id
        return mentor_id

    def edit_follow_up(self, note: str) -> None:
        """Keep the user's edits to the drafted note."""
        if self.state.follow_up is not None:
            self.state.follow_up = {**self.state.follow_up, "note": note, "edited": True}


def _who(mentor: MentorRef) -> str:
    return ", ".join(x for x in (mentor.name, mentor.specialty) if x) or mentor.label()


def _merge(first: Reply, second: Reply) -> Reply:
    """Two replies as one turn: the first's text, then the second's (streamed if it streams)."""
    lead = (first.text or "") + "\n\n"
    stream = itertools.chain([lead], second.stream) if second.stream is not None else None
    merged = Reply(second.intent, [*first.results, *second.results], lead + (second.text or ""),
                   list(second.buttons), confidence=second.confidence)
    if stream is not None:
        source = stream

        def pieces() -> Iterator[str]:
            parts = []
            for piece in source:
                parts.append(piece)
                yield piece
            merged.text = "".join(parts)

        merged.stream = pieces()
    return merged


def _role_guess(text: str) -> str | None:
    match = _ROLE_WORD.search(text)
    word = match.group(1).lower() if match else ""
    return word if word in ("mentor", "coach", "sponsor", "connector") else None


__all__ = ["INTENTS", "Conversation", "Reply"]
