"""Rehearsal lines and persona material are data: every slot is filled, no line names a role, references
resolve, and a line added to the YAML is picked up without touching code."""

from __future__ import annotations

import random
import string

import pytest
import yaml

from agent.core import ROLES, ConfigError
from agent.rehearsal import PRESETS, SPECIALTIES, start_rehearsal
from agent.rehearsal import beats as pb
from agent.rehearsal import facts as pf
from agent.rehearsal import personas as pp
from agent.rehearsal import utterances as ut
from agent.rehearsal.engine import _PREFERRED
from agent.rehearsal.material import LINES_FILE, MEETINGS, PERSONAS_FILE, load_lines, load_personas

# Slots filled outside facts.slots(), by the code that formats each set.
PERSON = {"person"}  # engine.py _lead: NAMED_REPLIES
SURNAME = {"surname"}  # engine.py _lead: GREETING_FIX
SKILL_PHRASE = {"p"}  # facts.py _skill: GENERIC_SKILL
STORY = {"specialty", "hospital"}  # facts.py invent_facts: STORIES
OWN_PATH = {"specialty", "hospital", "years", "title"}  # facts.py own_path
CONTACT = {"hospital"}  # facts.py invent_facts: a specialty's contact_roles
FIELD = {"field"}  # personas.py specialty_for and facts.py fit_to_field: generic material
FIELD_CONTACT = {"field", "hospital"}  # facts.py fit_contacts; personas.py specialty_for
AS_WRITTEN: set[str] = set()  # said directly, or used as a slot's value: a brace would show


