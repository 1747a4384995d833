"""Input and output models of the triage tool."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field


class Tier(StrEnum):
    """Treatment tiers, from lightest to heaviest."""

    REMINDER = "reminder"
    """Automated reminders only: M0-M1 self-cure."""
    DIGITAL = "digital"
    """SMS / app / WeChat sequences."""
    AGENT_CALL = "agent_call"
    """Collector phone calls."""
    SENIOR_NEGOTIATION = "senior_negotiation"
    """Senior staff negotiate settlements and plans."""
    LEGAL = "legal"
    """Legal track: demand letter, litigation, enforcement."""
    HUMAN_REVIEW = "human_review"
    """Hard override: a person decides (dispute, deceased, vulnerable, ...)."""


class ContactWindow(BaseModel):
    """A daily window in the debtor's local time when contact is allowed and most likely to reach them."""

    start_hour: int = Field(ge=0, le=23, description="First hour of the window, local time")
    end_hour: int = Field(ge=1, le=24, description="Hour the window ends (exclusive), local time")
    rpc_rate: float | None = Field(
        default=None, ge=0, le=1, description="Right-party-contact rate observed in this window, if any"
    )
    source: str = Field(description="'learned' from the contact log or 'default' from the rules file")


class Reason(BaseModel):
    """One reason behind a triage decision, bilingual."""

    code: str = Field(description="Stable machine code of the rule or feature")
    zh: str
    en: str


class TriageRequest(BaseModel):
    """Input of the triage tool."""

    case_id: str = Field(description="Case id, e.g. C000123", min_length=2, max_length=16)


class TriageResult(BaseModel):
    """Output of the triage tool: where the case goes and why."""

    case_id: str
    tier: Tier
    queue: str
    strategy: str
    channel: str
    contact_window: ContactWindow | None
    propensity: float = Field(ge=0, le=1, description="Estimated probability of repaying within 90 days")
    bucket: str
    days_past_due: int
    outstanding_total: str = Field(description="Outstanding principal+interest+penalty, yuan, 2 decimals")
    reasons: list[Reason]
    features: dict[str, float] = Field(default_factory=dict, description="The features the decision used")
    rules_version: str
    model_used: bool = Field(default=False, description="Whether a language model took part (never in v1)")
