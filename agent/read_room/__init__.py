"""Read the room: from what the user noticed in a meeting to the senior doctor's likely role and availability."""

from agent.read_room.evaluation import (
    RoleEvalReport,
    default_sets,
    evaluate,
    format_report,
    load_examples,
    side_by_side,
    training_figures,
)
from agent.read_room.reading import (
    ENGINES,
    MAX_NOTES_CHARS,
    OBSERVED_BEHAVIOURS,
    Evidence,
    Guidance,
    RoleReading,
    RulePoints,
    read_room,
    rule_points,
    train_heads,
)

__all__ = [
    "ENGINES", "Evidence", "Guidance", "MAX_NOTES_CHARS", "OBSERVED_BEHAVIOURS", "RoleEvalReport", "RoleReading",
    "RulePoints", "default_sets", "evaluate", "format_report", "load_examples", "read_room", "rule_points",
    "side_by_side", "train_heads", "training_figures",
]
