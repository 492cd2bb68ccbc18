"""Walk in prepared: the one-page prep sheet for an upcoming meeting.

The sheet is assembled by rules, never by a model: the goal, what is known about the senior doctor and
their likely role, three to five questions in conversation order, cues to watch for, one ask that fits
the role, logistics and an etiquette reminder. Every piece of guidance cites a knowledge passage found
with a topic filter, and the references are numbered at the bottom.

After the meeting, :func:`draft_follow_up` turns a few logged lines into a thank-you note that names one
specific thing the mentor said and the agreed next step (template first; a model may only smooth it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from agent.errors import MentorPrepError

ROLES = ("mentor", "coach", "sponsor", "connector")
STAGES = ("student", "resident", "fellow", "attending")
MIN_QUESTIONS, MAX_QUESTIONS = 3, 5
SECTION_TITLES = ("Your goal", "Who you are meeting", "Questions, in order", "Cues to watch for", "Your ask",
                  "Logistics", "Etiquette", "References")

ROLE_SUMMARY = {
    "mentor": "a long-term guide for your whole career and for you as a person; gives real time and wants "
              "ongoing contact",
    "coach": "works with you on one specific skill through practice and feedback; less time, narrower focus",
    "sponsor": "spends their own reputation on you (nominations, jobs, promotions), often when you are "
               "not in the room",
    "connector": "links you to other people who can help; many names, little time of their own",
}


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

    def __init__(self, citer: Any, stage: str | None = None) -> None:
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
                     citer: Any, meeting: dict | None = None) -> PrepSheet:
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
    """The sheet as PDF bytes (rendered by :mod:`agent.sheet_pdf`)."""
    from agent.sheet_pdf import to_pdf as render

    return render(sheet)


# ---- sheet content (own wording; each line cites the knowledge base) ---------------------------------
CUES = {
    "mentor": ("They ask about your background, values and life outside work, and suggest meeting again",
               "leaning towards a traditional mentor: invested in you as a whole person"),
    "coach": ("They want to see your slides, abstract or technique and give concrete pointers",
              "acting as a coach: ready to help you practise one skill"),
    "sponsor": ("They probe your CV and achievements and mention an opening, committee or award",
                "sizing you up as a sponsor: they may put your name forward"),
    "connector": ("The talk ends with 'you should meet...' and names or offers of introductions",
                  "a connector: they open doors to others rather than give their own time"),
}
AVAILABILITY_CUE = ("A full, unhurried hour with the phone away - or minutes between emails and pages",
                    "how available they are: an hour leaves room for ongoing contact; minutes mean keep "
                    "every request short")
ASKS = {
    "mentor": ("If it goes well, ask whether they would be willing to meet regularly - say every six to "
               "eight weeks for the next year - and agree a format that suits them.",
               "ask to meet regularly, cadence and format", "setting-expectations"),
    "coach": ("Ask for one practice session with feedback on the skill behind your goal - a run-through of "
              "a talk, a procedure or an interview answer, and what to change.",
              "coach practice feedback session on one skill", "mentor-roles"),
    "sponsor": ("Ask what you should prepare so they could confidently put your name forward: which "
                "achievements to highlight, what your CV is missing, which opportunity to aim for.",
                "sponsor put your name forward what to prepare", "questions-for-sponsors-connectors"),
    "connector": ("Ask for one named introduction: 'Is there one person you think I should speak with about "
                  "{goal}, and would you be comfortable introducing us?'",
                  "connector introduction to one person", "questions-for-sponsors-connectors"),
}
DEFAULT_ASK = ("Close by asking whether you may follow up, and what next step would be most useful from "
               "their side; their answer tells you which role they are willing to play.",
               "asking about next steps and meeting again", "setting-expectations")
PLAN_TIME = {
    "high": "Plan for an unhurried hour, and keep the time after it free so you never have to cut them off.",
    "low": "Plan for 15 minutes: one line about yourself, straight to your top question, the ask ready "
           "by minute 10.",
    None: "Plan for 30 minutes but be ready to finish in 15: your top question comes right after the opener.",
}
SUGGESTED = {
    "mentor": ("When you were {a_stage}, did you expect to end up where you are now in {field}?",
               "{intro}Which choice at my stage made the biggest difference in your own career?",
               "What risk in your career are you most glad you took?"),
    "coach": ("What did you practise deliberately early in your {field} career to get better fast?",
              "{intro}Which single skill would you have me practise first?",
              "Where do trainees at my stage in {field} most often fall short, in your experience?"),
    "sponsor": ("How did you get where you are now in {field} after you were {a_stage}?",
                "{intro}What would make my record stand out when an opportunity in {field} comes up?",
                "Which strengths should someone at my stage build and document to be ready for an opening?"),
    "connector": ("How did you build your network in {field} when you were at my stage?",
                  "{intro}Whose career in {field} would be a good model for me to learn from?",
                  "Which meetings or societies in {field} helped you most when you were at my stage?"),
}
A_STAGE = {"student": "a medical student", "resident": "a resident", "fellow": "a fellow",
           "attending": "a new attending"}


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
    for span in spans:
        text = " ".join(str(span.get("text") or span.get("quote") or "").split())
        if text and text not in quotes:
            quotes.append(text)
    return role, availability, quotes[:3]


def _short(text: str, limit: int) -> str:
    text = " ".join(str(text or "").split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:-") + "..."


def about_items(mentor: dict, role: str | None, availability: str | None, evidence: list[str],
                cites: Citations, meeting: dict | None = None) -> list[Item]:
    """What is known about the person, earlier meetings, their likely role and the evidence for it."""
    details = ", ".join(x for x in (str(mentor.get("specialty") or "").strip(),
                                    f"{mentor.get('setting')} setting" if mentor.get("setting") not in
                                    (None, "", "other") else "") if x)
    name = " ".join(str(mentor.get("name", "")).split()) or "your contact"
    items = [Item(f"{name}" + (f" - {details}" if details else ""), label="Who")]
    if str(mentor.get("notes") or "").strip():
        items.append(Item(_short(mentor["notes"], 280), label="What you know"))
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
        items.append(Item("; ".join(f'"{_short(q, 110)}"' for q in evidence), label="Evidence"))
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
    text = text.format(goal=_short(goal.rstrip(".").lower() if goal else "my next step", 80))
    refs = cites.cite(f"{query}. {text}", topic=topic, role=role)
    return Item(text, label=f"{role.capitalize()} ask" if role else "Ask", refs=refs)


def logistics_items(availability: str | None, cites: Citations) -> list[Item]:
    """What to send ahead, how long to plan for, what to bring."""
    return [
        Item("your CV and a few lines on your goals (or your IDP) two or three days before; read their "
             "profile and recent papers yourself.", label="Send ahead",
             refs=cites.cite("send your CV goals IDP ahead, read their publications", topic="preparing-for-a-meeting")),
        Item(PLAN_TIME.get(availability, PLAN_TIME[None]), label="Time",
             refs=cites.cite("how long to plan for the meeting and logistics", topic="preparing-for-a-meeting")),
        Item("this sheet, a one-line agenda you set yourself, and a way to note what they say and the next step.",
             label="Bring", refs=cites.cite("the mentee sets the agenda", topic="preparing-for-a-meeting")),
    ]


def etiquette_item(cites: Citations) -> Item:
    return Item("Arrive early, put your phone away and listen more than you talk; watch the clock and end on "
                "time; thank them before you leave and follow up in writing within a day.",
                refs=cites.cite("be present, listen, respect their time, thank them", topic="meeting-etiquette"))


def suggest_questions(profile: dict, mentor: dict, role: str | None, goal: str) -> list[str]:
    """Role-fitting questions filled in from the profile, for users with fewer than three kept questions.

    Templates for the role come first; when the question sharpener is installed, its rewrites of the
    user's goal for this role are added, and anything it flags (too open, googleable, pumping) is dropped.
    """
    stage = str(profile.get("career_stage") or "")
    specialty = str(profile.get("specialty") or "").strip()
    field = str(mentor.get("specialty") or specialty or "medicine").strip().lower()
    goal_line = _short(goal, 110).rstrip(".!?")
    intro = f"I'm {A_STAGE[stage]}" if stage in A_STAGE else ""
    if intro and specialty:
        intro += f" in {specialty.lower()}"
    if goal_line:
        intro = f"{intro}, working towards this goal: {goal_line}. " if intro else f"My goal: {goal_line}. "
    elif intro:
        intro += ". "
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


# ---- after the meeting: the follow-up note -----------------------------------------------------------
@dataclass
class FollowUp:
    """A drafted thank-you and follow-up note.

    Attributes:
        note: the note, ready to edit and send.
        specific_thing: what the mentor said, as the note quotes it ("" when the log has none).
        next_step: the agreed next step, as the note states it ("" when the log has none).
        role_reading: the role engine's reading of the log (None when the engine is unavailable).
        source: ``template``, or ``model`` when a model's smoothing passed every check.
        missing: what the log lacked (``specific_thing``, ``next_step``), so the user can add it.
    """

    note: str
    specific_thing: str
    next_step: str
    role_reading: Any = None
    source: str = "template"
    missing: list[str] | None = None

    @property
    def role(self) -> str | None:
        return getattr(self.role_reading, "role", None)

    def to_dict(self) -> dict[str, Any]:
        reading = self.role_reading.to_dict() if hasattr(self.role_reading, "to_dict") else self.role_reading
        return {"note": self.note, "specific_thing": self.specific_thing, "next_step": self.next_step,
                "role": self.role, "availability": getattr(self.role_reading, "availability", None),
                "role_reading": reading, "source": self.source, "missing": list(self.missing or [])}


_ABBREV = re.compile(r"\b(Dr|Drs|Prof|Mr|Mrs|Ms|St|e\.g|i\.e|vs|approx)\.", re.I)
_WHO = (r"(?P<who>\b(?:[Ss]he|[Hh]e|[Tt]hey|(?:Dr|Prof|Professor|Mr|Mrs|Ms)\.?\s+[A-Z][\w'-]+|"
        r"(?!(?:We|You|It|This|That|There|Then|And|But|So|Also|My|Our|Everyone)\b)[A-Z][a-z]+))")
_VERB = (r"(?P<verb>(?i:said|told me|suggested|recommended|mentioned|advised(?: me)?|explained|pointed out|"
         r"shared|stressed|emphasi[sz]ed|noted|highlighted|encouraged me|urged me|warned(?: me)?|reminded me|"
         r"offered|thinks|thought|feels|felt|believes|believed|insisted|gave me|showed me|walked me through))")
_SAID = re.compile(_WHO + r"\s+(?:(?i:also|then|really|strongly|kindly|even)\s+)?" + _VERB
                   + r"\b[,:]?\s*(?P<rest>.+)")
_ADVICE = re.compile(r"\b(?P<who>[Hh]er|[Hh]is|[Tt]heir)\s+(?:(?i:main|best|key|one|biggest)\s+)?"
                     r"(?P<verb>(?i:advice|suggestion|recommendation|tip|point))\s*(?:was|is|:)\s*(?P<rest>.+)")
_NOUN = {"suggested": "suggestion", "recommended": "recommendation", "advised": "advice", "advised me": "advice",
         "explained": "explanation", "encouraged me": "encouragement", "urged me": "advice", "warned": "warning",
         "warned me": "warning", "reminded me": "reminder", "offered": "offer", "shared": "story"}
_VIEW = {"thinks", "thought", "feels", "felt", "believes", "believed", "insisted"}
_AGREED = re.compile(r"(?i)\b(?:we|(?:she|he|they) and i)\s+(?:both\s+|also\s+)?agreed\b(?:\s+that)?[,:]?\s*"
                     r"(?P<rest>.*)")
_NEXT = re.compile(r"(?i)(?<!no )(?<!no concrete )(?<!no clear )\bnext steps?\s*(?:is|are|will be|:|-)\s*(?P<rest>.+)")
_ASKED = re.compile(r"\b(?:[Ss]he|[Hh]e|[Tt]hey|(?:Dr|Prof)\.?\s+[A-Z][\w'-]+)\s+"
                    r"(?:asked|wants|wanted|invited|told)\s+me\s+to\s+(?P<rest>.+)")
# A second reported clause ("..., and recommended I volunteer") starts a new thought: cut it off.
_SECOND_CLAUSE = re.compile(r",?\s+(?:and|but)\s+(?:then\s+|also\s+)?(?:said|told|suggested|recommended|mentioned|"
                            r"advised|offered|asked|encouraged|explained|gave|added|invited|warned)\b.*$", re.I)
_WILL = re.compile(r"(?P<rest>\b(?:I|[Ww]e|[Ss]he|[Hh]e)(?:'ll|'m going to|\s+(?:will|am going to|are going to|"
                   r"is going to|plan to|should|need to|have to|would))\s+.+)")
_DATE = re.compile(r"(?i)\b(mon|tues|wednes|thurs|fri|satur|sun)day|\b(january|february|march|april|june|july|"
                   r"august|september|october|november|december)\b|\bnext (week|month|year|time)\b|"
                   r"\btomorrow\b|\bin (a|one|two|three|four|six|a few|\d+) (days?|weeks?|months?)\b|"
                   r"\bby the end of\b|\b\d{1,2}[/.]\d{1,2}\b|\b\d{4}-\d{2}-\d{2}\b|\bfollow(ing)?[ -]up\b")
_SUBJECT = re.compile(r"(?i)^(i|i'll|i'd|i'm|we|we'll|we'd|you|you'll|she|he|they)\b")
_TITLED = re.compile(r"\b(?:Dr|Prof|Mr|Mrs|Ms)\.?\s+[A-Z]")
_NOT_NOUN = {"to", "and", "or", "about", "at", "for", "with", "that", "if", "when", "in", "on", "by", "a", "an",
             "the", "again", "too", "know", "directly", "soon", "later", "next", "whether", "how", "what", "why",
             "my", "your", "his", "our", "their", "this", "these", "those", "some", "any", "back", "up"}


def split_sentences(log: str) -> list[str]:
    """Sentences and bullet lines of a meeting log, keeping titles like ``Dr.`` intact."""
    protected = _ABBREV.sub(lambda m: m.group(0)[:-1] + "\x00", log or "")
    parts = re.split(r"(?<=[.!?])[\"')\]]*\s+|\n+|;\s+", protected)
    return [p.replace("\x00", ".").strip(" \t-*\u2022") for p in parts if p and p.strip(" \t-*\u2022")]


def _clean_clause(text: str) -> str:
    text = _SECOND_CLAUSE.sub("", " ".join(text.split())).strip(" \"'\u201c\u201d,:")
    text = re.sub(r"\bi(?=$|\s|'(?:m|ll|ve|d)\b)", "I", text)
    text = re.sub(r"[.!?;,]+$", "", text).strip(" \"'\u201c\u201d")
    return _short(text, 220).rstrip(".")


def _lower_first(text: str, log: str) -> str:
    """Lower-case a sentence-initial word for use mid-sentence, unless it is 'I', a title or a name."""
    first = re.match(r"[A-Za-z][\w'-]*", text)
    if not first or not first.group(0)[0].isupper() or re.fullmatch(r"I('\w+)?|Dr|Prof|Mr|Mrs|Ms", first.group(0)):
        return text
    if re.search(rf"[^.!?\n]\s+{re.escape(first.group(0))}\b", log):
        return text  # capitalised mid-sentence elsewhere: a name
    return text[0].lower() + text[1:]


def _agree(verb: str) -> str:
    low = verb.lower()
    special = {"is": "are", "was": "were", "has": "have", "does": "do"}
    if low in special:
        return special[low]
    if low.endswith("ies") and len(low) > 4:
        return verb[:-3] + "y"
    if re.search(r"(sh|ch|x|o|ss)es$", low):
        return verb[:-2]
    if low.endswith("s") and not low.endswith(("ss", "us", "is")) and len(low) > 3:
        return verb[:-1]
    return verb


def to_second_person(text: str, gender: str | None) -> str:
    """Address the mentor directly: 'she will send...' -> 'you will send...', 'her lab' -> 'your lab'.

    Inner pronouns are left alone when another titled person (``Dr. Kim``) appears, since they could
    refer to that person instead; a leading subject pronoun is always the mentor's.
    """
    if gender not in ("she", "he"):
        return text
    subj, obj, poss = ("she", "her", "her") if gender == "she" else ("he", "him", "his")
    inner = not _TITLED.search(text)
    words = re.findall(r"\w+(?:'\w+)?|\W+", text)
    out: list[str] = []
    for i, word in enumerate(words):
        low, new = word.lower(), None
        j = next((k for k in range(i + 1, len(words)) if words[k].strip()), None)
        nxt = words[j] if j is not None else ""
        if low in (subj, f"{subj}'s", f"{subj}'ll", f"{subj}'d") and (i == 0 or inner):
            new = "you" + {f"{subj}'s": "'re", f"{subj}'ll": "'ll", f"{subj}'d": "'d"}.get(low, "")
            if low == subj and j is not None and re.fullmatch(r"[a-z']+", nxt):
                words[j] = _agree(nxt)
            if low == f"{subj}'s" and nxt.lower() == "been":
                new = "you've"
        elif inner and low == f"{obj}self":
            new = "yourself"
        elif inner and low == poss and poss != obj:
            new = "your"
        elif inner and low == obj and obj != poss:
            new = "you"
        elif inner and low == "her":
            new = "you" if not nxt or not nxt[0].isalpha() or nxt.lower() in _NOT_NOUN else "your"
        if new is not None:
            word = new.capitalize() if word[0].isupper() and i == 0 else new
        out.append(word)
    return "".join(out)


def _mentor_gender(log: str, who: str | None) -> str | None:
    if who and who.lower() in ("she", "he"):
        return who.lower()
    she = len(re.findall(r"(?i)\b(she|her|hers|herself)\b", log))
    he = len(re.findall(r"(?i)\b(he|him|his|himself)\b", log))
    return "she" if she and not he else "he" if he and not she else None


_WEAK_VERBS = ("gave me", "showed me", "walked me through")


def find_specific_thing(sentences: Sequence[str]) -> tuple[str, str, str | None, int]:
    """(reporting verb, raw clause, reporting subject, sentence index) of the first thing the mentor said.

    Things said or advised come first; something they gave or showed is the fallback.
    """
    for weak_ok in (False, True):
        for i, sentence in enumerate(sentences):
            match = _SAID.search(sentence) or _ADVICE.search(sentence)
            if not match or not _clean_clause(match.group("rest")):
                continue
            if weak_ok or match.group("verb").lower() not in _WEAK_VERBS:
                return match.group("verb").lower(), match.group("rest"), match.group("who"), i
    return "", "", None, -1


def _said_phrase(verb: str, clause: str, *, that: bool = False) -> str:
    """How the note refers to what they said, e.g. 'your suggestion that I apply for the QI fellowship'."""
    noun = _NOUN.get(verb, "view" if verb in _VIEW else "point")
    lowered = clause.lower()
    if verb in ("gave me", "showed me", "walked me through"):
        return f"that you {verb} {clause}"
    if verb in ("advice", "suggestion", "recommendation", "tip", "point"):
        joiner = " that " if that else " " if lowered.startswith("to ") else ": "
        return f"your {verb}{joiner}{clause}"
    if lowered.startswith("to "):
        noun = noun if noun in ("offer", "encouragement", "reminder", "suggestion", "advice") else "advice"
        return f"your {noun} {clause}"
    if that:
        return f"your {noun} that {clause}"
    if _SUBJECT.match(clause) or lowered.startswith(("my ", "our ", "it ", "there ")):
        return f"your {noun} that {clause}"
    if verb == "told me" and lowered.startswith("about "):
        return f"what you told me {clause}"
    spoken = {"thinks": "think", "feels": "feel", "believes": "believe", "advised me": "advised"}.get(verb, verb)
    return f"what you {spoken}: {clause}"


def find_next_step(sentences: Sequence[str], skip: int = -1) -> tuple[str, bool, int]:
    """(next step clause, explicitly agreed?, sentence index): 'we agreed' > 'next step' > plans with dates.

    The sentence at ``skip`` (the one quoted as the specific thing) is only used when nothing else fits.
    """
    best: tuple[int, str, bool, int] | None = None
    for i, sentence in enumerate(sentences):
        candidates = []
        if (m := _AGREED.search(sentence)) and _clean_clause(m.group("rest")).lower() not in ("", "on that"):
            rest = m.group("rest")
            candidates.append((6, "we will " + rest[3:] if rest.lower().startswith("to ") else rest, True))
        if m := _NEXT.search(sentence):
            candidates.append((5, re.sub(r"(?i)^to\s+", "I will ", m.group("rest").strip()), True))
        if m := _ASKED.search(sentence):
            candidates.append((4 + bool(_DATE.search(sentence)), "I will " + m.group("rest"), False))
        if m := _WILL.search(sentence):
            candidates.append((3 + bool(_DATE.search(sentence)), m.group("rest"), False))
        elif _DATE.search(sentence) and not _SAID.search(sentence):
            candidates.append((1, sentence, False))
        for score, text, agreed in candidates:
            score -= 3 * (i == skip)
            if _clean_clause(text) and (best is None or score > best[0]):
                best = (score, text, agreed, i)
    return (best[1], best[2], best[3]) if best else ("", False, -1)


def _salutation(mentor: dict | None, log: str) -> str:
    name = " ".join(str((mentor or {}).get("name") or "").split())
    if not name:
        found = re.search(r"\b((?:Dr|Prof)\.?\s+[A-Z][\w'-]+)", log)
        return found.group(1) if found else ""
    parts = name.split()
    if len(parts) > 2 and re.fullmatch(r"(?i)(dr|prof|professor)\.?", parts[0]):
        return f"{parts[0]} {parts[-1]}"
    return name


OFFERS = {
    "mentor": "If you are open to it, I would be glad to meet again in a couple of months to update you.",
    "coach": "If you have time, I would value one more session to practise and hear your feedback.",
    "sponsor": "I will keep working on what we discussed and would be glad to send you an update on my progress.",
    "connector": "I will follow up on the contacts we discussed and let you know how those conversations go.",
}


def compose_note(*, said: str, next_step: str, agreed: bool, salutation: str, signer: str,
                 role: str | None) -> str:
    """The template note over the extracted facts."""
    thanks = "Thank you for taking the time to meet with me."
    thanks += f" I especially appreciated {said}." if said else " I learned a lot from our conversation."
    if not next_step:
        step = OFFERS.get(role or "", "I would be glad to stay in touch and let you know how things develop.")
    elif _SUBJECT.match(next_step):
        step = f"As we agreed, {next_step}." if agreed else f"As discussed, {next_step}."
    else:
        step = f"Next step, as we agreed: {next_step}." if agreed else f"Next step: {next_step}."
    lines = [f"Dear {salutation}," if salutation else "Hello,", "", thanks, "", step, "",
             "Thank you again for your time and generosity.", "", "Best wishes," + (f"\n{signer}" if signer else "")]
    return "\n".join(lines)


def check_note(text: str, draft: str, *, specific_thing: str, next_step: str, known: str) -> list[str]:
    """Problems that disqualify a model's rewrite of the template note (an empty list means acceptable)."""
    problems = []
    if specific_thing and specific_thing not in text:
        problems.append("dropped the specific thing the mentor said")
    if next_step and next_step not in text:
        problems.append("dropped the next step")
    if not 0.6 * len(draft) <= len(text) <= min(1.8 * len(draft), 2500):
        problems.append("length out of range")
    if re.search(r"\[|\]|\{\{|<\||(?i:as an ai|language model)", text):
        problems.append("placeholder or meta text")
    known_words = set(re.findall(r"[A-Za-z][\w'-]*", known))
    lowered = {w.lower() for w in known_words}
    content = [w.lower() for w in re.findall(r"[A-Za-z][\w'-]{3,}", text)]
    novel = [w for w in content if w not in lowered]
    if len(novel) > max(6, 0.25 * len(content)):
        problems.append("too much new wording")
    for sentence in split_sentences(text):
        for word in re.findall(r"\b[A-Z][a-z][\w'-]*", sentence)[1:]:
            if word not in known_words:
                problems.append(f"new name {word!r}")
    return problems


