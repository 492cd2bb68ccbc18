"""Walk in prepared: the one-page prep sheet (Markdown and PDF), the follow-up note and the mentoring-team map."""

from agent.prep.follow_up import FollowUp, check_note, draft_follow_up, updated_estimate
from agent.prep.sheet import PrepSheet, build_prep_sheet, read_estimate, suggest_questions, to_pdf
from agent.prep.team import TeamMap, team_map

__all__ = [
    "FollowUp", "PrepSheet", "TeamMap", "build_prep_sheet", "check_note", "draft_follow_up", "read_estimate",
    "suggest_questions", "team_map", "to_pdf", "updated_estimate",
]
