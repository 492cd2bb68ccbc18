"""Rehearse a coffee meeting with a persona whose hidden role shows only through what they do.

Each reply answers the trainee's last line first: the move classifier says what the line does (a question
about the persona's path, a favour, an offer, thanks ...), and the persona answers it from its own facts and
the reply bank, the way its hidden role would. Then, when there is room, it takes the next beat of its role's
plan. A busy persona says how long it has at the start, keeps an eye on the clock, and once it has wrapped up
it stays wrapped up. A capable model may rephrase the planned reply; it is checked the same way and the plan
is the fallback. The embedded model never writes the reply.
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Iterator
from typing import Any

from langchain_core.language_models import BaseChatModel

from agent.core import InputError, MentorPrepError
from agent.rehearsal import bank
from agent.rehearsal import beats as pb
from agent.rehearsal import facts as pf
from agent.rehearsal import language as lang
from agent.rehearsal import utterances as ut
from agent.rehearsal.listen import Heard, listen, topics_of
from agent.rehearsal.moves import QUESTION_MOVES
from agent.rehearsal.personas import MEETINGS, Persona, target_field
from agent.rehearsal.state import Rehearsal, Turn, normalise
from retrieval import Citer

__all__ = ["Rehearsal", "Turn", "coach_note", "end_rehearsal", "persona_turn", "start_rehearsal",
           "stream_persona_turn"]

log = logging.getLogger(__name__)

BUSY_WORDS, UNHURRIED_WORDS = 52, 95  # a reply between emails, and one over a proper coffee
BUSY_MID_AT, BUSY_LATE_AT, BUSY_WRAP_AT = 2, 5, 8  # trainee lines after which a busy persona's clock moves on
# Beats the engine jumps to when the trainee's words call for them (if still in the plan).
PREFERRED = {
    "mentor": ((r"balance|family|burn|tired|worr|stress|kids|life", "ask_life"),
               (r"meet again|regular|check in|keep in touch", "propose_regular")),
    "coach": ((r"practi|drill|rehears|exercise", "practice"), (r"feedback|improve|better at|wrong", "feedback"),
              (r"resource|read|book|course|checklist|video", "resource")),
    "sponsor": ((r"\bcv\b|application|apply|nominat", "candidacy"),
                (r"opening|position|opportunit|committee|award", "opportunity")),
    "connector": ((r"who (should|could|else|would)|talk to|people|someone|anyone", "name_people"),
                  (r"\b(conferences?|society|congress|events?)\b", "event")),
}
# Questions about the persona itself that its fixed facts answer in a line.
_OWN_FACTS = (
    (re.compile(r"how long have you|how many years|years (have you|in practice)", re.I),
     "{years} years now, all of them in {specialty}."),
    (re.compile(r"where do you work|which hospital|where are you based", re.I), "I'm at {hospital}."),
    (re.compile(r"what('s| is) your name|who are you", re.I), "{name}, {title_a} at {hospital}."),
)
# Moves whose answer is already the role's own action: no planned beat is added after them.
_SELF_CONTAINED = frozenset({"favour", "ask_next", "goodbye"})
_LEADS_TO_BEAT = frozenset({"greet", "share", "react", "thanks", "off_script"})
_ASKS_BACK = frozenset({"ask_life", "ask_who", "ask_goals", "ask_record"})  # beats that ask, so cannot answer
_HELLO = ("Nice to meet you.", "Good to meet you.", "Hello, and welcome.")


def start_rehearsal(persona: Persona, meeting: str = "coffee", goal: str = "", seed: int = 0) -> Rehearsal:
    """Set up a rehearsal; the persona speaks first, role-neutrally.

    Args:
        persona: who the user meets (see :mod:`agent.rehearsal.personas`).
        meeting: ``coffee``, ``follow-up`` or ``video``.
        goal: what the user wants from the meeting, in their words (read, never repeated back).
        seed: makes the plan, names and wording reproducible.

    Raises:
        InputError: unknown meeting type.
    """
    if meeting not in MEETINGS:
        raise InputError(f"Meeting type must be one of {', '.join(MEETINGS)}, not {meeting!r}.")
    rng = random.Random(f"{seed}:{persona.id}:setup")
    state = Rehearsal(persona=persona, meeting=meeting, goal=(goal or "").strip(), seed=int(seed))
    state.facts = pf.invent_facts(persona, rng)
    state.pending = pb.plan_beats(persona.role, rng)[1:]
    topics = topics_of(state.goal, None)
    state.facts.aim = target_field(state.goal)
    state.facts.topic = topics[0] if topics else ""
    values = pf.slots(state)
    opening = bank.BOOK.opening
    first = {"coffee": opening.coffee, "video": opening.video, "follow-up": opening.follow_up}[meeting]
    parts = [rng.choice(first)]
    if meeting == "follow-up":  # they know each other: no introductions
        topic = state.facts.aim or values["topic_phrase"]
        lines = opening.follow_up_topic if topic else opening.follow_up_plain
        parts.append(lang.fill(rng.choice(lines), {**values, "topic_phrase": topic}) or opening.follow_up_plain[0])
    else:
        parts.append(lang.fill(rng.choice(opening.intro), values) or "")
    if persona.busy:
        parts.append(rng.choice(bank.BOOK.time.busy_open))
        state.used.time_stage = 1
    elif rng.random() < 0.5:
        parts.append(rng.choice(bank.BOOK.time.unhurried_open))
        state.used.time_stage = 1
    if meeting != "follow-up":
        parts.append(rng.choice(opening.invite))
    _say(state, " ".join(p for p in parts if p), "open")
    return state


def persona_turn(state: Rehearsal, user_text: str, *, model: BaseChatModel | None = None, citer: Citer | None = None,
                 weak_opener: bool = False) -> Turn:
    """Record the user's line and return the persona's reply (also appended to ``state.turns``).

    Args:
        state: the rehearsal, updated in place.
        user_text: what the user said.
        model: optional chat model. A capable one may rephrase the planned reply (validated, with the plan as
            fallback). A weak one (the embedded model) is not used unless ``weak_opener`` is set.
        citer: unused by the persona itself; accepted so callers can pass one object everywhere.
        weak_opener: let a weak model prepend a short, validated reaction. Off by default.

    Raises:
        InputError: the line is empty.
    """
    text = " ".join((user_text or "").split())
    if not text:
        raise InputError("Say something to the persona first.")
    state.turns.append(Turn("user", text))
    pf.ensure(state)
    count = len(state.user_turns())
    heard = listen(text, turn=count, closed=state.closed)
    if heard.aspect and heard.move in {"share", "ask_advice"}:
        heard.move = "ask_path"
    state.turns[-1].move = heard.move
    pf.learn(state, heard)
    rng = random.Random(f"{state.seed}:{state.persona.id}:{len(state.turns)}")
    if state.closed:
        draft, beat = _after_close(state, heard, rng)
    elif heard.move == "goodbye":
        draft, beat = _close(state, heard, rng), "close"
    else:
        draft, beat = _reply(state, heard, rng, count)
    reply = draft
    if model is not None and beat not in {"after"} and heard.move != "off_script":
        reply = _model_reply(model, state, heard, beat, draft, weak_opener) or draft
    return _say(state, reply, beat)


def _say(state: Rehearsal, text: str, beat: str) -> Turn:
    text = pb.sanitize(lang.tidy(text))
    state.used.sentences += [normalise(s) for s in ut.sentences(text)]
    pf.note_named(state, text)
    turn = Turn("persona", text, beat)
    state.turns.append(turn)
    return turn


def _reply(state: Rehearsal, heard: Heard, rng: random.Random, count: int) -> tuple[str, str]:
    """Answer first, then (room permitting) the next beat of the plan; a busy persona watches the clock."""
    persona = state.persona
    limit = BUSY_WORDS if persona.busy else UNHURRIED_WORDS
    cue = _time_cue(state, count, rng)
    before = len(state.facts.named)
    preferred = _preferred_beat(state, heard) if heard.move in {"ask_advice", "share"} and count >= 2 else ""
    preferred = "" if preferred in _ASKS_BACK else preferred
    if preferred:  # a change of topic the plan has a beat for: that beat is the answer
        answer = _beat_line(state, preferred, heard, rng, avoid_question=False, said=[])
        beat = preferred if answer else ""
    if not preferred or not answer:
        answer, beat = _answer(state, heard, rng)
    if count == 1 and answer and heard.move in QUESTION_MOVES and (heard.rules.intro or heard.stage):
        answer = f"{rng.choice(_HELLO)} {answer}"  # they introduced themselves and asked at once: answer both
    if beat in state.pending:  # the answer itself carried out this beat
        state.pending.remove(beat)
        state.facts.told.append(beat)
    if len(state.facts.named) > before and "name_people" in state.pending:
        state.pending.remove("name_people")  # the answer already named people
        beat = beat or "name_people"
    parts = [p for p in (answer, cue) if p]  # the answer comes first; the clock is mentioned after it
    if _wants_beat(state, heard, rng):
        step = _next_beat(state, heard)
        line = _beat_line(state, step, heard, rng, avoid_question=answer.rstrip().endswith("?"), said=parts)
        if line and heard.move in _LEADS_TO_BEAT and lang.words(" ".join([*parts, line])) > limit:
            parts = _shorten(parts, answer)  # a deflection or a nod can be shorter; the plan should go on
        if line and lang.words(" ".join([*parts, line])) <= limit:
            parts.append(line)
            beat = step
            state.pending.remove(step)
            state.facts.told.append(step)
            more = _more(state, step, heard, rng, parts, limit)
            if more:
                parts.append(more)
    if persona.busy and count >= BUSY_WRAP_AT:  # out of time: the persona ends the meeting itself
        parts.append(_choose(state, [("time.busy_wrap", bank.BOOK.time.busy_wrap, 0.0)], heard, rng, parts))
        parts.append(_close(state, heard, rng, said=parts))
        return " ".join(p for p in parts if p), "close"
    if not answer and len(parts) == (1 if cue else 0):
        parts.insert(0, _choose(state, bank.answer_cells("react", persona.role, []), heard, rng, parts))
    return " ".join(p for p in parts if p), beat or heard.move


def _shorten(parts: list[str], answer: str) -> list[str]:
    """The reply so far with the answer cut to its first sentence."""
    first = (ut.sentences(answer) or [answer])[0] if answer else ""
    return [first if p == answer else p for p in parts if p]


def _answer(state: Rehearsal, heard: Heard, rng: random.Random) -> tuple[str, str]:
    """What the trainee's line asked for, the way this persona answers it: (text, beat it carries out)."""
    role, move, values = state.persona.role, heard.move, pf.slots(state, heard)
    if move not in {"goodbye", "off_script"}:
        named = _named_person(state, heard)
        if named:
            return named, ""
    for pattern, line in _OWN_FACTS:
        if move in {"ask_path", "ask_work", "ask_fact"} and pattern.search(heard.text):
            return lang.fill(line, values) or "", ""
    topics = list(heard.topics)
    first = len(state.user_turns()) == 1
    if move == "greet" or (first and move == "share" and (heard.rules.intro or heard.stage)):
        greeting = _choose(state, bank.answer_cells("greet", role, topics), heard, rng)
        if pf.greeted_wrongly(state, heard.text):
            line = lang.fill(rng.choice(bank.BOOK.greeting_fix), {"surname": state.persona.name.split()[-1]})
            return f"{line} {greeting}", ""
        return greeting, ""
    if move == "ask_path":
        return _path_answer(state, heard, rng), ""
    if move == "ask_work":
        work = _choose(state, bank.answer_cells("ask_work", role, topics), heard, rng)
        tail = _choose(state, [(f"work_tails.{role}", bank.BOOK.work_tails[role], 0.0)], heard, rng, [work])
        return _fit(state, [work, tail]), ""
    if move == "ask_fact":
        fact = _choose(state, bank.answer_cells("ask_fact", role, topics), heard, rng)
        tail = _choose(state, [(f"fact_tails.{role}", bank.BOOK.fact_tails[role], 0.0)], heard, rng, [fact])
        return _fit(state, [fact, tail]), ""
    if move == "offer" and (heard.work_kind or state.facts.work_focus):
        topics = ["work", *topics]
    if move == "off_script":
        topics = ["hijack"] if heard.rules.hijack else ["clinical"] if heard.clinical else []
    line = _choose(state, bank.answer_cells(move, role, topics), heard, rng)
    return line, bank.BOOK.answer_beats.get(move, {}).get(role, "") if line else ""


