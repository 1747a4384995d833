"""Checkpoint storage for the graphs: SQLite under ``var/`` with a serializer that only revives our types."""

from __future__ import annotations

from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

from agents.case_workflow.brief_types import ActionBrief
from agents.case_workflow.cards import CaseCard
from agents.case_workflow.planner import NextAction
from agents.case_workflow.state import State
from tools.triage.models import ContactWindow, Reason, Tier, TriageResult

# Only these types are revived from a checkpoint; anything else stays a plain value.
CHECKPOINT_TYPES: tuple[type, ...] = (
    State,
    ActionBrief,
    CaseCard,
    NextAction,
    TriageResult,
    ContactWindow,
    Reason,
    Tier,
)


def serializer() -> JsonPlusSerializer:
    """The checkpoint serializer with an explicit allowlist of revivable types."""
    return JsonPlusSerializer(allowed_msgpack_modules=CHECKPOINT_TYPES)
