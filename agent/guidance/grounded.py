"""Prep chat: retrieve guidance first, then answer with numbered citations [n].

Two answer modes, picked by :func:`agent.core.models.is_capable`:

* ``extractive`` (embedded or fake model): the body is built by code from the most query-relevant sentences
  of each retrieved passage, each followed by its [n]. The model only writes one framing sentence, which is
  checked and replaced by a fixed one when it looks wrong.
* ``synthesis`` (remote models): the model writes the answer from the numbered passages and must cite them.

When no passage clears the relevance bar (:func:`retrieval.search.is_relevant`) the answer says so plainly
(mode ``not_found``) and the model is not called.

Streaming: :func:`start_answer` retrieves at once and returns a :class:`PendingAnswer` whose ``stream``
yields text pieces (feed it to ``st.write_stream``); afterwards ``citations_dicts()`` / ``result()`` give
the final citations and :class:`Answer`. :func:`answer` does both in one call.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from agent.core import InputError, is_capable, load_prompt, stream_text
from retrieval import Embeds, Passage, Retriever, extract_passage, is_relevant, tokenize

K_RETRIEVE = 5
MAX_PASSAGES_EXTRACTIVE = 3
MAX_PASSAGES_SYNTHESIS = 4
HISTORY_TURNS = 6
EXCERPT_CHARS = 600
FIXED_FRAMING = "Here is what the MentorPrep guidance says about this:"
NOT_FOUND = (
    "I could not find anything in the MentorPrep guidance that answers this, so I won't guess. "
    "The guidance covers getting ready for and following up on a meeting with a senior doctor: finding "
    "mentors, the mentor, coach, sponsor and connector roles, reading the room, asking good questions, "
    "and career decision points. Try rephrasing with your situation, for example: "
    '"How do I prepare for a coffee chat with an attending in cardiology?"'
)
CLINICAL = (
    "That sounds like a clinical question, and MentorPrep's guidance is about mentoring and careers, not "
    "patient care, so I won't answer it. For the conversation with your senior doctor, try something like: "
    '"How do I ask an attending for feedback on my management of septic patients?"'
)
_CITE = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
# Patient-care intent with nothing about careers or mentoring: the guidance cannot answer it, however
# many words a passage happens to share with it.
_CLINICAL = re.compile(
    r"\b(?:treat(?:ment|ing)?|therap(?:y|ies)|dos(?:e|es|ing)|mg|first[- ]line|antibiotics?|drugs?|medications?|"
    r"diagnos\w*|differential|prognosis|symptoms?|manag(?:e|ement)\s+(?:of\s+)?(?:a\s+|an\s+)?(?:patient|"
    r"sepsis|pneumonia|\w+itis|\w+emia)|workup|work-up|contraindicat\w*|side[- ]effects?|prescrib\w*)\b",
    re.IGNORECASE,
)
_CAREER = re.compile(
    r"\b(?:mentor\w*|coach\w*|sponsor\w*|connector|career|residen\w+|fellow\w*|attending|senior|meeting|"
    r"coffee|chat|ask|question|advice|job|promotion|cme|education|learn\w*|feedback|skill\w*|quality|"
    r"research|teach\w*|lead\w*|interview|application|specialt\w+|program\w*)\b",
    re.IGNORECASE,
)


def is_clinical_question(question: str) -> bool:
    """True for a patient-care question that says nothing about careers or mentoring."""
    return bool(_CLINICAL.search(question)) and not _CAREER.search(question)


@dataclass(frozen=True)
class Citation:
    """A numbered source behind an answer; ``text`` is an excerpt of the passage."""

    n: int
    title: str
    heading: str
    source_path: str
    topic: str
    text: str

    @classmethod
    def from_passage(cls, n: int, passage: Passage) -> Citation:
        excerpt = passage.text if len(passage.text) <= EXCERPT_CHARS else (
            passage.text[:EXCERPT_CHARS].rsplit(" ", 1)[0] + " …")
        return cls(n=n, title=passage.title, heading=passage.heading, source_path=passage.source_path,
                   topic=passage.topic, text=excerpt)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Answer:
    """A finished answer. ``mode`` is ``extractive``, ``synthesis`` or ``not_found``."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    mode: str = "extractive"

    @property
    def grounded(self) -> bool:
        """True when the answer rests on retrieved passages."""
        return bool(self.citations)

    def to_dict(self) -> dict[str, Any]:
        return {"answer": self.text, "citations": [c.to_dict() for c in self.citations],
                "mode": self.mode, "grounded": self.grounded}


