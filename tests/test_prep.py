"""Prep sheet, its PDF, the follow-up note, and the `prep-sheet` / `follow-up` commands."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from agent.core import FakeChatModel, InputError
from agent.prep import check_note, draft_follow_up
from agent.prep.sheet import (
    MAX_QUESTIONS,
    MIN_QUESTIONS,
    SECTION_TITLES,
    build_prep_sheet,
    order_questions,
    question_stage,
    to_pdf,
)

PROJECT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class StubPassage:
    title: str
    heading: str
    topic: str
    source_path: str
    sources: tuple[str, ...]
    text: str = "..."
    score: float = 1.0


class StubCiter:
    """Returns one passage per topic (a document per topic), and records the filters it was asked for."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def search(self, query, k=3, *, role=None, stage=None, topic=None):
        self.calls.append({"query": query, "role": role, "stage": stage, "topic": topic})
        name = topic or "general"
        return [StubPassage(title=f"Guide to {name}", heading=f"On {role or 'everyone'}", topic=name,
                            source_path=f"knowledge/{name}.md", sources=(f"Author A. {name} study. 2020.",))]


PROFILE = {"name": "Sam Lee", "career_stage": "resident", "specialty": "Internal medicine",
           "goals": "Match into a cardiology fellowship"}
KEPT = [
    {"text": "I'm choosing between a research year and applying straight to fellowship; what would you weigh?"},
    {"text": "Would you be open to meeting again after my in-training exam?"},
    {"text": "Looking back, what surprised you most about your first year as an attending?"},
    {"text": "I struggle to present concisely on rounds; what helped you get better at it?"},
]


def mentor(role=None, availability=None, **extra):
    estimate = {"role": role, "availability": availability, "evidence": [{"text": "booked a full hour"}]}
    return {"name": "Dr. Ana Ruiz", "specialty": "Cardiology", "setting": "clinical",
            "notes": "Runs the heart failure clinic.", "role_estimate": estimate if role else None, **extra}


# ---- prep sheet -------------------------------------------------------------------------------------
def test_sheet_has_every_section_and_cites_every_piece_of_guidance():
    citer = StubCiter()
    sheet = build_prep_sheet(PROFILE, mentor("mentor", "high"), KEPT, goal="Decide on a research year",
                             citer=citer)
    md = sheet.to_markdown()
    for title in SECTION_TITLES:
        assert f"## {title}" in md
    assert "Decide on a research year" in md
    guidance = [*sheet.cues, sheet.ask, *sheet.logistics, sheet.etiquette,
                next(i for i in sheet.about if i.label == "Likely role")]
    assert all(item.refs for item in guidance)
    numbers = {r.n for r in sheet.references}
    assert numbers == set(range(1, len(sheet.references) + 1))
    assert all(n in numbers for item in guidance for n in item.refs)
    for ref in sheet.references:
        assert ref.source_path in md and ref.title in md and ref.sources[0] in md
    topics = {c["topic"] for c in citer.calls}
    assert {"reading-the-room", "preparing-for-a-meeting", "meeting-etiquette", "mentor-roles"} <= topics


@pytest.mark.parametrize("kept, expected, suggested", [(KEPT, 4, 0), (KEPT[:1], 3, 2), ([], 3, 3),
                                                      (KEPT * 2 + [f"Question {i}?" for i in range(4)], 5, 0)])
def test_sheet_has_three_to_five_questions_and_marks_suggested_ones(kept, expected, suggested):
    sheet = build_prep_sheet(PROFILE, mentor("sponsor", "low"), kept, citer=StubCiter())
    assert MIN_QUESTIONS <= len(sheet.questions) == expected <= MAX_QUESTIONS
    assert sheet.suggested_count == suggested
    texts = [q.text.lower() for q in sheet.questions]
    assert len(set(texts)) == len(texts)
    if suggested:
        assert "(suggested)" in sheet.to_markdown()


