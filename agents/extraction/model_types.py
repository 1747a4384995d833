"""The JSON schema the model answers in: each term as written, with the quote it was read from."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Quoted(BaseModel):
    """A value and the contract text it was read from (both null when the part has no such term)."""

    value: str | None = Field(default=None, description="The value, normalised as the policy says")
    quote: str | None = Field(default=None, description="Text copied exactly from the contract")


class QuotedRate(BaseModel):
    """A rate as written."""

    percent: str | None = Field(default=None, description="The percentage as written, e.g. 4.35")
    basis: Literal["annual", "monthly", "daily"] | None = None
    apr: bool = Field(default=False, description="True when the contract states an APR (年化利率)")
    quote: str | None = None


class QuotedDispute(BaseModel):
    """The dispute-resolution clause."""

    forum: Literal["court", "arbitration"] | None = None
    venue: str | None = Field(default=None, description="Court or arbitration commission named")
    quote: str | None = None


class QuotedFee(BaseModel):
    """A fee."""

    name: str
    amount: str | None = Field(default=None, description="Fixed amount in yuan, figures")
    quote: str


class ModelTerms(BaseModel):
    """Terms of one part of a contract as the model read them."""

    contract_no: Quoted = Field(default_factory=Quoted)
    lender: Quoted = Field(default_factory=Quoted)
    principal: Quoted = Field(default_factory=Quoted, description="Principal in figures, e.g. 100000.00")
    principal_capitals: Quoted = Field(default_factory=Quoted, description="Principal in Chinese capitals")
    annual_rate: QuotedRate = Field(default_factory=QuotedRate)
    term_months: Quoted = Field(default_factory=Quoted)
    start_date: Quoted = Field(default_factory=Quoted)
    maturity_date: Quoted = Field(default_factory=Quoted)
    repayment_method: Quoted = Field(
        default_factory=Quoted,
        description="equal_instalment, equal_principal, interest_first, bullet or minimum_payment",
    )
    repayment_day: Quoted = Field(default_factory=Quoted)
    acceleration: Quoted = Field(default_factory=Quoted, description="'true' when there is an acceleration clause")
    collateral: Quoted = Field(default_factory=Quoted)
    guarantee: Quoted = Field(default_factory=Quoted)
    dispute: QuotedDispute = Field(default_factory=QuotedDispute)
    governing_law: Quoted = Field(default_factory=Quoted)
    signing_date: Quoted = Field(default_factory=Quoted)
    service_address: Quoted = Field(default_factory=Quoted)
    fees: list[QuotedFee] = Field(default_factory=list)
    special_clauses: list[Quoted] = Field(default_factory=list)
