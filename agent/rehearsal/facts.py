"""Facts a rehearsal persona states: invented once per meeting, then reused so the persona stays consistent.

Its path (where it trained, why it chose its specialty, its turning point), its current work, colleagues for
each field the conversation turns to, the opening it could put someone forward for, the skill it would work on:
all are fixed from the seed and filled into templates as slots. What it learns about the trainee is kept only
in normalised form (a stage phrase, vocabulary field names, a topic).
"""

from __future__ import annotations

import random
import re
from typing import Any

from agent.rehearsal import bank
from agent.rehearsal import beats as pb
from agent.rehearsal.language import cap, with_article
from agent.rehearsal.listen import Heard
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
)
from agent.rehearsal.state import Contact, Facts, Work

CUSTOM = "custom:"


def invent_facts(persona: Persona, rng: random.Random) -> Facts:
    """Everything the persona may mention later, fixed up front so it stays consistent."""
    spec = specialty_for(persona)
    surnames = [n for n in LAST_NAMES if n not in persona.name]
    rng.shuffle(surnames)
    facts = Facts(
        cadence=rng.choice(pb.CADENCES),
        ally=f"Dr. {surnames[0]}",
        opportunity=rng.choice(spec.opportunities),
        decision_maker=rng.choice(DECISION_MAKERS),
        event=rng.choice(spec.events),
        skill=rng.choice(spec.skills).name,
        skill_pool=[k.name for k in spec.skills],
        work=[Work(w.name, w.kind, w.what, w.status, w.need) for w in spec.work],
    )
    facts.path = invent_path(persona, rng)
    facts.story = facts.path["turning"]
    return facts


def invent_path(persona: Persona, rng: random.Random) -> dict[str, str]:
    """One line per part of the persona's path, filled from its own facts."""
    other = rng.choice([h for h in HOSPITALS if h != persona.hospital and "Children" not in h])
    values = {"specialty": persona.specialty, "hospital": persona.hospital, "other_hospital": other,
              "years": str(persona.years), "title_a": with_article(persona.title)}
    return {aspect: rng.choice(lines).format(**values) for aspect, lines in bank.BOOK.path.items()}


def ensure(state: Any) -> None:
    """Fill in facts a meeting stored by an earlier version lacks (its path, its work), from the seed."""
    facts = state.facts
    if facts.path and facts.work and facts.skill:
        return
    fresh = invent_facts(state.persona, random.Random(f"{state.seed}:{state.persona.id}:setup"))
    for name in ("path", "work", "skill", "skill_pool", "cadence", "opportunity", "decision_maker", "event", "ally"):
        if not getattr(facts, name):
            setattr(facts, name, getattr(fresh, name))
    facts.story = facts.story or fresh.story


def learn(state: Any, heard: Heard) -> None:
    """Keep what the line tells about the trainee (normalised) and what is being talked about."""
    facts = state.facts
    if heard.stage and not facts.user_stage:
        facts.user_stage = heard.stage
        heard.learned.add("stage_a")
    current, target = heard.current(), heard.target()
    if current and not facts.user_field:
        facts.user_field = current
        heard.learned.add("user_field")
    if target and target != current and not facts.aim:
        facts.aim = target
        heard.learned.add("aim")
    if target:
        facts.field = target
    if heard.topics:
        facts.topic = heard.topics[0]
    if heard.work_kind:
        focus = pick_work(state, heard)
        if focus:
            facts.work_focus = focus.name
    _pick_skill(state, heard.text)
    _fit_to_field(state)


def pick_work(state: Any, heard: Heard) -> Work | None:
    """The piece of the persona's work a line refers to: same kind first, then closest in meaning."""
    work = state.facts.work
    if not work:
        return None
    kind = [w for w in work if w.kind == heard.work_kind] or work
    if len(kind) == 1:
        return kind[0]
    words = set(re.findall(r"[a-z]{3,}", heard.text.lower()))
    return max(kind, key=lambda w: len(words & set(re.findall(r"[a-z]{3,}", f"{w.name} {w.what}".lower()))))


