"""Arguments for the tools, taken from the user's message and the conversation so far.

Nothing here guesses: a value is taken only when the message says it. When a tool still lacks something
it needs, the agent asks one short question instead (see :mod:`agent.conversation.agent`).
"""

from __future__ import annotations

import re

from agent.conversation.state import MentorRef
from agent.core import FIELD_ABBREVIATIONS, PRACTITIONERS, SPECIALTIES, STOPWORDS, plain_text, split_sentences
from agent.questions import split_questions

_TITLE = r"(?:Dr|Prof|Professor|Mr|Mrs|Ms|Miss|Dr\.|Prof\.)"
_NAME = re.compile(rf"\b{_TITLE}\.?\s+((?:[A-Z][a-zA-Z'\-]+)(?:\s+[A-Z][a-zA-Z'\-]+)?)")
# Typed in a hurry: "meeting dr okafor tmrw", "prof. sarah lee said". A lower-case word after a title is a name
# unless it is a common word; a second one joins it only when it could not be the rest of the sentence.
_NAME_ANY_CASE = re.compile(rf"\b{_TITLE}\.?\s+([a-zA-Z][a-zA-Z'\-]+)(?:\s+([a-zA-Z][a-zA-Z'\-]+))?", re.IGNORECASE)
_NOT_A_NAME = {*STOPWORDS, "appointment", "appt", "visit", "note", "notes", "office", "letter", "said", "says", "told",
               "tells", "thinks", "thought", "wants", "wanted", "asked", "asks", "gave", "gives", "offered", "seemed",
               "seems", "mentioned", "suggested", "agreed", "replied", "runs", "ran", "tomorrow", "tmrw", "today",
               "tonight", "tuesday", "monday", "wednesday", "thursday", "friday", "saturday", "sunday", "next",
               "last", "soon", "later", "again", "yesterday", "week", "and", "or", "who", "whose", "re", "mentor",
               "mentors", "coach", "sponsor", "connector", "consultant", "attending", "registrar", "prof", "dr",
               "professor", "doc", "doctor", "recently", "kindly", "just", "actually", "basically", "only"}
_MEETING_WITH = re.compile(
    r"\b(?:meeting|coffee|chat|call|meet|meets|met|talking|talk|sat\s+down)\s+(?:up\s+)?with\s+"
    r"(?:an?\s+|the\s+|my\s+)?(?P<who>[^.,;!?\n]{3,60})", re.IGNORECASE)
_SHE = re.compile(r"\b(?:she|her|hers|herself)\b", re.IGNORECASE)
_HE = re.compile(r"\b(?:he|him|his|himself)\b", re.IGNORECASE)
_FIELD_TERMS = sorted({*SPECIALTIES, *FIELD_ABBREVIATIONS, *PRACTITIONERS}, key=len, reverse=True)
_FIELD = re.compile(r"\b(" + "|".join(re.escape(t) for t in _FIELD_TERMS) + r")s?\b", re.IGNORECASE)
_NOT_A_FIELD = {"research", "medicine", "academia", "patient care", "clinical research", "quality improvement"}
_SETTINGS = {"research": "research", "lab": "research", "academic": "academic", "university": "academic",
             "clinic": "clinical", "ward": "clinical", "hospital": "clinical"}
_QUOTED = re.compile(r"[\"“'‘]([^\"”'’\n]{6,400}?\?)[\"”'’]|[\"“]([^\"”\n]{10,400})[\"”]")
_AFTER_COLON = re.compile(r":\s*(?P<q>[^\n]{6,1200}?)\s*$")
# What joins two questions after the colon: "...? and also: can you ...?"
_JOINER = re.compile(r"^(?:[/|;]\s*)?(?:(?:and|also|or|plus|then|another)\b[\s,]*)*(?:one\s*)?:?\s*"
                     r"(?:\d+[.)]|[-*•/|;])?\s*", re.IGNORECASE)
_ROLE_NAMES = re.compile(r"\b(?:mentor|coach|sponsor|connector|networker)(?:s|ing|ship)?\b", re.IGNORECASE)
_REQUEST = re.compile(
    r"\b(?:is\s+(?:this|that|it)|are\s+these|would\s+(?:it|that)\s+be|can\s+you|could\s+you|pls|please|help\s+me|"
    r"rate|check|fix|sharpen|improve|rewrite)\b", re.IGNORECASE)


