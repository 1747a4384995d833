"""Claims calculation for a lawsuit: principal, interest and penalty to a date, capped by the legal limits, to the cent.

The bank's ledger gives what was owed on the case's ledger date (outstanding principal, interest due and unpaid,
penalty interest charged so far). From that date to the claim date, penalty (default) interest accrues on the
outstanding principal at the contract's penalty rate, simple interest on a 360-day year (日利率 = 年利率 / 360).
Every rate is capped by the limit that applies (tools/legal/limits.py) and every amount over the cap is cut back
pro rata, shown on its own line. The limits and the LPR table are marked unverified in data: ``verified`` says so
and the documents print it.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from pydantic import BaseModel, Field

from core.capitals import to_capitals
from core.domain import Loan
from tools.extraction.schema import ContractTerms
from tools.legal.limits import formation_date, load_limits, private_lending_cap

CENT = Decimal("0.01")
DAYS_PER_YEAR = 360
Regime = Literal["financial_institution", "private_lending"]
ClaimItem = Literal["principal", "interest", "penalty", "penalty_accrued"]
_INSTITUTION_WORDS = ("银行", "信用社", "消费金融", "信托", "金融")


class ClaimsError(ValueError):
    """The claims cannot be calculated (no rate in the contract, a claim date before the ledger date...)."""


class AppliedCap(BaseModel):
    """The annual cap the claims were held to."""

    regime: Regime
    annual: Decimal = Field(description="Cap as a fraction per year")
    basis: str
    rule: str
    verified: bool = Field(description="False when the cap rests on data not checked against its source")


class ClaimLine(BaseModel):
    """One line of the calculation, with its inputs and the arithmetic written out."""

    item: ClaimItem
    label: str = Field(description="Chinese label as printed in the documents")
    amount: Decimal = Field(description="Yuan, to the cent")
    base: Decimal | None = Field(default=None, description="Amount the rate applies to (yuan)")
    stated_annual: Decimal | None = Field(default=None, description="Contract rate per year (fraction)")
    applied_annual: Decimal | None = Field(default=None, description="Rate used after the cap (fraction)")
    start: dt.date | None = None
    end: dt.date | None = None
    days: int | None = None
    capped: bool = False
    formula: str = Field(description="The arithmetic, e.g. 100000.00 × 18.00% ÷ 360 × 30 = 1500.00")
    note: str = ""


class ClaimsCalculation(BaseModel):
    """The whole calculation: lines, total (figures and capitals), cap and what it rests on."""

    case_id: str
    contract_no: str
    ledger_date: dt.date
    claim_date: dt.date
    default_date: dt.date
    cap: AppliedCap
    lines: list[ClaimLine]
    total: Decimal
    total_capitals: str
    verified: bool
    warnings: list[str] = Field(default_factory=list)


def _yuan(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _pct(rate: Decimal) -> str:
    return f"{(rate * 100).quantize(Decimal('0.0001')).normalize():f}%"


def regime_for(lender: str | None) -> Regime:
    """Licensed financial institutions (banks, credit cooperatives, consumer finance) vs private lending."""
    if lender and any(word in lender for word in _INSTITUTION_WORDS):
        return "financial_institution"
    return "private_lending"


def applied_cap(regime: Regime, formed_on: dt.date | None) -> AppliedCap:
    """The annual cap for ``regime``.

    Raises:
        ClaimsError: private lending with no contract date, or no LPR in the table for it.
    """
    if regime == "financial_institution":
        fin = load_limits().financial_institution
        basis = f"金融借款年综合成本不超过{_pct(fin.total_cost_cap_annual)}"
        return AppliedCap(
            regime=regime, annual=fin.total_cost_cap_annual, basis=basis, rule=fin.source, verified=fin.verified
        )
    if formed_on is None:
        raise ClaimsError("the contract has no signing or start date: cannot tell which interest cap applies")
    cap = private_lending_cap(formed_on)
    if cap.annual is None:
        raise ClaimsError(f"cannot cap the interest: {cap.note}")
    return AppliedCap(regime=regime, annual=cap.annual, basis=cap.basis, rule=cap.rule, verified=cap.verified)


def _capped_ledger_line(
    item: ClaimItem, label: str, amount: Decimal, stated: Decimal, cap: AppliedCap, ledger_date: dt.date
) -> ClaimLine:
    """A ledger amount charged at ``stated``; cut back pro rata when the rate is over the cap."""
    amount = _yuan(amount)
    if stated <= cap.annual or amount == 0:
        return ClaimLine(
            item=item, label=label, amount=amount, stated_annual=stated, applied_annual=stated, end=ledger_date,
            formula=f"{amount:f}（台账截至{ledger_date.isoformat()}）",
        )  # fmt: skip
    cut = _yuan(amount * cap.annual / stated)
    return ClaimLine(
        item=item, label=label, amount=cut, stated_annual=stated, applied_annual=cap.annual, end=ledger_date,
        capped=True, formula=f"{amount:f} × {_pct(cap.annual)} ÷ {_pct(stated)} = {cut:f}",
        note=f"约定年利率{_pct(stated)}超过上限{_pct(cap.annual)}，超出部分{amount - cut:f}元不予主张",
    )  # fmt: skip


def calculate_claims(
    terms: ContractTerms,
    loan: Loan,
    *,
    case_id: str,
    ledger_date: dt.date,
    claim_date: dt.date,
    regime: Regime | None = None,
) -> ClaimsCalculation:
    """Principal, interest and penalty owed on ``claim_date``, capped, line by line.

    Args:
        terms: The contract's extracted terms (rate, penalty, lender, dates).
        loan: The case's loan with the ledger as of ``ledger_date``.
        case_id: The case, for the record.
        ledger_date: The date the ledger amounts are as of (the case's ``as_of``).
        claim_date: The date interest is counted to; not before ``ledger_date``.
        regime: Which cap applies; by default decided from the lender's name.

    Raises:
        ClaimsError: no rate in the contract, a claim date before the ledger date, or no cap can be found.
    """
    if claim_date < ledger_date:
        raise ClaimsError(
            f"claim date {claim_date.isoformat()} is before the ledger date {ledger_date.isoformat()}; "
            "interest can only be counted forward from the ledger"
        )
    if terms.annual_rate is None:
        raise ClaimsError("the extracted contract has no interest rate: the claims cannot be calculated")
    warnings: list[str] = []
    lender = terms.lender.value if terms.lender else None
    cap = applied_cap(regime or regime_for(lender), formation_date(terms))
    rate = terms.annual_rate.value.annual
    if terms.penalty is not None:
        penalty_rate = terms.penalty.value.annual(rate)
    else:
        penalty_rate = rate
        warnings.append("合同未约定罚息，逾期期间按合同利率计算 / no penalty clause: contract rate used")
    principal = _yuan(loan.outstanding_principal)
    lines = [
        ClaimLine(
            item="principal", label="借款本金", amount=principal, end=ledger_date,
            formula=f"{principal:f}（未还本金，台账截至{ledger_date.isoformat()}）",
        ),
        _capped_ledger_line("interest", "利息（已到期未付）", loan.outstanding_interest, rate, cap, ledger_date),
        _capped_ledger_line("penalty", "罚息（截至台账日）", loan.outstanding_penalty, penalty_rate, cap, ledger_date),
    ]  # fmt: skip
    days = (claim_date - ledger_date).days
    if days > 0 and principal > 0:
        applied = min(penalty_rate, cap.annual)
        accrued = _yuan(principal * applied / DAYS_PER_YEAR * days)
        lines.append(ClaimLine(
            item="penalty_accrued", label="罚息（台账日至计算日）", amount=accrued, base=principal,
            stated_annual=penalty_rate, applied_annual=applied, start=ledger_date, end=claim_date, days=days,
            capped=penalty_rate > cap.annual,
            formula=f"{principal:f} × {_pct(applied)} ÷ {DAYS_PER_YEAR} × {days}天 = {accrued:f}",
            note=f"罚息年利率{_pct(penalty_rate)}超过上限，按{_pct(cap.annual)}计" if penalty_rate > cap.annual else "",
        ))  # fmt: skip
    total = sum((line.amount for line in lines), Decimal(0))
    contract_no = terms.contract_no.value if terms.contract_no else loan.contract_no
    return ClaimsCalculation(
        case_id=case_id,
        contract_no=contract_no,
        ledger_date=ledger_date,
        claim_date=claim_date,
        default_date=ledger_date - dt.timedelta(days=loan.days_past_due),
        cap=cap,
        lines=lines,
        total=total,
        total_capitals=to_capitals(total),
        verified=cap.verified,
        warnings=warnings,
    )
