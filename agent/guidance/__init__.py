"""Grounded answers from the knowledge base, with numbered citations."""

from agent.guidance.grounded import (
    Answer,
    Citation,
    PendingAnswer,
    answer,
    cited_numbers,
    is_clinical_question,
    start_answer,
)

__all__ = ["Answer", "Citation", "PendingAnswer", "answer", "cited_numbers", "is_clinical_question", "start_answer"]
