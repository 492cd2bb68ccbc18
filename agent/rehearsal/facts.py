"""Facts a rehearsal persona states: invented once per rehearsal, then reused so the persona stays consistent.

Names of colleagues, the story it tells, the opening it offers, the skill it works on: all are fixed up front
from the seed (or adapted once to what the user brings up) and filled into the beat templates as slots.
"""

from __future__ import annotations

import random
import re
from typing import Any

from agent.rehearsal import beats as pb
from agent.rehearsal import utterances as ut
from agent.rehearsal.personas import (
    DECISION_MAKERS,
    FIELD_CONTACT_ROLES,
    FIRST_NAMES,
    GENERIC_FIELD,
    HOSPITALS,
    LAST_NAMES,
    SKILL_MENTIONS,
    SKILLS,
    SPECIALTIES,
    Persona,
    Skill,
    field_material,
    specialty_for,
    target_field,
)


def invent_facts(persona: Persona, rng: random.Random) -> dict:
    """Everything the persona may mention later, fixed up front so it stays consistent."""
    spec = specialty_for(persona)
    surnames = [n for n in LAST_NAMES if n not in persona.name]
    firsts = [n for n in FIRST_NAMES if n not in persona.name]
    rng.shuffle(surnames)
    other_hospitals = [h for h in HOSPITALS if h != persona.hospital
                       and ("Children" not in h or persona.specialty == "pediatrics")]
    roles = list(spec.contact_roles)
    rng.shuffle(roles)
    contacts = [{"name": f"Dr. {rng.choice(firsts)} {surnames[i]}",
                 "role": roles[i % len(roles)].format(hospital=rng.choice(other_hospitals))} for i in range(3)]
    skill = rng.choice(spec.skills)
    return {
        "story": rng.choice(pb.STORIES).format(specialty=persona.specialty, hospital=persona.hospital),
        "cadence": rng.choice(pb.CADENCES),
        "contacts": contacts,
        "ally": f"Dr. {surnames[3]}",
        "opportunity": rng.choice(spec.opportunities),
        "decision_maker": rng.choice(DECISION_MAKERS),
        "event": rng.choice(spec.events),
        "skill": skill.name,
        "skill_locked": False,
        "told": [],
    }


def user_field(state: Any) -> str:
    """The field the user is heading for, from their goal and everything they have said ('' if none)."""
    said = " ".join([state.goal, *(t.text for t in state.turns if t.speaker == "user")])
    return target_field(said)


def _said(state: Any, text: str) -> bool:
    return bool(text) and text in " ".join(state.persona_lines())


def fit_contacts(state: Any) -> None:
    """Before naming anyone, point the first two contacts at the field the user is heading for."""
    facts = state.facts
    if facts.get("contacts_fitted") or any(_said(state, c["name"]) for c in facts["contacts"]):
        return
    field = user_field(state)
    if not field:
        return
    rng = random.Random(f"{state.seed}:{state.persona.id}:contacts")
    hospitals = [h for h in HOSPITALS if h != state.persona.hospital
                 and ("Children" not in h or field in {"pediatrics", "neonatology"})]
    own = field_material(field)
    roles = [rng.choice(FIELD_CONTACT_ROLES[1:])]
    if own and own.name == field:  # the field's own people ("runs the heart failure clinic")
        roles.append(rng.choice(own.contact_roles))
    else:
        roles.append(FIELD_CONTACT_ROLES[0])
    rng.shuffle(roles)
    for contact, role in zip(facts["contacts"][:2], roles, strict=True):
        contact["role"] = role.format(field=field, hospital=rng.choice(hospitals))
    facts["contacts_fitted"] = True


def fit_to_field(state: Any) -> None:
    """Tie the opening, the event and the default skill to the user's target field before they are stated."""
    facts = state.facts
    field = user_field(state)
    if not field or field == state.persona.specialty or facts.get("field_fitted") == field:
        return
    rng = random.Random(f"{state.seed}:{state.persona.id}:field:{field}")
    own = field_material(field)
    if not _said(state, facts["opportunity"]):
        facts["opportunity"] = rng.choice(own.opportunities if own else _generic(field, "opportunities"))
    if not _said(state, facts["event"]):
        facts["event"] = rng.choice(own.events if own else _generic(field, "events"))
    if own and not facts.get("skill_locked"):
        facts["skill"] = rng.choice(own.skills).name
        facts["skill_pool"] = [k.name for k in own.skills]
    facts["field_fitted"] = field


def _generic(field: str, kind: str) -> tuple[str, ...]:
    return tuple(template.format(field=field) for template in GENERIC_FIELD[kind])


