"""The question sharpener's data: every pattern against its own examples, word-class references, template
slots, and an edit to a copy of the data changing a judgement with no code change."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import agent
from agent.core import ConfigError
from agent.questions import judge
from agent.questions.lexicon import (
    DATA_DIR,
    LEXICON,
    PATTERNS_FILE,
    REFERENCE_RE,
    SLOT_RE,
    TEMPLATES_FILE,
    WORD_CLASSES_FILE,
    Lexicon,
    load,
)
from agent.questions.rewrites import fill, make_plan, slot_values
from agent.questions.rules import normalize
from agent.questions.slots import build_slots

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_FILES = (WORD_CLASSES_FILE, PATTERNS_FILE, TEMPLATES_FILE)
# Patterns in these groups decide a flag or a note, so each must carry its own examples.
DECIDING_GROUPS = ("parsing", "flags", "notes")
GROUP_OF = {name: group for group, names in LEXICON.groups.items() for name in names}

# A favour request and a vague question that the shipped data lets through, and the edits that catch them.
FAVOUR = "Could you mention me to the fellowship director?"
FAVOUR_ALTERNATIVE = r"\bmention\s+me\s+to\b"
VAGUE = "What do you make of portfolios?"
VAGUE_WORD = "portfolios"


def hits(name: str, text: str, lexicon: Lexicon = LEXICON) -> bool:
    """True when the pattern finds a non-empty match in the text as the rules see it (normalised)."""
    seen = text if GROUP_OF[name] == "normalisation" else normalize(text)
    return any(m.group(0) for m in lexicon.patterns[name].finditer(seen))


def edited_copy(directory: Path) -> Path:
    """The three data files copied into ``directory`` with one pattern alternative and one word added."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in DATA_FILES:
        shutil.copy(DATA_DIR / name, directory / name)
    patterns = yaml.safe_load((directory / PATTERNS_FILE).read_text(encoding="utf-8"))
    patterns["flags"]["favour"]["alternatives"].append(FAVOUR_ALTERNATIVE)
    (directory / PATTERNS_FILE).write_text(yaml.safe_dump(patterns, sort_keys=False), encoding="utf-8")
    classes = yaml.safe_load((directory / WORD_CLASSES_FILE).read_text(encoding="utf-8"))
    classes["generic"] += f" {VAGUE_WORD}"
    (directory / WORD_CLASSES_FILE).write_text(yaml.safe_dump(classes, sort_keys=False), encoding="utf-8")
    return directory


# ---- every pattern against its own examples ----------------------------------------------------------
EXAMPLES = [
    pytest.param(name, text, expected, id=f"{name}-{'match' if expected else 'no_match'}-{i}")
    for name, spec in LEXICON.specs.items()
    for expected, texts in ((True, spec.match), (False, spec.no_match))
    for i, text in enumerate(texts)
]


@pytest.mark.parametrize(("name", "text", "expected"), EXAMPLES)
def test_every_pattern_matches_its_examples_and_none_of_its_near_misses(name, text, expected):
    verb = "should match" if expected else "should not match"
    assert hits(name, text) == expected, f"pattern {name!r} {verb}: {text!r}"


@pytest.mark.parametrize("name", list(LEXICON.specs))
def test_every_pattern_carries_examples_or_says_why_not(name):
    spec = LEXICON.specs[name]
    enough = len(spec.match) >= 2 and len(spec.no_match) >= 2
    if GROUP_OF[name] in DECIDING_GROUPS:
        assert enough and not spec.examples_skipped, (
            f"pattern {name!r} decides a flag or a note: give it at least 2 match and 2 no_match examples")
    else:
        assert enough != bool(spec.examples_skipped), (
            f"pattern {name!r}: give at least 2 match and 2 no_match examples, or only `examples_skipped`")


def test_every_data_file_opens_with_a_comment_on_its_format():
    for name in DATA_FILES:
        assert (DATA_DIR / name).read_text(encoding="utf-8").startswith("#"), name


# ---- references and slots ----------------------------------------------------------------------------
def test_every_word_class_reference_resolves():
    raw = yaml.safe_load((DATA_DIR / PATTERNS_FILE).read_text(encoding="utf-8"))
    references = {
        (name, ref)
        for group, entries in raw.items() if group != "contractions"
        for name, entry in entries.items()
        for alternative in entry["alternatives"]
        for ref in REFERENCE_RE.findall(alternative)
    }
    assert references, "no pattern refers to a word class; the check below would prove nothing"
    for name, ref in references:
        assert ref in LEXICON.lists, f"pattern {name!r} refers to {{{ref}}}, which {WORD_CLASSES_FILE} lacks"
    # A spliced class is compiled in: "a seat" is an outcome only through {outcomes}.
    assert "seats?" in LEXICON.lists["outcomes"]
    assert hits("favour", "Could you find me a seat on the transplant team?")