def focus_work(state: Any) -> Work | None:
    """The piece of work under discussion (the first, when none was asked about)."""
    facts = state.facts
    return next((w for w in facts.work if w.name == facts.work_focus), facts.work[0] if facts.work else None)


def discussed_field(state: Any) -> str:
    """The field the conversation is about: the latest one named, else the trainee's aim or own field."""
    facts = state.facts
    return facts.field or facts.aim or facts.user_field


def contacts_for(state: Any, field: str) -> list[Contact]:
    """Three colleagues for a field (invented on first need, then fixed), fitting that field."""
    facts = state.facts
    field = field or state.persona.specialty
    mine = [c for c in facts.contacts if c.field == field]
    if len(mine) >= 3:
        return mine[:3]
    rng = random.Random(f"{state.seed}:{state.persona.id}:contacts:{field}")
    taken = {c.name.split()[-1] for c in facts.contacts} | set(state.persona.name.split()) | {facts.ally.split()[-1]}
    surnames = [n for n in LAST_NAMES if n not in taken]
    used_firsts = {c.name.split()[1] for c in facts.contacts if len(c.name.split()) > 2}
    firsts = [n for n in FIRST_NAMES if n not in state.persona.name and n not in used_firsts]
    rng.shuffle(surnames)
    hospitals = [h for h in HOSPITALS if h != state.persona.hospital
                 and ("Children" not in h or field in {"pediatrics", "neonatology"})]
    own = field_material(field)
    roles = list(own.contact_roles) if own and own.name == field else []
    generic = [r.replace("{field}", field) for r in FIELD_CONTACT_ROLES]
    rng.shuffle(roles)
    roles = (roles + generic)[:3] if roles else generic
    rng.shuffle(firsts)
    for surname, first, role in zip(surnames, firsts, roles[len(mine):3], strict=False):
        facts.contacts.append(Contact(f"Dr. {first} {surname}", role.format(hospital=rng.choice(hospitals)), field))
    return [c for c in facts.contacts if c.field == field][:3]


def note_named(state: Any, text: str) -> None:
    """Remember every colleague a persona line named, so later lines refer back instead of re-introducing."""
    for contact in state.facts.contacts:
        if contact.name in text and contact.name not in state.facts.named:
            state.facts.named.append(contact.name)


def _fit_to_field(state: Any) -> None:
    """Tie the opening, the event and the default skill to the trainee's aim before they are stated."""
    facts = state.facts
    field = facts.aim
    if not field or field == state.persona.specialty or facts.field_fitted == field:
        return
    said = " ".join(state.persona_lines())
    rng = random.Random(f"{state.seed}:{state.persona.id}:field:{field}")
    own = field_material(field)
    if facts.opportunity not in said:
        facts.opportunity = rng.choice(own.opportunities if own else _generic(field, "opportunities"))
    if facts.event not in said:
        facts.event = rng.choice(own.events if own else _generic(field, "events"))
    if own and not facts.skill_locked:
        facts.skill = rng.choice(own.skills).name
        facts.skill_pool = [k.name for k in own.skills]
    facts.field_fitted = field


def _generic(field: str, kind: str) -> tuple[str, ...]:
    return tuple(template.format(field=field) for template in GENERIC_FIELD[kind])


def _pick_skill(state: Any, text: str) -> None:
    """Work on a skill the trainee names (the latest one wins)."""
    for name, pattern in SKILL_MENTIONS.items():
        if re.search(pattern, text or "", re.I):
            state.facts.skill, state.facts.skill_locked = name, True
            return


def _skill(name: str) -> Skill:
    if name in SKILLS:
        return SKILLS[name]
    return next(iter(SPECIALTIES.values())).skills[0]


