"""The user's situation as short, normalised slots, and the one-line introduction rewrites put in front.

A profile is typed in many ways ("PGY-2", "second year IM resident", goals pasted from a CV). Rewrites
never paste it: they use only what is extracted here,

    slots = build_slots(stage="PGY-2", specialty="Cardiology/IM", goals="Interested in electrophysiology, ...")
    slots.intro()     # "I'm a PGY-2 in internal medicine aiming for electrophysiology."

and :func:`context_from_text` reads the same slots from a line of free text such as "PGY-1 asking the
associate program director" (stage PGY-1, a sponsor-like title).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from agent.core import BROAD_FIELDS, STAGE_PHRASES, stage_phrase
from agent.questions.fields import SLOT_DATA, field_hits, spoken
from agent.questions.goals import Aim, aim_of

_ABBREVIATED = re.compile(r"^[A-Z]{1,4}-?\d?$|^[A-Z]{2,4}\d")
_PEERS = [(re.compile(r"\bstudent|\bms\d", re.IGNORECASE), "students"),
          (re.compile(r"\bfellow\b", re.IGNORECASE), "fellows"),
          (re.compile(r"\b(?:pgy|resident|intern)", re.IGNORECASE), "residents")]
_RESIDENT_LIKE = re.compile(r"\b(?:pgy|resident|intern|registrar|fy\d|ct\d|st\d|sho|junior)", re.IGNORECASE)


def _with_article(stage: str) -> str:
    if stage.lower() in STAGE_PHRASES:
        return stage_phrase(stage.lower())
    word = stage.split()[0].split("-")[0]
    if _ABBREVIATED.match(word):  # letters said one by one: "an FY2", "an MS3", "a PGY-2"
        return f"{'an' if word[0] in 'AEFHILMNORSX' else 'a'} {stage}"
    return stage_phrase(stage)


def stage_name(text: str) -> str:
    """The normalised career stage in a text ("PGY-2", "second-year resident", "medical student"), or ""."""
    low = " ".join(str(text or "").lower().split())
    for pattern, say in SLOT_DATA.stages:
        m = pattern.search(low)
        if m:
            name = " ".join(m.expand(say).split())
            return name.upper() if name in ("sho",) else name
    return ""


def normal_stage(text: str) -> str:
    """How the user's stage reads after "I'm": "a PGY-2", "an FY2", "a medical student" ("" when unclear)."""
    name = stage_name(text)
    if name:
        return _with_article(name)
    words = str(text or "").split()
    if 1 <= len(words) <= 3 and all(re.fullmatch(r"[A-Za-z-]+", w) for w in words):
        return stage_phrase(" ".join(words).lower())
    return ""


def own_field(specialty: str, stage: str = "") -> tuple[str, str]:
    """(the user's own field, another field the specialty names) from a specialty as typed.

    "Cardiology/IM" for a resident gives ("internal medicine", "cardiology"): a resident trains in the core
    field and is heading for the other. An unrecognised short specialty is kept as typed, lower-case.
    """
    low = " ".join(str(specialty or "").lower().split())
    fields = list(dict.fromkeys(h.field for h in field_hits(low)))
    if not fields:
        return (low if 1 <= len(low.split()) <= 3 and re.fullmatch(r"[a-z /&-]+", low) else ""), ""
    if len(fields) > 1 and _RESIDENT_LIKE.search(stage or ""):
        core = [f for f in fields if f in SLOT_DATA.core_fields]
        if core:
            return core[0], next(f for f in fields if f != core[0])
    return fields[0], (fields[1] if len(fields) > 1 else "")


def role_for_title(title: str) -> str:
    """The role a mentor's title usually plays ("associate program director" -> "sponsor"), or ""."""
    for pattern, role in SLOT_DATA.titles:
        if pattern.search(title or ""):
            return role
    return ""


@dataclass(frozen=True)
class Slots:
    """What rewrites may say about the user and whom they are asking.

    Attributes:
        stage: "a PGY-2" (with its article), or "".
        field: the user's own field, "internal medicine", or "".
        aim: where the user is heading ("aiming for EP").
        role: the mentor's likely role, or "".
        mentor_field: the mentor's field as said aloud, or "".
    """

    stage: str = ""
    field: str = ""
    aim: Aim = Aim()
    role: str = ""
    mentor_field: str = ""

    def intro(self, *, aim: bool = True) -> str:
        """"I'm a PGY-2 in internal medicine aiming for EP." (without the aim when ``aim`` is False)."""
        text = "I'm"
        if self.stage:
            text += f" {self.stage}"
        if self.field:
            text += f" in {self.field}"
        if aim and self.aim:
            text += f" {self.aim.phrase}"
        return "" if text == "I'm" else text + "."

    @property
    def peers(self) -> str:
        """People at the user's stage, for "... like me": "residents", "students", "fellows" or "trainees"."""
        for pattern, peers in _PEERS:
            if pattern.search(self.stage):
                return peers
        return "trainees"


