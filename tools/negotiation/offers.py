"""The offer calculator: settlements and instalment plans inside the authority matrix, and checks of any terms."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, ROUND_UP, Decimal

from pydantic import BaseModel, Field

from core.domain import CaseFile
from tools.negotiation.authority import AuthorityLimits, AuthorityMatrix, AuthorityRole, default_matrix
from tools.negotiation.models import Breach, Offer, OfferCheck, OfferTerms
from tools.negotiation.schedule import CENT, add_months, equal_instalment_schedule, level_payment

ZERO = Decimal("0.00")


def _down(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_DOWN)


def _up(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_UP)


class Position(BaseModel):
    """What the debtor owes, split the way the matrix reads it."""

    principal: Decimal
    interest: Decimal
    penalty: Decimal
    total: Decimal


class PlanRequest(BaseModel):
    """What an instalment plan should look like (the calculator clamps it to the authority)."""

    months: int | None = Field(default=None, ge=1, le=600, description="Wanted months; longest allowed when None")
    monthly_budget: Decimal | None = Field(default=None, gt=0, description="What the debtor can pay a month, yuan")


def position(case: CaseFile) -> Position:
    """The case's outstanding principal, interest, penalty and total."""
    loan = case.loan
    return Position(
        principal=loan.outstanding_principal,
        interest=loan.outstanding_interest,
        penalty=loan.outstanding_penalty,
        total=loan.outstanding_total,
    )


def limits_for(case: CaseFile, role: AuthorityRole, matrix: AuthorityMatrix | None = None) -> AuthorityLimits:
    """The role's authority on this case."""
    matrix = matrix or default_matrix()
    return matrix.limits(case.loan.bucket, case.loan.outstanding_total, role)


def max_discount(pos: Position, limits: AuthorityLimits) -> Decimal:
    """Largest forgiveness of principal + interest the limits allow, rounded down to the cent."""
    return _down((pos.principal + pos.interest) * limits.max_discount)


def max_penalty_waiver(pos: Position, limits: AuthorityLimits) -> Decimal:
    """Largest penalty waiver the limits allow, rounded down to the cent."""
    return _down(pos.penalty * limits.waivable_penalty)


def min_down_payment(plan_balance: Decimal, limits: AuthorityLimits) -> Decimal:
    """Smallest down payment the limits allow on ``plan_balance``, rounded up to the cent."""
    return _up(plan_balance * limits.min_down_payment)


def _breaches(pos: Position, terms: OfferTerms, limits: AuthorityLimits) -> list[Breach]:
    out: list[Breach] = []
    if terms.discount > max_discount(pos, limits):
        out.append(Breach(limit="max_discount", allowed=f"{max_discount(pos, limits)}", asked=f"{terms.discount}"))
    if terms.penalty_waived > max_penalty_waiver(pos, limits):
        waiver = max_penalty_waiver(pos, limits)
        out.append(Breach(limit="waivable_penalty", allowed=f"{waiver}", asked=f"{terms.penalty_waived}"))
    if terms.discount + terms.penalty_waived > pos.total:
        out.append(Breach(limit="balance", allowed=f"{pos.total}", asked=f"{terms.discount + terms.penalty_waived}"))
    if terms.kind == "instalment":
        balance = pos.total - terms.penalty_waived - terms.discount
        floor = min_down_payment(balance, limits)
        if terms.down_payment < floor:
            out.append(Breach(limit="min_down_payment", allowed=f"{floor}", asked=f"{terms.down_payment}"))
        if terms.months > limits.max_instalments:
            out.append(Breach(limit="max_instalments", allowed=f"{limits.max_instalments}", asked=f"{terms.months}"))
    return out


