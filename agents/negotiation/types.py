"""Typed values of the negotiation agent: readings, findings, drafts, hand-offs, turns and masked case facts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

Intent = Literal[
    "promise_to_pay", "hardship", "dispute", "refusal", "asks_for_plan", "third_party_answered", "asks_for_human"
]
INTENT_PRIORITY: tuple[Intent, ...] = (
    "asks_for_human", "third_party_answered", "dispute", "promise_to_pay", "asks_for_plan", "hardship", "refusal"
)  # fmt: skip
Emotion = Literal["calm", "anxious", "angry"]
EMOTION_RANK: dict[Emotion, int] = {"calm": 0, "anxious": 1, "angry": 2}
Vulnerability = Literal[
    "illness", "job_loss", "bereavement", "mental_distress", "elderly", "disaster", "disability"
]  # fmt: skip
DraftChannel = Literal["sms", "wechat", "app", "call"]
HandoffReason = Literal["angry", "vulnerable", "dispute", "asks_for_human", "offer_above_authority", "case_flag"]


class DebtorReading(BaseModel):
    """What the debtor's message says: intents (most important first), emotion, vulnerability signals."""

    intents: list[Intent] = Field(default_factory=list, description="Every intent found, by priority")
    emotion: Emotion = "calm"
    vulnerabilities: list[Vulnerability] = Field(default_factory=list)
    injection: bool = Field(default=False, description="The message tries to instruct the system")
    source: Literal["rules", "rules+model"] = "rules"

    @property
    def primary(self) -> Intent | None:
        """The intent that decides the reply."""
        return self.intents[0] if self.intents else None


class Finding(BaseModel):
    """Something the agent flagged on this turn."""

    kind: Literal["injection", "grounding", "compliance", "promise", "authority"]
    source: str = Field(description="message, document[0], draft ...")
    detail: str = Field(description="What was found (masked)")


class Turn(BaseModel):
    """One message of the conversation, masked."""

    speaker: Literal["debtor", "agent"]
    text: str
    at: dt.datetime


class CaseFacts(BaseModel):
    """The case as the negotiation sees it: no raw PII (a salutation with the surname only)."""

    case_id: str
    salutation: str = Field(description="e.g. 张先生 / 王女士")
    product: str
    bucket: str
    days_past_due: int
    outstanding_principal: Decimal
    outstanding_interest: Decimal
    outstanding_penalty: Decimal
    outstanding_total: Decimal
    arrears: Decimal = Field(
        default=Decimal(0),
        description="Missed instalments plus penalty (tools/arrears.py); what 本期 / 当前应还 means in a reminder",
    )
    flags: list[str]
    legal_status: str
    as_of: dt.date


class PromiseOutcome(BaseModel):
    """What became of a promise heard on this turn."""

    amount: Decimal | None
    due_on: dt.date | None
    recorded: bool
    promise_id: int | None = None
    problems: list[str] = Field(default_factory=list)


class Draft(BaseModel):
    """The proposed next reply and whether it may be sent."""

    channel: DraftChannel
    text: str | None = Field(description="None when withheld")
    template_id: str | None = Field(description="Approved script it comes from (approved-scripts-zh/<id>)")
    from_model: bool = False
    grounded: bool = Field(description="Every number in it equals a tool output for this case")
    review_verdict: Literal["pass", "fail", "not_reviewed"]
    sendable: bool = Field(description="Grounded and passed compliance review")
    withheld_reason: str | None = None


class HandoffInfo(BaseModel):
    """The case went to a person on this turn (or earlier)."""

    reasons: list[HandoffReason]
    summary: str
    handoff_id: int | None = None


class ApprovalUse(BaseModel):
    """How supervisor decisions on this case shaped this turn."""

    offered: int | None = Field(default=None, description="Approval whose terms are this turn's first offer")
    ask_covered: int | None = Field(default=None, description="Approval that already covers the debtor's ask")
    ask_rejected: int | None = Field(default=None, description="Rejected approval the debtor's ask repeats")
    pending_reused: int | None = Field(default=None, description="Pending approval the same ask already waits on")
    problems: list[str] = Field(default_factory=list, description="Approved terms that could not be used, and why")
