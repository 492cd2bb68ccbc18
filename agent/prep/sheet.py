"""Walk in prepared: the one-page prep sheet for an upcoming meeting.

The sheet is assembled by rules, never by a model: the goal, what is known about the senior doctor and
their likely role, three to five questions in conversation order, cues to watch for, one ask that fits
the role, logistics and an etiquette reminder. Every piece of guidance cites a knowledge passage found
with a topic filter, and the references are numbered at the bottom.

The wording itself lives in :mod:`agent.prep.content`; the follow-up note after the meeting is
:mod:`agent.prep.follow_up`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from agent.core import ROLES, STAGES, MentorPrepError
from agent.prep.content import (
    A_STAGE,
    ASKS,
    AVAILABILITY_CUE,
    CUES,
    DEFAULT_ASK,
    ETIQUETTE,
    LOGISTICS,
    PLAN_TIME,
    ROLE_SUMMARY,
    SUGGESTED,
)
from retrieval import Citer

MIN_QUESTIONS, MAX_QUESTIONS = 3, 5
SECTION_TITLES = ("Your goal", "Who you are meeting", "Questions, in order", "Cues to watch for", "Your ask",
                  "Logistics", "Etiquette", "References")


# ---- citations ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Reference:
    """A numbered knowledge document cited by a sheet or a team map."""

    n: int
    title: str
    source_path: str
    headings: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "title": self.title, "source_path": self.source_path,
                "headings": list(self.headings), "sources": list(self.sources)}

    def line(self) -> str:
        """One line for a reference list: title, path, cited sections and the document's sources."""
        text = f"{self.title} ({self.source_path})"
        if self.headings:
            text += " - " + "; ".join(self.headings[:3])
        if self.sources:
            text += ". Sources: " + " \u00b7 ".join(self.sources)
        return text


class Citations:
    """Number knowledge documents in order of first use; each call cites the best passage for a query.

    Args:
        citer: anything with ``search(query, k, *, role, stage, topic)`` (a retriever); None cites nothing.
        stage: the user's career stage, tried first as a filter when it is a known stage.
    """

    def __init__(self, citer: Citer | None, stage: str | None = None) -> None:
        self.citer = citer
        self.stage = stage if stage in STAGES else None
        self._refs: dict[str, dict[str, Any]] = {}

    def cite(self, query: str, *, topic: str | None = None, role: str | None = None) -> tuple[int, ...]:
        """Reference number of the best passage on ``topic``, relaxing the role/stage filters if needed."""
        if self.citer is None:
            return ()
        role = role if role in ROLES else None
        for topic_, role_, stage_ in dict.fromkeys([(topic, role, self.stage), (topic, role, None),
                                                    (topic, None, None)]):
            try:
                hits = self.citer.search(query, k=1, role=role_, stage=stage_, topic=topic_)
            except MentorPrepError:
                hits = []
            if hits:
                return (self._number(hits[0]),)
        return ()

    def _number(self, passage: Any) -> int:
        path = str(getattr(passage, "source_path", "") or getattr(passage, "title", "?"))
        entry = self._refs.get(path)
        if entry is None:
            entry = self._refs[path] = {"n": len(self._refs) + 1, "title": getattr(passage, "title", path),
                                        "headings": [], "sources": tuple(getattr(passage, "sources", ()) or ())}
        heading = getattr(passage, "heading", "") or ""
        if heading and heading not in entry["headings"]:
            entry["headings"].append(heading)
        return int(entry["n"])

    @property
    def references(self) -> list[Reference]:
        return [Reference(n=e["n"], title=e["title"], source_path=path, headings=tuple(e["headings"]),
                          sources=e["sources"]) for path, e in self._refs.items()]


# ---- the sheet --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Item:
    """One line of a sheet: an optional label, the text and its reference numbers."""

    text: str
    label: str = ""
    refs: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "text": self.text, "refs": list(self.refs)}


@dataclass(frozen=True)
class PlannedQuestion:
    """A question on the sheet; ``stage`` is its place in the conversation: opener, situation or ask."""

    text: str
    stage: str
    suggested: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Section:
    """A titled block of items, as both renderers see it."""

    title: str
    items: tuple[Item, ...]
    numbered: bool = False
    note: str = ""