def _path_answer(state: Rehearsal, heard: Heard, rng: random.Random) -> str:
    aspect, line = pf.own_path(state, heard.aspect or "chose")
    if not line:
        return _choose(state, bank.answer_cells("react", state.persona.role, []), heard, rng)
    state.facts.told.append(f"path:{aspect}")
    if aspect == "turning" and "share_story" in state.pending:
        state.pending.remove("share_story")  # the story is the answer
        state.facts.told.append("share_story")
    role = state.persona.role
    tail = _choose(state, [(f"path_tails.{role}", bank.BOOK.path_tails[role], 0.0)], heard, rng, [line])
    return _fit(state, [line, tail])


def _named_person(state: Rehearsal, heard: Heard) -> str:
    asked = pf.asked_about_person(state, heard.text)
    if asked is None:
        return ""
    if asked["contact"]:
        contact = asked["contact"]
        return f"Yes, {contact.name}, who {contact.role}. Do get in touch."
    named = state.facts.user_named
    if asked["person"] not in named:
        named.append(asked["person"])
    return pb.NAMED_REPLIES[state.persona.role].format(person=asked["person"])


def _close(state: Rehearsal, heard: Heard, rng: random.Random, *, said: list[str] | None = None) -> str:
    """The persona's goodbye with the next step its role offers; after it, the meeting stays closed."""
    role = state.persona.role
    line = _choose(state, [(f"beats.{role}.close", pb.BEATS[role]["close"].lines, 0.0)], heard, rng, said or [])
    if role == "connector" and state.facts.user_named:
        line += f" And I'll write to {' and '.join(state.facts.user_named[:2])} about you, as promised."
    thanks = "" if said else _choose(state, bank.answer_cells("thanks", role, []), heard, rng) if heard.rules.thanks \
        else ""
    state.closed = True
    state.used.time_stage = 4
    return " ".join(p for p in (thanks, line) if p)


