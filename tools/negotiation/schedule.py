"""Exact repayment schedules: 等额本息 in ``Decimal`` to the cent, the last instalment absorbing rounding."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, localcontext

from tools.negotiation.models import Instalment, Schedule

CENT = Decimal("0.01")


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def add_months(start: dt.date, months: int) -> dt.date:
    """``start`` plus ``months`` calendar months, the day clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def level_payment(principal: Decimal, annual_rate: Decimal, months: int) -> Decimal:
    """The 等额本息 payment ``P·r·(1+r)^n / ((1+r)^n − 1)``, ``r = annual/12``, rounded half-up to the cent."""
    if months < 1:
        raise ValueError("months must be at least 1")
    if principal < 0 or annual_rate < 0:
        raise ValueError("principal and rate cannot be negative")
    with localcontext() as ctx:
        ctx.prec = 40
        r = annual_rate / 12
        if r == 0:
            return _cents(principal / months)
        growth = (1 + r) ** months
        return _cents(principal * r * growth / (growth - 1))


def equal_instalment_schedule(principal: Decimal, annual_rate: Decimal, months: int, first_due: dt.date) -> Schedule:
    """A 等额本息 schedule of ``months`` payments, the first on ``first_due`` and then monthly.

    Each month's interest is the balance times ``annual_rate / 12`` rounded half-up to the cent; the principal part is
    the level payment less that interest; the last instalment repays whatever balance is left, so the principal parts
    add up to ``principal`` exactly.

    Args:
        principal: The amount to amortise, in yuan (two decimals at most).
        annual_rate: Nominal annual rate as a fraction (0.12 is 12%).
        months: Number of instalments.
        first_due: Due date of the first instalment.
    """
    if principal != _cents(principal):
        raise ValueError(f"{principal} has fractions of a cent")
    payment = level_payment(principal, annual_rate, months)
    rate = annual_rate / 12
    balance = principal
    rows: list[Instalment] = []
    for number in range(1, months + 1):
        interest = _cents(balance * rate)
        part = balance if number == months else min(payment - interest, balance)
        balance -= part
        rows.append(
            Instalment(
                number=number,
                due_on=add_months(first_due, number - 1),
                payment=part + interest,
                principal=part,
                interest=interest,
                balance_after=balance,
            )
        )
    return Schedule(
        method="equal_instalment",
        principal=principal,
        annual_rate=annual_rate,
        months=months,
        level_payment=payment,
        instalments=rows,
        total_interest=sum((r.interest for r in rows), Decimal("0.00")),
        total_paid=sum((r.payment for r in rows), Decimal("0.00")),
    )