def test_questions_are_ordered_opener_situation_ask():
    sheet = build_prep_sheet(PROFILE, mentor("mentor", "high"), KEPT, citer=StubCiter())
    stages = [q.stage for q in sheet.questions]
    assert stages == sorted(stages, key=("opener", "situation", "ask").index)
    assert sheet.questions[0].text.startswith("Looking back")
    assert sheet.questions[-1].text.startswith("Would you be open")
    assert question_stage("Could you introduce me to your research group?") == "ask"
    assert question_stage("How did you decide to leave private practice?") == "opener"
    assert question_stage("I'm weighing two job offers; which factors would you weigh most?") == "situation"


def test_order_is_stable_within_a_stage():
    from agent.prep.sheet import PlannedQuestion

    qs = [PlannedQuestion("b", "situation"), PlannedQuestion("a", "situation", suggested=True),
          PlannedQuestion("c", "situation")]
    assert [q.text for q in order_questions(qs)] == ["b", "c", "a"]


@pytest.mark.parametrize("role, words", [("mentor", "meet regularly"), ("coach", "practice session"),
                                         ("sponsor", "put your name forward"), ("connector", "introduction")])
def test_the_ask_fits_the_role(role, words):
    sheet = build_prep_sheet(PROFILE, mentor(role, "high"), KEPT, citer=StubCiter())
    assert words in sheet.ask.text
    assert sheet.ask.label.lower().startswith(role)
    assert sheet.cues[0].label.lower() != sheet.cues[1].label.lower()


def test_time_to_plan_follows_availability():
    high = build_prep_sheet(PROFILE, mentor("mentor", "high"), KEPT, citer=StubCiter())
    low = build_prep_sheet(PROFILE, mentor("connector", "low"), KEPT, citer=StubCiter())
    assert "hour" in next(i.text for i in high.logistics if i.label == "Time")
    assert "15 minutes" in next(i.text for i in low.logistics if i.label == "Time")
    assert any("CV" in i.text and "IDP" in i.text for i in high.logistics)


def test_sheet_without_role_estimate_or_citer_still_works():
    sheet = build_prep_sheet({}, {"name": "Dr. X"}, [], citer=None)
    assert sheet.role is None and len(sheet.questions) == MIN_QUESTIONS
    assert "not read yet" in sheet.to_markdown()
    assert sheet.references == []
    assert json.dumps(sheet.to_dict())


def test_met_before_counts_only_earlier_meetings():
    record = mentor("mentor", "high", meetings=[{"id": 1, "date": "2030-01-01"}, {"id": 2, "date": "2030-02-01"},
                                                {"id": 3, "date": "2030-03-01"}])
    sheet = build_prep_sheet(PROFILE, record, KEPT, citer=None, meeting={"id": 2, "date": "2030-02-01"})
    met = next(i for i in sheet.about if i.label == "Met before")
    assert met.text.startswith("1 meeting") and "2030-01-01" in met.text
    assert sheet.meeting_date == "2030-02-01" and "2030-02-01" in sheet.title


def test_updated_estimate_keeps_an_earlier_role_when_the_log_shows_none():
    from agent.prep import updated_estimate

    previous = {"role": "sponsor", "availability": "low"}
    assert updated_estimate(previous, {"role": "unclear", "availability": "high"}) == previous
    assert updated_estimate(previous, {"role": "coach"})["role"] == "coach"
    assert updated_estimate(None, {"role": "unclear"}) == {"role": "unclear"}


def test_user_text_is_escaped_in_markdown():
    evil = mentor("coach", "high", notes="<script>alert(1)</script> **bold** [link](http://x)")
    md = build_prep_sheet(PROFILE, evil, ["What is `rm -rf`? #1"], citer=StubCiter()).to_markdown()
    assert "<script>" not in md and "**bold**" not in md and "[link]" not in md
    assert "\\<script\\>" in md


def test_sheet_with_the_real_knowledge_base_cites_knowledge_files():
    search = pytest.importorskip("retrieval.search")
    citer = search.KeywordRetriever(PROJECT / "knowledge")
    sheet = build_prep_sheet(PROFILE, mentor("sponsor", "low"), KEPT[:2], citer=citer)
    assert sheet.references and all(r.source_path.startswith("knowledge/") for r in sheet.references)
    assert all(r.sources for r in sheet.references)


