"""Prep chat: retrieve guidance first, then answer with numbered citations [n].

Two answer modes, picked by :func:`agent.core.models.is_capable`:

* ``extractive`` (embedded or fake model): the answer is built by code (:mod:`agent.guidance.compose`):
  a direct first sentence, then two to four supporting points fitted to the user's situation, each
  sentence taken from a retrieved passage and followed by its [n]. The model writes nothing.
* ``synthesis`` (capable models): the model writes the answer from the numbered passages and must cite them.

When no passage clears the relevance bar (:func:`retrieval.search.is_relevant`) the answer says so plainly
(mode ``not_found``) and the model is not called; a clinical question is declined the same way.

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

from agent.core import ConfigError, InputError, MentorPrepError, is_capable, load_prompt, stream_text
from agent.guidance.compose import Embed, Situation, compare_terms, compose
from agent.guidance.rules import rules
from retrieval import Embeds, Passage, Retriever, is_relevant, split_sentences, tokenize

K_RETRIEVE = 5
K_TOPIC = 5  # passages added from the best passage's topic
K_EXTRA = 2  # passages added for each term of a comparison and for the mentor's role
K_ROLE = 6  # searched for the mentor's role, before keeping the role-specific ones
MAX_PASSAGES_SYNTHESIS = 4
HISTORY_TURNS = 6
EXCERPT_CHARS = 600
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
                 profile: Mapping[str, Any] | None = None, history: Sequence[Any] | None = None,
                 mentor_role: str | None = None) -> PendingAnswer:
    """Retrieve passages for ``question`` and start streaming a grounded answer.

    Args:
        question: the user's message.
        retriever: anything with ``search(query, k) -> list[Passage]`` (Retriever or KeywordRetriever); when it
            also has ``embed`` (:class:`retrieval.Embeds`) its embedder ranks the sentences, else the shared one.
        model: a LangChain chat model; :func:`agent.core.models.is_capable` picks the answer mode.
        profile: the user's profile (``career_stage``, ``specialty``, ``goals``...), used to fit the answer.
        history: earlier turns as ``{"role", "content"}`` dicts or LangChain messages, oldest first.
        mentor_role: the role the senior doctor seems to play (mentor, coach, sponsor, connector), if known.

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
    context = follow_up_context(question, turns)
    query = f"{context[:300]} {question}".strip()
    passages = [p for p in retriever.search(query, K_RETRIEVE) if is_relevant(p)]
    if not passages:
        return PendingAnswer("not_found", [], iter([NOT_FOUND]))
    compiled = rules()
    situation = Situation.of(question, profile, mentor_role, compiled)
    if is_capable(model):
        chosen = passages[:MAX_PASSAGES_SYNTHESIS]
        citations = [Citation.from_passage(n, p) for n, p in enumerate(chosen, start=1)]
        messages = _synthesis_messages(question, chosen, profile, turns, situation)
        return PendingAnswer("synthesis", citations, stream_text(model, messages))
    passages += _extra_passages(question, retriever, passages, situation)
    said = _last_answer_sentences(turns)
    composed = compose(question, passages, compiled, embed=_embedder(retriever), situation=situation,
                       context=context, said=said)
    if composed is None:
        return PendingAnswer("not_found", [], iter([NOT_FOUND]))
    citations = [Citation.from_passage(n, passages[i]) for n, i in enumerate(composed.used, start=1)]
    return PendingAnswer("extractive", citations, iter(composed.pieces))


def answer(question: str, retriever: Retriever, model: BaseChatModel, *,
           profile: Mapping[str, Any] | None = None, history: Sequence[Any] | None = None,
           mentor_role: str | None = None) -> Answer:
    """Retrieve and answer in one call (no streaming). See :func:`start_answer`."""
    return start_answer(question, retriever, model, profile=profile, history=history,
                        mentor_role=mentor_role).result()


def cited_numbers(text: str, limit: int) -> set[int]:
    """Citation numbers ``[n]`` / ``[n, m]`` in ``text`` that point at one of ``limit`` passages."""
    found = {int(n) for group in _CITE.findall(text) for n in re.split(r"[,;]\s*", group.replace(" ", ""))}
    return {n for n in found if 1 <= n <= limit}


