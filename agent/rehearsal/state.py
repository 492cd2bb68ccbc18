"""The rehearsal's state as types: the transcript, the facts the persona has fixed, and what it has already said.

Everything round-trips through JSON (:meth:`Rehearsal.to_dict` / :meth:`Rehearsal.from_dict`) so the app and
the chat can store a meeting and pick it up later. Rehearsals stored before facts and used lines were typed
still load: unknown keys are dropped, missing ones take their defaults, and the engine fills in anything it
needs (a persona's path, its current work) from the seed on the next turn.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from dataclasses import field as _field
from typing import Any

from agent.core import InputError
from agent.rehearsal.personas import Persona

_OLD_FORMAT = ("This rehearsal was saved in a format MentorPrep can no longer read ({why}). Start a new "
               "rehearsal; the old transcript is still in your session history.")


def _known(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in data.items() if k in names}


@dataclass
class Turn:
    """One line of the rehearsal.

    Attributes:
        speaker: ``persona`` or ``user``.
        text: what was said.
        beat: the persona's action (a beat of its plan, or the move it answered); '' for user lines.
        coaching: the live coaching note on a user line, as a dict.
        move: for a user line, what it does (see :data:`agent.rehearsal.moves.MOVES`); '' when not read yet.
    """

    speaker: str
    text: str
    beat: str = ""
    coaching: dict | None = None
    move: str = ""

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Turn:
        return cls(**_known(cls, data))


@dataclass
class Contact:
    """A colleague the persona can name, with what they do and the field they belong to."""

    name: str
    role: str
    field: str = ""


@dataclass
class Work:
    """Something the persona is working on now (from its specialty's material)."""

    name: str
    kind: str
    what: str
    status: str
    need: str


@dataclass
class Facts:
    """What the persona has fixed for this meeting and what it has learned about the user.

    Persona side: its story and path, its work, colleagues, openings and the skill it would work on.
    User side (always normalised, never the user's raw words): stage, current field, the field they aim for,
    the field and topic under discussion, and colleagues they named.
    """

    story: str = ""
    cadence: str = ""
    contacts: list[Contact] = _field(default_factory=list)
    named: list[str] = _field(default_factory=list)
    ally: str = ""
    opportunity: str = ""
    decision_maker: str = ""
    event: str = ""
    skill: str = ""
    skill_locked: bool = False
    skill_pool: list[str] = _field(default_factory=list)
    tips_used: int = 0
    path: dict[str, str] = _field(default_factory=dict)
    work: list[Work] = _field(default_factory=list)
    work_focus: str = ""
    user_stage: str = ""
    user_field: str = ""
    aim: str = ""
    field: str = ""
    topic: str = ""
    field_fitted: str = ""
    user_named: list[str] = _field(default_factory=list)
    told: list[str] = _field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Facts:
        """Facts from JSON, including the untyped dicts stored before facts had a type."""
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise InputError(_OLD_FORMAT.format(why="its facts are not a mapping"))
        values = _known(cls, data)
        try:
            values["contacts"] = [c if isinstance(c, Contact) else Contact(**_known(Contact, c))
                                  for c in data.get("contacts", [])]
            values["work"] = [w if isinstance(w, Work) else Work(**_known(Work, w)) for w in data.get("work", [])]
        except TypeError as exc:
            raise InputError(_OLD_FORMAT.format(why=f"a colleague or work item is incomplete: {exc}")) from None
        values["told"] = [t for t in data.get("told", []) if isinstance(t, str)]
        return cls(**values)

    def contact(self, name: str) -> Contact | None:
        """The colleague called ``name`` (full name or surname), if the persona has one."""
        surname = name.split()[-1].lower() if name else ""
        return next((c for c in self.contacts if c.name == name or c.name.split()[-1].lower() == surname), None)


@dataclass
class Used:
    """What the persona has already said, so nothing repeats.

    Attributes:
        lines: line-bank cell -> templates already used there.
        sentences: every sentence said so far, normalised (lower case, letters and digits only).
        time_stage: how far the persona's sense of time has gone: 0 nothing said, 1 said how long it has,
            2 mid-meeting, 3 nearly out of time, 4 wrapped up. It only ever goes up.
    """

    lines: dict[str, list[str]] = _field(default_factory=dict)
    sentences: list[str] = _field(default_factory=list)
    time_stage: int = 0

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Used:
        """Used lines from JSON; an old untyped dict (kind -> templates) becomes ``lines``."""
        if not data:
            return cls()
        if not isinstance(data, dict):
            raise InputError(_OLD_FORMAT.format(why="its used lines are not a mapping"))
        if "lines" in data or "sentences" in data:
            return cls(lines={k: list(v) for k, v in dict(data.get("lines", {})).items()},
                       sentences=list(data.get("sentences", [])), time_stage=int(data.get("time_stage", 0)))
        return cls(lines={k: [str(x) for x in v] for k, v in data.items() if isinstance(v, list)})


def normalise(sentence: str) -> str:
    """A sentence reduced for comparison: lower case, letters and digits, single spaces."""
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", sentence.lower()).split())


@dataclass
class Rehearsal:
    """The whole state of one rehearsal; JSON-safe through :meth:`to_dict` / :meth:`from_dict`."""

    persona: Persona
    meeting: str = "coffee"
    goal: str = ""
    seed: int = 0
    turns: list[Turn] = _field(default_factory=list)
    pending: list[str] = _field(default_factory=list)
    facts: Facts = _field(default_factory=Facts)
    used: Used = _field(default_factory=Used)
    closed: bool = False

    def __post_init__(self) -> None:
        # Callers (and stored meetings) may still hand over plain dicts.
        if not isinstance(self.facts, Facts):
            self.facts = Facts.from_dict(self.facts)
        if not isinstance(self.used, Used):
            self.used = Used.from_dict(self.used)

    def persona_lines(self) -> list[str]:
        """Everything the persona has said, in order."""
        return [t.text for t in self.turns if t.speaker == "persona"]

    def user_turns(self) -> list[tuple[int, Turn]]:
        """(index, turn) for every user line."""
        return [(i, t) for i, t in enumerate(self.turns) if t.speaker == "user"]

    def to_dict(self) -> dict:
        return {"persona": self.persona.to_dict(), "meeting": self.meeting, "goal": self.goal, "seed": self.seed,
                "turns": [t.to_dict() for t in self.turns], "pending": list(self.pending),
                "facts": self.facts.to_dict(), "used": self.used.to_dict(), "closed": self.closed}

    @classmethod
    def from_dict(cls, data: dict) -> Rehearsal:
        """A rehearsal from :meth:`to_dict` output, including ones stored by earlier versions.

        Raises:
            InputError: the data is not a stored rehearsal, with what to do about it.
        """
        if not isinstance(data, dict) or not isinstance(data.get("persona"), dict):
            raise InputError(_OLD_FORMAT.format(why="there is no persona in it"))
        try:
            persona = Persona(**{k: v for k, v in data["persona"].items() if k in Persona.__dataclass_fields__})
            turns = [Turn.from_dict(t) for t in data.get("turns", [])]
        except TypeError as exc:
            raise InputError(_OLD_FORMAT.format(why=str(exc))) from None
        state = cls(persona=persona, meeting=data.get("meeting", "coffee"), goal=data.get("goal", ""),
                    seed=int(data.get("seed", 0)), turns=turns, pending=list(data.get("pending", [])),
                    facts=Facts.from_dict(data.get("facts")), used=Used.from_dict(data.get("used")),
                    closed=bool(data.get("closed", False)))
        if not state.used.sentences:  # stored before sentences were tracked: rebuild them from the transcript
            from agent.rehearsal.utterances import sentences

            state.used.sentences = [normalise(s) for line in state.persona_lines() for s in sentences(line)]
        return state
