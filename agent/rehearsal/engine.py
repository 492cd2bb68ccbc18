"""Rehearse a coffee meeting with a persona whose hidden role shows only through what they do.

Code plans every reply: it picks the next beat for the persona's role, fills a template with facts the
persona has already stated and with what the user just said, and only then may a model rephrase it.
A weak model never writes the reply (at most, on request, a one-sentence opener); a capable one may
rephrase the draft, and anything that breaks character, states a role or drops the beat's substance
falls back to the draft.
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from langchain_core.language_models import BaseChatModel

from agent.core import InputError, MentorPrepError
from agent.rehearsal import beats as pb
from agent.rehearsal import facts as pf
from agent.rehearsal import utterances as ut
from agent.rehearsal.personas import MEETINGS, Persona
from retrieval import Citer

log = logging.getLogger(__name__)

BUSY_WORDS = 55  # about what fits in a quick reply between emails

_PERSONAL = (r"when you were|at my stage|get involved|got involved|get into|got into|early on|end(ed)? up|"
             r"your (own )?(path|story|career|journey|decision|experience|job|work|"
             r"day|life|training|residency)|did you|would you have|surprised you|regret|risk|hardest|"
             r"favou?rite|best part|what('s| is) it like|made you|were you|have you ever|you (chose|picked)")
_PREFERRED = {
    "mentor": ((_PERSONAL, "share_story"),
               (r"balance|family|burn|tired|worr|stress|kids|life", "share_wisdom"),
               (r"meet again|regular|check in|keep in touch|see you again", "propose_regular")),
    "coach": ((r"practi|drill|rehears|try it|exercise", "practice"), (r"feedback|improve|better at|wrong", "feedback"),
              (r"resource|read|book|course|checklist|video", "resource")),
    "sponsor": ((r"\bcv\b|prepare|application|apply|nominat|dossier", "candidacy"),
                (r"opening|position|opportunit|committee|award|role", "opportunity")),
    "connector": ((r"who (should|could|else|would)|talk to|people|someone|anyone", "name_people"),
                  (r"event|conference|society|meetings?\b", "event"), (r"email|contact|reach", "share_contact")),
}
_FACT_QUESTIONS = (
    (r"how many hours", "More hours than I'd like to admit, and fewer than I used to."),
    (r"how long have you|how many years", "{years} years now, all of them in {specialty}."),
    (r"where do you work|which hospital|where are you based", "I'm at {hospital}."),
    (r"what('s| is) your name|who are you", "{name}, {title} at {hospital}."),
    (r"what do you do\b|what('s| is) your (job|specialty)", "I'm a {title} at {hospital}, {years} years in."),
)


@dataclass
class Turn:
    """One line of the rehearsal. ``beat`` is the persona's planned action; ``coaching`` a live note."""

    speaker: str
    text: str
    beat: str = ""
    coaching: dict | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Rehearsal:
    """The whole state of one rehearsal; JSON-safe through :meth:`to_dict` / :meth:`from_dict`."""

    persona: Persona
    meeting: str = "coffee"
    goal: str = ""
    seed: int = 0
    turns: list[Turn] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    used: dict = field(default_factory=dict)
    closed: bool = False

    def persona_lines(self) -> list[str]:
        """Everything the persona has said, in order."""
        return [t.text for t in self.turns if t.speaker == "persona"]

    def user_turns(self) -> list[tuple[int, Turn]]:
        """(index, turn) for every user line."""
        return [(i, t) for i, t in enumerate(self.turns) if t.speaker == "user"]

    def to_dict(self) -> dict:
        data = asdict(self)
        data["persona"] = self.persona.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Rehearsal:
        persona_fields = {k: v for k, v in data["persona"].items() if k in Persona.__dataclass_fields__}
        return cls(persona=Persona(**persona_fields), meeting=data.get("meeting", "coffee"),
                   goal=data.get("goal", ""), seed=int(data.get("seed", 0)),
                   turns=[Turn(**t) for t in data.get("turns", [])], pending=list(data.get("pending", [])),
                   facts=dict(data.get("facts", {})), used=dict(data.get("used", {})),
                   closed=bool(data.get("closed", False)))