@dataclass
class PrepSheet:
    """A one-page prep sheet. Render with :meth:`to_markdown` or :func:`to_pdf`."""

    mentor_name: str
    goal: str
    role: str | None
    availability: str | None
    about: list[Item]
    questions: list[PlannedQuestion]
    question_refs: tuple[int, ...]
    cues: list[Item]
    ask: Item
    logistics: list[Item]
    etiquette: Item
    references: list[Reference]
    meeting_date: str = ""

    @property
    def title(self) -> str:
        when = f" on {self.meeting_date}" if self.meeting_date else ""
        return f"Prep sheet: meeting {self.mentor_name}{when}"

    @property
    def suggested_count(self) -> int:
        return sum(q.suggested for q in self.questions)

    def sections(self) -> list[Section]:
        """The sheet as ordered sections; the Markdown and PDF renderers both walk this."""
        questions = tuple(Item(q.text + (" (suggested)" if q.suggested else ""), label=q.stage.capitalize(),
                               refs=self.question_refs if i == 0 else ())
                          for i, q in enumerate(self.questions))
        note = "Opener about their path first, then your specific situation, the ask-like question last."
        if self.suggested_count:
            note += (f" {self.suggested_count} marked 'suggested' fill in for kept questions you don't have "
                     "yet; sharpen your own to replace them.")
        goal = self.goal or "Not set - write one line on what you want from this meeting."
        return [
            Section(SECTION_TITLES[0], (Item(goal),)),
            Section(SECTION_TITLES[1], tuple(self.about)),
            Section(SECTION_TITLES[2], questions, numbered=True, note=note),
            Section(SECTION_TITLES[3], tuple(self.cues)),
            Section(SECTION_TITLES[4], (self.ask,)),
            Section(SECTION_TITLES[5], tuple(self.logistics)),
            Section(SECTION_TITLES[6], (self.etiquette,)),
            Section(SECTION_TITLES[7], tuple(Item(r.line(), label=f"[{r.n}]") for r in self.references)),
        ]

    def to_markdown(self, escape: Callable[[str], str] | None = None) -> str:
        """Markdown for download or display; ``escape`` renders text literally (default: a light escaper)."""
        esc = escape or escape_light
        lines = [f"# {esc(self.title)}", ""]
        for section in self.sections():
            lines += [f"## {section.title}", ""]
            if section.note:
                lines += [f"*{esc(section.note)}*", ""]
            references = section.title == SECTION_TITLES[-1]
            for i, item in enumerate(section.items, start=1):
                bullet = f"{i}." if section.numbered else "-"
                if references:
                    label = f"{esc(item.label)} "
                else:
                    label = f"**{esc(item.label)}:** " if item.label else ""
                cites = "".join(f" [{n}]" for n in item.refs)
                lines.append(f"{bullet} {label}{esc(item.text)}{cites}")
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title, "mentor": self.mentor_name, "goal": self.goal, "role": self.role,
            "availability": self.availability, "about": [i.to_dict() for i in self.about],
            "questions": [q.to_dict() for q in self.questions], "question_refs": list(self.question_refs),
            "cues": [c.to_dict() for c in self.cues], "ask": self.ask.to_dict(),
            "logistics": [i.to_dict() for i in self.logistics], "etiquette": self.etiquette.to_dict(),
            "references": [r.to_dict() for r in self.references], "meeting_date": self.meeting_date,
        }


_LIGHT = re.compile(r"([\\`*_{}\[\]<>#|~$])")


def escape_light(text: str) -> str:
    """Backslash-escape the Markdown characters that change rendering, keeping the file readable."""
    return _LIGHT.sub(r"\\\1", text)


# ---- question order -----------------------------------------------------------------------------------
_OPENER = re.compile(
    r"\b(when you were|looking back|did you (ever )?expect|what (drew|led|made|brought|pulled) you|"
    r"how did you (decide|choose|get|end up|know|become|build|move|handle|learn)|your (own )?(path|journey|"
    r"story|training|early career)|memorable|risks? (you|did you)|surprised you|would you have|"
    r"what did you (practi[sc]e|learn|wish))\b", re.I)
