"""Model phrasing for persona replies, always checked against the planned draft before use.

A capable model may rephrase the whole draft through ``prompts/persona.md``. The embedded model may at most
write a short opener. Either output is dropped (and the caller keeps the draft) when it breaks character,
states a role, invents names or numbers, or loses the beat's substance.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from agent.rehearsal import beats as pb
from agent.rehearsal import utterances as ut
from agent.rehearsal.personas import AVAILABILITY, MEETINGS

if TYPE_CHECKING:
    from agent.rehearsal.engine import Rehearsal

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
    names = [c["name"] for c in state.facts.get("contacts", [])] + [state.facts.get("ally", ""), state.persona.name]
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
    if not ut.content_words(first) & ut.content_words(user_text) or _OFF.search(first):
        return None  # it must react to what was said, not offer generic help
    return first


def weak_opener(model: BaseChatModel, state: Rehearsal) -> str | None:
    """Ask the embedded model for a one-sentence reaction to the user's last line; None if unusable."""
    from agent.core import complete_text

    user_text = state.turns[-2].text if state.turns[-1].speaker == "persona" else state.turns[-1].text
    messages = [
        SystemMessage(f"You are {state.persona.name}, a friendly {state.persona.title}. React to the "
                      "junior doctor in one short sentence. Do not give advice."),
        HumanMessage(user_text[:400]),
    ]
    # Stop at the first sentence end: only one sentence is ever used, and every token costs time.
    bound = model.bind(max_tokens=OPENER_MAX_TOKENS, stop=list(_SENTENCE_ENDS)) if hasattr(model, "bind") else model
    text = complete_text(bound, messages).strip()
    return valid_opener(text if text[-1:] in _SENTENCE_ENDS else text + ".", user_text)


def valid_reply(text: str, state: Rehearsal, beat: str, draft: str) -> str | None:
    """A capable model's reply when it stays in character and keeps the beat, else None."""
    reply = " ".join((text or "").split()).strip().strip('"')
    words = reply.split()
    limit = 70 if state.persona.busy else 150
    if not 3 <= len(words) <= limit:
        return None
    if pb.has_role_word(reply) or _META.search(reply) or not _names_ok(reply, state, draft):
        return None
    cues = [c.lower() for c in _cue_words(state, beat)]
    if cues and not any(c in reply.lower() for c in cues):
        return None
    return reply


def _cue_words(state: Rehearsal, beat: str) -> list[str]:
    from agent.rehearsal.facts import slots as fill

    spec = pb.BEATS[state.persona.role].get("close" if beat == "after" else beat)
    if spec is None:
        return []
    values = fill(state, ut.Reading())
    return [c.format(**values) for c in spec.cues]


def capable_reply(model: BaseChatModel, state: Rehearsal, beat: str, draft: str) -> str | None:
    """Rephrase the draft with a capable model via ``prompts/persona.md``; None if the result is unusable."""
    from agent.core import complete_text, load_prompt

    persona = state.persona
    role_beat = f"{persona.role}.{beat}"
    intent = pb.INTENTS.get(role_beat) or pb.INTENTS.get(beat, "carry the conversation forward")
    told = [f"- Your name is {persona.name}; {persona.years} years as a {persona.title} at "
            f"{persona.hospital}."]
    if "story" in state.facts.get("told", []):
        told.append(f"- You told this story: {state.facts['story']}")
    lines = " ".join(state.persona_lines())
    told += [f"- {c['name']} {c['role']}." for c in state.facts.get("contacts", []) if c["name"] in lines]
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
    return valid_reply(complete_text(model, messages), state, beat, draft)
