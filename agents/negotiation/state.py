"""State of the negotiation graph. Everything here is masked: the state is checkpointed and traced."""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from typing import Annotated

from agents.negotiation.types import (
    ApprovalUse,
    CaseFacts,
    DebtorReading,
    Draft,
    DraftChannel,
    Finding,
    HandoffInfo,
    PromiseOutcome,
    Turn,
)
from tools.negotiation.models import Offer, OfferCheck


@dataclass(kw_only=True)
class InputState:
    """One debtor turn. Callers mask the message and documents before they reach the graph (see ``entry``)."""

    case_id: str
    """The case negotiated, e.g. C000123."""
    message: str
    """The debtor's message, masked."""
    channel: DraftChannel = "sms"
    """Channel of the reply to draft: sms, wechat, app or call."""
    documents: list[str] = field(default_factory=list)
    """Text of documents the debtor uploaded this turn, masked; only screened for injection."""


@dataclass(kw_only=True)
class State(InputState):
    """The full state of a negotiation thread; per-turn fields are replaced each turn, lists are appended."""

    facts: CaseFacts | None = None
    """Masked case facts, filled by ``load_case``."""
    turns: Annotated[list[Turn], operator.add] = field(default_factory=list)
    """The conversation so far, masked (debtor messages and the drafts proposed)."""
    reading: DebtorReading | None = None
    """This turn's reading of the debtor."""
    offers: list[Offer] = field(default_factory=list)
    """This turn's offers from the calculator (inside the matrix for the negotiating role)."""
    ask_check: OfferCheck | None = None
    """The debtor's own ask checked against the matrix, when they named terms."""
    approval_id: int | None = None
    """Pending supervisor approval created (or reused) this turn for an ask beyond authority."""
    approvals: ApprovalUse | None = None
    """How earlier supervisor decisions on the case shaped this turn (approved terms offered, rejected asks)."""
    promise: PromiseOutcome | None = None
    """A promise to pay heard this turn, and whether it was recorded."""
    handoff: HandoffInfo | None = None
    """Set once the case goes to a person; kept for the rest of the thread."""
    draft: Draft | None = None
    """This turn's proposed reply."""
    findings: list[Finding] = field(default_factory=list)
    """This turn's flags (injection, grounding, compliance, authority)."""
    notes: Annotated[list[str], operator.add] = field(default_factory=list)
    """Bilingual notes for the reader (appended)."""
    model_used: bool = False
    """Whether a language model was called this turn."""
    error: str | None = None
    """Why the turn stopped early, if it did."""
