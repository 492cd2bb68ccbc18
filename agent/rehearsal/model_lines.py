"""Model phrasing for persona replies, always checked against the planned reply before use.

A capable model may rephrase the whole planned reply through ``prompts/persona.md``; the embedded model may at
most write a short opener, and only when asked. Either output is dropped (and the caller keeps the plan) when
it breaks character, states a role, invents names, repeats a sentence already said in the meeting, matches a
bad pattern, or stops answering what the trainee asked (a career question must get the persona's own path, a
favour a reply true to its role, a question about its work an answer about that work).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from agent.rehearsal import bank
from agent.rehearsal import beats as pb
from agent.rehearsal import language as lang
from agent.rehearsal import utterances as ut
from agent.rehearsal.personas import AVAILABILITY, MEETINGS
from agent.rehearsal.state import normalise

if TYPE_CHECKING:
    from agent.rehearsal.engine import Rehearsal
    from agent.rehearsal.listen import Heard

_META = re.compile(
    r"\b(ai|a\.i\.|assistant|language model|llm|chatbot|instructions?|prompt|persona|role[- ]?play|"
    r"character|script|scenario|simulation|as an? (doctor|physician|senior)|i'?m sorry|i cannot|i can'?t help|"
    r"openai|user|draft)\b|https?://|#|\*\*",
    re.I,
)
_OFF = re.compile(r"\b(sorry|help|assist|patients?|loss|nurse|condition)\b", re.I)
_NAME = re.compile(r"\bDr\.? ([A-Z][a-z]+)(?: ([A-Z][a-zA-Z\-]+(?:'[A-Z][a-z]+)?))?")
OPENER_MAX_TOKENS = 24
_SENTENCE_ENDS = (".", "!", "?", "\n")


def _known_surnames(state: Rehearsal) -> set[str]:
    names = [c.name for c in state.facts.contacts] + [state.facts.ally, state.persona.name, *state.facts.user_named]
    return {n.split()[-1].lower() for n in names if n}


def _names_ok(text: str, state: Rehearsal, draft: str) -> bool:
    known = _known_surnames(state)
    for first, last in _NAME.findall(text):
        if (last or first).lower() not in known:
            return False
    return all(n.split()[-1].lower() in text.lower() for n in ut.named_people(draft))


def valid_opener(text: str, user_text: str) -> str | None:
    """The first sentence of a weak model's opener when it is short, plain and on topic, else None."""
    first = (ut.sentences(" ".join((text or "").split())) or [""])[0].strip().strip('"')
    words = first.split()
    if not 2 <= len(words) <= 16 or first[-1:] not in ".!?":
        return None
    if pb.has_role_word(first) or _META.search(first) or re.search(r"\d|\bshould\b|\byou are\b", first, re.I):
        return None
    if any(w[:1].isupper() for w in words[1:] if w.strip(",.!?'") not in {"I", "I'm", "I've", "I'd", "I'll"}):
        return None  # capitalised words would be invented names or places
    if not ut.content_words(first) & ut.content_words(user_text) or _OFF.search(first) or lang.problems(first):
        return None  # it must react to what was said, not offer generic help
    return first


def weak_opener(model: BaseChatModel, state: Rehearsal) -> str | None:
    """Ask the embedded model for a one-sentence reaction to the user's last line; None if unusable."""
    from agent.core import complete_text

    user_text = next(t.text for t in reversed(state.turns) if t.speaker == "user")
    messages = [
        SystemMessage(f"You are {state.persona.name}, a friendly {state.persona.title}. React to the "
                      "junior doctor in one short sentence. Do not give advice."),
        HumanMessage(user_text[:400]),
    ]
    # Stop at the first sentence end: only one sentence is ever used, and every token costs time.
    bound = model.bind(max_tokens=OPENER_MAX_TOKENS, stop=list(_SENTENCE_ENDS)) if hasattr(model, "bind") else model
    text = complete_text(bound, messages).strip()
    return valid_opener(text if text[-1:] in _SENTENCE_ENDS else text + ".", user_text)