def draft_follow_up(log: str, *, profile: dict | None = None, mentor: dict | None = None,
                    model: Any = None, polish_weak: bool = False) -> FollowUp:
    """Draft the thank-you note from a few logged lines, and read the role from them.

    The note always comes from a template over facts extracted by rules. A model may only smooth its
    wording, and its version is used only if :func:`check_note` finds no problem. Weak models (the
    embedded one, the fake one) are skipped unless ``polish_weak``: they pass the checks about half
    the time and take seconds, so the template is the better default.

    Args:
        log: what happened in the meeting, in the user's words.
        profile: the user's profile (``name`` signs the note).
        mentor: the mentor record (``name`` for the greeting, ``role_estimate`` as a fallback role).
        model: optional chat model used to smooth the wording.
        polish_weak: also ask a weak model to smooth the wording.

    Raises:
        InputError: the log is empty.
    """
    from agent.errors import InputError

    log = (log or "").strip()
    if not log:
        raise InputError("The meeting log is empty - write a few lines on what was said and agreed.")
    sentences = split_sentences(log)
    verb, raw, who, said_at = find_specific_thing(sentences)
    gender = _mentor_gender(log, who)
    specific = _lower_first(_clean_clause(to_second_person(raw, gender)), log) if raw else ""
    that = specific.lower().startswith("that ")
    specific = specific[5:] if that else specific
    step_raw, agreed, _ = find_next_step(sentences, skip=said_at)
    next_step = _lower_first(_clean_clause(to_second_person(step_raw, gender)), log) if step_raw else ""
    reading = _read_room(log)
    role = getattr(reading, "role", None)
    role = role if role in ROLES else read_estimate((mentor or {}).get("role_estimate"))[0]
    draft = compose_note(said=_said_phrase(verb, specific, that=that) if specific else "", next_step=next_step,
                         agreed=agreed, salutation=_salutation(mentor, log),
                         signer=str((profile or {}).get("name") or "").strip(), role=role)
    missing = [k for k, v in (("specific_thing", specific), ("next_step", next_step)) if not v]
    result = FollowUp(note=draft, specific_thing=specific, next_step=next_step, role_reading=reading,
                      missing=missing)
    if model is not None and (polish_weak or _capable(model)):
        known = f"{draft}\n{log}\n{(mentor or {}).get('name', '')}\n{(profile or {}).get('name', '')}"
        smoothed = _smooth(model, draft, result, known=known)
        if smoothed:
            result.note, result.source = smoothed, "model"
    return result


