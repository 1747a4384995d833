"""Compliance tools: the pre-contact gate and the review of transcripts and messages (rules, then the model)."""

from tools.compliance.gate import GateDecision, PlannedContact, check_contact
from tools.compliance.models import Category, Finding, ReviewResult, Transcript, Turn
from tools.compliance.review import review, review_with_model

__all__ = [
    "Category",
    "Finding",
    "GateDecision",
    "PlannedContact",
    "ReviewResult",
    "Transcript",
    "Turn",
    "check_contact",
    "review",
    "review_with_model",
]
