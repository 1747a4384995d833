"""Typed inputs and outputs of the offer tools: terms, offers, schedules and authority checks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

OfferKind = Literal["settlement", "instalment"]


class Instalment(BaseModel):
    """One row of a repayment schedule (yuan, to the cent)."""

    number: int = Field(ge=1, description="1-based instalment number")
    due_on: dt.date
    payment: Decimal = Field(description="Principal plus interest due")
    principal: Decimal
    interest: Decimal
    balance_after: Decimal = Field(description="Principal still owed after this payment")


class Schedule(BaseModel):
    """An exact amortisation schedule."""

    method: Literal["equal_instalment"] = "equal_instalment"
    principal: Decimal
    annual_rate: Decimal = Field(description="Nominal annual rate as a fraction")
    months: int = Field(ge=1)
    level_payment: Decimal = Field(description="The level monthly payment; the last one may differ by rounding")
    instalments: list[Instalment]
    total_interest: Decimal
    total_paid: Decimal


class OfferTerms(BaseModel):
    """Terms someone proposes (the debtor, a collector, the agent): checked against the authority matrix."""

    kind: OfferKind
    discount: Decimal = Field(default=Decimal("0.00"), ge=0, description="Principal + interest forgiven, yuan")
    penalty_waived: Decimal = Field(default=Decimal("0.00"), ge=0, description="Penalty interest waived, yuan")
    down_payment: Decimal = Field(default=Decimal("0.00"), ge=0, description="First payment of a plan, yuan")
    months: int = Field(default=0, ge=0, le=600, description="Instalments of a plan (0 for a settlement)")


class Breach(BaseModel):
    """One way terms exceed a role's authority."""

    limit: Literal["max_discount", "min_down_payment", "max_instalments", "waivable_penalty", "balance"]
    allowed: str = Field(description="The limit as an amount or count")
    asked: str = Field(description="What the terms ask for")


class OfferCheck(BaseModel):
    """Terms checked against the matrix for a role."""

    terms: OfferTerms
    role: Literal["collector", "supervisor"]
    within_authority: bool
    breaches: list[Breach] = Field(default_factory=list)
    supervisor_covers: bool = Field(description="Whether a supervisor's own authority covers the terms")
    matrix_version: str


class Offer(BaseModel):
    """An offer the calculator made for a case: always inside the matrix for the role that asked."""

    kind: OfferKind
    case_id: str
    role: Literal["collector", "supervisor"]
    outstanding_total: Decimal
    discount: Decimal
    penalty_waived: Decimal
    amount_due: Decimal = Field(description="Settlement: the lump sum. Plan: the balance after waivers")
    due_on: dt.date = Field(description="Settlement: pay by. Plan: the down payment's due date")
    down_payment: Decimal = Decimal("0.00")
    months: int = 0
    plan_rate_pct: str = Field(default="", description="The plan's annual rate as a percentage, e.g. '7.05%'")
    monthly_payment: Decimal = Decimal("0.00")
    schedule: Schedule | None = None
    matrix_version: str

    def terms(self) -> OfferTerms:
        """The offer's terms (to check them again, or store them for approval)."""
        return OfferTerms(
            kind=self.kind,
            discount=self.discount,
            penalty_waived=self.penalty_waived,
            down_payment=self.down_payment,
            months=self.months,
        )
