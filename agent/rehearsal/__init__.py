"""Rehearse: role-play the meeting with a persona whose role stays hidden, coach each turn, debrief at the end."""

from agent.rehearsal.debrief import CoachingNote, Debrief, build_debrief, coach_note
from agent.rehearsal.engine import end_rehearsal, persona_turn, start_rehearsal, stream_persona_turn
from agent.rehearsal.moves import MOVES, QUESTION_MOVES, MoveReading
from agent.rehearsal.moves import classify as classify_move
from agent.rehearsal.moves import evaluate as evaluate_moves
from agent.rehearsal.moves import train_heads as train_move_heads
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
from agent.rehearsal.state import Contact, Facts, Rehearsal, Turn, Used, Work

__all__ = [
    "AVAILABILITY", "MEETINGS", "MOVES", "PRESETS", "QUESTION_MOVES", "SPECIALTIES", "CoachingNote", "Contact",
    "Debrief", "Facts", "MoveReading", "Persona", "Rehearsal", "Turn", "Used", "Work", "build_debrief",
    "build_persona", "classify_move", "coach_note", "end_rehearsal", "evaluate_moves", "get_persona", "persona_turn",
    "start_rehearsal", "stream_persona_turn", "surprise_me", "train_move_heads",
]
