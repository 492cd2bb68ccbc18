"""Rehearsal feedback: live coaching notes during the meeting and the scorecard afterwards.

Every check is binary and cites the turn (index and quote) that earned or missed it; pass/fail checks
are far more reliable than ratings. Question quality comes from the question sharpener; everything else
is read from the transcript with rules, so the same transcript always gets the same scorecard.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from agent.rehearsal import utterances as ut
from agent.rehearsal.moves import QUESTION_MOVES
from retrieval import Citer

if TYPE_CHECKING:
    from agent.rehearsal.engine import Rehearsal

ROLE_SUMMARY = {
    "mentor": "a traditional mentor: invested in you as a whole person, sharing their own story and wanting "
              "to keep meeting",
    "coach": "a coach: focused on one skill, giving concrete feedback and setting up practice",
    "sponsor": "a sponsor: ready to spend their own influence on you, nominating you and vouching for you",
    "connector": "a connector: little time of their own, but naming people for you to meet and offering "
                 "introductions",
}
# How the reveal describes a role when the persona's time does not fit the usual picture.
_SUMMARY_BY_TIME = {
    ("connector", False): "a connector: happy to talk, but pointing you onward rather than advising you "
                          "themselves, naming people for you to meet and offering introductions",
    ("mentor", True): "a traditional mentor: short on time but invested in you as a whole person, sharing their "
                      "own story and wanting to keep meeting",
}


def role_summary(role: str, busy: bool) -> str:
    """What the role looked like, worded to match how much time the persona had."""
    return _SUMMARY_BY_TIME.get((role, busy), ROLE_SUMMARY[role])


SIGNATURE_BEATS = {
    "mentor": ("share_story", "ask_goals", "propose_regular", "ask_life", "share_wisdom"),
    "coach": ("feedback", "practice", "next_session", "clarify", "resource"),
    "sponsor": ("nominate", "vouch", "opportunity", "candidacy", "encourage"),
    "connector": ("name_people", "introduce", "share_contact", "event", "more_people"),
}
NEXT_STEPS = {
    "mentor": r"meet(ing)? (up )?(again|regularly|every|once|monthly|now and then)|check(ing)? in|(keep|stay) in touch|"
              r"catch up|another coffee|"
              r"(talk|meet) again|regular(ly)?\b|every (few|couple|\w+)( of)? (weeks|months)|once a month",
    "coach": r"practi[sc]e|another (session|round|go)|feedback|review|look (at|over)|watch me|rehears|"
             r"send you (my|a|the|some)|drill|mock|go over|mark (it )?up|try (it|again)",
    "sponsor": r"\bcv\b|resum[eé]|what (should|can|do|would) i (prepare|send|get ready)|prepare (for|so|before)|"
               r"put (me|my name) (forward|up)|nominat|(the|my) (application|nomination|statement|dossier)|"
               r"what would (help|you need)|what do you need from me",
    "connector": r"introduc|connect (me|us)|put me in touch|reach out to|email|write to|contact",
}
NEXT_STEP_HINT = {
    "mentor": "ask whether you could meet regularly or check in again",
    "coach": "propose a practice or feedback session on the skill",
    "sponsor": "ask what to prepare (your CV, a statement) so they can put you forward",
    "connector": "take up one named introduction",
}
# check id -> (label, knowledge topic, what to do differently, search query for its source)
CHECKS = {
    "introduced": (
        "Introduced yourself and your goal", "preparing-for-a-meeting",
        "Open with who you are (stage, field) and one sentence on what you want from the meeting.",
        "introduce yourself goals agenda before the meeting"),
    "strong_questions": (
        "Asked at least two strong questions", "question-quality",
        "Prepare two or three specific questions that give your context and ask for their experience or judgement.",
        "specific targeted answerable questions context"),
    "no_pumping": (
        "Did not pump for favours", "question-quality",
        "Ask for advice on how to earn an opportunity, not for the spot or the contact itself.",
        "pumping favour spot connection ask for advice instead"),
    "followed_up": (
        "Followed up on something they said", "follow-up",
        "Pick up what they just offered (a name, a story, a suggestion) and ask one question about it before "
        "moving on.",
        "follow up on what they said next steps report back"),
    "read_role": (
        "Read their role correctly", "reading-the-room",
        "Watch what they do, not what they say about themselves: time given, names offered, practice proposed, "
        "your name put forward.",
        "cues role available time introductions nominate"),
    "next_step": (
        "Proposed a next step that fits their role", "setting-expectations",
        "Before you leave, propose a next step that matches what they offered.",
        "agree next step how often to meet expectations"),
    "thanked": (
        "Thanked them", "meeting-etiquette",
        "Thank them for their time before you leave, and send a short thank-you note afterwards.",
        "thank them for their time respect"),
}
_PROPOSAL = re.compile(r"\b(could|can|would|shall|should|i'?ll|i will|let me|how about|may i|happy to|"
                       r"i'?d (like|love)|next|before)\b", re.I)


@dataclass
class Check:
    """One pass/fail item of the scorecard, with the turns that earned or missed it."""

    id: str
    label: str
    passed: bool
    why: str
    evidence: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Debrief:
    """The scorecard shown after the meeting."""

    persona: dict
    hidden_role: str
    guess: str | None
    reveal: str
    role_evidence: list[dict]
    checks: list[Check]
    improvements: list[dict]

    @property
    def score(self) -> str:
        return f"{sum(c.passed for c in self.checks)}/{len(self.checks)}"

    def to_dict(self) -> dict:
        return {"persona": self.persona, "hidden_role": self.hidden_role, "guess": self.guess,
                "correct": self.guess == self.hidden_role, "score": self.score, "reveal": self.reveal,
                "role_evidence": self.role_evidence, "checks": [c.to_dict() for c in self.checks],
                "improvements": self.improvements}


@dataclass
class CoachingNote:
    """A live side note on one user turn: the sharpener's view of each question, and one tip."""

    questions: list[dict]
    tip: str = ""
    topic: str = ""
    source: dict | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def _cite(turns: list, index: int) -> dict:
    return {"turn": index, "speaker": turns[index].speaker, "quote": _quote(turns[index].text)}