def build_slots(*, stage: str = "", specialty: str = "", goals: str = "", interests: str = "", role: str = "",
                mentor_specialty: str = "", mentor_title: str = "") -> Slots:
    """Normalise a profile (and what is known of the mentor) into :class:`Slots`."""
    mine, other = own_field(specialty, stage)
    if not mine:  # "second year IM resident" names the field in the stage
        mine, other = own_field(" ".join(h.term for h in field_hits(str(stage).lower())), stage)
    aim = aim_of(goals, interests, {mine} if mine else set())
    if not aim and other:
        aim = Aim(f"aiming for {other}", other, other)
    mentor_hits = [h for h in field_hits(" ".join(str(mentor_specialty or "").lower().split()))
                   if h.term not in BROAD_FIELDS]
    return Slots(stage=normal_stage(stage), field=mine, aim=aim,
                 role=role or role_for_title(mentor_title),
                 mentor_field=spoken(mentor_hits[0].term) if mentor_hits else "")


def _title(text: str) -> tuple[str, str]:
    for pattern, role in SLOT_DATA.titles:
        m = pattern.search(text)
        if m:
            return m.group(0).strip(), role
    return "", ""


_STAGE_WORDS = re.compile(
    r"\bmed(?:ical)?\s+(?:student|school|sch)\b"
    # "im a ..." typed for "I'm a ...", not internal medicine
    r"|\bim(?=\s+(?:an?|the|just|really|so|currently|still|now|hoping|going|applying|interested|looking|trying|"
    r"thinking|keen|planning|meeting|not|in\s+my|on)\b)")
# What comes right before a field the user is aiming at: "hoping to get into", "keen on", "applying for a".
_AIMING = re.compile(
    r"\b(?:aim(?:ing)?|hop(?:e|ing)|apply(?:ing)?|head(?:ing)?|going|want(?:ing)?|wanna|keen|interested|plan(?:ning)?|"
    r"tr(?:y|ying)|think(?:ing)?\s+(?:of|about)|consider(?:ing)?|looking\s+at|dream\s+is|set\s+on)"
    r"(?:\s+(?:to|for|into|on|in|at|of|about|get|go|do|doing|getting|going|apply|applying|train|training|"
    r"switch|switching|an?|the|a\s+career|career|specialis[ez]|speciali[sz]ing|match|matching)){0,5}\s+$")


def context_from_text(text: str) -> dict[str, Any]:
    """Context fields read from a line of free text, e.g. "PGY-1 in IM asking the associate program director".

    The words before "asking" / "meeting" / "coffee with" ... describe the user, the words after describe
    the senior doctor. Returns only what was found: ``career_stage``, ``specialty``, ``goals`` (a field the
    user aims at), ``mentor_title``, ``mentor_role`` and ``mentor_specialty``.
    """
    line = " ".join(str(text or "").split())
    low = line.lower()
    split = SLOT_DATA.asking.search(low)
    mine, theirs = (low[:split.start()], low[split.end():]) if split else (low, "")
    title, role = _title(theirs or low)
    if title and not theirs:  # no "asking": whatever follows the title is about the mentor
        at = low.find(title.lower())
        mine, theirs = low[:at], low[at:]
    found: dict[str, Any] = {"career_stage": stage_name(mine) or stage_name(low)}
    # "med student" names a stage, not internal medicine; blanked to the same length so offsets still hold
    mine = _STAGE_WORDS.sub(lambda m: " " * len(m.group(0)), mine)
    my_hits = field_hits(mine)
    aimed = [h for h in my_hits if _AIMING.search(mine[:h.start])]
    own = [h for h in my_hits if h not in aimed]
    found["specialty"] = own[0].field if own else ""
    found["goals"] = spoken(aimed[0].term) if aimed else ""
    found["mentor_title"] = title
    found["mentor_role"] = role
    their_hits = [h for h in field_hits(theirs) if h.term not in BROAD_FIELDS]
    found["mentor_specialty"] = their_hits[0].field if their_hits else ""
    return {k: v for k, v in found.items() if v}
