"""Sharpen questions: judge a question the user plans to ask, explain the verdict, and rewrite it."""

from agent.questions.critique import (
    MAX_QUESTION_CHARS,
    Critique,
    QuestionContext,
    drafted_question,
    judge,
    sharpen,
    sharpen_batch,
    split_questions,
)
from agent.questions.evaluation import Report, default_sets, evaluate, format_report, load_examples
from agent.questions.rules import FLAGS

__all__ = [
    "FLAGS", "MAX_QUESTION_CHARS", "Critique", "QuestionContext", "Report", "default_sets", "drafted_question",
    "evaluate", "format_report", "judge", "load_examples", "sharpen", "sharpen_batch", "split_questions",
]
