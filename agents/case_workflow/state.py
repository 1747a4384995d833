"""State of the case workflow graph. Everything here is masked: the state is checkpointed and traced."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from agents.case_workflow.brief_types import ActionBrief
from agents.case_workflow.cards import CaseCard
from agents.case_workflow.planner import NextAction
from agents.compliance.node import DraftReview, OutgoingDraft
from agents.valuation.state import ValuationResult
from tools.triage.models import TriageResult

NEW_RUN = "\x00new-run"
"""A note ``load_case`` writes first: the notes of earlier runs on the thread are dropped (see :func:`run_notes`)."""


def run_notes(left: list[str], right: list[str]) -> list[str]:
    """Notes reducer: append, except that a run's first write (led by :data:`NEW_RUN`) starts the list afresh."""
    if right and right[0] == NEW_RUN:
        return list(right[1:])
    return [*left, *right]


@dataclass(kw_only=True)
class InputState:
    """What a caller provides to start a run."""

    case_id: str
    """The case to work on, e.g. C000123."""
    request: str = ""
    """The staff member's request in their own words, if any (kept for the audit trail only)."""


@dataclass(kw_only=True)
class State(InputState):
    """The full state of one run."""

    card: CaseCard | None = None
    """Masked case card, filled by ``load_case``."""
    triage: TriageResult | None = None
    """Triage decision, filled by ``triage``."""
    next_action: NextAction | None = None
    """Planned next action, filled by ``plan_next_action``."""
    outgoing: OutgoingDraft | None = None
    """The automated reminder drafted for an ``owner: auto`` action (an approved script filled from tools)."""
    reminder_script: str | None = None
    """Which approved script the reminder was filled from (``pack/entry``)."""
    draft_review: DraftReview | None = None
    """Compliance review of ``outgoing``: only a draft with ``sendable`` true may be dispatched."""
    valuation: ValuationResult | None = None
    """Recovery valuation, only for legal-bound and high-balance cases (runs in parallel with planning)."""
    brief: ActionBrief | None = None
    """Model-written brief of the decision (words only, numbers checked against the tools); None without a model."""
    model_used: bool = False
    """Whether any node called a language model in this run."""
    notes: Annotated[list[str], run_notes] = field(default_factory=list)
    """Bilingual notes nodes leave for the reader (appended within a run; a new run on the thread starts afresh)."""
    error: str | None = None
    """Why the run stopped early, if it did."""