def check_terms(
    case: CaseFile, terms: OfferTerms, role: AuthorityRole, matrix: AuthorityMatrix | None = None
) -> OfferCheck:
    """Check proposed terms against ``role``'s authority on this case, and say whether a supervisor's covers them.

    Args:
        case: The case.
        terms: The proposed terms.
        role: The role proposing (collector or supervisor).
        matrix: The authority matrix (the shipped one by default).
    """
    matrix = matrix or default_matrix()
    pos = position(case)
    breaches = _breaches(pos, terms, limits_for(case, role, matrix))
    supervisor = breaches if role == "supervisor" else _breaches(pos, terms, limits_for(case, "supervisor", matrix))
    return OfferCheck(
        terms=terms,
        role=role,
        within_authority=not breaches,
        breaches=breaches,
        supervisor_covers=not supervisor,
        matrix_version=matrix.version,
    )


def settlement_offer(
    case: CaseFile, role: AuthorityRole, today: dt.date, matrix: AuthorityMatrix | None = None
) -> Offer | None:
    """The best lump-sum settlement ``role`` may offer (None when it forgives nothing: that is just full payment)."""
    matrix = matrix or default_matrix()
    pos = position(case)
    limits = limits_for(case, role, matrix)
    discount, waived = max_discount(pos, limits), max_penalty_waiver(pos, limits)
    if discount + waived == ZERO or pos.total <= ZERO:
        return None
    return Offer(
        kind="settlement",
        case_id=case.id,
        role=role,
        outstanding_total=pos.total,
        discount=discount,
        penalty_waived=waived,
        amount_due=pos.total - discount - waived,
        due_on=today + dt.timedelta(days=matrix.settlement_window_days),
        matrix_version=matrix.version,
    )


def _plan_months(
    remaining: Decimal, rate: Decimal, limits: AuthorityLimits, minimum: Decimal, wish: PlanRequest
) -> int:
    longest = limits.max_instalments
    # No more months than keep each payment at least the minimum instalment.
    longest = max(1, min(longest, int(remaining // minimum)))
    if wish.months is not None:
        return min(wish.months, longest)
    if wish.monthly_budget is not None:
        for months in range(1, longest + 1):
            if level_payment(remaining, rate, months) <= wish.monthly_budget:
                return months
    return longest


def instalment_offer(
    case: CaseFile,
    role: AuthorityRole,
    today: dt.date,
    wish: PlanRequest | None = None,
    matrix: AuthorityMatrix | None = None,
) -> Offer | None:
    """An instalment plan inside ``role``'s authority (None when nothing is owed).

    The largest penalty waiver, the smallest down payment, and the wanted number of months (clamped), amortised
    等额本息 at the contract rate capped by the matrix.

    Args:
        case: The case.
        role: The role the plan is offered under.
        today: The negotiation date; the down payment is due within the matrix's settlement window.
        wish: Wanted months or monthly budget; the longest allowed plan when None.
        matrix: The authority matrix (the shipped one by default).
    """
    matrix = matrix or default_matrix()
    pos = position(case)
    if pos.total <= ZERO:
        return None
    limits = limits_for(case, role, matrix)
    waived = max_penalty_waiver(pos, limits)
    balance = pos.total - waived
    down = min_down_payment(balance, limits)
    remaining = balance - down
    rate = min(case.loan.annual_rate, matrix.plan_rate_cap)
    down_due = today + dt.timedelta(days=matrix.settlement_window_days)
    months = _plan_months(remaining, rate, limits, matrix.min_instalment, wish or PlanRequest())
    schedule = equal_instalment_schedule(remaining, rate, months, add_months(down_due, 1)) if remaining > 0 else None
    return Offer(
        kind="instalment",
        case_id=case.id,
        role=role,
        outstanding_total=pos.total,
        discount=ZERO,
        penalty_waived=waived,
        amount_due=balance,
        due_on=down_due,
        down_payment=down,
        months=months if schedule else 0,
        plan_rate_pct=f"{(rate * 100).normalize():f}%",
        monthly_payment=schedule.level_payment if schedule else ZERO,
        schedule=schedule,
        matrix_version=matrix.version,
    )
