"""Minor problems that do not make a question bad: notes, with a short message each."""

from __future__ import annotations

import re

from agent.questions.rules import AUXILIARIES, Parsed, anchored, tokens

NOTE_MESSAGES = {
    "multiple_questions": "Several questions in one: ask one at a time so each gets a full answer.",
    "closed_question": "Yes/no question: ask how or what instead so it invites a story or their reasoning.",
    "leading_question": "Leading question: it hints at the answer you want; ask it neutrally.",
    "no_context": "No personal context: add a line on your stage and situation so the answer fits you.",
    "partly_googleable": "Part of it can be looked up: check that part first and keep the part that needs "
                         "their judgement.",
}
_ROLE_MISFIT = {
    "story_to_busy": "Role fit: a {role} usually gives little personal time; ask about transitions, what makes "
                     "a candidate ready, or who does this work well rather than for life stories.",
    "network_to_mentor": "Role fit: names and introductions are a connector's strength; with a traditional "
                         "mentor, ask about their decisions, risks and stories.",
    "story_to_coach": "Role fit: a coach works on one concrete skill; ask about a skill you want to build and "
                      "how they would give you feedback.",
}
NOTE_PENALTIES = {"multiple_questions": 6, "closed_question": 6, "leading_question": 10, "no_context": 5,
                  "role_misfit": 10, "partly_googleable": 8}

_OPEN_REQUEST = re.compile(
    r"^(?:can|could|would|will)\s+you\s+(?:please\s+)?(?:tell|share|describe|walk|explain|talk|give|help|say|"
    r"recall|suggest|recommend|think\s+of|name)\b"
    r"|^do\s+you\s+(?:have|remember|recall|know)\s+(?:any|a|an|one|some)\b"
    r"|^is\s+there\s+(?:a|an|one|any)\s+(?:time|moment|story|decision|patient|case|example|lesson)\b"
)
_LEADING = re.compile(
    r"^(?:do|does|is|are|would|could|should|will|was|were|have|has|did)\s+not\s+(?:you|it|that|this|they|i|we)\b"
    r"|\b(?:you\s+would|you\s+will)\s+agree\b|\bsurely\b|\bobviously\b|\bclearly\s+the\b"
    r"|,\s*(?:right|correct|yes)\s*\??$|,\s*(?:is|are|do|would|does|was|will)\s+not\s+(?:it|they|you|that|he|she)\b"
    r"|\bis\s+it\s+not\s+(?:true|better|obvious|clear)\b|\bi\s+am\s+right\s+(?:that|to|in)\b"
    r"|\bthe\s+(?:best|right|smartest|obvious|only)\s+(?:choice|option|path|move|decision)\s*,"
)
PERSONAL_CONTEXT = re.compile(
    r"\bi\s+(?:am|have|was|want|would\s+like|would\s+love|plan|hope|enjoy|like|love|struggle|tend|trained|did|need|got|"
    r"joined|just|recently|will|chose|finished|started|work|worked|moved|switched|freeze|feel|keep|spent|"
    r"matched|took|teach|lead|run|see)\b"
    r"|\bmy\s+(?:residency|fellowship|program|training|clinic|goal|goals|plan|background|research|year|current|"
    r"first|second|third|interest|interests|patients?|team|role|department|specialty|situation|stage|cv|"
    r"practice|lab|experience|strength|weakness|notes|presentations?|skills?)\b"
    r"|\bas\s+an?\s+\w+|\bat\s+my\s+(?:stage|level|point)\b|\bin\s+my\s+(?:position|situation|program|shoes)\b"
    r"|\bpgy-?\d\b|\b\d(?:st|nd|rd|th)-year\b|\b(?:first|second|third|fourth|final)-year\b"
)
_STORY = re.compile(
    r"\btell\s+me\s+about\s+(?:a|an|the|your)\s+(?:patient|time|story|case|moment)\b|\bwould\s+you\s+have\s+"
    r"expected\b|\brisks?\b.*\byou\b|\bmemorable\b|\bhow\s+did\s+you\s+feel\b|\bregret\w*\b|\bpersonal\s+life\b"
    r"|\bfamily\b(?!\s+(?:medicine|physician|doctor|practice))|\bwork-life\b|\bbalance\b|\bburn(?:ed|t)?\s*-?out\b|\bstor(?:y|ies)\b"
    r"|\bwhen\s+you\s+were\s+(?:in\s+medical\s+school|a\s+student|my\s+age|young)\b|\bpatients?\s+(?:who|that)\b"
)
_NETWORK = re.compile(
    r"\bwho\s+(?:should|could|can|do|would)\s+(?:i|you)\s+(?:talk|speak|reach|contact|meet|know|recommend)\b"
    r"|\bintroduc\w*\b|\bconnect\s+me\b|\banyone\s+(?:i|you)\s+(?:should|could|know)\b|\bwho\s+do\s+you\s+know\b"
    r"|\bcontacts?\b|\bpeople\s+(?:i|to)\s+(?:should\s+)?(?:meet|talk|know)\b"
)
_SKILL = re.compile(
    r"\b(?:skill|skills|practi[cs]e|feedback|technique|procedure|presentation|presenting|suturing|documentation|"
    r"notes|habit|habits|drill|improve|better\s+at|pace|speaking|teaching|interview\w*|writing)\b"
)