def start_rehearsal(persona: Persona, meeting: str = "coffee", goal: str = "", seed: int = 0) -> Rehearsal:
    """Set up a rehearsal; the persona speaks first.

    Args:
        persona: who the user meets (see :mod:`agent.rehearsal.personas`).
        meeting: ``coffee``, ``follow-up`` or ``video``.
        goal: what the user wants from the meeting, in their words.
        seed: makes the plan, names and wording reproducible.

    Raises:
        InputError: unknown meeting type.
    """
    if meeting not in MEETINGS:
        raise InputError(f"Meeting type must be one of {', '.join(MEETINGS)}, not {meeting!r}.")
    rng = random.Random(f"{seed}:{persona.id}:setup")
    state = Rehearsal(persona=persona, meeting=meeting, goal=(goal or "").strip(), seed=int(seed))
    state.facts = pf.invent_facts(persona, rng)
    pf.fit_to_field(state)
    state.pending = pb.plan_beats(persona.role, rng)[1:]
    opener = [rng.choice(pb.MEETING_OPENERS[meeting])]
    if meeting == "follow-up" and state.goal:
        topic = ut.key_phrase(state.goal) or "your plans"
        opener.append(f"Last time we started on {topic}. Where have you got to?")
    if persona.busy:
        opener.append("I've only got about fifteen minutes before my next meeting, so let's dive in.")
    else:
        opener.append(rng.choice(pb.UNHURRIED_TIME_CUES))
    if meeting == "follow-up":
        opener.append(pb.FOLLOW_UP_OPEN[persona.role])  # they know each other: no introductions
    else:
        opener.append(_line(state, "open", ut.Reading(), rng))
    state.turns.append(Turn("persona", pb.sanitize(" ".join(opener)), "open"))
    return state


def persona_turn(state: Rehearsal, user_text: str, *, model: BaseChatModel | None = None, citer: Citer | None = None,
                 weak_opener: bool = False) -> Turn:
    """Record the user's line and return the persona's reply (also appended to ``state.turns``).

    Args:
        state: the rehearsal, updated in place.
        user_text: what the user said.
        model: optional chat model. A capable one may rephrase the planned draft (validated, with the draft
            as fallback). A weak one (the embedded model) is not used unless ``weak_opener`` is set.
        citer: unused by the persona itself; accepted so callers can pass one object everywhere.
        weak_opener: let a weak model prepend a short, validated reaction. Off by default: the embedded
            model's openers are rarely usable and cost seconds per turn (see bench/bench_rehearsal.py).

    Raises:
        InputError: the line is empty.
    """
    text = " ".join((user_text or "").split())
    if not text:
        raise InputError("Say something to the persona first.")
    state.turns.append(Turn("user", text))
    reading = ut.read(text)
    rng = random.Random(f"{state.seed}:{state.persona.id}:{len(state.turns)}")
    pf.fit_to_field(state)
    pf.pick_skill(state)
    beat = _choose_beat(state, text, reading, rng)
    topical = _topical(state, beat, reading, rng)
    lead, plain = _lead(state, reading, rng, beat, echo_topic=not topical)
    body = _line(state, beat, reading if topical else ut.Reading(), rng)
    if beat == "close" and state.persona.role == "connector" and state.facts.get("user_named"):
        body += f" And I'll write to {' and '.join(state.facts['user_named'][:2])} about you, as promised."
    parts = [lead, body]
    if state.persona.busy and beat == "close":
        parts.insert(0, rng.choice(pb.BUSY_GOODBYES))
    elif state.persona.busy and (state.facts.get("cued_at", -9) < len(state.turns) - 2 or rng.random() < 0.4):
        if len(" ".join(parts).split()) <= BUSY_WORDS - 8:  # a busy person says less, not more
            parts.insert(0, _time_cue(state, rng))
            state.facts["cued_at"] = len(state.turns)
    elif not state.persona.busy and beat not in {"close", "after"} and rng.random() < 0.7:
        parts.append(_more(state, beat, rng))
    draft = pb.sanitize(" ".join(p for p in parts if p))
    reply = draft
    if model is not None and not reading.hijack and beat != "after":
        reply = _model_reply(model, state, beat, draft, parts, lead, weak_opener and plain) or draft
    turn = Turn("persona", pb.sanitize(reply), beat)
    state.turns.append(turn)
    return turn


def _topical(state: Rehearsal, beat: str, reading: ut.Reading, rng: random.Random) -> bool:
    """Whether this beat should be phrased around the user's topic (then the lead does not echo it)."""
    spec = pb.BEATS[state.persona.role].get(beat)
    personal = reading.topic.startswith("my ") or reading.favour or reading.hijack
    return bool(reading.topic and spec and spec.topic_lines and not personal and rng.random() < 0.6)


def _fresh(state: Rehearsal, kind: str, options: tuple[str, ...], rng: random.Random) -> str:
    """A variant not used yet in this rehearsal (any, once all have been used)."""
    used = state.used.setdefault(kind, [])
    choice = rng.choice([o for o in options if o not in used] or list(options))
    used.append(choice)
    return choice


