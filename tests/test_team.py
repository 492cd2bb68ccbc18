"""Mentoring team map: coverage of roles and settings, gaps, and cited suggestions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from agent.prep.team import SETTINGS, team_map

ROLES = ("mentor", "coach", "sponsor", "connector")


@dataclass(frozen=True)
class StubPassage:
    title: str
    heading: str
    source_path: str
    sources: tuple[str, ...]


class StubCiter:
    def __init__(self) -> None:
        self.topics: list[str | None] = []

    def search(self, query, k=3, *, role=None, stage=None, topic=None):
        self.topics.append(topic)
        return [StubPassage(f"About {topic}", f"For {role}", f"knowledge/{topic}.md", (f"Source on {topic}.",))]


def record(name, setting, role=None, availability="high"):
    return {"name": name, "setting": setting,
            "role_estimate": {"role": role, "availability": availability} if role else None}


TEAM = [record("Dr. A", "clinical", "mentor"), record("Dr. B", "research", "connector", "low"),
        record("Dr. C", "other", None), record("Dr. D", "clinical", "mentor")]


def test_coverage_and_gaps():
    tm = team_map(TEAM, citer=StubCiter())
    assert tm.coverage["mentor"] == ["Dr. A", "Dr. D"]
    assert tm.coverage["connector"] == ["Dr. B"]
    assert tm.coverage["clinical"] == ["Dr. A", "Dr. D"] and tm.coverage["research"] == ["Dr. B"]
    assert set(tm.coverage) == {*ROLES, *SETTINGS}
    assert tm.gaps == ["coach", "sponsor", "academic"]
    assert tm.role_gaps == ["coach", "sponsor"] and tm.setting_gaps == ["academic"]
    assert tm.unread == ["Dr. C"]


def test_every_gap_has_a_cited_suggestion():
    citer = StubCiter()
    tm = team_map(TEAM, citer=citer)
    assert [s.gap for s in tm.suggestions] == tm.gaps
    numbers = {r.n for r in tm.references}
    for suggestion in tm.suggestions:
        assert suggestion.text and suggestion.refs and set(suggestion.refs) <= numbers
    assert {"finding-a-mentor", "multiple-mentors", "mentor-roles"} <= set(citer.topics)
    assert all(r.sources for r in tm.references)


def test_empty_team_has_every_gap():
    tm = team_map([], citer=None)
    assert tm.gaps == [*ROLES, *SETTINGS]
    assert len(tm.suggestions) == 7 and all(not s.refs for s in tm.suggestions)


def test_full_team_has_no_gaps():
    team = [record("A", "clinical", "mentor"), record("B", "research", "coach"), record("C", "academic", "sponsor"),
            record("D", "other", "connector")]
    tm = team_map(team, citer=StubCiter())
    assert tm.gaps == [] and tm.suggestions == [] and tm.references == []


def test_grid_and_dict():
    tm = team_map(TEAM, citer=StubCiter())
    grid = tm.grid()
    assert grid[0]["Name"] == "Dr. A" and grid[0]["Mentor"] == "✓" and grid[0]["Clinical"] == "✓"
    assert grid[2]["Name"] == "Dr. C" and not any(v for k, v in grid[2].items() if k != "Name")
    data = json.loads(json.dumps(tm.to_dict()))
    assert data["gaps"] == tm.gaps and data["suggestions"][0]["refs"]


def test_accepts_store_rows(store):
    store.add_mentor("u", "Dr. Rowe", setting="academic", role_estimate={"role": "sponsor", "availability": "low"})
    store.add_mentor("u", "Dr. Ito", setting="clinical")
    tm = team_map(store.list_mentors("u"), citer=StubCiter())
    assert tm.coverage["sponsor"] == ["Dr. Rowe"] and tm.unread == ["Dr. Ito"]
    assert "research" in tm.gaps and "academic" not in tm.gaps


def test_with_the_real_knowledge_base():
    search = pytest.importorskip("retrieval.search")
    citer = search.KeywordRetriever(Path(__file__).resolve().parent.parent / "knowledge")
    tm = team_map(TEAM, citer=citer)
    assert all(s.refs for s in tm.suggestions)
    assert all(r.source_path.startswith("knowledge/") for r in tm.references)