def _after_close(state: Rehearsal, heard: Heard, rng: random.Random) -> tuple[str, str]:
    """Once wrapped up: at most a one-line answer to a question, then goodbye again."""
    parts = []
    if heard.asks and heard.move not in {"goodbye", "thanks"}:
        answer, _ = _answer(state, heard, rng)
        first: list[str] = []
        for sentence in ut.sentences(answer):  # one line: enough words to be an answer, no more
            first.append(sentence)
            if lang.words(" ".join(first)) >= 6:
                break
        if first:
            lead = _choose(state, [("after_close.lead", bank.BOOK.after_close.lead, 0.0)], heard, rng)
            parts += [lead, " ".join(first)]
    parts.append(_choose(state, [("after_close.goodbye", bank.BOOK.after_close.goodbye, 0.0)], heard, rng, parts)
                 or "*waves and heads off*")
    return " ".join(p for p in parts if p), "after"


def _time_cue(state: Rehearsal, count: int, rng: random.Random) -> str:
    """A busy persona's clock, said once per stage and only ever moving forward."""
    if not state.persona.busy or state.used.time_stage >= 3:
        return ""
    stage = 3 if count >= BUSY_LATE_AT else 2 if count >= BUSY_MID_AT else 0
    if stage <= state.used.time_stage:
        return ""
    state.used.time_stage = stage
    lines = bank.BOOK.time.busy_late if stage == 3 else bank.BOOK.time.busy_mid
    return rng.choice(lines)