def _embedder(retriever: Any) -> Embed | None:
    """The retriever's own embedder when it has one, else the shared one; None when none can load."""
    if isinstance(retriever, Embeds):
        return retriever.embed
    try:
        from retrieval import get_embedder

        return get_embedder().embed
    except (ConfigError, ImportError, OSError):
        return None  # sentences are then ranked by shared words alone


def _extra_passages(question: str, retriever: Any, passages: list[Passage], situation: Situation) -> list[Passage]:
    """More passages on the best passage's topic (the search spreads over topics, an answer needs depth),
    passages that define each side of a comparison, and guidance for the mentor's role when known."""
    # (query, k, filters, must clear the relevance bar): a passage on the best passage's topic need not, since
    # its sentences are still ranked against the question one by one
    searches: list[tuple[str, int, dict[str, Any], bool]] = [(question, K_TOPIC, {"topic": passages[0].topic}, False)]
    if rules().kind(question) == "compare":
        searches += [(f"what is a {term}", K_EXTRA, {}, True) for term in compare_terms(question)]
    if situation.role:
        searches.append((f"{question} {situation.role} {situation.role}", K_ROLE, {"role": situation.role}, True))
    seen = {_key(p) for p in passages}
    extra: list[Passage] = []
    for query, k, filters, strict in searches:
        try:
            found = retriever.search(query, k, **filters)
        except (TypeError, MentorPrepError):  # a search without filters, or a failing one: the answer can do without
            continue
        if "role" in filters:  # guidance written for this role (and at most one other), not for everyone
            found = [p for p in found if len(getattr(p, "roles", ()) or ()) <= 2][:K_EXTRA]
        for p in found:
            if (is_relevant(p) or not strict) and _key(p) not in seen:
                seen.add(_key(p))
                extra.append(p)
    return extra


def _key(passage: Any) -> str:
    return str(getattr(passage, "id", "") or f"{passage.source_path}#{passage.heading}")


def _synthesis_messages(question: str, passages: list[Passage], profile: Mapping[str, Any] | None,
                        turns: list[tuple[str, str]], situation: Situation) -> list[BaseMessage]:
    blocks = []
    for n, p in enumerate(passages, start=1):
        head = f"{p.title} > {p.heading}" if p.heading else p.title
        blocks.append(f"[{n}] {head}\n{p.text}")
    about = "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in (profile or {}).items()
                      if k != "name" and str(v or "").strip())
    if situation.role:
        about = f"{about}; the senior doctor seems to act as a {situation.role}".lstrip("; ")
    user = load_prompt("grounded_answer").render(question=question, passages="\n\n".join(blocks), profile=about)
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


_FOLLOW_UP = re.compile(
    r"^\s*(?:and|but|also|so|then|what about|how about|what if|and if|same|ok(?:ay)?,? (?:and|but|so))\b", re.I)
_BACK_REFERENCE = re.compile(r"\b(?:one|ones|them|it|that|this|they|those|these|he|she|him|her)\b", re.I)


def follow_up_context(question: str, turns: list[tuple[str, str]]) -> str:
    """The previous user message when ``question`` follows up on it ("and for a sponsor?", "what should I ask
    her?"), else "". A follow-up is searched and ranked together with the message it continues."""
    previous = next((content for role, content in reversed(turns) if role == "user"), "")
    return previous[:300] if previous and _is_follow_up(question) else ""


def _is_follow_up(message: str) -> bool:
    terms = tokenize(message)
    return bool(_FOLLOW_UP.search(message) or len(terms) < 3 or (len(terms) < 5 and _BACK_REFERENCE.search(message)))


def _last_answer_sentences(turns: list[tuple[str, str]]) -> list[str]:
    """Sentences of the previous answer, so a follow-up does not repeat them."""
    last = next((content for role, content in reversed(turns) if role == "assistant"), "")
    plain = re.sub(r"\s*\[\d+(?:\s*[,;]\s*\d+)*\]", "", last)
    return [s for line in plain.splitlines() for s in split_sentences(line.lstrip("-* "))]
