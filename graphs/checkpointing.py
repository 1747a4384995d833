"""Checkpoint storage for the graphs: SQLite under ``var/`` with a serializer that only revives our types."""

from __future__ import annotations

from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

from agents.case_workflow.state import InputState as CaseInput
from agents.case_workflow.state import State as CaseState
from agents.copilot.state import CopilotInput, CopilotState
from agents.negotiation.state import InputState as NegotiationInput
from agents.negotiation.state import State as NegotiationState
from graphs.serde_types import reachable_types

# Only these types are revived from a checkpoint; anything else stays a plain value. Derived from the graphs'
# state classes, so a field added to any model they hold is covered without editing this list.
CHECKPOINT_TYPES: tuple[type, ...] = reachable_types(
    CaseState, CaseInput, NegotiationState, NegotiationInput, CopilotState, CopilotInput
)


def serializer() -> JsonPlusSerializer:
    """The checkpoint serializer with an explicit allowlist of revivable types."""
    return JsonPlusSerializer(allowed_msgpack_modules=CHECKPOINT_TYPES)
