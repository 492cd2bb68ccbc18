"""Rehearsal lines and persona material are data: every slot is filled, no line names a role or breaks the
bad-pattern list, references resolve, the bank is large, and a line added to the YAML is picked up."""

from __future__ import annotations

import random
import string

import pytest
import yaml

from agent.core import ROLES, ConfigError
from agent.rehearsal import PRESETS, SPECIALTIES, start_rehearsal
from agent.rehearsal import bank as rb
from agent.rehearsal import beats as pb
from agent.rehearsal import facts as pf
from agent.rehearsal import language as lang
from agent.rehearsal import personas as pp
from agent.rehearsal.engine import PREFERRED
from agent.rehearsal.material import LINES_FILE, MEETINGS, PERSONAS_FILE, load_lines, load_personas

SURNAME = {"surname"}  # engine.py: greeting_fix
PERSON = {"person"}  # engine.py: named_reply
PATH = {"specialty", "hospital", "other_hospital", "years", "title_a"}  # facts.py invent_path
CONTACT = {"hospital"}  # facts.py contacts_for: a specialty's contact_roles
FIELD = {"field"}  # personas.py specialty_for and facts.py: generic material
FIELD_CONTACT = {"field", "hospital"}
AS_WRITTEN: set[str] = set()


def _slots_in(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@pytest.fixture(scope="module")
def filled() -> set[str]:
    """The slot names facts.slots() fills."""
    state = start_rehearsal(PRESETS["mei-tanaka"], seed=0)
    return set(pf.slots(state))


def _template_sets(filled: set[str]):
    """(where, templates, slots the code fills there) for every line set the rehearsal formats or says."""
    book = rb.BOOK
    for role, beats in pb.BEATS.items():
        for beat_id, beat in beats.items():
            yield f"lines.yaml roles > {role} > beats > {beat_id} > lines", beat.lines, filled
            yield f"lines.yaml roles > {role} > beats > {beat_id} > cues", beat.cues, filled
        yield f"lines.yaml roles > {role} > more", pb.ROLE_MORE[role], AS_WRITTEN
        yield f"lines.yaml roles > {role} > named_reply", (pb.NAMED_REPLIES[role],), PERSON
    for move, by_role in book.answers.items():
        for role, by_topic in by_role.items():
            for topic, lines in by_topic.items():
                yield f"replies.yaml answers > {move} > {role} > {topic}", lines, filled
    for name in ("work_tails", "fact_tails", "path_tails"):
        for role, lines in getattr(book, name).items():
            yield f"replies.yaml {name} > {role}", lines, filled
    opening = book.opening
    for name in ("coffee", "video", "follow_up", "invite", "follow_up_plain"):
        yield f"replies.yaml opening > {name}", getattr(opening, name), AS_WRITTEN
    yield "replies.yaml opening > intro", opening.intro, filled
    yield "replies.yaml opening > follow_up_topic", opening.follow_up_topic, {"topic_phrase"}
    for name in ("busy_open", "busy_mid", "busy_late", "busy_wrap", "unhurried_open"):
        yield f"replies.yaml time > {name}", getattr(book.time, name), AS_WRITTEN
    yield "replies.yaml after_close", (*book.after_close.lead, *book.after_close.goodbye), AS_WRITTEN
    yield "replies.yaml greeting_fix", book.greeting_fix, SURNAME
    for aspect, lines in book.path.items():
        yield f"replies.yaml path > {aspect}", lines, PATH
    yield "lines.yaml intents", tuple(pb.INTENTS.values()), AS_WRITTEN
    yield "lines.yaml cadences", pb.CADENCES, AS_WRITTEN
    for skill in pp.SKILLS.values():
        yield f"personas.yaml skills > {skill.name}", (*skill.tips, skill.drill, skill.artifact), AS_WRITTEN
    for name, spec in SPECIALTIES.items():
        where = f"personas.yaml specialties > {name}"
        yield f"{where} > opportunities", spec.opportunities, AS_WRITTEN
        yield f"{where} > events", spec.events, AS_WRITTEN
        yield f"{where} > contact_roles", spec.contact_roles, CONTACT
        yield f"{where} > work", tuple(t for w in spec.work for t in (w.name, w.what, w.status, w.need)), AS_WRITTEN
    generic = load_personas().generic_specialty
    yield "personas.yaml generic_specialty", (*generic.opportunities, *generic.events), FIELD
    yield "personas.yaml generic_specialty > contact_roles", generic.contact_roles, FIELD_CONTACT
    yield "personas.yaml generic_field", (*pp.GENERIC_FIELD["opportunities"], *pp.GENERIC_FIELD["events"]), FIELD
    yield "personas.yaml field_contact_roles", pp.FIELD_CONTACT_ROLES, FIELD_CONTACT
    yield "personas.yaml decision_makers", pp.DECISION_MAKERS, AS_WRITTEN


def test_every_template_slot_is_one_the_code_fills(filled):
    assert {"name", "stage_a", "skill", "new_contact", "opportunity", "work"} <= filled
    wrong = [f"{where}: {template!r} uses {sorted(_slots_in(template) - allowed)}"
             for where, templates, allowed in _template_sets(filled)
             for template in templates if _slots_in(template) - allowed]
    assert not wrong, "unknown slots:\n" + "\n".join(wrong)


def test_every_bank_line_filled_with_real_values_is_grammatical():
    """Fill every answer, tail and beat with the facts of real meetings and check the bad-pattern list."""
    bad = []
    for pid, persona in PRESETS.items():
        state = start_rehearsal(persona, seed=1)
        facts = state.facts
        facts.user_stage, facts.user_field, facts.aim, facts.field = "a PGY-2", "internal medicine", "cardiology", ""
        facts.topic = "research"
        first = pf.slots(state)
        facts.named.append(pf.contacts_for(state, pf.discussed_field(state))[0].name)
        values = {**pf.slots(state), "new_contact": first["new_contact"], "new_contact_role": first["new_contact_role"]}
        for where, templates, _ in _template_sets(set(values)):
            if "personas.yaml" in where or "intents" in where or "cues" in where:
                continue
            for template in templates:
                text = lang.fill(template, {**values, "surname": "Marsh", "person": "Dr. Okafor",
                                            "other_hospital": "Mercy Hill"})
                if text and lang.problems(text):
                    bad.append(f"{pid} {where}: {text!r} -> {lang.problems(text)}")
    assert not bad, "\n".join(bad[:20])


def test_the_bank_is_large_and_covers_every_move_and_role():
    book = rb.BOOK
    answers = sum(len(lines) for by_role in book.answers.values() for by_topic in by_role.values()
                  for lines in by_topic.values())
    tails = sum(len(lines) for t in (book.work_tails, book.fact_tails, book.path_tails) for lines in t.values())
    beats = sum(len(beat.lines) for role in pb.BEATS.values() for beat in role.values())
    path = sum(len(lines) for lines in book.path.values())
    assert answers + tails + beats + path >= 400, (answers, tails, beats, path)
    for move in ("share", "ask_advice", "favour", "offer", "ask_next"):
        assert set(book.answers[move]) >= set(ROLES), move
    for move in ("greet", "ask_work", "ask_fact", "react", "thanks", "off_script"):
        assert move in book.answers, move


def _strings(node, path=()):
    if isinstance(node, str):
        yield " > ".join(map(str, path)), node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, (*path, i))


