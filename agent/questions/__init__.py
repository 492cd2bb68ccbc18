"""Sharpen questions: judge a question the user plans to ask, explain the verdict, and rewrite it."""

from agent.questions.critique import (
    ENGINES,
    MAX_QUESTION_CHARS,
    Critique,
    QuestionContext,
    drafted_question,
    judge,
    sharpen,
    sharpen_batch,
    split_questions,
)
from agent.questions.evaluation import (
    Report,
    default_sets,
    evaluate,
    format_report,
    load_examples,
    side_by_side,
    training_figures,
)
from agent.questions.learned import train_heads
from agent.questions.rules import FLAGS
from agent.questions.slots import build_slots, context_from_text

__all__ = [
    "Critique", "ENGINES", "FLAGS", "MAX_QUESTION_CHARS", "QuestionContext", "Report", "build_slots",
    "context_from_text",
    "default_sets", "drafted_question", "evaluate", "format_report", "judge", "load_examples", "sharpen",
    "sharpen_batch", "side_by_side", "split_questions", "train_heads", "training_figures",
]