def mentor_from(text: str, current: MentorRef | None = None) -> MentorRef:
    """The mentor under discussion, updated with what this message says (a name, a pronoun, a field)."""
    mentor = (current or MentorRef()).model_copy()
    clean = plain_text(text)
    new_name = name_from(clean)
    if new_name and new_name != mentor.name:
        mentor = MentorRef(name=new_name)  # someone new: forget the last person's details
    she, he = len(_SHE.findall(clean)), len(_HE.findall(clean))
    if she != he and (she or he):
        mentor.pronoun = "she" if she > he else "he"
    field = _field_near_person(clean)
    if field:
        mentor.specialty = field
    for word, setting in _SETTINGS.items():
        if re.search(rf"\b{word}\b", clean, re.IGNORECASE) and not mentor.setting:
            mentor.setting = setting
            break
    return mentor


def name_from(text: str) -> str:
    """A titled name in the message ("Dr. Okafor", "Prof. Sarah Lee"), however it was typed; "" if none."""
    found = _NAME.search(text)
    if found:
        title, words = found.group(0).split()[0], found.group(1).split()
    else:
        for found in _NAME_ANY_CASE.finditer(text):
            first, second = found.group(1), found.group(2) or ""
            if first.lower() in _NOT_A_NAME or _FIELD.fullmatch(first):
                continue
            title, words = found.group(0).split()[0], [first]
            if second and not (second.lower() in _NOT_A_NAME or _FIELD.fullmatch(second)
                               or second.lower().endswith(("ed", "s", "ing", "ly"))):
                words.append(second)
            break
        else:
            return ""
    title = title.rstrip(".").capitalize()
    title = {"Professor": "Prof"}.get(title, title)
    words = [w.capitalize() if w.islower() or (w.isupper() and len(w) > 2) else w for w in words]
    return f"{title}. {' '.join(words)}" if title in ("Dr", "Prof", "Mr", "Mrs", "Ms") else f"{title} {' '.join(words)}"


def _field_near_person(text: str) -> str:
    """A field named next to the person ("an EP attending", "Dr. Lee, a cardiologist", "meeting with a GP")."""
    candidates = []
    meeting = _MEETING_WITH.search(text)
    if meeting:
        candidates.append(meeting.group("who"))
    candidates += [m.group(0) for m in re.finditer(
        r"\b(?:an?|the|my)\s+(?:[\w-]+\s+){0,2}?(?:attending|consultant|registrar|fellow|doctor|physician|surgeon|"
        r"professor|prof|pd|program\s+director|[a-z]+ologist|[a-z]+iatrician|gp)\b", text, re.IGNORECASE)]
    for chunk in candidates:
        for match in _FIELD.finditer(chunk):
            term = match.group(1).lower()
            field = FIELD_ABBREVIATIONS.get(term) or PRACTITIONERS.get(term) or term
            if field not in _NOT_A_FIELD:
                return field
    return ""


def questions_from(text: str) -> list[str]:
    """The questions a message asks us to check: quoted ones, a pasted list, or what follows a colon.

    The message's own request ("is this a good question?") is not one of them.
    """
    clean = text.strip()
    quoted = [(a or b).strip() for a, b in _QUOTED.findall(clean)]
    if quoted:
        return quoted
    items = split_questions(clean)
    listed = [i for i in items if i.endswith("?") and not _is_request(i)]
    if len(items) > 1 and listed:
        return listed
    after = _AFTER_COLON.search(clean)
    if after:
        parts = (_JOINER.sub("", p).strip() for p in re.split(r"(?<=\?)(?:\s*[/|;]\s*|\s+)", after.group("q")))
        found = [p if p.endswith("?") else p + "?" for p in parts if len(p.split()) >= 3]
        if found:
            return found
    sentences = [clean[a:b].strip() for a, b in split_sentences(clean)]
    asked = [s for s in sentences if s.endswith("?") and not _is_request(s)]
    return asked


def _is_request(sentence: str) -> bool:
    """A sentence that asks us for something ("is this googleable?", "can you fix these?")."""
    return bool(_REQUEST.search(sentence[:40])) and len(sentence.split()) <= 12


def describes_meeting(text: str) -> bool:
    """Whether the message tells what happened with someone (not just a question about a role)."""
    from agent.read_room import rule_points

    # Role names are what the user asks about ("is she a sponsor?"), not what the doctor did.
    text = _ROLE_NAMES.sub(" ", plain_text(text))
    words = len(text.split())
    if words < 6:
        return False
    points = rule_points(text)
    found = points.has_role_cue or points.availability["high"] or points.availability["low"]
    past = re.search(r"\b(?:she|he|they|dr\.?\s+\w+)\s+(?:\w+\s+)?(?:\w+ed|said|told|gave|took|spent|asked|offered|"
                     r"had|kept|sent|wrote|put|made|got|let|ran|showed|went|came)\b", text, re.IGNORECASE)
    return bool(found or (past and words >= 10))