def _closed(sentence: str) -> bool:
    words = tokens(sentence)
    if not words or words[0] not in AUXILIARIES:
        return False
    if _OPEN_REQUEST.search(sentence) or re.search(r"\b\w+\s+or\s+\w+", sentence):
        return False
    return True


def has_personal_context(p: Parsed) -> bool:
    return bool(PERSONAL_CONTEXT.search(p.text))


def role_misfit(p: Parsed, role: str | None) -> str | None:
    """Return a message when the question does not suit the mentor's likely role."""
    if not role:
        return None
    text = " ".join(p.questions)
    if role in ("sponsor", "connector") and _STORY.search(text):
        return _ROLE_MISFIT["story_to_busy"].format(role=role)
    if role == "mentor" and _NETWORK.search(text):
        return _ROLE_MISFIT["network_to_mentor"]
    if role == "coach" and _STORY.search(text) and not _SKILL.search(text):
        return _ROLE_MISFIT["story_to_coach"]
    return None


def detect_notes(p: Parsed, role: str | None, partly_googleable: bool = False) -> dict[str, str]:
    """Minor problems as {code: message}, in a stable order."""
    notes: dict[str, str] = {}
    if len(p.questions) > 1 or len(p.clauses) > 1:
        notes["multiple_questions"] = NOTE_MESSAGES["multiple_questions"]
    if p.questions and all(_closed(q) for q in p.questions):
        notes["closed_question"] = NOTE_MESSAGES["closed_question"]
    if any(_LEADING.search(s) for s in p.sentences):
        notes["leading_question"] = NOTE_MESSAGES["leading_question"]
    if not has_personal_context(p):
        notes["no_context"] = NOTE_MESSAGES["no_context"]
    misfit = role_misfit(p, role)
    if misfit:
        notes["role_misfit"] = misfit
    if partly_googleable:
        notes["partly_googleable"] = NOTE_MESSAGES["partly_googleable"]
    return notes


def score(flags: list[str], notes: dict[str, str], p: Parsed) -> int:
    """0-100: flag-free questions stay above 50, flagged ones at or below 50."""
    value = 100
    if flags:
        value -= 50 + 15 * (len(flags) - 1)
    value -= sum(NOTE_PENALTIES.get(code, 5) for code in notes)
    if not flags and not any(anchored(c) for c in p.clauses):
        value -= 4
    floor = 51 if not flags else 0
    return max(floor, min(100, value))