def _quote(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


# Asking for what the other person already offered is taking them up on it, not pumping.
_OFFER_FAMILIES = (
    r"put (me|you|your name) forward|nominat|recommend|reference|vouch|mention (me|you)|back (me|you)|"
    r"\bcv\b|your name (up|in front)",
    r"introduc|connect|in touch|email|write to|sent you|contact",
    r"practi[sc]e|drill|session|round|review|mark (it )?up|feedback",
    r"meet|check in|coffee|call me|regular",
)


_ASKING_FOR = frozenset({"favour", "ask_next"})
_REQUEST = re.compile(r"\b(put (me|my name)|get me|introduc\w*|letter|forward|nominat\w*|recommend me|spot|place|job|"
                      r"position|hire|email|contact|shadow|author\w*)\b", re.I)
# Asking leave to ask ("Can I ask something different?") is manners, not a question to judge.
_META_QUESTION = re.compile(r"^\W*(can|may|could) i ask (you )?(something|a question|one more|another|a quick)\b"
                            r"[^?]{0,30}\?$", re.I)


def _critique(question: str, sharpener: Any, offers: str = "") -> dict:
    result = sharpener(question)
    rewrites = list(getattr(result, "rewrites", []) or [])
    first = rewrites[0] if rewrites else ""
    flags = list(getattr(result, "flags", []) or [])
    verdict = str(getattr(result, "verdict", ""))
    if "pumping" in flags and offers and _takes_up_offer(question, offers):
        flags.remove("pumping")
        verdict = flags[0] if flags else "takes_up_offer"
    elif ("pumping" in flags and not ut.read(question).favour and not _REQUEST.search(question)
          and move_of(question) not in _ASKING_FOR):
        # "How do you keep the hours from taking over your life?" asks for nothing; only requests can pump.
        flags.remove("pumping")
        verdict = flags[0] if flags else "strong"
        first = ""  # the sharpener's rewrite was written for a favour
    return {"question": question, "verdict": verdict, "flags": flags, "rewrite": getattr(first, "text", first) or ""}


def _takes_up_offer(question: str, offers: str) -> bool:
    if any(name.split()[-1] in question for name in ut.named_people(offers)):
        return True
    return any(re.search(f, question, re.I) and re.search(f, offers, re.I) for f in _OFFER_FAMILIES)


def move_of(text: str) -> str:
    """What a user line does in the meeting (see :func:`agent.rehearsal.moves.classify`)."""
    from agent.rehearsal.bank import embed_line
    from agent.rehearsal.moves import classify, clean

    vector = embed_line(clean(text))
    reading = classify(text, (lambda _texts: vector[None, :]) if vector is not None else None)
    return "off_script" if ut.is_hijack(text) else reading.move


def judged(move: str, text: str) -> bool:
    """Whether a line is one of the trainee's questions, the only lines coaching judges.

    Questions about the persona, its work, facts, favours and next steps are; so is a share that ends in a
    question. Greetings, thanks, reactions, goodbyes and off-script lines never are.
    """
    if move in QUESTION_MOVES:
        return True
    # A greeting or a share may still ask something real ("Hi, I'm Sam. Can you get me a job?").
    return move in {"share", "greet"} and any(move_of(q) in QUESTION_MOVES for q in ut.detect_questions(text))


def _default_sharpener(state: Rehearsal | None = None, full: bool = False) -> Any:
    """The project's question sharpener, told what the user said about themselves (never the hidden role)."""
    from agent.questions import judge, sharpen

    context = None
    if state is not None:
        stage = state.facts.user_stage.split(" ", 1)[-1] if state.facts.user_stage else ""
        context = {"career_stage": stage, "goals": state.goal,
                   "mentor_specialty": state.persona.specialty}
    return (lambda q: sharpen(q, context)) if full else (lambda q: judge(q, context))


def critique_turn(text: str, sharpener: Any = None, offers: str = "") -> list[dict]:
    """Sharpener results for every question (and favour-like request) in one user line.

    Args:
        text: the user's line.
        sharpener: ``question -> Critique``; defaults to :func:`agent.questions.critique`.
        offers: what the persona said before; a request for something already offered is not pumping.
    """
    sharpener = sharpener or _default_sharpener(full=True)
    asked = [q for q in ut.detect_questions(text) if not _META_QUESTION.match(q)]
    asked += [s for s in ut.sentences(text) if s not in asked and ut.read(s).favour]
    return [_critique(q, sharpener, offers) for q in asked]


def _offers_before(turns: list, index: int) -> str:
    """Everything the persona said (except its opening) before turn ``index``."""
    return " ".join(t.text for t in turns[:index] if t.speaker == "persona" and t.beat != "open"
                    and not t.beat.startswith("ask_") and t.beat != "clarify")  # a question back offers nothing


def _source(citer: Citer | None, query: str, topic: str) -> dict | None:
    if citer is None:
        return None
    try:
        hits = citer.search(query, 1, topic=topic) or citer.search(query, 1)
    except Exception:  # noqa: BLE001 - a missing citation must not break the feedback
        return None
    if not hits:
        return None
    p = hits[0]
    sources = list(getattr(p, "sources", ()) or ())
    return {"title": p.title, "heading": p.heading, "source_path": p.source_path, "topic": p.topic,
            "citation": sources[0] if sources else ""}


def coach_note(user_text: str, state: Rehearsal, citer: Citer | None = None, *,
               sharpener: Any = None) -> CoachingNote | None:
    """Live coaching for the user's latest line: question verdicts plus at most one tip with a source.

    Call it after the line was added to ``state`` (i.e. after :func:`agent.rehearsal.engine.persona_turn`) or
    before; it only looks at turns up to the user's line. Never reveals the hidden role.
    """
    turns = state.turns
    said = " ".join(user_text.split())
    upto = max((i for i, t in enumerate(turns) if t.speaker == "user" and t.text == said), default=len(turns))
    move = turns[upto].move if upto < len(turns) and turns[upto].move else move_of(user_text)
    sharpener = sharpener or _default_sharpener(state, full=True)
    questions = critique_turn(user_text, sharpener, _offers_before(turns, upto)) if judged(move, user_text) else []
    earlier = turns[:upto]
    users = [t for t in earlier if t.speaker == "user"]
    last_persona = next((t for t in reversed(earlier) if t.speaker == "persona"), None)
    reading = ut.read(user_text)
    flags = {f for q in questions for f in q["flags"]}
    tip_id, tip = "", ""
    if "pumping" in flags or (reading.favour and not questions):
        tip_id, tip = "no_pumping", CHECKS["no_pumping"][2]
    elif not users and not (reading.intro and reading.goal):
        tip_id, tip = "introduced", CHECKS["introduced"][2]
    elif "too_open" in flags:
        tip_id, tip = "strong_questions", "Narrow it: add your situation and ask about their own experience."
    elif "googleable" in flags:
        tip_id, tip = "strong_questions", "That one you can look up later; ask what only they can tell you."
    elif (move not in {"thanks", "goodbye", "react", "greet"} and last_persona
          and last_persona.beat not in {"open", "close", "after"} and ut.named_people(last_persona.text)
          and not ut.follows_up(user_text, last_persona.text, speaker=state.persona.name)):
        tip_id, tip = "followed_up", "They just named someone. Ask about that person before moving on."
    elif state.persona.busy and len(user_text.split()) > 60:
        tip_id, tip = "thanked", "They are short on time: keep your turns brief and get to your question."
    elif reading.closing and not any(ut.thanks(t.text) for t in users) and not reading.thanks:
        tip_id, tip = "thanked", CHECKS["thanked"][2]
    elif reading.closing and not _next_step_turns(state.persona.role, [*users, *[_Line(user_text)]]):
        tip_id, tip = "next_step", CHECKS["next_step"][2]
    if not questions and not tip:
        return None
    topic = CHECKS[tip_id][1] if tip_id else ""
    source = _source(citer, CHECKS[tip_id][3], topic) if tip_id else None
    return CoachingNote(questions=questions, tip=tip, topic=topic, source=source)


@dataclass
class _Line:
    text: str
    speaker: str = "user"


def _next_step_turns(role: str, turns: list) -> list[int]:
    pattern = re.compile(NEXT_STEPS[role], re.I)
    return [i for i, t in enumerate(turns) if t.speaker == "user" and pattern.search(t.text)]


def _questions_by_turn(state: Rehearsal, sharpener: Any) -> list[tuple[int, dict]]:
    """(turn index, critique) for every question the user asked; reuses live-coaching results."""
    found = []
    for i, turn in state.user_turns():
        if not judged(turn.move or move_of(turn.text), turn.text):
            continue  # pleasantries, thanks, reactions and goodbyes are not questions to judge
        cached = (turn.coaching or {}).get("questions")
        if cached is None:
            cached = critique_turn(turn.text, sharpener, _offers_before(state.turns, i))
        found += [(i, critique) for critique in cached]
    return found


def _check_introduced(state: Rehearsal) -> Check:
    label = CHECKS["introduced"][0]
    early = state.user_turns()[:2]
    intro = next((i for i, t in early if ut.read(t.text).intro), None)
    goal = next((i for i, t in early if ut.read(t.text).goal), None)
    turns = state.turns
    if intro is not None and goal is not None:
        cited = [_cite(turns, i) for i in sorted({intro, goal})]
        return Check("introduced", label, True, "You said who you are and what you were hoping for.", cited)
    missing = "who you are" if intro is None else "what you want from the meeting"
    cited = [_cite(turns, early[0][0])] if early else []
    return Check("introduced", label, False, f"Your opening lines never said {missing}.", cited)


def _check_strong(state: Rehearsal, asked: list[tuple[int, dict]]) -> Check:
    label = CHECKS["strong_questions"][0]
    strong = [(i, q) for i, q in asked if q["verdict"] == "strong"]
    if len(strong) >= 2:
        cited = [{**_cite(state.turns, i), "quote": q["question"]} for i, q in strong[:3]]
        return Check("strong_questions", label, True, f"{len(strong)} of your questions were specific and "
                     "answerable.", cited)
    if not asked:
        return Check("strong_questions", label, False, "You did not ask any questions.", [])
    weak = [(i, q) for i, q in asked if q["verdict"] != "strong"][:2]
    flags = sorted({f for _, q in weak for f in q["flags"]})
    why = f"Only {len(strong)} strong question(s)" + (f"; others were flagged {', '.join(flags)}." if flags
                                                      else "; the others needed more context.")
    cited = [{**_cite(state.turns, i), "quote": q["question"]} for i, q in (strong + weak)[:3]]
    return Check("strong_questions", label, False, why, cited)


def _check_pumping(state: Rehearsal, asked: list[tuple[int, dict]]) -> Check:
    label = CHECKS["no_pumping"][0]
    pumped = [(i, q) for i, q in asked if "pumping" in q["flags"]]
    if pumped:
        cited = [{**_cite(state.turns, i), "quote": q["question"]} for i, q in pumped[:2]]
        return Check("no_pumping", label, False, "You asked them to hand over a favour instead of advice.", cited)
    cited = [{**_cite(state.turns, i), "quote": q["question"]} for i, q in asked[:1]]
    why = (f"None of your {len(asked)} question(s) asked for a favour." if asked
           else "You did not ask for any favours.")
    return Check("no_pumping", label, True, why, cited)


def _check_followed_up(state: Rehearsal) -> Check:
    label = CHECKS["followed_up"][0]
    turns = state.turns
    for i, turn in state.user_turns():
        prev = next((j for j in range(i - 1, -1, -1) if turns[j].speaker == "persona"), None)
        if prev is None:
            continue
        before = next((turns[j].text for j in range(prev - 1, -1, -1) if turns[j].speaker == "user"), "")
        reason = ut.follows_up(turn.text, turns[prev].text, before, state.persona.name)
        if reason:
            return Check("followed_up", label, True, f"You built on their previous line ({reason}).",
                         [_cite(turns, prev), _cite(turns, i)])
    quiet = {"open", "close", "after"}
    offers = [i for i, t in enumerate(turns) if t.speaker == "persona" and t.beat not in quiet]
    named = [i for i in offers if ut.named_people(turns[i].text)] or offers
    cited = [_cite(turns, named[0])] if named else []
    why = "You moved on without picking up anything they said, e.g. this line."
    return Check("followed_up", label, False, why, cited)


def _check_role(state: Rehearsal, guess: str | None, evidence: list[dict]) -> Check:
    label = CHECKS["read_role"][0]
    role = state.persona.role
    summary = role_summary(role, state.persona.busy)
    if guess == role:
        return Check("read_role", label, True, f"Yes: they were {summary}.", evidence)
    said = f"You guessed {guess}" if guess else "You did not guess"
    return Check("read_role", label, False, f"{said}; they were {summary}.", evidence)


def _check_next_step(state: Rehearsal, asked: list[tuple[int, dict]]) -> Check:
    label = CHECKS["next_step"][0]
    role, turns = state.persona.role, state.turns
    pumped = {i for i, q in asked if "pumping" in q["flags"]}
    contacts = [c.name.split()[-1].lower() for c in state.facts.contacts]
    own = state.persona.name.split()[-1].lower()
    fits = []
    for i in _next_step_turns(role, turns):
        text = turns[i].text
        if i in pumped or not _PROPOSAL.search(text):
            continue
        # One named introduction: a colleague they offered, or anyone the user names (not the persona).
        named = {p.split()[-1].lower() for p in ut.named_people(text)} - {own}
        if role == "connector" and not (named or any(s in text.lower() for s in contacts)):
            continue
        fits.append(i)
    if fits:
        return Check("next_step", label, True, f"Your proposal matched what they offered: "
                                               f"{NEXT_STEP_HINT[role]}.",
                     [_cite(turns, fits[0])])
    for other in NEXT_STEPS:
        found = [i for i in _next_step_turns(other, turns) if i not in pumped and other != role]
        if found:
            return Check("next_step", label, False, f"Your next step suited a {other}; with this person, "
                         f"{NEXT_STEP_HINT[role]}.", [_cite(turns, found[0])])
    users = state.user_turns()
    cited = [_cite(turns, users[-1][0])] if users else []
    return Check("next_step", label, False, f"No next step was proposed; {NEXT_STEP_HINT[role]}.", cited)


def _check_thanked(state: Rehearsal) -> Check:
    label = CHECKS["thanked"][0]
    thanked = [i for i, t in state.user_turns() if ut.thanks(t.text)]
    if thanked:
        return Check("thanked", label, True, "You thanked them.", [_cite(state.turns, thanked[-1])])
    users = state.user_turns()
    cited = [_cite(state.turns, users[-1][0])] if users else []
    return Check("thanked", label, False, "You never thanked them for their time.", cited)


def _role_evidence(state: Rehearsal) -> list[dict]:
    signature = SIGNATURE_BEATS[state.persona.role]
    picks = [i for i, t in enumerate(state.turns) if t.speaker == "persona" and t.beat in signature]
    picks.sort(key=lambda i: signature.index(state.turns[i].beat))
    return [_cite(state.turns, i) for i in sorted(picks[:2])]


EXTRA_TIPS = (
    ("Send a thank-you note within a day with a two-line summary of what you agreed.", "follow-up",
     "thank-you note summary after the meeting"),
    ("Agree on how often you will be in touch, so neither of you has to guess.", "setting-expectations",
     "agree how often to meet cadence"),
    ("Read their recent work beforehand and bring one question that shows it.", "preparing-for-a-meeting",
     "research the person before the meeting"),
)


def build_debrief(state: Rehearsal, role_guess: str | None, *, citer: Citer | None = None,
                  sharpener: Any = None) -> Debrief:
    """Score a finished rehearsal.

    Args:
        state: the :class:`agent.rehearsal.engine.Rehearsal`.
        role_guess: the user's guess of the hidden role (None when they skipped it).
        citer: retriever for the sources of the suggestions (optional).
        sharpener: ``question -> Critique``; defaults to :func:`agent.questions.critique`.
    """
    state.closed = True
    guess = (role_guess or "").strip().lower() or None
    asked = _questions_by_turn(state, sharpener or _default_sharpener(state))
    evidence = _role_evidence(state)
    checks = [_check_introduced(state), _check_strong(state, asked), _check_pumping(state, asked),
              _check_followed_up(state), _check_role(state, guess, evidence), _check_next_step(state, asked),
              _check_thanked(state)]
    improvements = []
    for check in checks:
        if not check.passed and len(improvements) < 3:
            _label, topic, text, query = CHECKS[check.id]
            improvements.append({"check": check.id, "text": text, "topic": topic,
                                 "source": _source(citer, query, topic)})
    for text, topic, query in EXTRA_TIPS:
        if len(improvements) >= 2:
            break
        improvements.append({"check": "", "text": text, "topic": topic, "source": _source(citer, query, topic)})
    persona = state.persona
    reveal = f"{persona.name} was playing {role_summary(persona.role, persona.busy)}."
    return Debrief(persona=persona.to_dict(), hidden_role=persona.role, guess=guess, reveal=reveal,
                   role_evidence=evidence, checks=checks, improvements=improvements)
