"""The read-the-room data: every cue against its own examples, word-class references, checkbox behaviours,
and the loader picking up a cue added to the data with no code change."""

from __future__ import annotations

import pytest
import yaml

from agent.core import AVAILABILITY_LEVELS, ROLES
from agent.read_room import OBSERVED_BEHAVIOURS
from agent.read_room.cues import Cue, find_hits, fold
from agent.read_room.lexicon import (
    AVAILABILITY_CUES_FILE,
    LEXICON,
    OBSERVED_FILE,
    ROLE_CUES_FILE,
    WORD_CLASSES,
    WORD_CLASSES_FILE,
    CueSpec,
    build_cue,
    load_cues,
    load_observed,
    load_word_classes,
    read_cue_specs,
)

MIN_EXAMPLES = 2
SPECS: list[tuple[str, CueSpec]] = [(path.name, spec) for path in (ROLE_CUES_FILE, AVAILABILITY_CUES_FILE)
                                    for spec in read_cue_specs(path)]
CUES: dict[str, Cue] = {c.name: c for c in LEXICON}


def _cases(kind: str) -> list:
    return [pytest.param(spec, example, id=f"{spec.name}: {example.text}")
            for _, spec in SPECS for example in getattr(spec.examples, kind)]


def _fires(cue: Cue, text: str) -> list:
    """Hits of ``cue`` alone that count as the other person doing it: not negated, not the user's wish."""
    return [h for h in find_hits(fold(text), [cue]) if not h.negated and not h.hedged]


def test_the_lexicon_is_the_data_in_file_order():
    assert [c.name for c in LEXICON] == [spec.name for _, spec in SPECS]
    assert len(CUES) == len(LEXICON)


@pytest.mark.parametrize(("spec", "example"), _cases("match"))
def test_cue_fires_on_its_match_examples(spec, example):
    hits = _fires(CUES[spec.name], example.text)
    assert hits, f"cue {spec.name!r} should fire (un-negated) on: {example.text!r}"
    if example.availability is not None:
        levels = [h.availability for h in hits]
        assert example.availability in levels, (
            f"cue {spec.name!r} on {example.text!r}: expected availability {example.availability}, got {levels}")


@pytest.mark.parametrize(("spec", "example"), _cases("no_match"))
def test_cue_stays_quiet_on_its_no_match_examples(spec, example):
    text = fold(example.text)
    hits = _fires(CUES[spec.name], example.text)
    assert not hits, (f"cue {spec.name!r} should not fire on {example.text!r}, "
                      f"but matched {[text[h.start:h.end] for h in hits]}")


@pytest.mark.parametrize(("source", "spec"), [pytest.param(*s, id=s[1].name) for s in SPECS])
def test_every_cue_has_enough_examples(source, spec):
    assert len(spec.examples.match) >= MIN_EXAMPLES, f"{source}: cue {spec.name} needs {MIN_EXAMPLES} match examples"
    assert len(spec.examples.no_match) >= MIN_EXAMPLES, (
        f"{source}: cue {spec.name} needs {MIN_EXAMPLES} no_match examples")
    for example in spec.examples.match + spec.examples.no_match:
        assert example.availability in (None, *AVAILABILITY_LEVELS)


def test_weighed_cues_check_the_level_in_their_examples():
    weighed = [spec for _, spec in SPECS if spec.weigh]
    assert weighed, "the duration cue should be weighed"
    for spec in weighed:
        levels = {e.availability for e in spec.examples.match}
        assert set(AVAILABILITY_LEVELS) <= levels, f"cue {spec.name}: give match examples for every level"


@pytest.mark.parametrize(("source", "spec"), [pytest.param(*s, id=s[1].name) for s in SPECS])
def test_every_word_class_reference_resolves(source, spec):
    unknown = spec.references() - set(WORD_CLASSES) - set(spec.classes)
    assert not unknown, f"{source}: cue {spec.name} refers to undefined word classes {sorted(unknown)}"


def test_every_word_class_is_used():
    used = {name for _, spec in SPECS for name in spec.references()}
    assert set(WORD_CLASSES) <= used, f"unused word classes: {sorted(set(WORD_CLASSES) - used)}"


def test_every_cue_supports_a_known_role_or_level():
    for cue in LEXICON:
        assert cue.role in (None, *ROLES) and cue.availability in (None, *AVAILABILITY_LEVELS)
        assert cue.role or cue.availability or cue.weigh, cue.name


def test_every_checkbox_has_a_label_role_and_weights():
    raw = yaml.safe_load(OBSERVED_FILE.read_text(encoding="utf-8"))["behaviours"]
    fields = {"label", "role", "role_weight", "availability", "availability_weight"}
    for key, entry in raw.items():
        assert set(entry) == fields, f"observed.yaml: {key} needs exactly {sorted(fields)}"
        assert entry["label"].strip()
        assert entry["role"] in (None, *ROLES)
        assert entry["availability"] in (None, *AVAILABILITY_LEVELS)
        assert isinstance(entry["role_weight"], int | float) and isinstance(entry["availability_weight"], int | float)
        assert entry["role"] or entry["availability"], f"observed.yaml: {key} affects nothing"
    assert list(OBSERVED_BEHAVIOURS) == list(raw)