def _time_cue(state: Rehearsal, rng: random.Random) -> str:
    used = state.used.setdefault("time", [])
    cue = rng.choice([c for c in pb.BUSY_TIME_CUES if c not in used[-3:]])
    used.append(cue)
    return cue


def stream_persona_turn(state: Rehearsal, user_text: str, *, model: BaseChatModel | None = None,
                        citer: Citer | None = None, weak_opener: bool = False) -> Iterator[str]:
    """Like :func:`persona_turn` but yields the reply in small chunks (for ``st.write_stream``).

    The reply is checked as a whole before anything is shown, so the chunks are released after validation.
    """
    turn = persona_turn(state, user_text, model=model, citer=citer, weak_opener=weak_opener)
    words = turn.text.split(" ")
    for i, word in enumerate(words):
        yield word if i == 0 else " " + word


def _choose_beat(state: Rehearsal, text: str, reading: ut.Reading, rng: random.Random) -> str:
    if state.closed and reading.questions and not reading.closing and not reading.hijack:
        state.closed = False  # one more question after goodbye: answer it
        state.facts["reopened"] = True
    if state.closed:
        return "after"
    if reading.closing and (len(state.user_turns()) >= 3 or ut.says_goodbye(text)):
        state.closed = True
        return "close"
    reading.closing = False
    role = state.persona.role
    for pattern, beat in _PREFERRED[role]:
        if beat in state.pending and re.search(pattern, text, re.I) and not reading.hijack:
            state.pending.remove(beat)
            return beat
    if role == "coach" and not state.facts.get("skill_locked") and state.pending:
        if len(state.user_turns()) < 3:
            return "clarify"  # no skill named yet: keep asking before drilling anything
        state.facts["skill_locked"] = state.facts["skill_defaulted"] = True
    if state.pending:
        return state.pending.pop(0)
    last = next((t.beat for t in reversed(state.turns) if t.speaker == "persona"), "")
    return rng.choice([b for b in pb.CORE_ORDER[role] if b != last])


def _lead(state: Rehearsal, reading: ut.Reading, rng: random.Random, beat: str, *,
          echo_topic: bool = True) -> tuple[str, bool]:
    """The persona's reaction to what the user just said, before the planned beat.

    Returns the text and whether it is a mere pleasantry (which a model may replace) rather than an
    answer, a deflection or a refusal.
    """
    persona, text = state.persona, state.turns[-1].text
    slots = pf.slots(state, reading)
    if reading.hijack:
        return rng.choice(pb.DEFLECTIONS).format(**slots), False
    if state.facts.pop("reopened", False):
        return rng.choice(pb.REOPEN), False
    if reading.closing or state.closed:
        return "", True
    for pattern, answer in _FACT_QUESTIONS:
        if re.search(pattern, text, re.I):
            return answer.format(**slots), False
    if reading.favour:
        return pb.FAVOUR_REPLIES[persona.role], False
    asked = pf.asked_about_person(state, text)
    if asked and asked["contact"]:
        return f"Yes, {asked['person']}, the colleague who {asked['contact']['role']}.", False
    if asked:  # someone the persona has not named: acknowledge them the way this persona would
        named = state.facts.setdefault("user_named", [])
        if asked["person"] not in named:
            named.append(asked["person"])
        return pb.NAMED_REPLIES[persona.role].format(person=asked["person"]), False
    mentioned = [c for c in state.facts["contacts"] if c["name"].split()[-1].lower() in text.lower()]
    if mentioned and mentioned[0]["name"] in " ".join(state.persona_lines()):
        return f"Yes, {mentioned[0]['name']}, the colleague who {mentioned[0]['role']}.", False
    if reading.questions and re.search(_PERSONAL, text, re.I):
        if beat == "share_story":  # the story is the answer
            return _fresh(state, "story_leads", pb.STORY_LEADS, rng), False
        return pf.own_path(state, text, tail=not persona.busy), False
    if reading.intro and len(state.user_turns()) <= 2:
        state.facts["user_stage"] = reading.stage
        article = "an" if reading.stage[:1] in "aeio" else "a"
        wrong = pf.greeted_wrongly(state, text)
        fix = pb.GREETING_FIX.format(surname=persona.name.split()[-1]) + " " if wrong else ""
        return fix + (f"So you're {article} {reading.stage}. Nice to meet you." if reading.stage
                      else "Nice to meet you."), False
    if persona.busy and rng.random() < 0.6:
        return "", True  # no time for pleasantries
    if reading.questions and not persona.busy and rng.random() < 0.6:
        key = "question" if reading.topic and echo_topic else "question_plain"
        ack = rng.choice(pb.ACKS[key]).format(**slots)
        return f"{ack} {_fresh(state, 'answers', pb.QUESTION_ANSWERS[persona.role], rng)}", False
    if reading.questions:
        key = "question" if reading.topic and echo_topic else "question_plain"
    elif reading.thanks:
        key = "thanks"
    else:
        key = "statement_topic" if reading.topic and echo_topic and rng.random() < 0.85 else "statement"
    return rng.choice(pb.ACKS[key]).format(**slots), True