def updated_estimate(previous: dict | None, reading: Any) -> dict | None:
    """The role estimate to store after a meeting: the new reading, unless it found no role cues.

    A log about logistics alone should not erase what an earlier meeting showed.
    """
    new = reading.to_dict() if hasattr(reading, "to_dict") else reading
    if not isinstance(new, dict):
        return previous
    if new.get("role") not in ROLES and read_estimate(previous)[0]:
        return previous
    return new


def _capable(model: Any) -> bool:
    from agent.models import is_capable

    return is_capable(model)


def _read_room(log: str) -> Any:
    try:
        from agent.roles import read_room
    except ImportError:
        return None
    return read_room(log)


def _smooth(model: Any, draft: str, facts: FollowUp, *, known: str) -> str | None:
    from langchain_core.messages import HumanMessage

    from agent.prompts import load_prompt
    from agent.streaming import complete_text

    prompt = load_prompt("follow_up").render(draft=draft, specific_thing=facts.specific_thing,
                                             next_step=facts.next_step)
    try:
        text = complete_text(model, [HumanMessage(prompt)]).strip()
    except MentorPrepError:
        return None
    text = re.sub(r"^(here is|here's)[^\n]*:\s*", "", text, flags=re.I).strip().strip('"')
    ok = not check_note(text, draft, specific_thing=facts.specific_thing, next_step=facts.next_step, known=known)
    return text if ok else None
