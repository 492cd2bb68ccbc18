"""Freeze a test split: a seeded, stratified 25% of each corpus, written once and never re-drawn.

    python corpus/split.py read_room notes_a.jsonl notes_b.jsonl --label role

Writes ``train.jsonl`` and ``test.jsonl`` beside the sources. Stratified by the label (the first flag for
questions, the first topic for retrieval, "good" for a question with no flag), so every class keeps its share.
Refuses to overwrite an existing ``test.jsonl``: the frozen split is frozen.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

TEST_SHARE = 0.25
SEED = 20261130


def _label(row: dict, key: str) -> str:
    value = row[key]
    if isinstance(value, list):
        return value[0] if value else "none"
    return str(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", help="corpus folder under corpus/")
    parser.add_argument("sources", nargs="+", help="JSONL files in that folder")
    parser.add_argument("--label", required=True, help="field to stratify by")
    args = parser.parse_args(argv)
    folder = Path(__file__).resolve().parent / args.folder
    if (folder / "test.jsonl").exists():
        print(f"{folder / 'test.jsonl'} exists: the frozen split is never re-drawn.", file=sys.stderr)
        return 2
    rows = [json.loads(line) for name in args.sources for line in (folder / name).read_text().splitlines()
            if line.strip()]
    by_label: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_label[_label(row, args.label)].append(row)
    rng = random.Random(SEED)
    train, test = [], []
    for label in sorted(by_label):
        group = by_label[label]
        rng.shuffle(group)
        cut = round(len(group) * TEST_SHARE)
        test += group[:cut]
        train += group[cut:]
    order = {row["id"]: i for i, row in enumerate(rows)}
    for name, part in (("train.jsonl", train), ("test.jsonl", test)):
        part.sort(key=lambda r: order[r["id"]])
        (folder / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in part))
    print(f"{args.folder}: {len(train)} train, {len(test)} test")
    return 0


if __name__ == "__main__":
    sys.exit(main())