def test_a_checkbox_without_a_field_is_rejected(tmp_path):
    path = tmp_path / "observed.yaml"
    path.write_text("behaviours:\n  waved:\n    label: Waved at me\n    role: mentor\n    role_weight: 1\n",
                    encoding="utf-8")
    with pytest.raises(ValueError, match="waved"):
        load_observed(path)


def test_a_cue_added_to_a_copy_of_the_data_is_picked_up(tmp_path):
    data = yaml.safe_load(ROLE_CUES_FILE.read_text(encoding="utf-8"))
    data["cues"].append({
        "name": "signs_off_logbook", "role": "coach", "role_weight": 2,
        "head": r"sign\w*\s+off", "object": r"my\s+(?:logbook|{work})", "max_gap": 2,
        "examples": {"match": ["She signed off my logbook"], "no_match": ["I signed off the rota"]},
    })
    path = tmp_path / "cues.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    cues = load_cues(path)

    assert [c.name for c in cues] == [c.name for c in LEXICON if c.role] + ["signs_off_logbook"]
    added = cues[-1]
    assert _fires(added, "She signed off quickly my logbook after clinic")
    assert _fires(added, "she signs off my slides")  # {work} resolved from word_classes.yaml
    assert not _fires(added, "She signed off on the rota")


def test_a_word_class_added_to_a_copy_is_picked_up(tmp_path):
    path = tmp_path / "word_classes.yaml"
    path.write_text(WORD_CLASSES_FILE.read_text(encoding="utf-8") + "\nwards: ['AMU', 'CCU']\n", encoding="utf-8")
    classes = load_word_classes(path)
    spec = CueSpec(name="ward_talk", role="coach", role_weight=1, pattern=r"on\s+{wards}")
    assert _fires(build_cue(spec, classes), "Talked on AMU for ages")


@pytest.mark.parametrize(("entry", "message"), [
    ({"name": "x", "role": "coach", "role_weight": 1, "pattern": "{nowhere}"}, "unknown word class"),
    ({"name": "x", "role": "boss", "role_weight": 1, "pattern": "x"}, "role"),
    ({"name": "x", "role": "coach", "pattern": "x", "any": ["y"]}, "exactly one"),
    ({"name": "x", "role": "coach", "pattern": "x", "weigh": "nope"}, "unknown weigher"),
    ({"name": "x", "role": "coach", "pattern": "x", "colour": "red"}, "colour"),
])
def test_bad_entries_are_rejected_with_the_cue_named(tmp_path, entry, message):
    path = tmp_path / "cues.yaml"
    path.write_text(yaml.safe_dump({"cues": [entry]}), encoding="utf-8")
    with pytest.raises(ValueError, match=message) as raised:
        load_cues(path)
    assert "cue x" in str(raised.value)


# ---- negation, expectations and the user as subject (the machinery in agent/read_room/cues.py) ------------

def _hit(cue_name: str, text: str):
    hits = find_hits(fold(text), [CUES[cue_name]])
    assert hits, f"cue {cue_name!r} should match somewhere in {text!r}"
    return hits[0]


@pytest.mark.parametrize(("cue_name", "text"), [
    ("tips", "Zero practical tips on the research talk."),  # "zero" negates
    ("asks_about_you", "didnt ask about my goals, 5 min"),  # texting drops the apostrophe
    ("personal_topics", "No talk of my future or my family."),  # "or" carries the negation on
    ("gives_feedback", "None of my writing got critiqued."),  # "none of" scopes over its verb
    ("invested_in_you", "Long-term mentoring isn't something she can offer."),  # the cue is the negated subject
    ("asks_about_you", "She wasn't, in the ten minutes we had, interested in my personal life at all."),
    ("rehearses", "I'd half expected a mock interview. There wasn't one."),  # an expectation, then denied
    ("asks_about_you", "Thought she'd ask about my goals. Nope."),
    ("asks_about_you", "I thought he might ask about me as a person. Not once."),
    ("refers_on", "I assumed he'd send me off to talk to other people. He didn't."),
    ("introduces", "Did she offer to introduce me? Nope."),  # a question, then denied
])
def test_negations_the_scope_logic_used_to_miss(cue_name, text):
    assert _hit(cue_name, text).negated


@pytest.mark.parametrize(("cue_name", "text"), [
    ("nominates", "WHOLE hour, no phone, & he's nominating me for chief"),  # "&" starts a new clause
    ("whole_stretch", "He did not hurry at all, whole afternoon we talked"),  # "not ... at all," closes it
    ("recommends_you", "thought hed just give me contacts but no, hes recommending me directly"),
    ("whole_stretch", "I shouldn't have been surprised that she spent most of the afternoon on it"),
])
def test_negation_stops_where_the_clause_does(cue_name, text):
    hit = _hit(cue_name, text)
    assert not hit.negated and not hit.hedged


def test_an_unmet_expectation_is_hedged_and_a_met_one_counts():
    hit = _hit("introduces", "I was hoping she would introduce me to the chair.")
    assert hit.hedged and not hit.negated
    hit = _hit("introduces", "I hoped she'd introduce me to the chair and she did.")
    assert not hit.hedged and not hit.negated


def test_in_quoted_speech_i_is_the_other_person():
    assert _fires(CUES["introduces"], "'I'll introduce you to Raj,' she said.")
    assert not _fires(CUES["introduces"], "I introduced her to Raj at the party.")
    hit = _hit("nominates", "'I'd like to nominate you for the prize,' she said.")
    assert not hit.hedged  # her offer, not the user's wish
