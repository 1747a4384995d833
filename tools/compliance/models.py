"""Typed input and output of the compliance review: transcripts, findings, review results."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

MAX_TURN_CHARS = 20_000
"""Longest single turn accepted (about 10 minutes of fast speech transcribed)."""
MAX_TRANSCRIPT_CHARS = 200_000
"""Longest transcript accepted, all turns together; longer input is refused with a clear error."""
MAX_TURNS = 2_000
"""Most turns accepted in one transcript."""


class Category(StrEnum):
    """The ten kinds of violation a review can find."""

    THREAT = "threat"
    INSULT = "insult"
    IMPERSONATION = "impersonation"
    FALSE_CONSEQUENCE = "false_consequence"
    THIRD_PARTY_DISCLOSURE = "third_party_disclosure"
    EXTRA_FEE = "extra_fee"
    INDUCE_BORROWING = "induce_borrowing"
    PRIVACY_LEAK = "privacy_leak"
    QUIET_HOURS = "quiet_hours"
    MISSING_IDENTIFICATION = "missing_identification"


class Speaker(StrEnum):
    """Who said a turn; only the collector's side (agent, bot) can violate a rule."""

    AGENT = "agent"
    BOT = "bot"
    DEBTOR = "debtor"
    THIRD_PARTY = "third_party"

    @property
    def is_collector(self) -> bool:
        """Whether the turn is the collector's (a person or a voice/chat bot)."""
        return self in (Speaker.AGENT, Speaker.BOT)


class Severity(StrEnum):
    """How serious a finding is."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


ReviewChannel = Literal["call", "sms", "wechat", "app"]


class Turn(BaseModel):
    """One utterance or message."""

    speaker: Speaker = Field(description="agent, bot, debtor or third_party")
    text: str = Field(min_length=1, max_length=MAX_TURN_CHARS, description="What was said or written")
    at: dt.datetime | None = Field(
        default=None, description="ISO-8601 time with UTC offset; without it quiet hours cannot be checked"
    )

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("turn text is blank")
        return value

    @field_validator("at")
    @classmethod
    def _aware(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is not None and value.utcoffset() is None:
            raise ValueError("timestamp has no UTC offset (write e.g. 2026-03-02T21:30:00+08:00)")
        return value


class Transcript(BaseModel):
    """A call transcript or a message thread to review."""

    channel: ReviewChannel = Field(description="call, sms, wechat or app")
    case_id: str | None = Field(default=None, max_length=16, description="The case the conversation is about")
    team: str | None = Field(default=None, max_length=64, description="Collection team, for reports")
    complete: bool = Field(
        default=True,
        description="False for an excerpt or a single mid-conversation draft: self-identification is not checked",
    )
    turns: list[Turn] = Field(min_length=1, max_length=MAX_TURNS, description="Turns in the order they happened")

    @model_validator(mode="after")
    def _size(self) -> Transcript:
        total = sum(len(t.text) for t in self.turns)
        if total > MAX_TRANSCRIPT_CHARS:
            raise ValueError(f"transcript has {total} characters; at most {MAX_TRANSCRIPT_CHARS} are reviewed at once")
        return self


class Citation(BaseModel):
    """The regulation-pack entry a finding or a gate decision rests on."""

    rule: str = Field(description="Pack chunk id '<pack id>/<entry id>', e.g. cn-cba-2026/no-threats")
    title: str = Field(description="Title of the pack entry")
    document: str = Field(description="Short title of the source document")
    verified: bool = Field(description="False when the source fact is not confirmed")


class Finding(BaseModel):
    """One violation in one turn."""

    category: Category
    rule_id: str = Field(description="Our rule or pattern that fired, e.g. threat.bodily_harm; model.<category>")
    severity: Severity
    turn: int = Field(ge=0, description="Index of the offending turn in the transcript")
    quote: str = Field(description="The offending words, a substring of that turn (masked in stored reviews)")
    citation: Citation
    source: Literal["rule", "model"] = Field(default="rule", description="Which layer found it")
    explanation: str = Field(default="", description="Why it is a violation (the pattern's meaning or the model's)")


class PIIHit(BaseModel):
    """Personal information found in a turn, masked."""

    turn: int = Field(ge=0)
    speaker: Speaker
    type: str = Field(description="Entity type, e.g. CN_MOBILE")
    masked: str = Field(description="The value masked for display, e.g. 138****5678")
    disclosed_by_collector: bool = Field(description="True when the collector said it (a privacy_leak candidate)")


class SemanticLayer(BaseModel):
    """What happened to the model layer."""

    status: Literal["ran", "skipped", "failed", "not_requested"]
    reason: str = ""
    findings: int = Field(default=0, description="Model findings kept after validation and de-duplication")
    rejected: int = Field(default=0, description="Model findings dropped by validation")


class ReviewResult(BaseModel):
    """The verdict on a transcript."""

    verdict: Literal["pass", "fail"]
    findings: list[Finding]
    pii: list[PIIHit]
    semantic_layer: SemanticLayer
    notes: list[str] = Field(default_factory=list, description="Checks that could not run, and why")
    jurisdiction: str = "CN"