def _wants_beat(state: Rehearsal, heard: Heard, rng: random.Random) -> bool:
    if not state.pending or heard.move in _SELF_CONTAINED:
        return False
    if heard.move in _LEADS_TO_BEAT:
        return True
    return rng.random() < (0.4 if state.persona.busy else 0.55)


def _preferred_beat(state: Rehearsal, heard: Heard) -> str:
    """A pending beat the trainee's words call for ('' when none)."""
    if heard.rules.hijack:
        return ""
    for pattern, beat in PREFERRED[state.persona.role]:
        if beat in state.pending and re.search(pattern, heard.text, re.I):
            return beat
    return ""


def _next_beat(state: Rehearsal, heard: Heard) -> str:
    if len(state.user_turns()) >= 3:  # early on, let the plan set the pace
        preferred = _preferred_beat(state, heard)
        if preferred:
            return preferred
    if heard.move == "ask_path":  # they just heard part of the persona's story; another would be too much
        return next((b for b in state.pending if b != "share_story"), state.pending[0])
    return state.pending[0]


def _beat_line(state: Rehearsal, step: str, heard: Heard, rng: random.Random, *, avoid_question: bool,
               said: list[str]) -> str:
    role = state.persona.role
    choice = bank.choose(state, [(f"beats.{role}.{step}", pb.BEATS[role][step].lines, 0.0)], pf.slots(state, heard),
                         rng, query=heard.vector, query_text=heard.text, avoid_question=avoid_question, said=said)
    if choice and step == "feedback":
        state.facts.tips_used += 1
    if choice:
        pf.note_named(state, choice.text)
    return choice.text if choice else ""


