"""What a loan's contract says is due: instalment dates, the instalment amount, and the arrears of an overdue loan.

A reminder quotes these numbers, so they come from here (typed and tested), never from a model. They are computed
from the contract terms on the case file (principal, rate, term, repayment method, disbursement date) and the
balances on it; a bank's core system remains the authority, and a reminder says "应还" only for amounts this module
can derive.

Instalments fall due monthly on the disbursement day (the last day of a shorter month), the first one month after
disbursement, as in the synthetic data and in most Chinese retail loan contracts.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel, Field

from core.domain import Loan, RepaymentMethod
from tools.negotiation.schedule import level_payment

_CENT = Decimal("0.01")
_SLACK = dt.timedelta(days=15)


class AmountDue(BaseModel):
    """What a reminder may quote for one loan on one day."""

    as_of: dt.date
    next_due_date: dt.date | None = Field(description="The next instalment date after as_of; None after maturity")
    instalment: Decimal = Field(description="The contract instalment falling due next (or last missed), in yuan")
    missed_instalments: int = Field(ge=0, description="Instalment dates passed unpaid (0 for a current loan)")
    arrears: Decimal = Field(
        description="Missed instalments plus penalty, capped at the outstanding total (0 if current)"
    )
    outstanding_total: Decimal


def _cents(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def due_date(disbursed: dt.date, k: int) -> dt.date:
    """Date of instalment ``k`` (1-based): ``k`` months after disbursement, clipped to the month's last day."""
    if k < 1:
        raise ValueError("instalments are numbered from 1")
    index = disbursed.month - 1 + k
    year, month = disbursed.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(disbursed.day, calendar.monthrange(year, month)[1]))


def instalments_through(loan: Loan, day: dt.date) -> int:
    """How many instalment dates fall on or before ``day`` (at most the term)."""
    months = (day.year - loan.disbursement_date.year) * 12 + day.month - loan.disbursement_date.month
    k = max(min(months, loan.term_months), 0)
    while k > 0 and due_date(loan.disbursement_date, k) > day:
        k -= 1
    while k < loan.term_months and due_date(loan.disbursement_date, k + 1) <= day:
        k += 1
    return k


def contract_instalment(loan: Loan, k: int) -> Decimal:
    """The amount instalment ``k`` asks for under the loan's repayment method.

    等额本息: the level payment of the original principal. 等额本金: the principal share plus a month's interest on the
    outstanding principal. 先息后本: a month's interest on the outstanding principal, plus the principal at maturity.
    """
    monthly_rate = loan.annual_rate / 12
    if loan.repayment_method is RepaymentMethod.EQUAL_INSTALMENT:
        return level_payment(loan.principal, loan.annual_rate, loan.term_months)
    interest = loan.outstanding_principal * monthly_rate
    if loan.repayment_method is RepaymentMethod.EQUAL_PRINCIPAL:
        return _cents(loan.principal / loan.term_months + interest)
    principal_part = loan.outstanding_principal if k >= loan.term_months else Decimal(0)
    return _cents(interest + principal_part)


def amount_due(loan: Loan, as_of: dt.date) -> AmountDue:
    """The next instalment of a current loan, or the arrears of an overdue one, on ``as_of``.

    The missed instalments are those whose dates fall from ``as_of - days_past_due`` (the first missed date) to
    ``as_of``; their sum plus the penalty is the arrears, never more than the outstanding total. Once the loan has
    matured, everything outstanding is in arrears.
    """
    total = _cents(loan.outstanding_total)
    passed = instalments_through(loan, as_of)
    next_k = passed + 1 if passed < loan.term_months else None
    next_date = due_date(loan.disbursement_date, next_k) if next_k is not None else None
    missed = 0
    if loan.days_past_due > 0:
        # The first missed date is itself an instalment date; looking half a month earlier finds it even when the
        # book's day count drifts a little from calendar months (the previous instalment is a month before it).
        first_missed = as_of - dt.timedelta(days=loan.days_past_due)
        missed = max(passed - instalments_through(loan, first_missed - _SLACK), 1)
    instalment = contract_instalment(loan, next_k if missed == 0 and next_k is not None else max(passed, 1))
    arrears = Decimal(0)
    if missed:
        matured = passed >= loan.term_months
        arrears = total if matured else min(_cents(instalment * missed + loan.outstanding_penalty), total)
    return AmountDue(
        as_of=as_of,
        next_due_date=next_date,
        instalment=min(instalment, total) if total > 0 else instalment,
        missed_instalments=missed,
        arrears=arrears,
        outstanding_total=total,
    )
