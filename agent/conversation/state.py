"""What the conversation knows so far, kept structured so every tool can use it and it survives a restart.

The state is saved with the chat session (as an artifact) after every turn and loaded when the session is
opened again. Tools read it (the mentor under discussion, the latest reading, what happened in the meeting,
kept questions, an ongoing rehearsal) and write their results back.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class MentorRef(BaseModel):
    """The senior doctor the user is talking about."""

    model_config = ConfigDict(extra="ignore")
    name: str = ""
    specialty: str = ""
    setting: str = ""
    pronoun: str = ""  # "she", "he" or "they", when the user said so
    mentor_id: int | None = None  # set once saved to the user's mentors

    @property
    def known(self) -> bool:
        return bool(self.name or self.specialty)

    def label(self) -> str:
        """How replies refer to them: "Dr. Lee", "the electrophysiology attending", or "them"."""
        if self.name:
            return self.name
        if self.specialty:
            return f"the {self.specialty} doctor"
        return {"she": "her", "he": "him"}.get(self.pronoun, "them")

    def subject_label(self) -> str:
        """The same as :meth:`label` but as a sentence subject: "Dr. Lee", "the EP doctor", "she", "they"."""
        if self.name or self.specialty:
            return self.label()
        return self.subject()

    def subject(self) -> str:
        return {"she": "she", "he": "he"}.get(self.pronoun, "they")

    def object(self) -> str:
        return {"she": "her", "he": "him"}.get(self.pronoun, "them")


class Pending(BaseModel):
    """A question the agent asked and is waiting on: which intent, and what it still needs."""

    intent: str
    need: str  # "mentor", "notes", "questions", "meeting", "role_guess"
    original: str = ""  # the message that started it


class ConversationState(BaseModel):
    """Everything a turn may need from earlier turns. JSON round-trips through :meth:`to_json`."""

    model_config = ConfigDict(extra="ignore")
    mentor: MentorRef = Field(default_factory=MentorRef)
    meeting_notes: str = ""  # what the user said happened in (or after) the meeting
    goal: str = ""  # what the user wants from the meeting, when they said
    about_user: dict[str, str] = Field(default_factory=dict)  # stage, specialty, aim the user said in the chat
    reading: dict[str, Any] | None = None  # the latest read-the-room result (RoleReading.to_dict())
    critiques: list[dict[str, Any]] = Field(default_factory=list)  # the latest sharpen results
    kept_questions: list[str] = Field(default_factory=list)
    rehearsal: dict[str, Any] | None = None  # an ongoing or finished rehearsal (Rehearsal.to_dict())
    rehearsal_active: bool = False
    debrief: dict[str, Any] | None = None
    prep_sheet: dict[str, Any] | None = None  # {"markdown": ..., "title": ...}
    follow_up: dict[str, Any] | None = None  # {"note": ..., "used": [...], "edited": bool}
    pending: Pending | None = None
    last_intent: str = ""
    turns: int = 0

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> ConversationState:
        return cls.model_validate(data or {})

    @property
    def role(self) -> str | None:
        """The mentor's likely role from the latest reading, if any."""
        role = (self.reading or {}).get("role")
        return role if role in ("mentor", "coach", "sponsor", "connector") else None