# ---- PDF ----------------------------------------------------------------------------------------------
def _pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(p.extract_text() for p in reader.pages)


def test_pdf_opens_fits_one_page_and_has_the_headings():
    sheet = build_prep_sheet(PROFILE, mentor("mentor", "high"), KEPT, citer=StubCiter())
    data = to_pdf(sheet)
    assert data.startswith(b"%PDF")
    pages, text = _pdf_text(data)
    assert pages == 1
    for title in SECTION_TITLES:
        assert title in text
    assert "Dr. Ana Ruiz" in text


def test_pdf_survives_any_unicode():
    junk = "Zoë “quotes” — 🩺 医生 مرحبا \x00\x07 \ud800 " + "x" * 400 + " ﬁ 𝔸 \u202e"
    sheet = build_prep_sheet({"name": junk, "goals": junk}, {"name": junk, "notes": junk, "specialty": junk},
                             [junk, {"text": junk + "?"}], citer=StubCiter())
    pages, text = _pdf_text(to_pdf(sheet))
    assert pages >= 1 and "Zoë \"quotes\"" in text


def test_pdf_from_markdown_text():
    sheet = build_prep_sheet(PROFILE, mentor("coach", "low"), KEPT, citer=StubCiter())
    pages, text = _pdf_text(to_pdf(sheet.to_markdown()))
    assert pages == 1 and "Questions, in order" in text and "\\" not in text


# ---- follow-up note -------------------------------------------------------------------------------------
LOG = ("Met Dr. Ruiz for coffee; she gave me a full hour. She suggested I apply for the quality improvement "
       "fellowship before March. We agreed I'll send her my CV by Friday.")


def test_note_names_the_specific_thing_and_the_next_step():
    fu = draft_follow_up(LOG, profile=PROFILE, mentor={"name": "Dr. Ana Ruiz"})
    assert "apply for the quality improvement fellowship before March" in fu.specific_thing
    assert fu.next_step == "I'll send you my CV by Friday"
    assert fu.specific_thing in fu.note and fu.next_step in fu.note
    assert fu.note.startswith("Dear Dr. Ruiz,") and fu.note.rstrip().endswith("Sam Lee")
    assert fu.source == "template" and not fu.missing
    data = fu.to_dict()
    assert {"note", "specific_thing", "next_step", "role"} <= set(data) and json.dumps(data)


@pytest.mark.parametrize("log, thing, step", [
    ("He told me to focus on one research project. Next step: email Dr. Kim about the registry.",
     "to focus on one research project", "email Dr. Kim about the registry"),
    ("Her advice was to keep a procedure log. We agreed to meet again in two months.",
     "to keep a procedure log", "we will meet again in two months"),
    ("- she thinks I should present at the regional meeting\n- next step is to draft an abstract by June 1",
     "I should present at the regional meeting", "I will draft an abstract by June 1"),
    ("Dr. Patel said his first job taught him more than fellowship did. I will read the paper he recommended.",
     "your first job taught you more than fellowship did", "I will read the paper you recommended"),
    ("She mentioned her own path through nephrology. She will introduce me to the program director next week.",
     "your own path through nephrology", "you will introduce me to the program director next week"),
    ("Dr. Olsen checked his pager a lot. He said the key is one first-author paper. He asked me to send him my "
     "abstract next week.", "the key is one first-author paper", "I will send you my abstract next week"),
    ("He pointed out that my CV lacks teaching, and recommended I volunteer for anatomy lab. Next step is to "
     "contact the course director.", "my CV lacks teaching", "I will contact the course director"),
    ("she said i should think about a chief year. i'm going to email her my cv tomorrow",
     "I should think about a chief year", "I'm going to email you my cv tomorrow"),
])
def test_note_extraction_on_varied_logs(log, thing, step):
    fu = draft_follow_up(log)
    assert fu.specific_thing == thing and fu.next_step == step
    assert thing in fu.note and step in fu.note