_ASK = re.compile(
    r"\b(would you be (willing|open|comfortable|happy)|would it be (ok|okay|possible|alright)|"
    r"(meet|talk|check in)( with you)? (again|regularly)|introduc|put (my name|me) forward|nominat|"
    r"keep in touch|next step|what should i (prepare|have ready))", re.I)
STAGE_ORDER = ("opener", "situation", "ask")


def question_stage(text: str) -> str:
    """Place a question in the conversation: ``opener`` (their story), ``situation`` (yours) or ``ask``."""
    if _ASK.search(text):
        return "ask"
    if _OPENER.search(text):
        return "opener"
    return "situation"


def order_questions(questions: Sequence[PlannedQuestion]) -> list[PlannedQuestion]:
    """Conversation order: openers, then situation questions, then asks; ties keep the input order.

    The input order is the user's ranking (kept questions arrive best score first), so within a stage
    the stronger question comes first, and suggested questions come after the user's own.
    """
    ranked = sorted(enumerate(questions), key=lambda p: (STAGE_ORDER.index(p[1].stage), p[1].suggested, p[0]))
    return [q for _, q in ranked]


def _question_texts(kept: Iterable[Any]) -> list[str]:
    texts: list[str] = []
    for q in kept or ():
        raw = q.get("text", "") if isinstance(q, dict) else getattr(q, "text", q)
        text = " ".join(str(raw or "").split())
        if text and text.lower() not in {t.lower() for t in texts}:
            texts.append(text)
    return texts


def build_prep_sheet(profile: dict | None, mentor: dict, kept_questions: Iterable[Any], *, goal: str = "",
                     citer: Citer | None, meeting: dict | None = None) -> PrepSheet:
    """Assemble the one-page prep sheet for a meeting with ``mentor``.

    Args:
        profile: the user's profile (``name``, ``career_stage``, ``specialty``, ``goals``).
        mentor: a mentor record (``name``, ``specialty``, ``setting``, ``notes``, ``role_estimate``;
            optionally ``meetings``, a list of past meetings with ``date``).
        kept_questions: questions kept from the sharpener (dicts with ``text``, or strings), best first.
        goal: what the user wants from this meeting; defaults to the meeting's goal, then profile goals.
        citer: a retriever used to cite knowledge passages (topic-filtered); None leaves no citations.
        meeting: the planned meeting (``date``, ``goal``), if one is recorded.

    Returns:
        The sheet: 3-5 questions (suggested ones marked) and numbered references.
    """
    profile = profile or {}
    meeting = meeting or {}
    goal = " ".join(str(goal or meeting.get("goal") or profile.get("goals") or "").split())
    role, availability, evidence = read_estimate(mentor.get("role_estimate"))
    cites = Citations(citer, profile.get("career_stage"))
    planned = [PlannedQuestion(t, question_stage(t)) for t in _question_texts(kept_questions)[:MAX_QUESTIONS]]
    if len(planned) < MIN_QUESTIONS:
        taken = {q.text.lower() for q in planned}
        extra = [t for t in suggest_questions(profile, mentor, role, goal) if t.lower() not in taken]
        planned += [PlannedQuestion(t, question_stage(t), suggested=True)
                    for t in extra[:MIN_QUESTIONS - len(planned)]]
    return PrepSheet(
        mentor_name=" ".join(str(mentor.get("name", "")).split()) or "your contact",
        goal=goal,
        role=role,
        availability=availability,
        about=about_items(mentor, role, availability, evidence, cites, meeting),
        questions=order_questions(planned),
        question_refs=question_refs(role, cites),
        cues=cue_items(role, cites),
        ask=ask_item(role, goal, cites),
        logistics=logistics_items(availability, cites),
        etiquette=etiquette_item(cites),
        references=cites.references,
        meeting_date=str(meeting.get("date", "") or ""),
    )


def to_pdf(sheet: PrepSheet) -> bytes:
    """The sheet as PDF bytes (rendered by :mod:`agent.prep.pdf`)."""
    from agent.prep.pdf import to_pdf as render

    return render(sheet)


