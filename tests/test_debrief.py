"""Debrief checks on hand-written transcripts: each check earned and missed, citing the right turn."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from agent.rehearsal import PRESETS, Rehearsal, Turn, build_debrief, coach_note, end_rehearsal

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"
CONTACTS = [{"name": "Dr. Priya Nair", "role": "runs the hospitalist group at Lakeview"},
            {"name": "Dr. Tomás Reyes", "role": "directs the nephrology fellowship"},
            {"name": "Dr. Hana Osei", "role": "leads the quality office"}]


@dataclass
class StubCritique:
    flags: list[str]
    verdict: str
    rewrites: list[str] = field(default_factory=list)


def stub_sharpener(question: str) -> StubCritique:
    """Deterministic stand-in for the sharpener: favours are pumping, short questions too open."""
    if re.search(r"get me|introduce me|put me forward|hire me|nominate me", question, re.I):
        return StubCritique(["pumping"], "pumping", ["What did strong applicants do?"])
    if len(question.split()) < 8:
        return StubCritique(["too_open"], "too_open", ["A sharper version?"])
    return StubCritique([], "strong")


def transcript(role_preset: str, lines: list[tuple[str, str, str]]) -> Rehearsal:
    state = Rehearsal(persona=PRESETS[role_preset], seed=0, facts={"contacts": CONTACTS})
    state.turns = [Turn(speaker, text, beat) for speaker, text, beat in lines]
    return state


def checks(state: Rehearsal, guess: str | None = None) -> dict:
    debrief = build_debrief(state, guess, sharpener=stub_sharpener)
    return {c.id: c for c in debrief.checks}


GOOD_CONNECTOR = [
    ("persona", "Hi, Dr. Omar Haddad. I know a lot of people who could help. What are you after?", "open"),
    ("user", "Hi, I'm Sam, a second-year internal medicine resident. I'm hoping to find out whether "
             "nephrology fits me.", ""),
    ("persona", "You should meet Dr. Priya Nair, who runs the hospitalist group at Lakeview.", "name_people"),
    ("user", "You mentioned Dr. Nair. What drew her from nephrology research into running a hospitalist "
             "group?",
     ""),
    ("persona", "She'd tell it better than me. I'll introduce you to Dr. Priya Nair by email tonight.", "introduce"),
    ("user", "When residents you supervised chose nephrology, what told you early on that it would suit "
             "them?", ""),
    ("persona", "Curiosity about physiology, mostly. Are you going to the state chapter meeting?", "event"),
    ("user", "Thank you so much for your time. I'll email Dr. Nair this week and mention that you sent me.", ""),
    ("persona", "Great. Watch your inbox.", "close"),
]
POOR_CONNECTOR = [
    ("persona", "Hi, Dr. Omar Haddad. I know a lot of people who could help. What are you after?", "open"),
    ("user", "Hey. Nice place.", ""),
    ("persona", "You should meet Dr. Priya Nair, who runs the hospitalist group at Lakeview.", "name_people"),
    ("user", "Can you get me a job at your hospital?", ""),
    ("persona", "I can't get you the job. I'll introduce you to Dr. Priya Nair by email tonight.", "introduce"),
    ("user", "What should I do?", ""),
    ("persona", "Talk to people.", "stretched"),
    ("user", "Could we meet again every month?", ""),
    ("persona", "Good luck.", "close"),
]


def test_good_transcript_earns_every_check_with_cited_turns():
    result = checks(transcript("omar-haddad", GOOD_CONNECTOR), "connector")
    assert all(c.passed for c in result.values()), {k: c.why for k, c in result.items() if not c.passed}
    assert result["introduced"].evidence[0]["turn"] == 1
    assert [e["turn"] for e in result["strong_questions"].evidence][:2] == [3, 5]
    assert result["followed_up"].evidence[-1]["turn"] == 3
    assert result["next_step"].evidence[0]["turn"] == 7
    assert result["thanked"].evidence[0]["turn"] == 7
    assert "Dr. Nair" in result["followed_up"].evidence[-1]["quote"]


def test_poor_transcript_misses_every_check_and_says_where():
    result = checks(transcript("omar-haddad", POOR_CONNECTOR), "sponsor")
    assert not any(c.passed for c in result.values()), {k: c.why for k, c in result.items() if c.passed}
    assert result["introduced"].evidence[0]["turn"] == 1
    assert result["no_pumping"].evidence[0]["turn"] == 3
    assert result["followed_up"].evidence[0]["turn"] == 2  # the line that named someone
    assert "mentor" in result["next_step"].why  # the step fit another role
    assert result["next_step"].evidence[0]["turn"] == 7
    assert "connector" in result["read_role"].why and "sponsor" in result["read_role"].why


@pytest.mark.parametrize(("preset", "role", "offer", "step", "wrong_step"), [
    ("helen-marsh", "mentor", "I've enjoyed this. How about we meet every six weeks?",
     "Could we meet again every couple of months to check in on how the decision is going?",
     "Could I send you my slides for feedback before the talk?"),
    ("victor-lindqvist", "coach", "Here's the drill: twenty instrument ties, timed.",
     "Could I send you a video of my ties next week for feedback?",
     "Could we meet again every couple of months?"),
    ("samuel-brennan", "sponsor", "I'd like to put your name forward for the teaching award.",
     "What should I prepare so you can put me forward? I can send my CV tonight.",
     "Could we meet again every couple of months?"),
    ("mei-tanaka", "connector", "You should meet Dr. Priya Nair, who runs the hospitalist group.",
     "I'd love that introduction to Dr. Nair; I'll email her this week.",
     "Could I send you my slides for feedback before the talk?"),
])
def test_next_step_must_fit_the_hidden_role(preset, role, offer, step, wrong_step):
    def lines(user_step: str):
        return [("persona", "Hello.", "open"), ("user", "Hi, I'm Sam, a resident hoping to learn.", ""),
                ("persona", offer, "offer"), ("user", user_step, ""), ("persona", "Good.", "close")]

    assert checks(transcript(preset, lines(step)), role)["next_step"].passed
    missed = checks(transcript(preset, lines(wrong_step)), role)["next_step"]
    assert not missed.passed and missed.evidence[0]["turn"] == 3


def test_asking_for_what_was_offered_is_not_pumping_but_asking_first_is():
    offered = [("persona", "Hello.", "open"), ("user", "Hi.", ""),
               ("persona", "I'd like to put your name forward for the council.", "nominate"),
               ("user", "Thank you! What should I prepare so you can put me forward for it?", ""),
               ("persona", "Your CV.", "close")]
    assert checks(transcript("samuel-brennan", offered))["no_pumping"].passed
    unprompted = [offered[0], offered[1], ("persona", "Tell me about your work.", "strengths"), offered[3]]
    assert not checks(transcript("samuel-brennan", unprompted))["no_pumping"].passed


def test_read_role_and_reveal_cite_signature_turns():
    state = transcript("omar-haddad", GOOD_CONNECTOR)
    debrief = build_debrief(state, "mentor", sharpener=stub_sharpener)
    assert debrief.hidden_role == "connector" and debrief.guess == "mentor"
    assert [e["turn"] for e in debrief.role_evidence] == [2, 4]
    assert "connector" in debrief.reveal
    assert not build_debrief(state, None, sharpener=stub_sharpener).checks[4].passed


def test_improvements_come_with_sources_from_the_knowledge_base():
    pytest.importorskip("retrieval.search")
    from retrieval import KeywordRetriever

    citer = KeywordRetriever(KNOWLEDGE)
    debrief = build_debrief(transcript("omar-haddad", POOR_CONNECTOR), "sponsor", citer=citer,
                            sharpener=stub_sharpener)
    assert 2 <= len(debrief.improvements) <= 3
    expected = {"introduced": "preparing-for-a-meeting", "strong_questions": "question-quality",
                "no_pumping": "question-quality"}
    for item in debrief.improvements:
        assert item["topic"] == expected[item["check"]]
        assert item["source"] and item["source"]["source_path"].endswith(".md")
    good = build_debrief(transcript("omar-haddad", GOOD_CONNECTOR), "connector", citer=citer,
                         sharpener=stub_sharpener)
    assert len(good.improvements) == 2 and all(i["source"] for i in good.improvements)
    data = json.loads(json.dumps(good.to_dict()))
    assert data["score"] == "7/7" and data["correct"] and len(data["checks"]) == 7


def test_live_coaching_flags_questions_and_tips_without_revealing_the_role():
    state = transcript("omar-haddad", POOR_CONNECTOR[:3])
    state.turns.append(Turn("user", "Can you get me a job at your hospital?"))
    note = coach_note("Can you get me a job at your hospital?", state, sharpener=stub_sharpener)
    assert note.questions[0]["flags"] == ["pumping"] and note.tip and note.topic == "question-quality"
    assert "connector" not in json.dumps(note.to_dict()).lower()
    first = transcript("omar-haddad", POOR_CONNECTOR[:1])
    opening = coach_note("Hey. Nice place.", first, sharpener=stub_sharpener)
    assert opening and opening.topic == "preparing-for-a-meeting"
    follow = transcript("omar-haddad", GOOD_CONNECTOR[:3])
    assert coach_note("I like research a lot.", follow, sharpener=stub_sharpener).topic == "follow-up"


def test_cached_live_coaching_is_reused_by_the_debrief():
    state = transcript("omar-haddad", GOOD_CONNECTOR)
    cached = {"question": "x?", "verdict": "pumping", "flags": ["pumping"], "rewrite": ""}
    state.turns[3].coaching = {"questions": [cached]}
    result = checks(state, "connector")
    assert not result["no_pumping"].passed and result["no_pumping"].evidence[0]["turn"] == 3


def test_real_sharpener_end_to_end():
    pytest.importorskip("agent.questions.critique")
    debrief = end_rehearsal(transcript("omar-haddad", GOOD_CONNECTOR), "connector")
    by_id = {c.id: c for c in debrief.checks}
    assert by_id["no_pumping"].passed and by_id["strong_questions"].passed and by_id["next_step"].passed


def _meeting(preset: str, offer: str, beat: str, step: str) -> Rehearsal:
    """A short meeting where the fitting next step comes in the middle, not in the last turn."""
    return transcript(preset, [
        ("persona", "Good to meet you. What are you after?", "open"),
        ("user", "Hi, I'm Ade, a first-year psychiatry resident hoping to move into addiction medicine.", ""),
        ("persona", offer, beat),
        ("user", step, ""),
        ("persona", "Sure. Anything else on your mind?", "reflect"),
        ("user", "How did the people you've seen thrive in addiction medicine spend their residency?", ""),
        ("persona", "Mostly on the wards, honestly.", "share_wisdom"),
        ("user", "Thank you so much for your time today.", ""),
    ])


@pytest.mark.parametrize(("preset", "offer", "beat", "step"), [
    ("mei-tanaka", "I'll introduce you to Dr. Priya Nair by email tonight.", "introduce",
     "Could you also introduce me to Dr. Varga from the addiction service?"),
    ("omar-haddad", "Here's Dr. Tomás Reyes's email. Tell them I sent you.", "share_contact",
     "Would you be willing to put me in touch with Dr. Sato?"),
    ("rafael-ortega", "When I was a resident I nearly quit. I stayed.", "share_story",
     "Could we meet again every couple of months to talk this through?"),
    ("claire-moreau", "Here's my honest feedback on your talks: open with the case.", "feedback",
     "Could I run the talk past you in a practice session next week?"),
    ("ingrid-novak", "There's an opening coming up on the education committee.", "opportunity",
     "What should I prepare so you could put my name forward for it?"),
])
def test_a_fitting_next_step_anywhere_in_the_meeting_passes_and_cites_its_turn(preset, offer, beat, step):
    result = checks(_meeting(preset, offer, beat, step), PRESETS[preset].role)
    check = result["next_step"]
    assert check.passed, check.why
    assert check.evidence and check.evidence[0]["turn"] == 3 and check.evidence[0]["quote"] == step


def test_naming_only_yourself_to_a_connector_is_not_an_introduction():
    state = _meeting("mei-tanaka", "I'll introduce you to Dr. Priya Nair by email tonight.", "introduce",
                     "Could I email you, Dr. Tanaka, if I have more questions?")
    assert not checks(state, "connector")["next_step"].passed


def test_reveal_wording_follows_how_much_time_the_persona_had():
    unhurried = build_debrief(_meeting("mei-tanaka", "I'll introduce you to Dr. Priya Nair.", "introduce",
                                       "Thanks."), "connector", sharpener=stub_sharpener)
    busy = build_debrief(_meeting("omar-haddad", "I'll introduce you to Dr. Priya Nair.", "introduce",
                                  "Thanks."), "connector", sharpener=stub_sharpener)
    assert "little time" not in unhurried.reveal and "introductions" in unhurried.reveal
    assert "little time" in busy.reveal
    role_check = next(c for c in unhurried.checks if c.id == "read_role")
    assert "little time" not in role_check.why