class PendingAnswer:
    """An answer whose passages are retrieved and whose text is still streaming.

    Attributes:
        stream: iterator of text pieces; iterate it once (``st.write_stream(pending.stream)``).
        citations: the passages offered as sources; narrowed to those actually cited once the stream ends.
        mode: ``extractive``, ``synthesis`` or ``not_found``.
    """

    def __init__(self, mode: str, citations: list[Citation], pieces: Iterator[str]) -> None:
        self.mode = mode
        self.citations = citations
        self._parts: list[str] = []
        self._done = False
        self.stream = self._run(pieces)

    def _run(self, pieces: Iterator[str]) -> Iterator[str]:
        for piece in pieces:
            self._parts.append(piece)
            yield piece
        if self.mode == "synthesis":
            cited = cited_numbers("".join(self._parts), len(self.citations))
            if cited:
                self.citations = [c for c in self.citations if c.n in cited]
            else:  # the model cited nothing: point at every passage it was given
                tail = "\n\nSources: " + " ".join(f"[{c.n}]" for c in self.citations)
                self._parts.append(tail)
                yield tail
        self._done = True

    @property
    def text(self) -> str:
        """Text streamed so far."""
        return "".join(self._parts)

    def result(self) -> Answer:
        """Finish the stream (if the caller has not) and return the :class:`Answer`."""
        if not self._done:
            for _ in self.stream:
                pass
        return Answer(text=self.text.strip(), citations=list(self.citations), mode=self.mode)

    def citations_dicts(self) -> list[dict[str, Any]]:
        """Citations as plain dicts (for storage and JSON)."""
        return [c.to_dict() for c in self.citations]


def start_answer(question: str, retriever: Retriever, model: BaseChatModel, *,
                 profile: Mapping[str, Any] | None = None, history: Sequence[Any] | None = None) -> PendingAnswer:
    """Retrieve passages for ``question`` and start streaming a grounded answer.

    Args:
        question: the user's message.
        retriever: anything with ``search(query, k) -> list[Passage]`` (Retriever or KeywordRetriever).
        model: a LangChain chat model; :func:`agent.core.models.is_capable` picks the answer mode.
        profile: the user's profile (``career_stage``, ``specialty``, ``goals``...), used as context.
        history: earlier turns as ``{"role", "content"}`` dicts or LangChain messages, oldest first.

    Raises:
        InputError: the question is empty.
        agent.core.errors.BackendError: from the stream, when a capable model fails (``partial`` holds the text).
    """
    question = (question or "").strip()
    if not question:
        raise InputError("Type a question first.")
    turns = _normalise_history(history)
    if is_clinical_question(question):
        return PendingAnswer("not_found", [], iter([CLINICAL]))
    passages = [p for p in retriever.search(_retrieval_query(question, turns), K_RETRIEVE) if is_relevant(p)]
    if not passages:
        return PendingAnswer("not_found", [], iter([NOT_FOUND]))
    if is_capable(model):
        chosen = passages[:MAX_PASSAGES_SYNTHESIS]
        citations = [Citation.from_passage(n, p) for n, p in enumerate(chosen, start=1)]
        messages = _synthesis_messages(question, chosen, profile, turns)
        return PendingAnswer("synthesis", citations, stream_text(model, messages))
    chosen = passages[:MAX_PASSAGES_EXTRACTIVE]
    citations = [Citation.from_passage(n, p) for n, p in enumerate(chosen, start=1)]
    return PendingAnswer("extractive", citations, _extractive(question, chosen, retriever, model))


def answer(question: str, retriever: Retriever, model: BaseChatModel, *,
           profile: Mapping[str, Any] | None = None, history: Sequence[Any] | None = None) -> Answer:
    """Retrieve and answer in one call (no streaming). See :func:`start_answer`."""
    return start_answer(question, retriever, model, profile=profile, history=history).result()


def cited_numbers(text: str, limit: int) -> set[int]:
    """Citation numbers ``[n]`` / ``[n, m]`` in ``text`` that point at one of ``limit`` passages."""
    found = {int(n) for group in _CITE.findall(text) for n in re.split(r"[,;]\s*", group.replace(" ", ""))}
    return {n for n in found if 1 <= n <= limit}


def _extractive(question: str, passages: list[Passage], retriever: Retriever, model: BaseChatModel) -> Iterator[str]:
    yield _framing(question, model, " ".join(p.text for p in passages))
    embed = retriever.embed if isinstance(retriever, Embeds) else None
    seen: set[str] = set()
    for n, passage in enumerate(passages, start=1):
        body = extract_passage(question, passage.text, embed=embed)
        if body and body not in seen:
            seen.add(body)
            yield f"\n\n- {body} [{n}]"


