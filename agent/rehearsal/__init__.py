"""Rehearse: role-play the meeting with a persona whose role stays hidden, coach each turn, debrief at the end."""

from agent.rehearsal.debrief import CoachingNote, Debrief, build_debrief, coach_note
from agent.rehearsal.engine import (
    Rehearsal,
    Turn,
    end_rehearsal,
    persona_turn,
    start_rehearsal,
    stream_persona_turn,
)
from agent.rehearsal.personas import (
    AVAILABILITY,
    MEETINGS,
    PRESETS,
    SPECIALTIES,
    Persona,
    build_persona,
    get_persona,
    surprise_me,
)

__all__ = [
    "AVAILABILITY", "MEETINGS", "PRESETS", "SPECIALTIES", "CoachingNote", "Debrief", "Persona", "Rehearsal",
    "Turn", "build_debrief", "build_persona", "coach_note", "end_rehearsal", "get_persona", "persona_turn",
    "start_rehearsal", "stream_persona_turn", "surprise_me",
]
