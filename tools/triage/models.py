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


class FeatureContribution(BaseModel):
    """How much one feature moved this case's propensity (log-odds), with its value and bilingual label."""

    feature: str = Field(description="Feature name, e.g. rpc_rate")
    value: float = Field(description="The case's value of the feature")
    contribution: float = Field(description="Change in log-odds of repaying attributed to this feature")
    zh: str
    en: str


class ReviewStatus(StrEnum):
    """What happened to a borderline case's model review."""

    NOT_BORDERLINE = "not_borderline"
    """Outside every review band (or overridden): no model is called."""
    SKIPPED = "skipped"
    """In the band, but no model server is configured or reachable: the rules' answer stands."""
    AGREED = "agreed"
    """The model kept the rules' tier."""
    ADJUSTED = "adjusted"
    """The model moved the tier by one step, with reasons that cite the features."""
    REJECTED = "rejected"
    """The model's answer broke a check (more than one tier, unknown features): the rules' answer stands."""


class ReviewOutcome(BaseModel):
    """The borderline review of one case."""

    status: ReviewStatus
    rules_tier: Tier = Field(description="The tier the rules chose")
    final_tier: Tier = Field(description="The tier after the review")
    cited_features: list[str] = Field(default_factory=list)
    rationale_zh: str = ""
    rationale_en: str = ""
    detail: str = Field(default="", description="Why the review was skipped or rejected")


class ExperimentAssignment(BaseModel):
    """The champion/challenger arm a case was assigned to."""

    experiment: str
    arm: str
    strategy: str = Field(description="The strategy the arm applied")


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
    model_used: bool = Field(default=False, description="Whether a language model took part (borderline review)")
    propensity_source: str = Field(default="scorecard", description="'model:<version>' or 'scorecard'")
    scorecard_propensity: float | None = Field(default=None, ge=0, le=1, description="The v1 scorecard's estimate")
    contributions: list[FeatureContribution] = Field(
        default_factory=list, description="Strongest feature contributions to the propensity, largest first"
    )
    borderline: bool = Field(default=False, description="Whether the propensity lies in a review band")
    review: ReviewOutcome | None = Field(default=None, description="The borderline review, when in a band")
    experiment: ExperimentAssignment | None = Field(default=None, description="Champion/challenger arm, if any")
