"""Quality figures for the question sharpener on labelled JSONL sets.

Each line is ``{"question": str, "flags": [..], "context"?: {..}}``. Flags are scored as multi-label:
one precision/recall/F1 per flag, plus "no_flag" where the positive class is an empty flag list.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.questions.critique import judge, sharpen
from agent.questions.rules import FLAGS
from retrieval import Citer

LABELS = ("too_open", "googleable", "pumping", "no_flag")


def load_examples(path: str | Path) -> list[dict[str, Any]]:
    """Read a labelled JSONL file; blank lines are skipped."""
    rows = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            row = json.loads(line)
            if not isinstance(row.get("question"), str) or not isinstance(row.get("flags"), list):
                raise ValueError(f"{path}:{n}: each line needs a 'question' string and a 'flags' list")
            rows.append(row)
    return rows


def default_sets(project_root: str | Path) -> dict[str, Path]:
    """The shipped sets: the shared dev set, our own, the frozen test split and the external check set."""
    root = Path(project_root)
    base = root / "tests" / "eval_data"
    return {"dev": base / "questions_dev.jsonl", "own": base / "questions_own.jsonl",
            "test": root / "corpus" / "questions" / "test.jsonl",
            "external": root / "corpus" / "external" / "questions.jsonl"}


@dataclass
class Report:
    """Per-label precision/recall/F1, macro-F1 and the share of rewrites that come back flag-free."""

    n: int
    per_label: dict[str, dict[str, float]]
    macro_f1: float
    rewrites_checked: int
    rewrites_flag_free: int
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rewrite_pass_rate(self) -> float:
        return self.rewrites_flag_free / self.rewrites_checked if self.rewrites_checked else 1.0

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "per_label": self.per_label, "macro_f1": round(self.macro_f1, 4),
                "rewrites_checked": self.rewrites_checked, "rewrites_flag_free": self.rewrites_flag_free,
                "rewrite_pass_rate": round(self.rewrite_pass_rate, 4), "errors": self.errors}


def _labels(flags: Iterable[str]) -> set[str]:
    found = {f for f in flags if f in FLAGS}
    return found or {"no_flag"}


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": tp + fn}


def evaluate(examples: Iterable[Mapping[str, Any]], *, check_rewrites: bool = True,
             citer: Citer | None = None, engine: str = "fused") -> Report:
    """Judge labelled examples with ``engine`` (fused, rules or classifier); with ``check_rewrites``, also
    sharpen each one and re-check every rewrite with the fused judge."""
    counts = {label: [0, 0, 0] for label in LABELS}  # tp, fp, fn
    checked = passed = n = 0
    errors: list[dict[str, Any]] = []
    for row in examples:
        n += 1
        context = row.get("context")
        critique = judge(row["question"], context, engine=engine)
        if check_rewrites:
            for rewrite in sharpen(row["question"], context, citer=citer).rewrites:
                checked += 1
                if not judge(rewrite, context).flags:
                    passed += 1
        gold, got = _labels(row["flags"]), _labels(critique.flags)
        for label in LABELS:
            counts[label][0] += label in gold and label in got
            counts[label][1] += label not in gold and label in got
            counts[label][2] += label in gold and label not in got
        if gold != got:
            errors.append({"question": row["question"], "expected": sorted(gold), "got": sorted(got)})
    per_label = {label: _prf(*counts[label]) for label in LABELS}
    macro = sum(v["f1"] for v in per_label.values()) / len(LABELS)
    return Report(n, per_label, macro, checked, passed, errors)


def format_report(name: str, report: Report) -> str:
    """A small plain-text table."""
    lines = [f"{name}: {report.n} questions",
             f"  {'label':<12} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}"]
    for label, v in report.per_label.items():
        lines.append(f"  {label:<12} {v['precision']:>9.3f} {v['recall']:>7.3f} {v['f1']:>6.3f} {v['support']:>8}")
    lines.append(f"  macro-F1 {report.macro_f1:.3f}")
    lines.append(f"  rewrites flag-free {report.rewrites_flag_free}/{report.rewrites_checked} "
                 f"({report.rewrite_pass_rate:.1%})")
    for err in report.errors[:10]:
        lines.append(f"  miss: {err['expected']} -> {err['got']}: {err['question']}")
    return "\n".join(lines)


def training_figures() -> dict[str, Any]:
    """Cross-validated figures recorded when the heads were trained (empty when they are not trained)."""
    from agent.core import head_store
    from agent.questions.learned import FUSED_HEAD

    head = head_store().get(FUSED_HEAD)
    return dict(head.meta.get("cv", {})) if head else {}


def side_by_side(reports: dict[str, dict[str, Report]], cv: dict[str, Any]) -> str:
    """One table: each set's macro-F1 under the rules, the classifier and the fusion, and rewrites re-checked."""
    lines = ["sharpen questions: macro-F1 over too_open, googleable, pumping and no flag",
             f"{'set':<10}{'n':>6}{'rules':>9}{'classifier':>12}{'fused':>8}   rewrites flag-free (fused judge)"]
    if cv:
        lines.append(f"{'train CV':<10}{cv.get('rows', 0):>6}{'-':>9}{cv['classifier_macro_f1']:>12.3f}"
                     f"{cv['fused_macro_f1']:>8.3f}")
    for name, by in reports.items():
        fused = by["fused"]
        rewrites = (f"{fused.rewrites_flag_free}/{fused.rewrites_checked} ({fused.rewrite_pass_rate:.1%})"
                    if fused.rewrites_checked else "-")
        lines.append(f"{name:<10}{fused.n:>6}{by['rules'].macro_f1:>9.3f}{by['classifier'].macro_f1:>12.3f}"
                     f"{fused.macro_f1:>8.3f}   {rewrites}")
    return "\n".join(lines)