def _framing(question: str, model: BaseChatModel, grounding: str) -> str:
    """One framing sentence from the weak model, or the fixed one when it fails or looks wrong."""
    prompt = load_prompt("grounded_answer").render(mode="frame", question=question[:300], passages="",
                                                   profile="")
    try:
        raw = "".join(stream_text(model, [HumanMessage(content=prompt)]))
    except Exception:  # noqa: BLE001 - the framing is optional; the passages carry the answer
        return FIXED_FRAMING
    return normalise_framing(raw, question, grounding) or FIXED_FRAMING


_PREAMBLE = re.compile(r"^(?:sure|certainly|of course|okay|ok|absolutely|here(?:'s| is)[^:]*:)[!,.:]?\s*",
                       re.I)
_BAD_FRAMING = re.compile(r"\b(?:as an ai|language model|i'm sorry|i am sorry|i cannot|i can't|assistant)\b"
                          r"|[\[\]#*<>{}|]|https?://|\d", re.I)
_FRAMING_WORDS = frozenset(t[:5] for t in tokenize(
    "good great useful helpful worth matter matters start starting step steps first simple simply easy easier "
    "way ways well help helps plan right best key clear clearer thought care careful little time guidance"))
_SELF_TALK = re.compile(r"\b(?:i|i'm|i've|me|my|we|our|answer|chatbot|introduction)\b"
                        r"|\b(?:your|this|that|great|good|interesting|the) question\b", re.I)


def normalise_framing(raw: str, question: str | None = None, grounding: str | None = None) -> str:
    """Clean a model's framing sentence, or return "" to reject it.

    Accepted: one plain sentence of 4-30 words that shares a content word with ``question`` (when given),
    does not talk about itself or the chat, and uses only words found in the question, in ``grounding``
    (the retrieved passages, when given) or in a short list of connective words. A weak model cannot slip
    in a claim of its own this way ("A connector is a tool...").
    """
    text = " ".join(line.strip() for line in raw.strip().splitlines() if line.strip())
    for _ in range(2):
        text = _PREAMBLE.sub("", text).strip().strip('"\'“”').strip()
    match = re.match(r"(.+?[.!:])(?:\s|$)", text)
    sentence = (match.group(1) if match else text).strip()
    words = sentence.split()
    if not 4 <= len(words) <= 30 or sentence.endswith("?") or _BAD_FRAMING.search(sentence):
        return ""
    if question is not None:
        # Must be about the question's subject, not about itself or the chat ("great question", "I'm here").
        if _SELF_TALK.search(sentence) or not set(tokenize(sentence)) & set(tokenize(question)):
            return ""
    if grounding is not None:
        allowed = {t[:5] for t in tokenize(f"{question or ''} {grounding}")} | _FRAMING_WORDS
        if any(term[:5] not in allowed for term in tokenize(sentence)):  # 5-letter prefix: crude stemming
            return ""
    letters = sum(ch.isalpha() or ch.isspace() for ch in sentence) / len(sentence)
    if letters < 0.9:
        return ""
    if sentence[-1] not in ".!:":
        sentence += "."
    return sentence[0].upper() + sentence[1:]


def _synthesis_messages(question: str, passages: list[Passage], profile: Mapping[str, Any] | None,
                        turns: list[tuple[str, str]]) -> list[BaseMessage]:
    blocks = []
    for n, p in enumerate(passages, start=1):
        head = f"{p.title} > {p.heading}" if p.heading else p.title
        blocks.append(f"[{n}] {head}\n{p.text}")
    about = "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in (profile or {}).items()
                      if k != "name" and str(v or "").strip())
    user = load_prompt("grounded_answer").render(mode="synthesise", question=question,
                                                 passages="\n\n".join(blocks), profile=about)
    messages: list[BaseMessage] = [SystemMessage(content=load_prompt("chat_system").render())]
    for role, content in turns[-HISTORY_TURNS:]:
        messages.append(HumanMessage(content=content) if role == "user" else AIMessage(content=content))
    messages.append(HumanMessage(content=user))
    return messages


def _normalise_history(history: Sequence[Any] | None) -> list[tuple[str, str]]:
    turns = []
    for item in history or []:
        if isinstance(item, BaseMessage):
            role, content = ("user" if item.type == "human" else "assistant"), str(item.content)
        elif isinstance(item, Mapping):
            role, content = str(item.get("role", "user")), str(item.get("content", ""))
        else:
            continue
        if content.strip() and role in {"user", "assistant"}:
            turns.append((role, content.strip()[:2000]))
    return turns


def _retrieval_query(question: str, turns: list[tuple[str, str]]) -> str:
    """A short follow-up ("and for a sponsor?") is searched together with the previous user message."""
    if len(tokenize(question)) >= 3:
        return question
    previous = next((content for role, content in reversed(turns) if role == "user"), "")
    return f"{previous[:300]} {question}".strip()