@pytest.mark.parametrize("path", [LINES_FILE, PERSONAS_FILE, rb.REPLIES_FILE], ids=lambda p: p.name)
def test_no_persona_line_names_a_role(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    hidden = {f"presets > {key} > role" for key in data.get("presets", {})}
    named = [f"{where}: {text!r}" for where, text in _strings(data)
             if where not in hidden and not where.startswith(("model_checks", "topics")) and pb.ROLE_WORDS.search(text)]
    assert not named, f"{path.name} states a role:\n" + "\n".join(named)
    assert not any(pb.has_role_word(line) for line in pb.INTENTS.values())


def test_openers_are_role_neutral():
    opening = rb.BOOK.opening
    for line in (*opening.intro, *opening.invite, *opening.coffee, *opening.video, *opening.follow_up):
        assert not lang.problems(line.replace("{", "").replace("}", "")) or "{" in line, line
        assert not pb.has_role_word(line)


def test_every_role_has_every_beat_its_plan_uses():
    assert set(pb.BEATS) == set(ROLES) == set(pb.CORE_ORDER)
    for role in ROLES:
        for seed in range(20):
            plan = pb.plan_beats(role, random.Random(seed))
            assert plan[0] == "open" and sorted(plan[1:]) == sorted(pb.CORE_ORDER[role])
            assert set(plan[1:]) | {"close"} <= set(pb.BEATS[role]), role
        assert {beat for _, beat in PREFERRED[role]} <= set(pb.CORE_ORDER[role]), role
    for move, by_role in rb.BOOK.answer_beats.items():
        for role, beat in by_role.items():
            assert beat in pb.BEATS[role], (move, role, beat)
    assert set(MEETINGS) == {"coffee", "video", "follow-up"}
    assert all(getattr(rb.BOOK.opening, m.replace("-", "_")) for m in MEETINGS)


def test_every_preset_references_a_specialty_that_exists():
    for persona in PRESETS.values():
        assert persona.specialty in SPECIALTIES, persona.id
        assert persona.role in ROLES and persona.availability in ("unhurried", "busy"), persona.id
    for name, spec in SPECIALTIES.items():
        assert spec.name == name and spec.skills and all(s.name in pp.SKILLS for s in spec.skills), name
        assert len(spec.work) >= 2, name
    assert set(pp.FIELD_HOME.values()) <= set(SPECIALTIES)
    assert list(pp.SKILL_MENTIONS) == list(pp.SKILLS)


def _copy(tmp_path, source, edit):
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    edit(data)
    copy = tmp_path / source.name
    copy.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return copy


def test_a_line_added_to_a_copy_of_the_banks_is_picked_up(tmp_path):
    new = "What would a good year look like for you, {aim} aside?"
    copy = _copy(tmp_path, LINES_FILE, lambda d: d["roles"]["mentor"]["beats"]["ask_goals"]["lines"].append(new))
    beat = load_lines(copy).roles["mentor"].beat_map()["ask_goals"]
    assert beat.lines == (*pb.BEATS["mentor"]["ask_goals"].lines, new)
    line = "Thanks for asking. It's been a long week in {specialty}."
    copy = _copy(tmp_path, rb.REPLIES_FILE, lambda d: d["answers"]["react"]["any"]["any"].append(line))
    assert rb.load_replies(copy).answers["react"]["any"]["any"][-1] == line


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
     "roles > coach > beats > feedback > lines > 3"),
    (LINES_FILE, lambda d: d["roles"]["sponsor"]["beats"].pop("vouch"), "roles > sponsor"),
    (LINES_FILE, lambda d: d["roles"].pop("connector"), "roles needs an entry for connector"),
    (rb.REPLIES_FILE, lambda d: d["answers"]["favour"]["sponsor"].update(gossip=["Hm."]), "gossip: not a topic"),
    (rb.REPLIES_FILE, lambda d: d["answers"].update(dance={"any": {"any": ["No."]}}), "answers > dance: not a move"),
    (rb.REPLIES_FILE, lambda d: d["path"].pop("regret"), "path needs an entry for regret"),
    (PERSONAS_FILE, lambda d: d["presets"]["helen-marsh"].update(specialty="oncology"),
     "presets > helen-marsh > specialty: 'oncology' is not under specialties"),
    (PERSONAS_FILE, lambda d: d["specialties"]["radiology"]["work"][0].update(kind="hobby"),
     "specialties > radiology > work > 0 > kind"),
    (PERSONAS_FILE, lambda d: d["skills"]["suturing and knot tying"].update(mentions="sutur(("),
     "skills > suturing and knot tying > mentions"),
])
def test_a_broken_file_fails_naming_the_file_and_key(tmp_path, source, edit, where):
    loader = {LINES_FILE: load_lines, PERSONAS_FILE: load_personas, rb.REPLIES_FILE: rb.load_replies}[source]
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
