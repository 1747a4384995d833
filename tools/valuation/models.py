"""Input and output models of the valuation tools (money as ``Decimal`` yuan to the cent)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, Field

CENT = Decimal("0.01")


def yuan(value: float) -> Decimal:
    """A float amount in yuan as ``Decimal`` rounded to the cent."""
    return Decimal(repr(round(float(value), 2))).quantize(CENT)


class Comparable(BaseModel):
    """One recorded sale used as a comparable, with its price adjusted to the valuation date."""

    deal_date: dt.date
    district: str
    area_sqm: float
    build_year: int
    price: Decimal = Field(description="Price paid, yuan")
    adjusted_price_per_sqm: Decimal = Field(description="Yuan per m², moved to the valuation date by the index")


class CollateralValuation(BaseModel):
    """Comparables valuation of one pledged flat."""

    city: str
    district: str
    area_sqm: float
    build_year: int
    value: Decimal = Field(description="Estimated market value at the valuation date, yuan")
    value_low: Decimal = Field(description="Lower end of the 90% interval, yuan")
    value_high: Decimal = Field(description="Upper end of the 90% interval, yuan")
    price_per_sqm: Decimal = Field(description="Estimated yuan per m²")
    liquidation_haircut: float = Field(ge=0, lt=1, description="Discount of a forced (judicial) sale to market")
    liquidation_value: Decimal = Field(description="value × (1 - haircut), yuan")
    time_to_sale_days: int = Field(ge=0, description="Expected days from filing to sale: procedure plus marketing")
    district_median_days_on_market: float = Field(ge=0)
    comparables_used: int = Field(ge=0, description="Transactions in the city the model was fitted on")
    comparables: list[Comparable] = Field(default_factory=list, description="Nearest sales in the district")
    appraisal: Decimal = Field(description="The bank's recorded appraisal, yuan (for reference)")
    appraisal_date: dt.date
    valuation_date: dt.date
    method: str = Field(description="How the value was estimated")


class Quantiles(BaseModel):
    """Percentiles of a simulated amount."""

    p10: Decimal
    p50: Decimal
    p90: Decimal


class CaseValuation(BaseModel):
    """Valuation of one case: repayment curve, simulated recovery, costs and collateral."""

    case_id: str
    outstanding_total: Decimal = Field(description="Principal, interest and penalty outstanding, yuan")
    claim: Decimal = Field(description="The amount valued (outstanding unless a package line says otherwise)")
    repayment_curve: list[float] = Field(description="P(first repayment by month m), m = 1..12", min_length=12)
    p_repay_90d: float = Field(ge=0, le=1)
    p_any_12m: float = Field(ge=0, le=1)
    expected_recovery: Decimal = Field(description="Mean simulated 12-month recovery, yuan")
    expected_recovery_analytic: Decimal = Field(description="The closed-form expectation the simulation estimates")
    recovery: Quantiles = Field(description="P10/P50/P90 of the 12-month recovery")
    recovery_rate: float = Field(description="expected_recovery / claim")
    expected_months_to_recovery: float | None = Field(description="Mean month of the first repayment, given one")
    expected_cost: Decimal = Field(description="Mean cost of collection, yuan")
    expected_npv: Decimal = Field(description="Mean discounted recoveries net of costs, yuan")
    collateral: list[CollateralValuation] = Field(default_factory=list)
    paths: int
    seed: int
    discount_rate: float
    model_version: str
    policy_version: str


class PackageLine(BaseModel):
    """One case of a transfer package; the claim defaults to the case's outstanding balance."""

    case_id: str = Field(min_length=2, max_length=16)
    claim: Decimal | None = Field(default=None, ge=0, description="Claim transferred, yuan")


class CaseSummary(BaseModel):
    """One case's line in a package valuation."""

    case_id: str
    claim: Decimal
    expected_recovery: Decimal
    expected_cost: Decimal
    expected_npv: Decimal
    p_any_12m: float


class PackageValuation(BaseModel):
    """Pricing of a set of cases (a 银登中心-style transfer package)."""

    cases: int
    claim_total: Decimal
    discount_rate: float
    expected_recovery: Decimal
    recovery: Quantiles = Field(description="P10/P50/P90 of the package's 12-month recovery")
    expected_cost: Decimal
    expected_npv: Decimal = Field(description="Mean NPV of recoveries minus costs at the discount rate")
    npv: Quantiles = Field(description="P10/P50/P90 of the package NPV")
    bid_low: Decimal = Field(description="Conservative bid: the P10 NPV (never below zero)")
    bid_high: Decimal = Field(description="Break-even bid at the discount rate: the mean NPV (never below zero)")
    bid_low_pct: float = Field(description="bid_low / claim_total")
    bid_high_pct: float = Field(description="bid_high / claim_total")
    expected_months_to_recovery: float | None
    lines: list[CaseSummary]
    paths: int
    seed: int
    model_version: str
    policy_version: str
