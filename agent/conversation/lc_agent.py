"""The capable-model engine: a LangChain tool-calling agent over the same tools as the embedded path.

The model chooses the tools and writes the reply from their results, streaming; the verdicts come from the
tools, and the UI renders each tool's result itself (chart, buttons, downloads), so the model is told not to
retype them. Every request of the loop goes through the model wrapper, so patient identifiers are redacted
in messages, tool calls and tool results alike (:class:`agent.core.RedactingChatModel`).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from langchain.agents.middleware import AgentMiddleware
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, ToolMessage
from langchain_core.tools import StructuredTool
from pydantic import BaseModel, Field

from agent.conversation import tools
from agent.conversation.router import Route
from agent.core import InputError, classify, load_prompt

if TYPE_CHECKING:
    from agent.conversation.agent import Conversation, Reply

log = logging.getLogger(__name__)
HISTORY_TURNS = 8
MAX_TOOL_TEXT = 3000


class _Question(BaseModel):
    question: str = Field(description="The user's question, in their words.")


class _Notes(BaseModel):
    notes: str = Field(description="What the user said the senior doctor did or said, in the user's words.")


class _Questions(BaseModel):
    questions: list[str] = Field(description="The questions the user plans to ask, each exactly as written.")


class _Practice(BaseModel):
    preset: str = Field(default="", description="Leave empty to play the mentor under discussion.")


class _Happened(BaseModel):
    what_happened: str = Field(description="What happened in the meeting: offers, introductions, next steps.")


class _Decline(BaseModel):
    message: str = Field(description="The user's message that MentorPrep does not handle.")


class _Nothing(BaseModel):
    pass


def build_tools(conversation: Conversation, produced: list[tools.ToolResult]) -> list[StructuredTool]:
    """The LangChain tools for one turn; each records its result in ``produced`` for the UI."""
    ctx = conversation.ctx

    def run(fn: Any, *args: Any) -> str:
        try:
            result = fn(ctx, *args)
        except InputError as exc:
            return json.dumps({"error": str(exc)})
        if result.stream is not None:  # an answer is streamed by the model itself here; read it whole
            for _ in result.stream:
                pass
        produced.append(result)
        return json.dumps(_for_model(result), ensure_ascii=False)[:MAX_TOOL_TEXT]

    def save_mentor() -> str:
        mentor_id = conversation.save_mentor()
        return json.dumps({"saved": mentor_id is not None, "mentor": conversation.state.mentor.label()})

    specs = [
        ("ask_guidance", "Answer a question about mentorship from the MentorPrep guidance, with citations.",
         _Question, lambda question: run(tools.ask_guidance, question)),
        ("read_the_room", "Work out which role (mentor, coach, sponsor, connector) a senior doctor is playing and "
                          "how available they are, from what the user noticed.",
         _Notes, lambda notes: run(tools.read_the_room, notes)),
        ("sharpen_questions", "Judge questions the user plans to ask (too open, googleable, pumping) and rewrite them.",
         _Questions, lambda questions: run(tools.sharpen_questions, questions)),
        ("suggest_questions", "Suggest questions that fit the mentor under discussion and their likely role.",
         _Nothing, lambda: run(tools.suggest_questions)),
        ("start_practice", "Start a role-play rehearsal of the meeting; the persona speaks first.",
         _Practice, lambda preset="": run(tools.start_practice, preset)),
        ("prep_sheet", "Build the one-page prep sheet for the meeting with the mentor under discussion.",
         _Nothing, lambda: run(tools.prep_sheet)),
        ("follow_up_note", "Draft the thank-you and follow-up note after a meeting.",
         _Happened, lambda what_happened: run(tools.follow_up_note, what_happened)),
        ("decline", "Decline clinical questions and requests MentorPrep does not handle, kindly.",
         _Decline, lambda message: run(tools.decline, message)),
        ("save_mentor", "Save the mentor under discussion to the user's mentors.", _Nothing, save_mentor),
    ]
    return [StructuredTool.from_function(func=fn, name=name, description=description, args_schema=schema)
            for name, description, schema, fn in specs]


class InOrder(AgentMiddleware):
    """Run the tools one model message asks for one at a time, in the order it asked for them.

    The tool node runs the calls of one message on parallel threads; ours share the conversation state (a
    reading, then questions that fit it) and the UI shows their results in the order they were made.
    """

    WAIT_S = 300.0  # never wait forever on a call that is not coming

    def __init__(self) -> None:
        super().__init__()
        self._turn = threading.Condition()
        self._done: set[str] = set()

    def wrap_tool_call(self, request: Any, handler: Callable[[Any], Any]) -> Any:
        before = _calls_before(request.state, request.tool_call.get("id"))
        with self._turn:
            self._turn.wait_for(lambda: before <= self._done, timeout=self.WAIT_S)
            try:
                return handler(request)
            finally:
                self._done.add(request.tool_call.get("id") or "")
                self._turn.notify_all()


def _calls_before(state: Any, call_id: str | None) -> set[str]:
    """The ids of the tool calls the same model message made before ``call_id``."""
    messages = state.get("messages", []) if isinstance(state, dict) else getattr(state, "messages", [])
    for message in reversed(messages):
        if isinstance(message, ToolMessage):
            continue
        ids = [c.get("id") or "" for c in getattr(message, "tool_calls", None) or []]
        return set(ids[:ids.index(call_id)]) if call_id in ids else set()
    return set()


def _for_model(result: tools.ToolResult) -> dict[str, Any]:
    """A compact view of a tool result for the model to word its reply from."""
    data = result.data
    if result.kind == "reading":
        keep = ("role", "scores", "availability", "confidence", "tiebreak_question")
        return {k: data.get(k) for k in keep} | {
            "evidence": [e["text"] for e in data.get("evidence", [])][:5],
            "meaning": (data.get("guidance") or {}).get("summary", "")}
    if result.kind == "critiques":
        return {"critiques": [{k: c.get(k) for k in ("question", "verdict", "flags", "rewrites")}
                              for c in data.get("critiques", [])]}
    if result.kind == "prep_sheet":
        return {"title": data.get("title"), "shown_to_user": True}
    if result.kind == "persona":
        return {"persona_line": data.get("line"), "shown_to_user": True}
    return {"text": result.text, **{k: v for k, v in data.items() if isinstance(v, str | int | float | list)}}


def _context(conversation: Conversation) -> str:
    state, profile = conversation.state, conversation.ctx.profile
    facts = {"user": {k: profile.get(k, "") for k in ("career_stage", "specialty", "goals") if profile.get(k)},
             "mentor": state.mentor.model_dump(exclude={"mentor_id"}) if state.mentor.known else None,
             "latest_reading": {k: (state.reading or {}).get(k) for k in ("role", "availability")} if state.reading
             else None, "meeting_notes": state.meeting_notes[:600] or None, "kept_questions": state.kept_questions}
    return json.dumps({k: v for k, v in facts.items() if v}, ensure_ascii=False)


def tool_calling_reply(conversation: Conversation, message: str, routed: Route) -> Reply:
    """Let the model pick tools and write the reply; stream its words; collect tool results for the UI."""
    from langchain.agents import create_agent

    from agent.conversation.agent import Reply

    produced: list[tools.ToolResult] = []
    system = load_prompt("agent_system").render(context=_context(conversation), hint=routed.intent)
    agent = create_agent(conversation.model, build_tools(conversation, produced), system_prompt=system,
                         middleware=[InOrder()])
    history = conversation.ctx.history[-HISTORY_TURNS:]
    messages = [HumanMessage(h["content"]) if h["role"] == "user" else AIMessage(h["content"]) for h in history]
    messages.append(HumanMessage(message))
    reply = Reply(routed.intent, produced, confidence=routed.confidence)

    def pieces() -> Iterator[str]:
        parts: list[str] = []
        try:
            for chunk, meta in agent.stream({"messages": messages}, stream_mode="messages"):
                if meta.get("langgraph_node") != "model" or not isinstance(chunk, AIMessageChunk | AIMessage):
                    continue
                text = chunk.content if isinstance(chunk.content, str) else ""
                if text:
                    parts.append(text)
                    yield text
        except Exception as exc:  # noqa: BLE001 - every backend failure becomes a BackendError with a next step
            raise classify(exc, "".join(parts)) from exc
        reply.text = "".join(parts)
        if produced:
            reply.buttons = list(produced[-1].buttons)
            reply.intent = _intent_of(produced[-1].tool, routed.intent)

    reply.stream = pieces()
    return reply


def _intent_of(tool: str, fallback: str) -> str:
    return {"ask_guidance": "ask", "read_the_room": "read_room", "sharpen_questions": "sharpen",
            "suggest_questions": "ask", "start_practice": "rehearse", "prep_sheet": "prep_sheet",
            "follow_up_note": "follow_up", "decline": "off_topic"}.get(tool, fallback)
