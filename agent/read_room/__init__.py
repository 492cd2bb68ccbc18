"""Read the room: from what the user noticed in a meeting to the senior doctor's likely role and availability."""

from agent.read_room.evaluation import RoleEvalReport, default_sets, evaluate, format_report, load_examples
from agent.read_room.reading import (
    MAX_NOTES_CHARS,
    OBSERVED_BEHAVIOURS,
    Evidence,
    Guidance,
    RoleReading,
    read_room,
)

__all__ = [
    "MAX_NOTES_CHARS", "OBSERVED_BEHAVIOURS", "Evidence", "Guidance", "RoleEvalReport", "RoleReading",
    "default_sets", "evaluate", "format_report", "load_examples", "read_room",
]
