"""Checkpoint storage for the graphs: SQLite under ``var/`` with a serializer that only revives our types."""

from __future__ import annotations

from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

from agents.case_workflow.brief_types import ActionBrief
from agents.case_workflow.cards import CaseCard
from agents.case_workflow.planner import NextAction
from agents.case_workflow.state import State
from agents.negotiation import state as negotiation_state
from agents.negotiation import types as negotiation_types
from tools.negotiation import models as offer_models
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
    # negotiation
    negotiation_state.State,
    negotiation_state.InputState,
    negotiation_types.CaseFacts,
    negotiation_types.DebtorReading,
    negotiation_types.Draft,
    negotiation_types.Finding,
    negotiation_types.HandoffInfo,
    negotiation_types.PromiseOutcome,
    negotiation_types.Turn,
    offer_models.Offer,
    offer_models.OfferCheck,
    offer_models.OfferTerms,
    offer_models.Breach,
    offer_models.Schedule,
    offer_models.Instalment,
)


def serializer() -> JsonPlusSerializer:
    """The checkpoint serializer with an explicit allowlist of revivable types."""
    return JsonPlusSerializer(allowed_msgpack_modules=CHECKPOINT_TYPES)
