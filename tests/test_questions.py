"""Question sharpener: flag quality on the labelled sets, notes, rewrites, batch, list parsing, CLI, view."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from agent.core import InputError
from agent.questions import (
    Critique,
    QuestionContext,
    evaluate,
    judge,
    load_examples,
    sharpen,
    sharpen_batch,
    split_questions,
)
from agent.questions.goals import parse_goal

DATA = Path(__file__).parent / "eval_data"
SETS = ["questions_dev.jsonl", "questions_own.jsonl"]
RESIDENT = {"career_stage": "resident", "specialty": "internal medicine", "goals": "a nephrology fellowship"}


@pytest.fixture(scope="module")
def reports():
    return {name: evaluate(load_examples(DATA / name)) for name in SETS}


# ---- quality on the labelled sets -----------------------------------------------------------------
@pytest.mark.parametrize("name", SETS)
def test_macro_f1_over_three_flags_and_no_flag(reports, name):
    report = reports[name]
    assert report.macro_f1 >= 0.85, report.errors


@pytest.mark.parametrize("name", SETS)
def test_every_rewrite_of_every_question_comes_back_flag_free(reports, name):
    report = reports[name]
    assert report.rewrites_checked >= 2 * report.n
    assert report.rewrites_flag_free == report.rewrites_checked


def test_own_set_is_large_and_balanced():
    rows = load_examples(DATA / "questions_own.jsonl")
    assert len(rows) >= 80
    for flag in ("too_open", "googleable", "pumping"):
        assert sum(flag in r["flags"] for r in rows) >= 20
    assert sum(not r["flags"] for r in rows) >= 20
    assert any("context" in r for r in rows)


@pytest.mark.parametrize("context", [None, RESIDENT | {"mentor_role": "mentor"},
                                     {"career_stage": "student", "mentor_role": "sponsor"},
                                     {"career_stage": "fellow", "specialty": "cardiology", "mentor_role": "connector"},
                                     {"career_stage": "PGY-2 resident", "specialty": "general surgery",
                                      "goals": "to get faster at laparoscopic suturing", "mentor_role": "coach"}])
def test_rewrites_are_flag_free_and_fit_the_role_in_every_context(context):
    for name in SETS:
        for row in load_examples(DATA / name):
            critique = sharpen(row["question"], context)
            if critique.flags:  # a flagged question gets 2-3 rewrites of different kinds
                assert 2 <= len(critique.rewrites) <= 3, (row["question"], context)
                assert len(set(critique.rewrite_kinds)) == len(critique.rewrite_kinds)
            else:  # a flag-free one at most one polish
                assert len(critique.rewrites) <= 1 and set(critique.rewrite_kinds) <= {"polish"}
            assert len(set(critique.rewrites)) == len(critique.rewrites)
            for rewrite in critique.rewrites:
                checked = judge(rewrite, context)
                assert checked.flags == [], (row["question"], rewrite)
                assert "role_misfit" not in checked.notes


# ---- verdicts, score, explanation ----------------------------------------------------------------
def test_verdict_follows_priority_pumping_then_googleable_then_too_open():
    c = judge("What does a hospitalist earn, and can you get me a job at your hospital?")
    assert set(c.flags) == {"pumping", "googleable"}
    assert c.verdict == "pumping"
    assert judge("What is your best advice?").verdict == "too_open"
    strong = judge("Tell me about a patient early in your practice who changed how you approach difficult "
                   "conversations.")
    assert strong.verdict == "strong" and strong.flags == []


def test_score_is_high_for_strong_lower_with_notes_and_low_with_flags():
    clean = judge("I'm a PGY-2 in pediatrics. How did you pick the attending you trained under in fellowship?")
    noted = judge("How did you pick the attending you trained under, and would you pick them again?")
    flagged = judge("Can you get me into your fellowship program?")
    assert clean.score > noted.score > 50 >= flagged.score
    assert 0 <= flagged.score <= 100 and clean.score <= 100


def test_advice_about_networking_is_not_pumping():
    for q in ["When you moved to this hospital, how did you find collaborators for your research?",
              "Who should I talk to about research opportunities in pediatrics?",
              "Could you give me feedback on how I present patients on rounds?"]:
        assert "pumping" not in judge(q).flags, q


def test_experience_questions_about_facts_are_not_googleable():
    for q in ["How long did it take you to feel confident as a new attending?",
              "What surprised you about the length of training in neurosurgery?"]:
        assert judge(q).flags == [], q


def test_vague_interest_prefix_does_not_rescue_a_too_open_question():
    assert judge("I'm a medical student interested in psychiatry. What should I know?").flags == ["too_open"]
    assert judge("I'm torn between psychiatry and neurology after my rotations. What would you weigh?").flags == []


def test_empty_or_oversized_question_and_unknown_role_raise_input_error():
    with pytest.raises(InputError):
        judge("   ")
    with pytest.raises(InputError):
        judge("why? " * 400)
    with pytest.raises(InputError):
        judge("How did you choose?", {"mentor_role": "boss"})


# ---- notes ---------------------------------------------------------------------------------------
def test_note_several_questions_in_one():
    assert "multiple_questions" in judge("How did you choose your fellowship? What would you change?").notes
    assert "multiple_questions" in judge("How did you choose your fellowship, and what would you change?").notes
    assert "multiple_questions" not in judge("How did you choose your fellowship?").notes


def test_note_closed_yes_no_question():
    assert "closed_question" in judge("Did you enjoy your residency in pediatrics?").notes
    assert "closed_question" not in judge("What did you enjoy most in your pediatrics residency?").notes
    assert "closed_question" not in judge("Can you tell me about a patient who changed your practice?").notes


def test_note_leading_question():
    assert "leading_question" in judge("Don't you think academic medicine is the better path for me?").notes
    assert "leading_question" in judge("Community practice gives a better life, right?").notes
    assert "leading_question" not in judge("How did you weigh academic against community practice?").notes


def test_note_no_personal_context():
    assert "no_context" in judge("How did you pick your first job?").notes
    assert "no_context" not in judge("I'm a PGY-3 in surgery. How did you pick your first job?").notes


def test_note_role_misfit_for_sponsor_connector_and_traditional_mentor():
    story = "Tell me about a patient early in your career who changed how you practice."
    assert "role_misfit" in judge(story, {"mentor_role": "sponsor"}).notes
    assert "role_misfit" in judge(story, {"mentor_role": "connector"}).notes
    assert "role_misfit" not in judge(story, {"mentor_role": "mentor"}).notes
    intro = "Who should I talk to about clinical research in nephrology?"
    assert "role_misfit" in judge(intro, {"mentor_role": "mentor"}).notes
    assert "role_misfit" not in judge(intro, {"mentor_role": "connector"}).notes
    critique = sharpen(story, {"mentor_role": "sponsor"})
    assert "sponsor" in critique.note_messages["role_misfit"]


# ---- rewrites ------------------------------------------------------------------------------------
def test_rewrites_keep_the_subject_and_use_the_profile():
    c = sharpen("I'm interested in cardiology. What should I know?", RESIDENT | {"mentor_role": "mentor"})
    assert c.verdict == "too_open"
    assert all("cardiology" in r for r in c.rewrites)
    assert c.rewrites[0].startswith("I'm interested in cardiology.")  # the user's own line beats the profile
    profiled = sharpen("What should I know about cardiology?", RESIDENT | {"mentor_role": "mentor"})
    assert profiled.rewrites[0].startswith("I'm a resident in internal medicine.")  # the situation kind
    bare = sharpen("I'm interested in cardiology. What should I know?")
    assert all("resident" not in r for r in bare.rewrites)  # nothing invented without a profile


def test_rewrites_fit_the_mentor_role():
    q = "What advice do you have for me?"
    sponsor = " ".join(sharpen(q, RESIDENT | {"mentor_role": "sponsor"}).rewrites).lower()
    assert any(w in sponsor for w in ("ready", "look for", "move into"))
    coach = " ".join(sharpen(q, RESIDENT | {"mentor_role": "coach"}).rewrites).lower()
    assert any(w in coach for w in ("skill", "feedback", "practise"))
    connector = " ".join(sharpen(q, RESIDENT | {"mentor_role": "connector"}).rewrites).lower()
    assert any(w in connector for w in ("whose path", "people you know", "teams"))


def test_strong_multi_part_question_is_split_in_its_first_rewrite():
    c = sharpen("How did you choose between academic and private practice, and what would you do differently?",
                RESIDENT)
    assert c.verdict == "strong" and "multiple_questions" in c.notes
    assert c.rewrites[0].endswith("How did you choose between academic and private practice?")


@dataclass
class _Passage:
    title: str
    heading: str
    source_path: str


class _Citer:
    def __init__(self, fail: bool = False):
        self.calls: list[tuple[str, str | None]] = []
        self.fail = fail

    def search(self, query, k=3, *, role=None, stage=None, topic=None):
        self.calls.append((query, topic))
        if self.fail:
            raise RuntimeError("index unavailable")
        return [_Passage(f"Guide on {topic}", "A section", f"knowledge/{topic}.md")][:k]


def test_explanation_cites_knowledge_by_topic():
    citer = _Citer()
    c = sharpen("How many years is a urology residency?", citer=citer)
    assert citer.calls[0][1] == "question-quality"
    assert c.citations and c.citations[0]["source_path"] == "knowledge/question-quality.md"
    assert "Guide on question-quality" in c.explanation
    misfit = sharpen("Tell me about your most memorable patient.", {"mentor_role": "connector"}, citer=_Citer())
    assert misfit.citations[0]["source_path"] == "knowledge/questions-for-sponsors-connectors.md"


def test_no_citer_means_no_citations_and_a_failing_citer_is_survivable():
    assert sharpen("What is your best advice?").citations == []
    c = sharpen("What is your best advice?", citer=_Citer(fail=True))
    assert c.citations == [] and c.verdict == "too_open"


def test_capable_model_rewrites_are_checked_and_topped_up():
    from agent.core import FakeChatModel

    good = "I'm a resident in internal medicine. What made you choose nephrology over cardiology?"
    reply = json.dumps(["Can you get me a spot in your fellowship?", good, "What is a nephrologist?"])
    model = FakeChatModel(responses=[reply], capable=True)
    c = sharpen("Can you get me a nephrology fellowship spot?", RESIDENT, model=model)
    assert good in c.rewrites  # kept, and shown in its kind's place (story)
    assert len(c.rewrites) == 3 and c.rewrite_source == "model+templates"
    assert len(set(c.rewrite_kinds)) == 3
    assert all(judge(r).flags == [] for r in c.rewrites)
    assert "Can you get me a nephrology fellowship spot?" in model.calls[0][-1]["content"]


def test_weak_model_is_never_asked():
    from agent.core import FakeChatModel

    model = FakeChatModel(responses=["[]"])
    c = sharpen("What is your best advice?", model=model)
    assert model.calls == [] and c.rewrite_source == "templates"


def test_failing_model_falls_back_to_templates():
    from agent.core import FakeChatModel

    model = FakeChatModel(responses=[RuntimeError("server down")], capable=True)
    c = sharpen("What is your best advice?", model=model)
    assert len(c.rewrites) == 3 and c.rewrite_source == "templates"


# ---- context, batch, parsing ---------------------------------------------------------------------
def test_context_accepts_flat_and_nested_dicts():
    nested = QuestionContext.coerce({"profile": {"career_stage": "fellow", "goals": ["teach", "research"]},
                                     "mentor": {"specialty": "oncology", "role_estimate": {"role": "Sponsor"}}})
    assert nested.career_stage == "fellow" and nested.goals == "teach; research"
    assert nested.mentor_role == "sponsor" and nested.mentor_specialty == "oncology"
    assert QuestionContext.coerce({"stage": "student", "role": "coach"}).mentor_role == "coach"
    assert QuestionContext.coerce(None) == QuestionContext()


def test_batch_is_ranked_best_first_and_skips_blank_entries():
    questions = ["Can you get me an interview?", "",
                 "I'm a PGY-2 in medicine leaning toward GI. How did you choose your fellowship program?",
                 "What is your best advice?"]
    ranked = sharpen_batch(questions, RESIDENT)
    assert [c.verdict for c in ranked][0] == "strong"
    assert len(ranked) == 3
    assert [c.score for c in ranked] == sorted((c.score for c in ranked), reverse=True)
    assert all(isinstance(c, Critique) for c in ranked)


def test_split_questions_handles_numbers_bullets_lines_and_wrapping():
    text = """1. What advice do you have?
    2) How long is a cardiology fellowship?
    - Can you get me an interview?
    * How did you decide between academic
      and community practice?
    • Tell me about a patient who changed you.

    Plain line without a mark?
    a) Lettered item?"""
    assert split_questions(text) == [
        "What advice do you have?", "How long is a cardiology fellowship?", "Can you get me an interview?",
        "How did you decide between academic and community practice?", "Tell me about a patient who changed you.",
        "Plain line without a mark?", "Lettered item?"]
    assert split_questions("") == []
    assert split_questions("How did you choose? What would you change?") == [
        "How did you choose? What would you change?"]


def test_to_dict_is_json_ready():
    data = sharpen("What is your best advice?", RESIDENT, citer=_Citer()).to_dict()
    assert json.loads(json.dumps(data))["verdict"] == "too_open"
    assert {"flags", "verdict", "notes", "score", "explanation", "citations", "rewrites"} <= set(data)


# ---- CLI -----------------------------------------------------------------------------------------
def test_cli_jsonl_reports_each_line_and_survives_malformed_ones():
    from agent.cli.questions import run_jsonl

    lines = "\n".join([
        json.dumps({"id": "a", "question": "Can you put in a word for me with the chair?"}),
        "{not json",
        json.dumps({"id": "c"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "e", "question": "How did you pick your fellowship?", "context": {"mentor_role": "x"}}),
        "",
        json.dumps({"id": "f", "question": "How did you pick your fellowship?", "context": {"career_stage": "fellow"}}),
    ])
    out = io.StringIO()
    assert run_jsonl(io.StringIO(lines), out, {"mentor_role": "sponsor"}) == 0
    rows = [json.loads(x) for x in out.getvalue().splitlines()]
    assert len(rows) == 6
    assert rows[0]["id"] == "a" and rows[0]["verdict"] == "pumping" and rows[0]["flags"] == ["pumping"]
    assert set(rows[0]) == {"id", "verdict", "flags", "notes", "score", "rewrites"}
    assert "error" in rows[1] and rows[1]["id"] is None
    assert rows[2] == {"id": "c", "error": "'question' must be a non-empty string"}
    assert "error" in rows[3]
    assert rows[4]["id"] == "e" and "Unknown mentor role" in rows[4]["error"]
    assert rows[5]["verdict"] == "strong" and rows[5]["rewrites"]


def test_cli_sharpen_json_and_eval(capsys):
    from agent.__main__ import main

    assert main(["sharpen", "How many years is a general surgery residency?", "--json", "--stage", "student",
                 "--role", "mentor"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "googleable" and len(data["rewrites"]) == 3
    assert any("medical student" in r for r in data["rewrites"])
    assert main(["sharpen", "  "]) == 2
    assert "empty" in capsys.readouterr().err
    assert main(["eval", "questions", "--no-rewrites"]) == 0
    out = capsys.readouterr().out
    assert "macro-F1" in out and all(name in out for name in ("dev", "own", "test", "external"))
    assert all(column in out for column in ("rules", "classifier", "fused"))


def test_cli_eval_missing_set_is_a_clear_error(capsys, tmp_path):
    from agent.__main__ import main

    assert main(["eval", "questions", "--set", str(tmp_path / "nope.jsonl")]) == 2
    assert "not found" in capsys.readouterr().err


# ---- view ----------------------------------------------------------------------------------------
def _view_script(db_url: str, inline: str = "") -> None:
    from agent.core import Store, load_settings
    from views.context import AppContext

    store = Store(db_url)
    store.save_profile("u1", career_stage="resident", specialty="internal medicine", goals="nephrology")
    ctx = AppContext(settings=load_settings(model="fake"), store=store, model=None, retriever=None, citer=None,
                     session_id="s1", user_id="u1")
    if inline:
        from views.questions import render_inline

        render_inline(ctx, inline)
    else:
        from views.questions import render

        render(ctx)


def test_view_ranks_escapes_and_keeps_questions(tmp_path):
    from streamlit.testing.v1 import AppTest

    from agent.core import Store

    db = f"sqlite:///{tmp_path / 'view.db'}"
    at = AppTest.from_function(_view_script, args=(db,), default_timeout=30).run()
    assert not at.exception
    at.text_area(key="sharpen_text").set_value(
        "1. What is your <b>best</b> advice?\n2. I'm a PGY-2 leaning toward GI. How did you choose your fellowship?")
    at.button(key="sharpen_go").click().run()
    assert not at.exception
    shown = " ".join(m.value for m in at.markdown)
    assert "<b>best</b>" not in shown and "&lt;b&gt;" in shown
    assert shown.index("STRONG") < shown.index("TOO OPEN")  # ranked best first
    keep = [b for b in at.button if b.key and b.key.endswith("-own")]
    keep[0].click().run()
    kept = Store(db).list_kept_questions("u1")
    assert len(kept) == 1 and kept[0]["verdict"] == "strong"
    rewrite_buttons = [b for b in at.button if b.key and "-rw" in b.key]
    rewrite_buttons[0].click().run()
    assert len(Store(db).list_kept_questions("u1")) == 2
    at.button(key=f"kept-rm-{kept[0]['id']}").click().run()
    assert len(Store(db).list_kept_questions("u1")) == 1
    assert not at.exception


def test_inline_critique_is_compact(tmp_path):
    from streamlit.testing.v1 import AppTest

    db = f"sqlite:///{tmp_path / 'inline.db'}"
    at = AppTest.from_function(_view_script, args=(db, "Can you get me a *spot*?"), default_timeout=30).run()
    assert not at.exception
    shown = " ".join(m.value for m in at.markdown)
    assert "PUMPING" in shown and "Try:" in shown and "\\*spot\\*" in shown
    assert [b.label for b in at.button] == ["Keep this rewrite"]


# ---- how rewrites read ---------------------------------------------------------------------------
_AWKWARD = re.compile(
    r"\btoward\s+(?:transition|become|get|match|move|switch|open|join|pursue)\b"  # a verb spliced as a noun
    r"|\b(?:aiming\s+for|goal\s+is)\s+(?:transition|become|get|match|to)\b"
    r"|\b(into|in|for|to|of|on|at|with|from)\s+\1\b|\b(?:a|an|the)\s+(?:a|an|the)\b"  # doubled words
    r"|\bat\s+my\s+stage\s+in\b|\bi\s+want\s+to\b|\.\s*[.,]|\s[,.?]|[.!]\?"
)


@pytest.mark.parametrize("goal, form", [
    ("transition into pediatrics", {"infinitive": "transition into pediatrics",
                                    "gerund": "transitioning into pediatrics", "noun": "a move into pediatrics",
                                    "field": "pediatrics"}),
    ("I want to switch to anesthesiology.", {"infinitive": "switch to anesthesiology",
                                             "noun": "a move into anesthesiology"}),
    ("become a hospitalist", {"gerund": "becoming a hospitalist", "noun": "a role as a hospitalist",
                              "field": "hospital medicine"}),
    ("I'd like to get into research!", {"infinitive": "get into research", "gerund": "getting into research"}),
    ("a career in global health", {"noun": "a career in global health", "field": "global health"}),
    ("My goal is a nephrology fellowship.", {"noun": "a nephrology fellowship", "field": "nephrology"}),
    ("pursuing neonatology", {"infinitive": "pursue neonatology", "gerund": "pursuing neonatology"}),
    ("rheumatology", {"noun": "a career in rheumatology", "field": "rheumatology"}),
])
def test_goals_are_normalised_into_the_forms_templates_need(goal, form):
    parsed = parse_goal(goal)
    for attr, expected in form.items():
        assert getattr(parsed, attr) == expected, (goal, attr)
    assert not parse_goal("  .  ")
    assert not parse_goal("transition into pediatrics", {"pediatrics"})  # already there: nothing to say


@pytest.mark.parametrize("goal, expected", [
    ("transition into geriatrics", "geriatrics"),
    ("I want to become a hospitalist.", "hospital"),
    ("get into research", "research"),
    ("a career in global health", "global health"),
    ("I hope to match into urology", "urology"),
])
def test_goal_reads_naturally_in_rewrites(goal, expected):
    for role in ("", "mentor", "coach", "sponsor", "connector"):
        ctx = {"career_stage": "resident", "specialty": "family medicine", "goals": goal, "mentor_role": role}
        c = sharpen("Any thoughts on what I should do next?", ctx)
        assert c.verdict == "too_open"
        joined = " ".join(c.rewrites)
        assert expected in joined, (role, c.rewrites)
        for rewrite in c.rewrites:
            assert not _AWKWARD.search(rewrite), rewrite
            assert judge(rewrite, ctx).flags == [], rewrite


@pytest.mark.parametrize("question", [
    "Do you have any tips for me?", "How long does a sports medicine fellowship take?",
    "Could you introduce me to the department chair?", "Could you write me a reference for fellowship?",
    "I'm a PGY-1 in surgery deciding between urology or orthopedic surgery. How did you pick your field?",
])
def test_rewrites_read_cleanly_across_profiles(question):
    goals = ["shift into palliative care", "become an academic neurologist", "a career in medical education",
             "I want to work in rural medicine.", ""]
    for stage, goal, role in zip(["student", "resident", "fellow", "attending", ""], goals,
                                 ["mentor", "coach", "sponsor", "connector", ""], strict=True):
        for specialty in ("internal medicine", ""):
            ctx = {"career_stage": stage, "specialty": specialty, "goals": goal, "mentor_role": role}
            for rewrite in sharpen(question, ctx).rewrites:
                assert not _AWKWARD.search(rewrite), (ctx, rewrite)
                assert "hardest career choice you faced at my stage in" not in rewrite
                assert judge(rewrite, ctx).flags == [], (ctx, rewrite)


def test_choice_between_fields_is_kept_and_the_current_field_is_not_a_target():
    ctx = {"career_stage": "resident", "specialty": "pediatrics", "goals": "a career in medical education"}
    strong = "I'm an M3 in internal medicine torn between neurology and psychiatry. How did you settle on your field?"
    c = sharpen(strong, ctx)
    assert c.verdict == "strong" and c.subject == "neurology or psychiatry" and c.rewrites == []
    q = "I'm an M3 in internal medicine torn between neurology and psychiatry. What should I know?"
    for role in ("", "mentor", "coach", "sponsor", "connector"):
        c = sharpen(q, ctx | {"mentor_role": role})
        assert c.verdict == "too_open" and c.subject == "neurology or psychiatry"
        assert c.rewrites[0].startswith("I'm an M3 in internal medicine")  # the user's own line beats the profile
        bodies = [r.split(". ", 1)[-1] for r in c.rewrites]
        assert any("neurology" in b and "psychiatry" in b for b in bodies), c.rewrites
        for rewrite in c.rewrites:
            assert not re.search(r"\binto internal medicine\b|\bmedical education\b|\bpediatrics\b", rewrite)
            assert judge(rewrite, ctx).flags == []
    # A field the user is already in is never offered as somewhere to move.
    own = {"career_stage": "resident", "specialty": "emergency medicine", "mentor_role": "sponsor"}
    for q in ("What should I focus on?", "Can you put me forward for a job in emergency medicine?"):
        assert not any("move into emergency medicine" in r for r in sharpen(q, own).rewrites)


def test_a_question_with_its_own_subject_keeps_it_and_uses_the_goal_as_context_only():
    ctx = {"career_stage": "resident", "specialty": "internal medicine", "goals": "become a hospitalist"}
    for role in ("", "mentor", "coach", "sponsor", "connector"):
        c = sharpen("How many years does a gastroenterology fellowship take?", ctx | {"mentor_role": role})
        assert c.verdict == "googleable" and "gastroenterology" in (c.subject or "")
        assert any("gastroenterology" in r for r in c.rewrites)
        for rewrite in c.rewrites:
            assert "hospitalist" not in rewrite and "hospital medicine" not in rewrite, rewrite
            assert judge(rewrite, ctx).flags == []
    # Without a subject of its own, the question borrows the goal.
    c = sharpen("What advice do you have for me?", ctx | {"mentor_role": "sponsor"})
    assert any("hospital" in r for r in c.rewrites)


@pytest.mark.parametrize("question", [
    "Is the licensing exam pass/fail these days?",
    "Does the fellowship match happen in the spring?",
    "Are international graduates eligible for this residency program?",
])
def test_impersonal_yes_no_questions_about_rules_are_googleable(question):
    assert sharpen(question).flags == ["googleable"]


@pytest.mark.parametrize("question", [
    "Was the residency program you chose the right call for you?",
    "Is it worth doing a chief year if I want a clinician-educator career?",
])
def test_yes_no_questions_about_people_are_not_look_ups(question):
    assert "googleable" not in sharpen(question).flags