def slots(state: Any, heard: Heard | None = None) -> dict[str, str]:
    """Template slot values, all normalised: the persona, its facts, the trainee's stage and fields, the topic."""
    persona, facts = state.persona, state.facts
    skill = _skill(facts.skill)
    field = discussed_field(state)
    contacts = contacts_for(state, field or persona.specialty)
    fresh = [c for c in contacts if c.name not in facts.named]
    named = [c for c in facts.contacts if c.name in facts.named]
    last = named[-1] if named else None
    work = focus_work(state)
    topic = (heard.topics[0] if heard and heard.topics else facts.topic)
    topic_phrase = bank.BOOK.topics[topic].phrase if topic in bank.BOOK.topics else ""
    values = {
        "name": persona.name, "surname": persona.name.split()[-1], "title": persona.title,
        "title_a": with_article(persona.title), "specialty": persona.specialty, "hospital": persona.hospital,
        "years": str(persona.years), "stage_a": facts.user_stage, "user_field": facts.user_field,
        "aim": facts.aim, "field": field, "topic_phrase": topic_phrase,
        "story": facts.story, "cadence": facts.cadence, "ally": facts.ally, "opportunity": facts.opportunity,
        "decision_maker": facts.decision_maker, "event": facts.event, "skill": skill.name,
        "drill": skill.drill, "drill_cap": cap(skill.drill), "tip": skill.tips[facts.tips_used % len(skill.tips)],
        "artifact": skill.artifact,
        "skills": " or ".join([skill.name, *(n for n in facts.skill_pool if n != skill.name)][:2]),
        "work": work.name if work else "", "work_what": work.what if work else "",
        "work_status": work.status if work else "", "work_need": work.need if work else "",
    }
    for i, key in enumerate(("new_contact", "new_contact2")):
        contact = fresh[i] if len(fresh) > i else None
        values[key] = contact.name if contact else ""
        values[f"{key}_role"] = contact.role if contact else ""
    values["named_contact"] = last.name if last else ""
    values["named_contact_surname"] = f"Dr. {last.name.split()[-1]}" if last else ""
    return values


def own_path(state: Any, aspect: str) -> tuple[str, str]:
    """(aspect, line) answering a question about the persona's path; a part not told yet when asked again."""
    facts = state.facts
    order = [aspect, *(a for a in bank.PATH_ASPECTS if a != aspect)]
    for candidate in order:
        if f"path:{candidate}" not in facts.told and candidate in facts.path:
            return candidate, facts.path[candidate]
    return aspect, ""


def greeted_wrongly(state: Any, text: str) -> str:
    """True-ish: the wrong surname the trainee greeted the persona with ('' when none or right)."""
    match = re.search(r"^\W*(hi|hello|hey|dear|good (morning|afternoon|evening)|nice to meet you),?\s+dr\.?\s+"
                      r"([A-Z][a-z]+)", text or "", re.I)
    own = state.persona.name.split()[-1].lower()
    return match.group(3) if match and match.group(3).lower() != own else ""


_ASKS_ABOUT = re.compile(r"introduc|in touch|connect|know|meet|talk (to|with)|speak (to|with)|reach|contact|"
                         r"email|write to|ask|\?", re.I)


def asked_about_person(state: Any, text: str) -> dict | None:
    """A colleague the trainee names and asks about: ``{"person", "contact"}`` (contact when already named)."""
    from agent.rehearsal.utterances import named_people

    if not _ASKS_ABOUT.search(text or ""):
        return None
    wrong = greeted_wrongly(state, text).lower()
    own = state.persona.name.split()[-1].lower()
    for person in named_people(text):
        surname = person.split()[-1]
        if surname.lower() in {own, wrong}:
            continue
        contact = next((c for c in state.facts.contacts if c.name.split()[-1] == surname
                        and c.name in state.facts.named), None)
        return {"person": contact.name if contact else f"Dr. {surname}", "contact": contact}
    return None
