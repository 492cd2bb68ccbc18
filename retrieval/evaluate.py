"""Retrieval quality: hit@k over labelled queries (a hit: a top-k passage has one of the query's topics)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class EvalResult:
    """hit@k on one labelled set; ``misses`` lists the queries that missed with the topics retrieved."""

    name: str
    k: int
    hits: int = 0
    total: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.hits / self.total if self.total else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "rate": round(self.rate, 4)}


def load_examples(path: str | Path) -> list[dict[str, Any]]:
    """Read a JSONL file of ``{"query": str, "topics": [str, ...]}`` objects."""
    examples = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            examples.append({"query": str(item["query"]), "topics": list(item["topics"])})
    return examples


def hit_at_k(retriever: Any, examples: list[dict[str, Any]], k: int = 3, name: str = "") -> EvalResult:
    """Run every query through ``retriever.search(query, k)`` and count hits."""
    result = EvalResult(name=name, k=k)
    for example in examples:
        passages = retriever.search(example["query"], k)
        got = [p.topic for p in passages]
        result.total += 1
        if set(got) & set(example["topics"]):
            result.hits += 1
        else:
            result.misses.append({"query": example["query"], "expected": example["topics"], "got": got,
                                  "headings": [f"{p.title} > {p.heading}" for p in passages]})
    return result


def default_sets(project_root: str | Path) -> dict[str, Path]:
    """The shipped query sets: the shared dev set, our own, the frozen test split and the external check set."""
    root = Path(project_root)
    folder = root / "tests" / "eval_data"
    return {"dev": folder / "retrieval_dev.jsonl", "own": folder / "retrieval_own.jsonl",
            "test": root / "corpus" / "retrieval" / "test.jsonl",
            "external": root / "corpus" / "external" / "retrieval.jsonl"}


def topic_hit_at_k(head: Any, embed: Any, examples: list[dict[str, Any]], k: int = 3, name: str = "") -> EvalResult:
    """hit@k of the topic head alone: a hit when one of its ``k`` likeliest topics is a labelled one."""
    result = EvalResult(name=name, k=k)
    vectors = embed([e["query"] for e in examples])
    for example, row in zip(examples, head.probabilities(vectors), strict=True):
        got = [head.labels[i] for i in row.argsort()[::-1][:k]]
        result.total += 1
        if set(got) & set(example["topics"]):
            result.hits += 1
        else:
            result.misses.append({"query": example["query"], "expected": example["topics"], "got": got})
    return result