def test_a_denied_next_step_is_not_a_next_step():
    fu = draft_follow_up("He told me about his first year as an attending. No concrete next step but he was kind.")
    assert fu.specific_thing == "about your first year as an attending" and fu.next_step == ""
    assert fu.missing == ["next_step"]


def test_note_without_facts_says_what_is_missing_and_invents_nothing():
    fu = draft_follow_up("Nice chat about cardiology over coffee.", mentor={"name": "Dr. Lee"})
    assert fu.missing == ["specific_thing", "next_step"]
    assert fu.specific_thing == "" and fu.next_step == ""
    assert "[" not in fu.note and "Dr. Lee" in fu.note


def test_empty_log_is_an_input_error():
    with pytest.raises(InputError):
        draft_follow_up("   \n ")


def test_weak_model_is_skipped_unless_asked():
    model = FakeChatModel(responses=["anything"])
    fu = draft_follow_up(LOG, model=model)
    assert fu.source == "template" and model.calls == []


@pytest.mark.parametrize("reply", ["Sure! Here you go.", "asdf " * 200, "Dear Dr. Ruiz, thanks. Best, Sam",
                                   "Hello! I am a language model and cannot write notes."])
def test_junk_from_the_model_falls_back_to_the_template(reply):
    template = draft_follow_up(LOG, mentor={"name": "Dr. Ana Ruiz"}).note
    model = FakeChatModel(responses=[reply])
    fu = draft_follow_up(LOG, mentor={"name": "Dr. Ana Ruiz"}, model=model, polish_weak=True)
    assert len(model.calls) == 1
    assert fu.source == "template" and fu.note == template


def test_good_smoothing_is_used_and_invented_names_are_not():
    draft = draft_follow_up(LOG, mentor={"name": "Dr. Ana Ruiz"}).note
    smooth = draft.replace("Thank you again for your time and generosity.", "Thanks again for your generous time.")
    fu = draft_follow_up(LOG, mentor={"name": "Dr. Ana Ruiz"}, model=FakeChatModel(responses=[smooth]),
                         polish_weak=True)
    assert fu.source == "model" and fu.note == smooth
    invented = smooth.replace("Thanks again", "Thanks again, and say hello to Dr. Okafor")
    fu = draft_follow_up(LOG, mentor={"name": "Dr. Ana Ruiz"}, model=FakeChatModel(responses=[invented]),
                         polish_weak=True)
    assert fu.source == "template"
    assert any("new name" in p for p in check_note(invented, draft, specific_thing=fu.specific_thing,
                                                   next_step=fu.next_step, known=draft + LOG))


def test_prompt_renders_with_its_variables():
    from agent.core import load_prompt

    prompt = load_prompt("follow_up")
    text = prompt.render(draft="Dear X", specific_thing="thing", next_step="step")
    assert "Dear X" in text and '"thing"' in text and set(prompt.variables) == {"draft", "specific_thing",
                                                                                  "next_step"}


# ---- CLI ----------------------------------------------------------------------------------------------
@pytest.fixture
def profile_file(tmp_path):
    data = dict(PROFILE, mentors=[
        {"name": "Dr. Ana Ruiz", "specialty": "Cardiology", "setting": "clinical", "notes": "HF clinic",
         "role_estimate": {"role": "mentor", "availability": "high"},
         "kept_questions": ["How did you decide between research and clinical work at my stage?"]},
        {"name": "Dr. Bo Chen", "specialty": "Nephrology", "setting": "research",
         "observations": "He gave me ten minutes between emails and named three people I should contact.",
         "kept_questions": []}],
        kept_questions=[{"text": "What helped you most when you were learning to present on rounds?"}])
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _cli(*args):
    from agent.__main__ import main

    return main(["--model", "fake", *map(str, args)])


def test_cli_prep_sheet_markdown_to_stdout(profile_file, capsys):
    assert _cli("prep-sheet", "--profile", profile_file, "--mentor", "dr. ana ruiz", "--format", "md") == 0
    out = capsys.readouterr().out
    assert out.startswith("# Prep sheet") and "## References" in out and "meet regularly" in out