def _line(state: Rehearsal, beat_id: str, reading: ut.Reading, rng: random.Random) -> str:
    """Realise one beat from its templates, avoiding a variant already used when possible."""
    role = state.persona.role
    if beat_id == "after":
        return rng.choice(pb.AFTER_CLOSE)
    if role == "connector":
        pf.fit_contacts(state)
    beat = pb.BEATS[role][beat_id]
    options = list(beat.lines)
    if reading.topic and beat.topic_lines:  # the caller passes a topic only when the beat should use it
        options = list(beat.topic_lines)
    if role == "coach" and beat_id == "clarify" and not state.facts.get("skill_locked"):
        options = list(pb.FIND_SKILL)
    elif role == "coach" and state.facts.pop("skill_defaulted", False):
        options = [f"Then let's work on {{skill}}; nearly everyone at your stage can gain there. {o}" for o in options]
    used = state.used.setdefault(beat_id, [])
    fresh = [o for o in options if o not in used] or options
    template = rng.choice(fresh)
    used.append(template)
    if beat_id == "share_story" and "story" in state.facts["told"]:
        template = ("Remember what I told you about my own path: it rarely runs in a straight line, and "
                    "that's fine. Yours won't either.")
    state.facts["told"].append({"share_story": "story"}.get(beat_id, beat_id))
    line = template.format(**pf.slots(state, reading))
    if beat_id == "feedback":
        state.facts["tips_used"] = state.facts.get("tips_used", 0) + 1
    return line


def _more(state: Rehearsal, beat_id: str, rng: random.Random) -> str:
    """One extra sentence for an unhurried persona, not repeated within a rehearsal."""
    beat = pb.BEATS[state.persona.role].get(beat_id)
    if rng.random() < 0.15 and not state.used.get("time"):
        cue = rng.choice(pb.UNHURRIED_TIME_CUES)
        state.used["time"] = [cue]  # once is reassuring; more sounds scripted
        return cue
    used = state.used.setdefault("more", [])
    extra = [m for m in (*(beat.more if beat else ()), *pb.ROLE_MORE[state.persona.role]) if m not in used]
    if not extra:
        return ""
    choice = extra[0] if beat and beat.more and extra[0] in beat.more else rng.choice(extra)
    used.append(choice)
    return choice


def _model_reply(model: BaseChatModel, state: Rehearsal, beat: str, draft: str, parts: list[str], lead: str,
                 weak_opener: bool) -> str | None:
    """A model-phrased reply, or None to keep the draft.

    A capable model rewrites the whole draft. A weak one may only replace the lead (a plain pleasantry)
    with its own short reaction, and only when ``weak_opener`` is set.
    """
    from agent.core import is_capable

    try:
        if is_capable(model):
            from agent.rehearsal.model_lines import capable_reply

            return capable_reply(model, state, beat, draft)
        if not weak_opener:
            return None
        from agent.rehearsal.model_lines import weak_opener as opener_for

        opener = opener_for(model, state)
    except MentorPrepError as exc:
        log.warning("persona model failed, using the planned reply: %s", exc)
        return None
    if not opener:
        return None
    return " ".join([opener, *(p for p in parts if p and p is not lead)])


def end_rehearsal(state: Rehearsal, role_guess: str | None, *, citer: Citer | None = None, sharpener: Any = None):
    """Close the rehearsal and score it; see :func:`agent.rehearsal.debrief.build_debrief`."""
    from agent.rehearsal.debrief import build_debrief

    return build_debrief(state, role_guess, citer=citer, sharpener=sharpener)


def coach_note(user_text: str, state: Rehearsal, citer: Citer | None = None, *, sharpener: Any = None):
    """Live coaching for one user line; see :func:`agent.rehearsal.debrief.coach_note`."""
    from agent.rehearsal.debrief import coach_note as note

    return note(user_text, state, citer, sharpener=sharpener)