def pick_skill(state: Any) -> None:
    """Work on the skill the user brings up (the latest one wins); after two turns without, on our own."""
    users = [t.text for t in state.turns if t.speaker == "user" and not ut.read(t.text).favour]
    for text in ([users[-1]] if users else []) + ([] if state.facts.get("skill_locked") else [state.goal, *users]):
        for name, pattern in SKILL_MENTIONS.items():
            if re.search(pattern, text, re.I):
                state.facts["skill"], state.facts["skill_locked"] = name, True
                return
        phrase = ut.skill_phrase(text)
        if phrase:
            state.facts["skill"], state.facts["skill_locked"] = CUSTOM + phrase, True
            return


CUSTOM = "custom:"


def _skill(name: str) -> Skill:
    if name.startswith(CUSTOM):
        phrase = name[len(CUSTOM):]
        g = pb.GENERIC_SKILL
        return Skill(phrase, tuple(t.format(p=phrase) for t in g["tips"]), g["drill"].format(p=phrase),
                     g["artifact"].format(p=phrase))
    if name in SKILLS:
        return SKILLS[name]
    return next(iter(SPECIALTIES.values())).skills[0]


def slots(state: Any, reading: ut.Reading) -> dict[str, str]:
    """Template slot values: the persona, its stated facts, and the topic of the user's last line."""
    persona, facts = state.persona, state.facts
    skill = _skill(facts["skill"])
    topic = reading.topic or ut.key_phrase(state.goal) or persona.specialty
    aim = user_field(state) if state.turns else ""
    values = {
        "name": persona.name, "title": persona.title, "hospital": persona.hospital, "years": str(persona.years),
        "specialty": persona.specialty, "topic": topic, "aim": aim or topic, "topic_cap": _cap(topic),
        "story": facts["story"],
        "cadence": facts["cadence"], "ally": facts["ally"], "opportunity": facts["opportunity"],
        "opportunity_cap": _cap(facts["opportunity"]), "decision_maker": facts["decision_maker"],
        "event": facts["event"], "skill": skill.name, "drill": skill.drill, "drill_cap": _cap(skill.drill),
        "tip": skill.tips[facts.get("tips_used", 0) % len(skill.tips)], "artifact": skill.artifact,
        "skills": ", ".join([skill.name, *(n for n in _pool(state) if n != skill.name)][:2]) + " or something else",
    }
    for i, key in enumerate(("contact", "contact2", "contact3")):
        name = facts["contacts"][i]["name"]
        values.update({key: name, f"{key}_role": facts["contacts"][i]["role"], f"{key}_surname": name.split()[-1]})
    return values


def own_path(state: Any, text: str, *, tail: bool = True) -> str:
    """A short answer about the persona's own path, fitted to what was asked and to its fixed facts.

    The same persona answers the same kind of question the same way; the tail keeps what it does for others
    visible without naming it.
    """
    persona = state.persona
    values = {"specialty": persona.specialty, "hospital": persona.hospital, "years": str(persona.years),
              "title": persona.title}
    options: tuple[str, ...] = (pb.OWN_PATH_DEFAULT,)
    for pattern, answers in pb.OWN_PATH:
        if re.search(pattern, text, re.I):
            options = answers
            break
    used = state.used.setdefault("own_path", [])
    fresh = [o for o in options if o not in used] or list(options)
    choice = fresh[sum(map(ord, persona.id)) % len(fresh)]
    used.append(choice)
    answer = choice.format(**values)
    return f"{answer} {pb.OWN_PATH_TAILS[persona.role]}" if tail else answer


_ASKS_ABOUT = re.compile(r"introduc|in touch|connect|know|meet|talk (to|with)|speak (to|with)|reach|contact|"
                         r"email|write to|ask|\?", re.I)
_GREETING = re.compile(r"^\W*(hi|hello|hey|dear|good (morning|afternoon|evening)|nice to meet you),?\s+dr\.?\s+"
                       r"([A-Z][a-z]+)", re.I)


def greeted_wrongly(state: Any, text: str) -> str:
    """The wrong surname the user greeted the persona with ('' when none or right)."""
    match = _GREETING.search(text or "")
    own = state.persona.name.split()[-1].lower()
    return match.group(3) if match and match.group(3).lower() != own else ""


def asked_about_person(state: Any, text: str) -> dict | None:
    """A colleague the user names and asks about: ``{"person", "contact"}`` (contact when already named)."""
    if not _ASKS_ABOUT.search(text or ""):
        return None
    wrong = greeted_wrongly(state, text).lower()
    own = state.persona.name.split()[-1].lower()
    for person in ut.named_people(text):
        surname = person.split()[-1]
        if surname.lower() in {own, wrong}:
            continue
        contact = next((c for c in state.facts["contacts"] if c["name"].split()[-1] == surname
                        and _said(state, c["name"])), None)
        return {"person": contact["name"] if contact else f"Dr. {person}", "contact": contact}
    return None


def _pool(state: Any) -> list[str]:
    return state.facts.get("skill_pool") or [k.name for k in specialty_for(state.persona).skills]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