def valid_reply(text: str, state: Rehearsal, heard: Heard, beat: str, draft: str) -> str | None:
    """A capable model's reply when it stays in character, says nothing twice and still answers, else None."""
    reply = lang.tidy(" ".join((text or "").split()).strip().strip('"'))
    words = reply.split()
    limit = 70 if state.persona.busy else 150
    if not 3 <= len(words) <= limit:
        return None
    if pb.has_role_word(reply) or _META.search(reply) or not _names_ok(reply, state, draft) or lang.problems(reply):
        return None
    said = set(state.used.sentences)
    if any(normalise(s) in said for s in ut.sentences(reply)):
        return None
    if not answers(reply, state, heard, draft):
        return None
    cues = [c.lower() for c in _cue_words(state, beat)]
    if cues and not any(c in reply.lower() for c in cues):
        return None
    return reply


def answers(reply: str, state: Rehearsal, heard: Heard, draft: str) -> bool:
    """Whether a rephrased reply still answers the trainee's move the way the planned reply did."""
    check = bank.BOOK.model_checks.get(heard.move)
    if check is not None:
        must = check.must.get(state.persona.role) or check.must.get("any")
        if must and not re.search(must, reply, re.I):
            return False
        if check.never and re.search(check.never, reply, re.I):
            return False
    first = (ut.sentences(draft) or [draft])[0]
    keep = ut.content_words(first) - ut.GENERIC
    # The answer's substance (the path fact, the work item, the colleague) must survive the rephrasing.
    return not keep or len(keep & ut.content_words(reply)) >= min(2, len(keep))


def _cue_words(state: Rehearsal, beat: str) -> list[str]:
    from agent.rehearsal.facts import slots as fill

    spec = pb.BEATS[state.persona.role].get(beat)
    if spec is None:
        return []
    values = fill(state)
    return [c for c in (lang.fill(c, values) for c in spec.cues) if c]


def capable_reply(model: BaseChatModel, state: Rehearsal, heard: Heard, beat: str, draft: str) -> str | None:
    """Rephrase the planned reply with a capable model via ``prompts/persona.md``; None if the result is unusable."""
    from agent.core import complete_text, load_prompt

    persona = state.persona
    first = bank.BOOK.move_intents.get(heard.move, "carry the conversation forward")
    then = pb.INTENTS.get(f"{persona.role}.{beat}") or pb.INTENTS.get(beat, "")
    intent = f"{first}; then {then}" if then and beat != heard.move else first
    told = [f"- Your name is {persona.name}; {persona.years} years as {lang.with_article(persona.title)} at "
            f"{persona.hospital}."]
    told += [f"- About your own path you said: {state.facts.path[a.split(':', 1)[1]]}"
             for a in state.facts.told if a.startswith("path:") and a.split(":", 1)[1] in state.facts.path]
    told += [f"- {c.name} {c.role}." for c in state.facts.contacts if c.name in state.facts.named]
    history = "\n".join(f"{'Them' if t.speaker == 'user' else 'You'}: {t.text}" for t in state.turns[-7:-1])
    length_rule = ("Keep it under 50 words and let your lack of time show." if persona.busy
                   else "Keep it under 110 words.")
    system = load_prompt("persona").render(
        name=persona.name, title=persona.title, hospital=persona.hospital, years=str(persona.years),
        seniority=persona.seniority, temperament=persona.temperament,
        time_available=AVAILABILITY[persona.availability], length_rule=length_rule,
        meeting=MEETINGS[state.meeting], intent=intent, draft=draft, facts="\n".join(told),
        history=history or "(nothing yet)",
    )
    messages = [SystemMessage(system), HumanMessage(state.turns[-1].text[:2000])]
    return valid_reply(complete_text(model, messages), state, heard, beat, draft)