def test_cli_prep_sheet_pdf_default_path(profile_file, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert _cli("prep-sheet", "--profile", profile_file, "--mentor", "Dr. Bo Chen", "--format", "pdf",
                "--goal", "Find a research project") == 0
    path = Path(capsys.readouterr().out.strip())
    assert path.name == "dr-bo-chen-prep-sheet.pdf" and (tmp_path / path).exists()
    pages, text = _pdf_text((tmp_path / path).read_bytes())
    assert "Find a research project" in text and "Your ask" in text


def test_cli_reads_the_room_from_observations_when_no_estimate(profile_file, capsys):
    pytest.importorskip("agent.read_room.reading")
    assert _cli("prep-sheet", "--profile", profile_file, "--mentor", "Dr. Bo Chen") == 0
    out = capsys.readouterr().out
    assert "**Likely role:** connector" in out and "**Connector ask:**" in out and "15 minutes" in out


def test_cli_prep_sheet_out_file(profile_file, tmp_path):
    out = tmp_path / "sheet.md"
    assert _cli("prep-sheet", "--profile", profile_file, "--mentor", "Dr. Ana Ruiz", "--out", out) == 0
    assert "## Your goal" in out.read_text(encoding="utf-8")


def test_cli_unknown_mentor_lists_known_names(profile_file, capsys):
    assert _cli("prep-sheet", "--profile", profile_file, "--mentor", "Dr. Nobody") == 2
    err = capsys.readouterr().err
    assert "Dr. Nobody" in err and "Dr. Ana Ruiz" in err and "Dr. Bo Chen" in err and "Traceback" not in err


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"mentors": "Dr. X"}'])
def test_cli_bad_profile_is_a_clear_error(tmp_path, capsys, content):
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    assert _cli("prep-sheet", "--profile", bad, "--mentor", "X") == 2
    assert "error:" in capsys.readouterr().err


def test_cli_missing_profile_file(tmp_path, capsys):
    assert _cli("prep-sheet", "--profile", tmp_path / "nope.json", "--mentor", "X") == 2
    assert "not found" in capsys.readouterr().err


def test_cli_follow_up_json(tmp_path, capsys):
    log = tmp_path / "log.txt"
    log.write_text(LOG, encoding="utf-8")
    assert _cli("follow-up", "--log", log, "--json", "--mentor", "Dr. Ana Ruiz") == 0
    data = json.loads(capsys.readouterr().out)
    assert {"note", "specific_thing", "next_step", "role"} <= set(data)
    assert data["next_step"] in data["note"] and data["note"].startswith("Dear Dr. Ruiz")


@pytest.mark.parametrize("write", [True, False])
def test_cli_follow_up_missing_or_empty_log(tmp_path, capsys, write):
    log = tmp_path / "log.txt"
    if write:
        log.write_text("  \n", encoding="utf-8")
    assert _cli("follow-up", "--log", log, "--json") == 2
    err = capsys.readouterr().err
    assert "error:" in err and ("empty" in err if write else "not found" in err)


def test_follow_up_names_the_offer_and_never_thanks_a_refusal():
    log = ("Dr. Alvarez said she couldn't write me a letter this year. She suggested I join the EP journal club. "
           "She also said she'd put my name forward for the research elective. We agreed I'd email her my abstract "
           "next week.")
    note = draft_follow_up(log, mentor={"name": "Dr. Alvarez"}).note
    assert "your offer to put my name forward for the research elective" in note
    assert "letter" not in note  # the refusal is not thanked for
    assert "I'll email you my abstract next week" in note


def test_follow_up_keeps_the_offer_and_the_agreed_step_apart():
    note = draft_follow_up("she offered to introduce me to the fellowship PD and we agreed I'd send my CV by Friday",
                           mentor={"name": "Dr. Alvarez"}).note
    assert "your offer to introduce me to the fellowship PD." in note
    assert "As we agreed, I'll send my CV by Friday." in note
