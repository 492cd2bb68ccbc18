"""Accuracy of "read the room" on labelled scenario sets (``tests/eval_data/roles_*.jsonl``)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from agent.read_room.reading import ROLES, UNCLEAR, read_room

LEVELS = ("high", "low")


def default_sets(project_root: str | Path) -> dict[str, Path]:
    """The shipped dev and own sets, by name."""
    folder = Path(project_root) / "tests" / "eval_data"
    return {name: folder / f"roles_{name}.jsonl" for name in ("dev", "own")}


def load_examples(path: str | Path) -> list[dict[str, Any]]:
    """Labelled scenarios from a JSONL file.

    Raises:
        ValueError: a line is not an object with ``notes``, ``role`` and ``availability``.
    """
    examples = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        if not isinstance(row, dict) or not isinstance(row.get("notes"), str):
            raise ValueError(f"line {number}: expected an object with a 'notes' string")
        if row.get("role") not in ROLES or row.get("availability") not in LEVELS:
            raise ValueError(f"line {number}: 'role' must be one of {ROLES} and 'availability' one of {LEVELS}")
        examples.append(row)
    return examples


@dataclass
class RoleEvalReport:
    """Top-1 role accuracy, availability accuracy, confusions and misses for one set."""

    name: str
    total: int
    role_accuracy: float
    availability_accuracy: float
    role_confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    availability_confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    misses: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def evaluate(examples: Iterable[dict[str, Any]], name: str = "set") -> RoleEvalReport:
    """Read every scenario and compare with its labels."""
    role_pairs: Counter[tuple[str, str]] = Counter()
    level_pairs: Counter[tuple[str, str]] = Counter()
    misses = []
    total = role_hits = level_hits = 0
    for row in examples:
        reading = read_room(row["notes"], row.get("observed") or ())
        total += 1
        role_ok = reading.role == row["role"]
        level_ok = reading.availability == row["availability"]
        role_hits += role_ok
        level_hits += level_ok
        role_pairs[(row["role"], reading.role)] += 1
        level_pairs[(row["availability"], reading.availability)] += 1
        if not (role_ok and level_ok):
            misses.append({"id": row.get("id"), "notes": row["notes"], "expected": [row["role"], row["availability"]],
                           "got": [reading.role, reading.availability]})
    return RoleEvalReport(
        name=name, total=total,
        role_accuracy=round(role_hits / total, 4) if total else 0.0,
        availability_accuracy=round(level_hits / total, 4) if total else 0.0,
        role_confusion=_table(role_pairs, ROLES, (*ROLES, UNCLEAR)),
        availability_confusion=_table(level_pairs, LEVELS, (*LEVELS, UNCLEAR)),
        misses=misses,
    )


def _table(pairs: Counter[tuple[str, str]], gold: Iterable[str], predicted: Iterable[str]) -> dict[str, dict[str, int]]:
    predicted = tuple(predicted)
    return {g: {p: pairs[(g, p)] for p in predicted} for g in gold}


def format_report(report: RoleEvalReport) -> str:
    """A plain-text summary: accuracies, a role confusion matrix (rows = expected) and the misses."""
    lines = [f"roles {report.name}: {report.total} scenarios",
             f"  top-1 role accuracy:   {report.role_accuracy:.3f}",
             f"  availability accuracy: {report.availability_accuracy:.3f}",
             "  role confusion (rows expected, columns predicted):"]
    columns = list(next(iter(report.role_confusion.values()), {}))
    lines.append("    " + " " * 10 + "".join(f"{c[:9]:>10}" for c in columns))
    for gold, row in report.role_confusion.items():
        lines.append(f"    {gold:<10}" + "".join(f"{row[c]:>10}" for c in columns))
    level = ", ".join(f"{g}->{p}: {n}" for g, row in report.availability_confusion.items()
                      for p, n in row.items() if n and g != p)
    lines.append(f"  availability errors: {level or 'none'}")
    for miss in report.misses:
        lines.append(f"  miss: expected {'/'.join(miss['expected'])} got {'/'.join(miss['got'])}: {miss['notes']!r}")
    return "\n".join(lines)