def _more(state: Rehearsal, step: str, heard: Heard, rng: random.Random, parts: list[str], limit: int) -> str:
    """Now and then, one more sentence from an unhurried persona."""
    if state.persona.busy or rng.random() > 0.3:
        return ""
    role = state.persona.role
    line = _choose(state, [(f"more.{role}", pb.ROLE_MORE[role], 0.0)], heard, rng, parts)
    return line if lang.words(" ".join([*parts, line])) <= limit else ""


def _choose(state: Rehearsal, cells: list, heard: Heard, rng: random.Random, said: list[str] | None = None) -> str:
    choice = bank.choose(state, cells, pf.slots(state, heard), rng, query=heard.vector, query_text=heard.text,
                         said=said or [], prefer=heard.learned)
    if choice:
        pf.note_named(state, choice.text)  # the next line refers back to them instead of introducing them again
    return choice.text if choice else ""


def _fit(state: Rehearsal, parts: list[str]) -> str:
    """Join an answer and its tail, dropping the tail when a busy persona would run long."""
    limit = BUSY_WORDS - 5 if state.persona.busy else UNHURRIED_WORDS - 20
    kept = [parts[0]] if parts[0] else []
    for part in parts[1:]:
        if part and lang.words(" ".join([*kept, part])) <= limit:
            kept.append(part)
        elif part:  # not said after all: nobody was introduced by it
            text = " ".join(kept)
            state.facts.named = [n for n in state.facts.named if n not in part or n in text]
    return " ".join(kept)


def stream_persona_turn(state: Rehearsal, user_text: str, *, model: BaseChatModel | None = None,
                        citer: Citer | None = None, weak_opener: bool = False) -> Iterator[str]:
    """Like :func:`persona_turn` but yields the reply in small chunks (for ``st.write_stream``).

    The reply is checked as a whole before anything is shown, so the chunks are released after validation.
    """
    turn = persona_turn(state, user_text, model=model, citer=citer, weak_opener=weak_opener)
    words = turn.text.split(" ")
    for i, word in enumerate(words):
        yield word if i == 0 else " " + word


def _model_reply(model: BaseChatModel, state: Rehearsal, heard: Heard, beat: str, draft: str,
                 weak_opener: bool) -> str | None:
    """A model-phrased reply, or None to keep the draft.

    A capable model rewrites the whole draft, under the same checks as the bank. A weak one may only put a
    short reaction in front, and only when ``weak_opener`` is set.
    """
    from agent.core import is_capable
    from agent.rehearsal import model_lines

    try:
        if is_capable(model):
            return model_lines.capable_reply(model, state, heard, beat, draft)
        if not weak_opener:
            return None
        opener = model_lines.weak_opener(model, state)
    except MentorPrepError as exc:
        log.warning("persona model failed, using the planned reply: %s", exc)
        return None
    if not opener or normalise(opener) in state.used.sentences:
        return None
    return f"{opener} {draft}"


def end_rehearsal(state: Rehearsal, role_guess: str | None, *, citer: Citer | None = None, sharpener: Any = None):
    """Close the rehearsal and score it; see :func:`agent.rehearsal.debrief.build_debrief`."""
    from agent.rehearsal.debrief import build_debrief

    return build_debrief(state, role_guess, citer=citer, sharpener=sharpener)


def coach_note(user_text: str, state: Rehearsal, citer: Citer | None = None, *, sharpener: Any = None):
    """Live coaching for one user line; see :func:`agent.rehearsal.debrief.coach_note`."""
    from agent.rehearsal.debrief import coach_note as note

    return note(user_text, state, citer, sharpener=sharpener)
