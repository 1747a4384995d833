"""The contract terms schema: every field carries its value, its source span (page, start, end, quote) and origin."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")
Origin = Literal["rules", "model"]
RateBasis = Literal["annual", "monthly", "daily"]
RateKind = Literal["simple", "apr"]
Repayment = Literal["equal_instalment", "equal_principal", "interest_first", "bullet", "minimum_payment"]
Forum = Literal["court", "arbitration"]
Severity = Literal["error", "warning", "info"]


class Span(BaseModel):
    """Where a value was read: the page, character offsets into the document text and the quoted text."""

    page: int | None = Field(description="1-based page; None for formats without pages")
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    quote: str


class Sourced(BaseModel, Generic[T]):
    """A value with the span it came from and who read it (deterministic rules or the model)."""

    value: T
    span: Span
    origin: Origin


class Party(BaseModel):
    """A person party: name and resident ID as pseudonyms (``<PERSON_1>``), never raw."""

    name: str = Field(description="Pseudonym of the name, e.g. <PERSON_1>")
    id_number: str | None = Field(default=None, description="Pseudonym of the resident ID, e.g. <CN_RESIDENT_ID_1>")
    case_role: str | None = Field(default=None, description="'debtor' or 'guarantor' when it matches the case")


class Money(BaseModel):
    """An amount in figures."""

    amount: Decimal = Field(ge=0, description="Yuan, two decimals")
    currency: str = Field(default="CNY")


class CapitalsAmount(BaseModel):
    """An amount written in Chinese capitals and its value."""

    text: str = Field(description="As written, e.g. 壹拾万元整")
    amount: Decimal = Field(ge=0)


class Rate(BaseModel):
    """An interest rate as stated, with its basis, and its annual equivalent (360-day year for daily rates)."""

    stated_percent: Decimal = Field(description="The number as written, in percent (0.05 for 日利率0.05%)")
    basis: RateBasis
    kind: RateKind = "simple"
    annual: Decimal = Field(description="Annual rate as a fraction: monthly x 12, daily x 360")


class Penalty(BaseModel):
    """Default (penalty) interest: a mark-up on the contract rate, or a rate of its own."""

    markup: Decimal | None = Field(default=None, description="0.5 means 50% above the contract rate")
    rate: Rate | None = None

    def annual(self, contract_annual: Decimal) -> Decimal:
        """The default interest rate per year as a fraction."""
        if self.rate is not None:
            return self.rate.annual
        return contract_annual * (1 + (self.markup or Decimal(0)))


class Fee(BaseModel):
    """A fee the borrower pays."""

    name: str
    amount: Decimal | None = Field(default=None, description="Fixed amount in yuan")
    rate: Rate | None = Field(default=None, description="Fee as a rate of principal")


class Dispute(BaseModel):
    """How disputes are resolved."""

    forum: Forum
    venue: str = Field(description="The court or arbitration commission named")


class ContractTerms(BaseModel):
    """All terms of a loan contract; each one with its span, or None."""

    contract_no: Sourced[str] | None = None
    lender: Sourced[str] | None = None
    borrower: Sourced[Party] | None = None
    guarantors: list[Sourced[Party]] = Field(default_factory=list)
    principal: Sourced[Money] | None = None
    principal_capitals: Sourced[CapitalsAmount] | None = None
    annual_rate: Sourced[Rate] | None = None
    term_months: Sourced[int] | None = None
    start_date: Sourced[dt.date] | None = None
    maturity_date: Sourced[dt.date] | None = None
    repayment_method: Sourced[Repayment] | None = None
    repayment_day: Sourced[int] | None = None
    penalty: Sourced[Penalty] | None = None
    fees: list[Sourced[Fee]] = Field(default_factory=list)
    acceleration: Sourced[bool] | None = None
    collateral: Sourced[str] | None = None
    guarantee: Sourced[str] | None = None
    dispute: Sourced[Dispute] | None = None
    governing_law: Sourced[str] | None = None
    signing_date: Sourced[dt.date] | None = None
    service_address: Sourced[str] | None = None
    special_clauses: list[Sourced[str]] = Field(default_factory=list)


SCALAR_FIELDS: tuple[str, ...] = tuple(
    name for name, info in ContractTerms.model_fields.items() if not str(info.annotation).startswith("list")
)
LIST_FIELDS: tuple[str, ...] = ("guarantors", "fees", "special_clauses")


class FieldNote(BaseModel):
    """Why a field is empty, or what was doubtful about it."""

    field: str
    reason: str


class Disagreement(BaseModel):
    """The rules and the model read a field differently; both are kept for a person to decide."""

    field: str
    rules_value: str
    model_value: str
    rules_span: Span | None = None
    model_span: Span | None = None


class Finding(BaseModel):
    """A check's result: a usurious rate, amounts that disagree, dates out of order."""

    code: str = Field(description="Stable code, e.g. rate_above_cap")
    severity: Severity
    field: str | None = None
    message: str
    rule: str | None = Field(
        default=None, description="Knowledge-base rule id, e.g. cn-spc-private-lending/interest-cap"
    )
    verified: bool = Field(default=True, description="False when the check rests on unverified data (LPR table)")


class ExtractionResult(BaseModel):
    """What the extraction agent returns for one contract."""

    file_name: str
    file_kind: str
    pages: int
    chars: int
    terms: ContractTerms
    notes: list[FieldNote] = Field(default_factory=list)
    disagreements: list[Disagreement] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    model_used: bool = False
    model_chunks: int = 0
    case_id: str | None = None
    extraction_id: str | None = Field(default=None, description="Id of the stored result, when stored")