def _slots_in(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@pytest.fixture(scope="module")
def filled() -> set[str]:
    """The slot names facts.slots() fills for beat lines, cues, deflections, acks and find_skill."""
    state = start_rehearsal(PRESETS["mei-tanaka"], seed=0)
    return set(pf.slots(state, ut.Reading()))


def _template_sets(filled: set[str]):
    """(where, templates, slots the code fills there) for every line set the rehearsal formats or says."""
    for role, beats in pb.BEATS.items():
        for beat_id, beat in beats.items():
            where = f"lines.yaml roles > {role} > beats > {beat_id}"
            yield f"{where} > lines", beat.lines, filled
            yield f"{where} > topic_lines", beat.topic_lines, filled
            yield f"{where} > cues", beat.cues, filled
            yield f"{where} > more", beat.more, AS_WRITTEN
        yield f"lines.yaml roles > {role} > more", pb.ROLE_MORE[role], AS_WRITTEN
        yield f"lines.yaml roles > {role} > question_answers", pb.QUESTION_ANSWERS[role], AS_WRITTEN
        yield f"lines.yaml roles > {role} > follow_up_open", (pb.FOLLOW_UP_OPEN[role],), AS_WRITTEN
        yield f"lines.yaml roles > {role} > favour_reply", (pb.FAVOUR_REPLIES[role],), AS_WRITTEN
        yield f"lines.yaml roles > {role} > own_path_tail", (pb.OWN_PATH_TAILS[role],), AS_WRITTEN
        yield f"lines.yaml roles > {role} > named_reply", (pb.NAMED_REPLIES[role],), PERSON
    yield "lines.yaml deflections", pb.DEFLECTIONS, filled
    yield "lines.yaml find_skill", pb.FIND_SKILL, filled
    for kind, acks in pb.ACKS.items():
        yield f"lines.yaml acks > {kind}", acks, filled
    for kind, openers in pb.MEETING_OPENERS.items():
        yield f"lines.yaml meeting_openers > {kind}", openers, AS_WRITTEN
    for name in ("UNHURRIED_TIME_CUES", "BUSY_TIME_CUES", "BUSY_GOODBYES", "AFTER_CLOSE", "REOPEN", "STORY_LEADS",
                 "CADENCES"):
        yield f"lines.yaml {name.lower()}", getattr(pb, name), AS_WRITTEN
    yield "lines.yaml intents", tuple(pb.INTENTS.values()), AS_WRITTEN
    yield "lines.yaml greeting_fix", (pb.GREETING_FIX,), SURNAME
    yield "lines.yaml generic_skill", (*pb.GENERIC_SKILL["tips"], pb.GENERIC_SKILL["drill"],
                                       pb.GENERIC_SKILL["artifact"]), SKILL_PHRASE
    yield "lines.yaml stories", pb.STORIES, STORY
    yield "lines.yaml own_path", (*(line for _, lines in pb.OWN_PATH for line in lines), pb.OWN_PATH_DEFAULT), OWN_PATH
    for skill in pp.SKILLS.values():
        yield f"personas.yaml skills > {skill.name}", (*skill.tips, skill.drill, skill.artifact), AS_WRITTEN
    for name, spec in SPECIALTIES.items():
        where = f"personas.yaml specialties > {name}"
        yield f"{where} > opportunities", spec.opportunities, AS_WRITTEN
        yield f"{where} > events", spec.events, AS_WRITTEN
        yield f"{where} > contact_roles", spec.contact_roles, CONTACT
    generic = load_personas().generic_specialty
    yield "personas.yaml generic_specialty", (*generic.opportunities, *generic.events), FIELD
    yield "personas.yaml generic_specialty > contact_roles", generic.contact_roles, FIELD_CONTACT
    yield "personas.yaml generic_field", (*pp.GENERIC_FIELD["opportunities"], *pp.GENERIC_FIELD["events"]), FIELD
    yield "personas.yaml field_contact_roles", pp.FIELD_CONTACT_ROLES, FIELD_CONTACT
    yield "personas.yaml decision_makers", pp.DECISION_MAKERS, AS_WRITTEN


def test_every_template_slot_is_one_the_code_fills(filled):
    assert {"name", "topic", "skill", "contact", "opportunity"} <= filled  # the fixture really ran slots()
    wrong = [f"{where}: {template!r} uses {sorted(_slots_in(template) - allowed)}"
             for where, templates, allowed in _template_sets(filled)
             for template in templates if _slots_in(template) - allowed]
    assert not wrong, "unknown slots:\n" + "\n".join(wrong)


def test_every_template_formats_with_the_slots_the_code_fills(filled):
    values = {name: name.upper() for name in filled | PERSON | SURNAME | SKILL_PHRASE | OWN_PATH | FIELD_CONTACT}
    for where, templates, _ in _template_sets(filled):
        for template in templates:
            assert "{" not in template.format(**values), (where, template)


def _strings(node, path=()):
    if isinstance(node, str):
        yield " > ".join(map(str, path)), node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, (*path, i))