# ---- shared helpers: role estimates, text ----------------------------------------------------------
def read_estimate(estimate: Any) -> tuple[str | None, str | None, list[str]]:
    """(role, availability, evidence quotes) from a stored role estimate (a RoleReading dict), if any."""
    if estimate is not None and not isinstance(estimate, dict) and hasattr(estimate, "to_dict"):
        estimate = estimate.to_dict()
    if not isinstance(estimate, dict):
        return None, None, []
    role = estimate.get("role") if estimate.get("role") in ROLES else None
    availability = estimate.get("availability") if estimate.get("availability") in ("high", "low") else None
    quotes: list[str] = []
    spans = [e if isinstance(e, dict) else {"text": e} for e in estimate.get("evidence") or []]
    # Quote what supports the estimate: cues for the role first, then availability; never negated cues.
    spans = [e for e in spans if not e.get("negated") and float(e.get("weight", 1) or 0) >= 0]
    spans.sort(key=lambda e: (e.get("supports", role) != role, e.get("supports", availability) != availability))
    notes = str(estimate.get("notes") or "")
    for span in spans:
        text = " ".join(str(span.get("text") or span.get("quote") or "").split())
        if notes and isinstance(span.get("start"), int) and isinstance(span.get("end"), int):
            text = clause_around(notes, span["start"], span["end"]) or text
        if text and not any(text in q or q in text for q in quotes):
            quotes.append(text)
    return role, availability, quotes[:3]


# Where a clause ends: punctuation, or a joining word that starts another thought.
_CLAUSE_EDGE = re.compile(r"[.;:!?\n]|,|\s(?:but|and|so|although|though|because|then)\s", re.IGNORECASE)
CLAUSE_MAX_CHARS = 140


def clause_around(text: str, start: int, end: int) -> str:
    """The whole clause of ``text`` that holds the span ``[start, end)``, so a quote is never a fragment.

    "she only gave me 15 min and kept checking her phone" quotes "she only gave me 15 min" for the span
    "only gave me", not the fragment itself.
    """
    if not 0 <= start < end <= len(text):
        return ""
    left = max((m.end() for m in _CLAUSE_EDGE.finditer(text, 0, start)), default=0)
    right = next((m.start() for m in _CLAUSE_EDGE.finditer(text, end)), len(text))
    clause = " ".join(text[left:right].split()).strip(" ,;-\"'“”")
    return clause if len(clause) <= CLAUSE_MAX_CHARS else ""


