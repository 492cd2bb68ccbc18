"""Accuracy of "read the room" on labelled sets: the shared dev set and our own (``tests/eval_data``), the frozen
test split (``corpus/read_room/test.jsonl``) and the second author's check set (``corpus/external/roles.jsonl``),
each read by the rules alone, the classifier alone and the two fused."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from agent.core import ROLES, UNCLEAR, head_store
from agent.read_room.learned import AVAILABILITY_FUSER, NONE, ROLE_FUSER
from agent.read_room.reading import ENGINES, read_room

LEVELS = ("high", "low")


def default_sets(project_root: str | Path) -> dict[str, Path]:
    """The shipped sets, by name: dev, own, the frozen test split, the external check set, and the frozen notes
    that show no role (right when read as "unclear")."""
    root = Path(project_root)
    folder = root / "tests" / "eval_data"
    return {"dev": folder / "roles_dev.jsonl", "own": folder / "roles_own.jsonl",
            "test": root / "corpus" / "read_room" / "test.jsonl",
            "external": root / "corpus" / "external" / "roles.jsonl",
            "none": root / "corpus" / "read_room" / "none_test.jsonl"}


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
        if row.get("role") not in (*ROLES, NONE) or row.get("availability") not in (*LEVELS, UNCLEAR):
            raise ValueError(f"line {number}: 'role' must be one of {ROLES} (or 'none' when the notes show no "
                             f"role) and 'availability' one of {LEVELS} (or 'unclear')")
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


def evaluate(examples: Iterable[dict[str, Any]], name: str = "set", *, engine: str = "fused") -> RoleEvalReport:
    """Read every scenario with ``engine`` (fused, rules or classifier) and compare with its labels."""
    role_pairs: Counter[tuple[str, str]] = Counter()
    level_pairs: Counter[tuple[str, str]] = Counter()
    misses = []
    total = role_hits = level_hits = 0
    for row in examples:
        reading = read_room(row["notes"], row.get("observed") or (), engine=engine)
        total += 1
        expected_role = UNCLEAR if row["role"] == NONE else row["role"]  # no role shown: "unclear" is right
        role_ok = reading.role == expected_role
        level_ok = reading.availability == row["availability"]
        role_hits += role_ok
        level_hits += level_ok
        role_pairs[(expected_role, reading.role)] += 1
        level_pairs[(row["availability"], reading.availability)] += 1
        if not (role_ok and level_ok):
            misses.append({"id": row.get("id"), "notes": row["notes"], "expected": [expected_role, row["availability"]],
                           "got": [reading.role, reading.availability]})
    return RoleEvalReport(
        name=name, total=total,
        role_accuracy=round(role_hits / total, 4) if total else 0.0,
        availability_accuracy=round(level_hits / total, 4) if total else 0.0,
        role_confusion=_table(role_pairs, (*ROLES, UNCLEAR), (*ROLES, UNCLEAR)),
        availability_confusion=_table(level_pairs, (*LEVELS, UNCLEAR), (*LEVELS, UNCLEAR)),
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


def training_figures() -> dict[str, Any]:
    """Cross-validated figures recorded when the heads were trained (empty when they are not trained)."""
    head = head_store().get(ROLE_FUSER) or head_store().get(AVAILABILITY_FUSER)
    return dict(head.meta.get("cv", {})) if head else {}


def side_by_side(reports: dict[str, dict[str, RoleEvalReport]], cv: dict[str, Any]) -> str:
    """One table: each set's role and availability accuracy under the rules, the classifier and the fusion."""
    head = (f"{'set':<10}{'n':>5}   {'role: rules':>11}{'classifier':>11}{'fused':>7}   "
            f"{'availability: rules':>19}{'classifier':>11}{'fused':>7}")
    lines = ["read the room: top-1 role and availability accuracy", head]
    if cv:
        lines.append(f"{'train CV':<10}{cv.get('rows', 0):>5}   {'-':>11}{cv['role_classifier']:>11.3f}"
                     f"{cv['role_fused']:>7.3f}   {'-':>19}{cv['availability_classifier']:>11.3f}"
                     f"{cv['availability_fused']:>7.3f}")
    for name, by_engine in reports.items():
        n = next(iter(by_engine.values())).total
        role = [by_engine[e].role_accuracy if e in by_engine else float("nan") for e in ENGINES[1:] + ENGINES[:1]]
        level = [by_engine[e].availability_accuracy if e in by_engine else float("nan")
                 for e in ENGINES[1:] + ENGINES[:1]]
        lines.append(f"{name:<10}{n:>5}   {role[0]:>11.3f}{role[1]:>11.3f}{role[2]:>7.3f}   "
                     f"{level[0]:>19.3f}{level[1]:>11.3f}{level[2]:>7.3f}")
    return "\n".join(lines)
