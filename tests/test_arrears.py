"""Instalment dates, contract instalments and arrears, computed from the terms on the case file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.domain import Loan, Product, RepaymentMethod, bucket_for_dpd
from tools.arrears import amount_due, contract_instalment, due_date, instalments_through
from tools.negotiation.schedule import level_payment


def _loan(
    *,
    method: RepaymentMethod = RepaymentMethod.EQUAL_INSTALMENT,
    principal: str = "12000",
    rate: str = "0.12",
    term: int = 12,
    disbursed: dt.date = dt.date(2026, 1, 31),
    outstanding: str = "8000",
    interest: str = "80",
    penalty: str = "0",
    dpd: int = 0,
) -> Loan:
    return Loan(
        id="L1",
        contract_no="HT-1",
        product=Product.CONSUMER_LOAN,
        principal=Decimal(principal),
        annual_rate=Decimal(rate),
        term_months=term,
        disbursement_date=disbursed,
        repayment_method=method,
        outstanding_principal=Decimal(outstanding),
        outstanding_interest=Decimal(interest),
        outstanding_penalty=Decimal(penalty),
        days_past_due=dpd,
        bucket=bucket_for_dpd(dpd),
    )


def test_due_dates_follow_the_disbursement_day_and_clip_to_month_end() -> None:
    d = dt.date(2026, 1, 31)
    assert [due_date(d, k) for k in (1, 2, 3, 12)] == [
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 31),
        dt.date(2026, 4, 30),
        dt.date(2027, 1, 31),
    ]
    with pytest.raises(ValueError):
        due_date(d, 0)
    loan = _loan()
    assert instalments_through(loan, dt.date(2026, 2, 27)) == 0
    assert instalments_through(loan, dt.date(2026, 2, 28)) == 1
    assert instalments_through(loan, dt.date(2026, 11, 28)) == 9  # Feb..Oct; 30 Nov not yet
    assert instalments_through(loan, dt.date(2030, 1, 1)) == 12  # never past the term


def test_instalment_per_repayment_method() -> None:
    assert contract_instalment(_loan(), 3) == level_payment(Decimal("12000"), Decimal("0.12"), 12) == Decimal("1066.19")
    ep = _loan(method=RepaymentMethod.EQUAL_PRINCIPAL)
    assert contract_instalment(ep, 3) == Decimal("1000.00") + Decimal("80.00")  # 12000/12 + 8000 x 1%
    io = _loan(method=RepaymentMethod.INTEREST_FIRST)
    assert contract_instalment(io, 3) == Decimal("80.00")
    assert contract_instalment(io, 12) == Decimal("8080.00")  # principal at maturity


def test_a_current_loan_owes_its_next_instalment_on_its_next_date() -> None:
    due = amount_due(_loan(), dt.date(2026, 11, 28))
    assert due.next_due_date == dt.date(2026, 11, 30)
    assert due.missed_instalments == 0 and due.arrears == Decimal(0)
    assert due.instalment == Decimal("1066.19") and due.outstanding_total == Decimal("8080.00")


def test_an_overdue_loan_owes_its_missed_instalments_and_penalty() -> None:
    # 31 Oct was missed: 28 days past due on 28 Nov -> one instalment plus the penalty.
    one = amount_due(_loan(dpd=28, penalty="15.50"), dt.date(2026, 11, 28))
    assert one.missed_instalments == 1 and one.arrears == Decimal("1081.69")
    # 30 Sep and 31 Oct missed (59 days): two instalments.
    two = amount_due(_loan(dpd=59, penalty="40"), dt.date(2026, 11, 28))
    assert two.missed_instalments == 2 and two.arrears == Decimal("2172.38")


def test_arrears_never_exceed_what_is_outstanding_and_a_matured_loan_owes_everything() -> None:
    small = amount_due(_loan(dpd=151, outstanding="1500", interest="20", penalty="30"), dt.date(2026, 11, 28))
    assert small.missed_instalments == 5 and small.arrears == small.outstanding_total == Decimal("1550.00")
    matured = amount_due(_loan(dpd=10, outstanding="5000", interest="0"), dt.date(2027, 2, 10))
    assert matured.next_due_date is None and matured.arrears == Decimal("5000.00")


def test_every_synthetic_case_gets_consistent_amounts(deps) -> None:
    rows = deps.cases.list_cases(limit=400, offset=0)
    assert len(rows) >= 100
    overdue = 0
    for row in rows:
        case = deps.cases.get_case(row.id)
        due = amount_due(case.loan, case.as_of)
        assert Decimal(0) <= due.arrears <= due.outstanding_total, case.id
        assert (due.missed_instalments > 0) == (case.loan.days_past_due > 0), case.id
        assert (due.arrears > 0) == (case.loan.days_past_due > 0 and due.outstanding_total > 0), case.id
        if 0 < case.loan.days_past_due < 300 and due.next_due_date is not None:  # matured loans stop counting
            overdue += 1
            # The generator lays instalments 30.44 days apart, and calendar months can add one near a month end.
            assert abs(due.missed_instalments - (int(case.loan.days_past_due / 30.44) + 1)) <= 1, case.id
    assert overdue >= 50
