"""The mentoring team map: which roles and settings the user's mentors cover, the gaps, and how to fill them.

A mentor covers the role of their latest read-the-room estimate (only the top role: a blend is common,
but crediting second guesses would hide real gaps) and the setting they were filed under. The settings
that count as gaps are clinical, research and academic; "other" never is. Each suggestion is written by
rule and cites the knowledge base (finding-a-mentor, multiple-mentors, mentor-roles).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from agent.prep.sheet import ROLES, Citations, Reference, read_estimate
from retrieval import Citer

SETTINGS = ("clinical", "research", "academic")

# gap -> (how to find someone, citation query, citation topic, role filter)
HOW_TO_FIND = {
    "mentor": ("Look for someone a few steps ahead on a track you can picture yourself on - a former "
               "supervisor, a senior colleague at your hospital - open with one specific question, and if it "
               "goes well ask whether they would meet regularly.",
               "finding a long-term mentor ahead of you on a track you can picture", "finding-a-mentor", "mentor"),
    "coach": ("Pick one skill you want to improve (a procedure, presenting, interviews) and ask someone known "
              "for it to watch a practice run and give you feedback.",
              "coach for a specific skill, practice and feedback", "mentor-roles", "coach"),
    "sponsor": ("Sponsors come from people who have seen your work: do visible work for a senior person, tell "
                "them your goals, and ask what would make you ready for the next opportunity.",
                "sponsor who puts your name forward for opportunities", "mentor-roles", "sponsor"),
    "connector": ("Ask your current mentors whom you should meet, and use department events, society "
                  "meetings and conferences, where the well-connected people are.",
                  "connector who introduces you to other people, networking", "mentor-roles", "connector"),
    "clinical": ("Find a clinical mentor where you work now: an attending you admire on service, who can "
                 "help with patient care, the workplace and its people.",
                 "clinical mentor at a new hospital or workplace", "multiple-mentors", None),
    "research": ("Find a research mentor for projects and publications: someone whose papers you have read, "
                 "approached with a specific question about their work.",
                 "research mentor for publications and projects", "multiple-mentors", None),
    "academic": ("Find an academic mentor for teaching, promotion and the academic track: a senior faculty "
                 "member in your department or a former programme director.",
                 "academic mentor for teaching promotion and academic career", "multiple-mentors", None),
}


@dataclass(frozen=True)
class Suggestion:
    """How to find someone for one gap, with reference numbers."""

    gap: str
    kind: str  # "role" | "setting"
    text: str
    refs: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"gap": self.gap, "kind": self.kind, "text": self.text, "refs": list(self.refs)}


@dataclass
class TeamMap:
    """Coverage of roles and settings by the user's mentors.

    Attributes:
        coverage: role or setting -> names of the mentors covering it (every role and setting is a key).
        gaps: uncovered roles, then uncovered settings, in taxonomy order.
        suggestions: one per gap.
        unread: mentors without a role estimate yet (they cover a setting but no role).
        rows: per mentor, ``{"name", "role", "setting", "availability"}``, for a grid.
        references: numbered knowledge documents the suggestions cite.
    """

    coverage: dict[str, list[str]]
    gaps: list[str]
    suggestions: list[Suggestion]
    unread: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)

    @property
    def role_gaps(self) -> list[str]:
        return [g for g in self.gaps if g in ROLES]

    @property
    def setting_gaps(self) -> list[str]:
        return [g for g in self.gaps if g in SETTINGS]

    def grid(self) -> list[dict[str, str]]:
        """One row per mentor with a check mark under each role and setting they cover."""
        table = []
        for row in self.rows:
            line = {"Name": row["name"]}
            line.update({k.capitalize(): "✓" if row["role"] == k or row["setting"] == k else ""
                         for k in (*ROLES, *SETTINGS)})
            table.append(line)
        return table

    def to_dict(self) -> dict[str, Any]:
        return {"coverage": self.coverage, "gaps": list(self.gaps),
                "suggestions": [s.to_dict() for s in self.suggestions], "unread": list(self.unread),
                "rows": list(self.rows), "references": [r.to_dict() for r in self.references]}


def team_map(mentors: Iterable[dict], *, citer: Citer | None, stage: str | None = None) -> TeamMap:
    """Map the user's mentors onto roles and settings and suggest how to fill each gap.

    Args:
        mentors: mentor records (``name``, ``setting``, ``role_estimate`` as stored by the role engine).
        citer: a retriever used for citations (topic-filtered); None leaves suggestions uncited.
        stage: the user's career stage, preferred when choosing passages.

    Returns:
        The map; ``coverage`` lists every role and setting, empty lists being gaps.
    """
    coverage: dict[str, list[str]] = {k: [] for k in (*ROLES, *SETTINGS)}
    rows, unread = [], []
    for mentor in mentors:
        name = " ".join(str(mentor.get("name") or "").split()) or "(unnamed)"
        role, availability, _ = read_estimate(mentor.get("role_estimate"))
        setting = str(mentor.get("setting") or "other")
        rows.append({"name": name, "role": role, "setting": setting, "availability": availability})
        if role:
            coverage[role].append(name)
        else:
            unread.append(name)
        if setting in SETTINGS:
            coverage[setting].append(name)
    gaps = [k for k, names in coverage.items() if not names]
    cites = Citations(citer, stage)
    suggestions = []
    for gap in gaps:
        text, query, topic, role = HOW_TO_FIND[gap]
        refs = cites.cite(query, topic=topic, role=role)
        if gap in ROLES:
            refs += tuple(n for n in cites.cite(query, topic="finding-a-mentor", role=role) if n not in refs)
        suggestions.append(Suggestion(gap, "role" if gap in ROLES else "setting", text, refs))
    return TeamMap(coverage=coverage, gaps=gaps, suggestions=suggestions, unread=unread, rows=rows,
                   references=cites.references)