@pytest.mark.parametrize("path", [LINES_FILE, PERSONAS_FILE], ids=lambda p: p.name)
def test_no_persona_line_names_a_role(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    hidden = {f"presets > {key} > role" for key in data.get("presets", {})}  # the hidden role itself
    named = [f"{where}: {text!r}" for where, text in _strings(data)
             if where not in hidden and pb.ROLE_WORDS.search(text)]
    assert not named, f"{path.name} states a role:\n" + "\n".join(named)
    assert not any(pb.has_role_word(line) for line in pb.INTENTS.values())


def test_every_role_has_every_beat_its_plan_uses():
    assert set(pb.BEATS) == set(ROLES) == set(pb.CORE_ORDER)
    for role in ROLES:
        for seed in range(20):
            plan = pb.plan_beats(role, random.Random(seed))
            assert plan[0] == "open" and sorted(plan[1:]) == sorted(pb.CORE_ORDER[role])
            assert set(plan) | {"close"} <= set(pb.BEATS[role]), role
        # Beats the engine jumps to when the user's words call for them must be in the plan.
        assert {beat for _, beat in _PREFERRED[role]} <= set(pb.CORE_ORDER[role]), role
        for beat_id, beat in pb.BEATS[role].items():
            assert beat.id == beat_id and beat.lines, (role, beat_id)
    assert set(pb.MEETING_OPENERS) == set(MEETINGS)


def test_every_preset_references_a_specialty_that_exists():
    for persona in PRESETS.values():
        assert persona.specialty in SPECIALTIES, persona.id
        assert persona.role in ROLES and persona.availability in ("unhurried", "busy"), persona.id
    for name, spec in SPECIALTIES.items():
        assert spec.name == name and spec.skills and all(s.name in pp.SKILLS for s in spec.skills), name
    assert set(pp.FIELD_HOME.values()) <= set(SPECIALTIES)
    assert list(pp.SKILL_MENTIONS) == list(pp.SKILLS)


def _copy(tmp_path, source, edit):
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    edit(data)
    copy = tmp_path / source.name
    copy.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return copy


def test_a_line_added_to_a_copy_of_the_lines_is_picked_up(tmp_path):
    new = "What would a good year look like for you, {aim} aside?"
    copy = _copy(tmp_path, LINES_FILE, lambda d: d["roles"]["mentor"]["beats"]["ask_goals"]["lines"].append(new))
    beat = load_lines(copy).roles["mentor"].beat_map()["ask_goals"]
    assert beat.lines == (*pb.BEATS["mentor"]["ask_goals"].lines, new)
    cue = "Sorry, that was the ward. Where were we?"
    copy = _copy(tmp_path, LINES_FILE, lambda d: d["busy_time_cues"].append(cue))
    assert load_lines(copy).busy_time_cues[-1] == cue


def test_material_added_to_a_copy_of_the_personas_is_picked_up(tmp_path):
    event = "the cardiology trainees' dinner in March"

    def edit(data):
        data["specialties"]["cardiology"]["events"].append(event)
        data["presets"]["new-face"] = {**data["presets"]["helen-marsh"], "name": "Dr. New Face"}

    book = load_personas(_copy(tmp_path, PERSONAS_FILE, edit))
    assert book.specialty_map()["cardiology"].events == (*SPECIALTIES["cardiology"].events, event)
    assert book.presets["new-face"].name == "Dr. New Face"


@pytest.mark.parametrize(("source", "edit", "where"), [
    (LINES_FILE, lambda d: d["roles"]["mentor"]["beats"]["ask_goals"].update(linez=["Hi."]),
     "roles > mentor > beats > ask_goals > linez"),
    (LINES_FILE, lambda d: d["roles"]["coach"]["beats"]["feedback"]["lines"].append("A {skill tip."),
     "roles > coach > beats > feedback > lines > 2"),
    (LINES_FILE, lambda d: d["roles"]["sponsor"]["beats"].pop("vouch"), "roles > sponsor"),
    (LINES_FILE, lambda d: d["roles"].pop("connector"), "roles needs an entry for connector"),
    (LINES_FILE, lambda d: d.update(stories=[]), "stories"),
    (PERSONAS_FILE, lambda d: d["presets"]["helen-marsh"].update(specialty="oncology"),
     "presets > helen-marsh > specialty: 'oncology' is not under specialties"),
    (PERSONAS_FILE, lambda d: d["specialties"]["radiology"]["skills"].append("reading films"),
     "specialties > radiology > skills: 'reading films'"),
    (PERSONAS_FILE, lambda d: d["skills"]["suturing and knot tying"].update(mentions="sutur(("),
     "skills > suturing and knot tying > mentions"),
])
def test_a_broken_file_fails_naming_the_file_and_key(tmp_path, source, edit, where):
    loader = load_lines if source == LINES_FILE else load_personas
    with pytest.raises(ConfigError) as caught:
        loader(_copy(tmp_path, source, edit))
    message = str(caught.value)
    assert source.name in message and where in message, message


def test_a_missing_or_malformed_file_says_which(tmp_path):
    with pytest.raises(ConfigError, match="nowhere.yaml"):
        load_lines(tmp_path / "nowhere.yaml")
    bad = tmp_path / "lines.yaml"
    bad.write_text("roles: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="lines.yaml is not valid YAML"):
        load_lines(bad)