def test_an_unknown_word_class_is_refused_with_the_pattern_named(tmp_path):
    for name in DATA_FILES:
        shutil.copy(DATA_DIR / name, tmp_path / name)
    patterns = yaml.safe_load((tmp_path / PATTERNS_FILE).read_text(encoding="utf-8"))
    patterns["flags"]["request"]["alternatives"].append(r"\b(?:{polite_verbs})\b")
    (tmp_path / PATTERNS_FILE).write_text(yaml.safe_dump(patterns, sort_keys=False), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"'request'.*\{polite_verbs\}"):
        load(tmp_path)


def test_every_template_slot_is_a_known_slot():
    known = set(LEXICON.templates.slots)
    templates = LEXICON.templates.all()
    assert len(templates) >= 20
    assert len({t.id for t in templates}) == len(templates)
    for template in templates:
        for variant in template.variants:
            unknown = set(SLOT_RE.findall(variant)) - known
            assert not unknown, f"template variant {variant!r} uses unknown slot(s) {sorted(unknown)}"


def test_every_known_slot_is_filled_by_the_code():
    # Questions that between them name a choice, a topic, a target, a place and a decision-maker, from a profile
    # with a stage, a field and an aim: the code must give every declared slot a value for at least one of them.
    slots = build_slots(stage="PGY-2", specialty="internal medicine", goals="EP", mentor_specialty="cardiology")
    questions = [("I'm torn between EP and nephrology. Which should I pick?", "too_open"),
                 ("Could you get me an interview for the EP fellowship at your hospital?", "pumping"),
                 ("How long is an EP fellowship?", "googleable")]
    filled_slots: dict[str, str] = {}
    for question, flag in questions:
        values = slot_values(make_plan(question, flag, slots))
        assert set(values) == set(LEXICON.templates.slots), "slot_values and templates.yaml list different slots"
        filled_slots |= {name: value for name, value in values.items() if value}
    empty = sorted(set(LEXICON.templates.slots) - set(filled_slots))
    assert not empty, f"declared slot(s) never given a value by rewrites.slot_values: {empty}"
    variant = " ".join(f"{{{slot}}}" for slot in LEXICON.templates.slots) + "?"
    first = LEXICON.templates.all()[0]
    filled = fill(first.model_copy(update={"variants": (variant,)}), filled_slots)
    assert filled and "{" not in filled, f"a declared slot has no value in rewrites.fill: {filled!r}"
    # A variant with a slot unknown for this question is skipped for the next one.
    template = first.model_copy(update={"variants": ("What about {target}?", "What about it?")})
    assert fill(template, filled_slots | {"target": ""}) == "What about it?"


def test_an_unknown_slot_is_refused(tmp_path):
    for name in DATA_FILES:
        shutil.copy(DATA_DIR / name, tmp_path / name)
    templates = yaml.safe_load((tmp_path / TEMPLATES_FILE).read_text(encoding="utf-8"))
    templates["templates"][0]["variants"].append("What would {mentor_name} do?")
    (tmp_path / TEMPLATES_FILE).write_text(yaml.safe_dump(templates, sort_keys=False), encoding="utf-8")
    with pytest.raises(ConfigError, match="mentor_name"):
        load(tmp_path)


# ---- data, not code, decides ---------------------------------------------------------------------------
def test_the_shipped_rules_let_the_two_probe_questions_through():
    assert judge(FAVOUR, engine="rules").flags == []
    assert judge(VAGUE, engine="rules").flags == []


def test_an_added_alternative_or_word_changes_what_the_loader_builds(tmp_path):
    edited = load(edited_copy(tmp_path))
    assert not hits("favour", FAVOUR) and hits("favour", FAVOUR, edited)
    assert VAGUE_WORD not in LEXICON.words["generic"] and VAGUE_WORD in edited.words["generic"]
    assert edited.patterns["fact"].pattern == LEXICON.patterns["fact"].pattern  # the rest is untouched


def test_an_edit_to_a_copy_of_the_data_changes_a_judgement_with_no_code_change(tmp_path):
    # A copy of the package whose only difference is its YAML, judged in a fresh interpreter: the rules
    # compile their patterns at import, so a new process is the honest way to use other data.
    copy = tmp_path / "agent"
    shutil.copytree(Path(agent.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    edited_copy(copy / "questions")
    script = ("import json, sys\nimport agent.questions as q\n"
              "print(json.dumps({'file': q.__file__, 'flags': [q.judge(x).flags for x in sys.argv[1:]]}))")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(PROJECT_ROOT)])}
    run = subprocess.run([sys.executable, "-c", script, FAVOUR, VAGUE], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert Path(result["file"]).is_relative_to(tmp_path), result["file"]
    assert result["flags"] == [["pumping"], ["too_open"]]
