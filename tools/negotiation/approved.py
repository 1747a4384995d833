"""Supervisor-decided terms in later turns: approved terms become the offer, rejected ones are not asked for again.

An approved offer is recomputed by the calculator from the stored terms and the case as it stands today, and checked
against the supervisor's row of the matrix; terms that no longer fit (the debtor paid since, the matrix changed) are
not used. Nothing here reads model or debtor text.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, Field

from core.domain import CaseFile
from tools.negotiation.approvals import ApprovalRecord
from tools.negotiation.authority import AuthorityMatrix, default_matrix
from tools.negotiation.models import Breach, Offer, OfferTerms
from tools.negotiation.offers import ZERO, check_terms, position
from tools.negotiation.schedule import add_months, equal_instalment_schedule


class ApprovedTermsError(ValueError):
    """Approved terms that the supervisor's row of the matrix no longer covers for this case."""

    def __init__(self, approval_id: int, breaches: list[Breach]) -> None:
        """Keep the breaches for the audit note."""
        self.approval_id, self.breaches = approval_id, breaches
        super().__init__(f"approval #{approval_id} no longer fits: " + ", ".join(b.limit for b in breaches))


class Decided(BaseModel):
    """What the case's decided approvals mean for this turn."""

    approved_offer: Offer | None = Field(default=None, description="The latest approved terms, recomputed today")
    approval_id: int | None = Field(default=None, description="The approval behind ``approved_offer``")
    approved_terms: list[tuple[int, OfferTerms]] = Field(default_factory=list, description="(id, terms) approved")
    rejected: list[tuple[int, OfferTerms]] = Field(default_factory=list, description="(id, terms) rejected")
    problems: list[str] = Field(default_factory=list, description="Approved terms that no longer fit, and why")


def covers(granted: OfferTerms, asked: OfferTerms) -> bool:
    """Whether ``granted`` is at least as generous to the debtor as ``asked`` on every term (same kind only)."""
    if granted.kind != asked.kind:
        return False
    generous = granted.discount >= asked.discount and granted.penalty_waived >= asked.penalty_waived
    if granted.kind == "settlement":
        return generous
    return generous and granted.down_payment <= asked.down_payment and granted.months >= asked.months


def approved_offer(
    case: CaseFile, terms: OfferTerms, today: dt.date, *, approval_id: int, matrix: AuthorityMatrix | None = None
) -> Offer:
    """The offer for supervisor-approved ``terms`` on the case as it stands: exact amounts and 等额本息 schedule.

    Args:
        case: The case.
        terms: The approved terms (as stored with the approval).
        today: The negotiation date; the lump sum or down payment is due within the settlement window.
        approval_id: The approval, for the error message.
        matrix: The authority matrix (the shipped one by default).

    Raises:
        ApprovedTermsError: the supervisor's row does not cover the terms on today's balance.
    """
    matrix = matrix or default_matrix()
    check = check_terms(case, terms, "supervisor", matrix)
    if not check.within_authority:
        raise ApprovedTermsError(approval_id, check.breaches)
    pos = position(case)
    due = today + dt.timedelta(days=matrix.settlement_window_days)
    balance = pos.total - terms.discount - terms.penalty_waived
    common = {
        "case_id": case.id, "role": "supervisor", "outstanding_total": pos.total, "discount": terms.discount,
        "penalty_waived": terms.penalty_waived, "amount_due": balance, "due_on": due,
        "matrix_version": matrix.version,
    }  # fmt: skip
    if terms.kind == "settlement":
        return Offer(kind="settlement", **common)
    remaining = balance - terms.down_payment
    if remaining > ZERO and terms.months < 1:
        raise ApprovedTermsError(approval_id, [Breach(limit="max_instalments", allowed="≥1", asked="0")])
    rate = min(case.loan.annual_rate, matrix.plan_rate_cap)
    schedule = (
        equal_instalment_schedule(remaining, rate, terms.months, add_months(due, 1)) if remaining > ZERO else None
    )
    return Offer(
        kind="instalment",
        **common,
        down_payment=min(terms.down_payment, balance),
        months=terms.months if schedule else 0,
        plan_rate_pct=f"{(rate * 100).normalize():f}%",
        monthly_payment=schedule.level_payment if schedule else Decimal("0.00"),
        schedule=schedule,
    )


def decided(case: CaseFile, approvals: list[ApprovalRecord], today: dt.date) -> Decided:
    """Sort the case's approvals: the latest approved terms that still fit become the offer; rejections are kept.

    Args:
        case: The case.
        approvals: The case's approvals (any status, any thread), oldest first.
        today: The negotiation date.
    """
    out = Decided()
    for record in approvals:
        if record.status == "rejected":
            out.rejected.append((record.id, record.terms))
        elif record.status == "approved":
            out.approved_terms.append((record.id, record.terms))
    for approval_id, terms in reversed(out.approved_terms):
        # A later rejection of terms no more generous than these withdraws them.
        if any(rid > approval_id and covers(terms, rejected) for rid, rejected in out.rejected):
            out.problems.append(f"approval #{approval_id} was superseded by a later rejection")
            continue
        try:
            out.approved_offer = approved_offer(case, terms, today, approval_id=approval_id)
        except ApprovedTermsError as exc:
            out.problems.append(str(exc))
            continue
        out.approval_id = approval_id
        break
    return out
