"""Rewrites as a trainee would say them: short, first person, of different kinds, built from normalised slots
(never a pasted profile field), never truncating the user's question, and at most one polish for a good one."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from agent.core import FakeChatModel
from agent.questions import judge, sharpen
from agent.questions.rewrites import MAX_WORDS, pasted, repeats, well_formed
from agent.questions.slots import build_slots, context_from_text

GOALS = "Get involved in an EP research project and find a mentor who knows the fellowship PD"
EP = {"career_stage": "PGY-2", "specialty": "Internal Medicine", "goals": GOALS,
      "interests": "electrophysiology, ablation", "mentor_specialty": "cardiology"}
ROLES = ("", "mentor", "coach", "sponsor", "connector")
FLAGGED = [
    "What's it like being an EP attending?",
    "What should I know?",
    "How long is an EP fellowship?",
    "Can you write me a letter of recommendation for EP fellowship?",
    "Could you introduce me to the fellowship PD?",
    "I'm torn between EP and interventional cardiology. Any advice?",
]
FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|i'd|me|my)\b", re.IGNORECASE)
WORD = re.compile(r"[a-z0-9]+(?:['\u2019][a-z]+)?")


def _words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def _shares_run(text: str, source: str, n: int = 6) -> bool:
    """True when ``text`` repeats ``n`` or more consecutive words of ``source`` (counted independently of the
    code under test)."""
    a, b = _words(text), _words(source)
    runs = {tuple(b[i:i + n]) for i in range(len(b) - n + 1)}
    return any(tuple(a[i:i + n]) in runs for i in range(len(a) - n + 1))


@pytest.fixture(scope="module")
def ep_critiques():
    return {(q, role): sharpen(q, EP | {"mentor_role": role}) for q in FLAGGED for role in ROLES}


# ---- the product rules, over a realistic profile -------------------------------------------------------
def test_flagged_questions_get_two_or_three_short_first_person_rewrites_of_different_kinds(ep_critiques):
    for (question, role), c in ep_critiques.items():
        assert c.flags, question
        assert 2 <= len(c.rewrites) <= 3, (question, role, c.rewrites)
        assert len(c.rewrite_kinds) == len(c.rewrites)
        assert len(set(c.rewrite_kinds)) == len(c.rewrite_kinds), (question, role, c.rewrite_kinds)
        assert set(c.rewrite_kinds) <= {"situation", "story", "role"}
        for rewrite in c.rewrites:
            assert len(rewrite.split()) <= MAX_WORDS, rewrite
            assert FIRST_PERSON.search(rewrite), rewrite
            assert rewrite.endswith("?"), rewrite
            assert not repeats(rewrite), rewrite


def test_no_rewrite_pastes_the_profile_goals(ep_critiques):
    for (question, role), c in ep_critiques.items():
        for rewrite in c.rewrites:
            assert not _shares_run(rewrite, GOALS), (question, role, rewrite)
            assert "research project" not in rewrite and "knows the fellowship" not in rewrite, rewrite


def test_context_comes_from_normalised_slots(ep_critiques):
    slots = build_slots(stage="PGY-2", specialty="Internal Medicine", goals=GOALS, interests=EP["interests"])
    assert slots.intro() == "I'm a PGY-2 in internal medicine aiming for EP."
    situation = [r for c in ep_critiques.values() for r, k in zip(c.rewrites, c.rewrite_kinds, strict=True)
                 if k == "situation"]
    assert situation and all(r.startswith("I'm ") for r in situation)
    assert any(r.startswith("I'm a PGY-2 in internal medicine") for r in situation)
    line = context_from_text("PGY-1 in IM asking the associate program director")
    assert line["career_stage"] == "PGY-1" and line["mentor_role"] == "sponsor"


@pytest.mark.parametrize(("text", "stage", "own", "aim"), [
    ("I'm an FY2 hoping to get into cardiology.", "FY2", "", "cardiology"),
    ("im a med student interested in surgery", "student", "", "surgery"),
    ("I'm a medical student keen on paeds", "medical student", "", "paeds"),
    ("FY1, want to do anaesthetics", "FY1", "", "anaesthetics"),
    ("I'm an IM resident thinking about switching to derm", "resident", "internal medicine", "derm"),
    ("I'm a cardiology registrar", "registrar", "cardiology", ""),
])
def test_a_field_the_user_aims_at_is_a_goal_not_their_specialty(text, stage, own, aim):
    found = context_from_text(text)  # otherwise a rewrite says "I'm an FY2 in cardiology" for someone not in it
    assert (found.get("career_stage", ""), found.get("specialty", ""), found.get("goals", "")) == (stage, own, aim)


def test_no_single_filler_rewrite_is_reused_under_every_question(ep_critiques):
    for role in ROLES:
        per_question = [set(ep_critiques[q, role].rewrites) for q in FLAGGED]
        assert not set.intersection(*per_question), role
        counts = Counter(r for rewrites in per_question for r in rewrites)
        assert max(counts.values()) <= len(FLAGGED) // 2, (role, counts.most_common(1))


def test_rewrites_keep_the_question_subject(ep_critiques):
    for role in ROLES:
        assert any("being an EP attending" in r for r in ep_critiques["What's it like being an EP attending?", role]
                   .rewrites)
        assert any("EP fellowship" in r for r in ep_critiques["How long is an EP fellowship?", role].rewrites)


# ---- the user's question is never truncated ------------------------------------------------------------
@pytest.mark.parametrize("question", [
    "What's it like being an EP attending?",
    "What’s the part of your job you'd least want to give up?",
    "Who's been the biggest influence on how you teach?",
])
def test_the_users_question_is_never_cut(question):
    head = question.split()[0]  # "What's", "Who's"
    tail = question[len(head):].strip()
    for role in ROLES:
        c = sharpen(question, EP | {"mentor_role": role})
        for rewrite in c.rewrites:
            assert not re.search(r"(?:^|[.?!]\s+)s\s", rewrite), rewrite  # a sentence starting "s it like"
            if tail in rewrite:
                assert question in rewrite, rewrite


def test_a_polish_keeps_the_whole_question():
    question = "What's the one thing you'd do differently in your training?"
    c = sharpen(question, EP)
    assert c.flags == []
    assert len(c.rewrites) <= 1
    for rewrite in c.rewrites:
        assert rewrite.endswith(question) and rewrite != question


# ---- a flag-free question: at most one polish, never worse ---------------------------------------------
@pytest.mark.parametrize("question", [
    "What surprised you most about your first year as an EP attending?",
    "How did you choose between academic and private practice, and what would you do differently?",
    "I'm a PGY-2 leaning toward EP. How did you decide on your fellowship?",
    "What's the one thing you'd do differently in your training?",
])
def test_a_flag_free_question_gets_at_most_one_polish_that_is_not_worse(question):
    for role in ("", "mentor", "sponsor"):
        ctx = EP | {"mentor_role": role}
        original = judge(question, ctx)
        c = sharpen(question, ctx)
        assert c.flags == [] and len(c.rewrites) <= 1
        assert set(c.rewrite_kinds) <= {"polish"}
        for rewrite in c.rewrites:
            checked = judge(rewrite, ctx)
            assert checked.flags == [] and checked.score >= original.score, (rewrite, checked.notes)
            assert len(rewrite.split()) <= MAX_WORDS and not _shares_run(rewrite, GOALS)


def test_a_question_with_the_users_own_context_is_left_alone():
    c = sharpen("I'm a PGY-2 leaning toward EP. How did you decide on your fellowship?", EP)
    assert c.rewrites == []


# ---- the checks themselves, and a capable model's drafts -----------------------------------------------
def test_well_formed_refuses_long_impersonal_or_pasted_text():
    assert well_formed("Which rotation made you sure about EP when you were at my stage?")
    assert not well_formed("Which rotation made you sure about EP when you were in training?")  # no "I"/"my"
    assert not well_formed("I'm a PGY-2. " + "Which part of it " * 9 + "do I need?")  # over 35 words
    assert not well_formed("I'm a PGY-2. How would I find a mentor who knows the fellowship PD?", [GOALS])
    assert pasted("My goal: get involved in an EP research project.", [GOALS])
    assert not pasted("I'd like to get involved in EP research.", [GOALS])


def test_model_drafts_that_paste_the_profile_or_run_long_are_dropped():
    pasted_draft = f"I want to {GOALS[0].lower() + GOALS[1:]}. How should I start?"
    long_draft = "I'm a PGY-2 in internal medicine " + "and I really want to know " * 6 + "what you think?"
    good = "I'm a PGY-2 in internal medicine. What made you choose EP over interventional cardiology?"
    model = FakeChatModel(responses=[json.dumps([pasted_draft, long_draft, good])], capable=True)
    c = sharpen("What should I know about EP?", EP, model=model)
    assert good in c.rewrites
    assert pasted_draft not in c.rewrites and long_draft not in c.rewrites
    assert GOALS not in model.calls[0][-1]["content"]  # the model is told the slots, not the field as typed
    assert len(set(c.rewrite_kinds)) == len(c.rewrites)


@pytest.mark.parametrize("question", [
    "Totally different question: how do you handle difficult family conversations?",
    "On a different note, how did you learn to operate with confidence when you were starting out?",
])
def test_a_polish_drops_the_words_that_only_steer_the_conversation(question):
    critique = sharpen(question, {"career_stage": "intern", "specialty": "general surgery"})
    assert len(critique.rewrites) <= 1
    for rewrite in critique.rewrites:
        assert not re.search(r"(?i)different question|different note", rewrite)
        assert rewrite.endswith("?")