def shorten(text: str, limit: int) -> str:
    """Collapse whitespace and cut ``text`` at a word boundary to about ``limit`` characters."""
    text = " ".join(str(text or "").split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:-") + "..."


# ---- sheet content (wording from agent.prep.content; each line cites the knowledge base) -------------
def about_items(mentor: dict, role: str | None, availability: str | None, evidence: list[str],
                cites: Citations, meeting: dict | None = None) -> list[Item]:
    """What is known about the person, earlier meetings, their likely role and the evidence for it."""
    details = ", ".join(x for x in (str(mentor.get("specialty") or "").strip(),
                                    f"{mentor.get('setting')} setting" if mentor.get("setting") not in
                                    (None, "", "other") else "") if x)
    name = " ".join(str(mentor.get("name", "")).split()) or "your contact"
    items = [Item(f"{name}" + (f" - {details}" if details else ""), label="Who")]
    if str(mentor.get("notes") or "").strip():
        items.append(Item(shorten(mentor["notes"], 280), label="What you know"))
    earlier = [m for m in mentor.get("meetings") or [] if m.get("date") and (
        not meeting or (m.get("id") != meeting.get("id") and str(m["date"]) <= str(meeting.get("date"))))]
    dates = sorted(str(m["date"]) for m in earlier)
    if dates:
        items.append(Item(f"{len(dates)} meeting(s) logged, the latest on {dates[-1]}", label="Met before"))
    if role:
        when = f"; availability {availability}" if availability else ""
        items.append(Item(f"{role} - {ROLE_SUMMARY[role]}{when}", label="Likely role",
                          refs=cites.cite(f"what a {role} does: {ROLE_SUMMARY[role]}", topic="mentor-roles",
                                          role=role)))
    else:
        items.append(Item("not read yet - after the meeting, log what you saw to estimate it", label="Likely role",
                          refs=cites.cite("which role do they want to play", topic="reading-the-room")))
    if evidence:
        items.append(Item("; ".join(f'"{shorten(q, 110)}"' for q in evidence), label="Evidence"))
    return items


def question_refs(role: str | None, cites: Citations) -> tuple[int, ...]:
    topic = {"mentor": "questions-for-mentors", "sponsor": "questions-for-sponsors-connectors",
             "connector": "questions-for-sponsors-connectors"}.get(role or "", "question-quality")
    return cites.cite("specific questions about their experience and my situation", topic=topic, role=role)


def cue_items(role: str | None, cites: Citations) -> list[Item]:
    """Cues per role, the estimated role first, then availability, then the other roles."""
    order = ([role] if role else []) + ["availability"] + [r for r in ROLES if r != role]
    items = []
    for key in order:
        cue, meaning = AVAILABILITY_CUE if key == "availability" else CUES[key]
        refs = cites.cite(f"{cue} {meaning}", topic="reading-the-room", role=None if key == "availability" else key)
        items.append(Item(meaning, label=cue, refs=refs))
    return items


def ask_item(role: str | None, goal: str, cites: Citations) -> Item:
    """The one ask that fits the (estimated) role."""
    text, query, topic = ASKS.get(role or "", DEFAULT_ASK)
    text = text.format(goal=shorten(goal.rstrip(".").lower() if goal else "my next step", 80))
    refs = cites.cite(f"{query}. {text}", topic=topic, role=role)
    return Item(text, label=f"{role.capitalize()} ask" if role else "Ask", refs=refs)


def logistics_items(availability: str | None, cites: Citations) -> list[Item]:
    """What to send ahead, how long to plan for, what to bring."""
    return [Item(text or PLAN_TIME.get(availability, PLAN_TIME[None]), label=label,
                 refs=cites.cite(query, topic="preparing-for-a-meeting")) for label, text, query in LOGISTICS]


def etiquette_item(cites: Citations) -> Item:
    return Item(ETIQUETTE[0], refs=cites.cite(ETIQUETTE[1], topic="meeting-etiquette"))


def suggest_questions(profile: dict, mentor: dict, role: str | None, goal: str) -> list[str]:
    """Role-fitting questions filled in from the profile, for users with fewer than three kept questions.

    Templates for the role come first; when the question sharpener is installed, its rewrites of the
    user's goal for this role are added, and anything it flags (too open, googleable, pumping) is dropped.
    """
    stage = str(profile.get("career_stage") or "")
    specialty = str(profile.get("specialty") or "").strip()
    field = str(mentor.get("specialty") or specialty or "medicine").strip().lower()
    from agent.questions import build_slots

    goal_line = shorten(goal, 110).rstrip(".!?")
    # Said the way a person says it ("I'm an FY2 aiming for cardiology."), never the profile's goal pasted in
    intro = build_slots(stage=stage, specialty=specialty, goals=goal).intro()
    intro = f"{intro} " if intro else ""
    values = {"a_stage": A_STAGE.get(stage, "at my stage"), "field": field, "intro": intro}
    texts = [t.format(**values) for t in SUGGESTED.get(role or "mentor", SUGGESTED["mentor"])]
    context = {"profile": profile, "mentor": {"specialty": mentor.get("specialty") or "", "role": role or ""}}
    texts += _sharpened(f"What is your best advice for me about {goal_line or field}?", context)
    return [t for t in texts if not _flagged(t, context)]


def _sharpened(question: str, context: dict) -> list[str]:
    try:
        from agent.questions import sharpen
    except ImportError:
        return []
    try:
        return list(sharpen(question, context).rewrites)
    except MentorPrepError:
        return []


def _flagged(question: str, context: dict) -> bool:
    try:
        from agent.questions import judge
    except ImportError:
        return False
    try:
        return bool(judge(question, context).flags)
    except MentorPrepError:
        return True
