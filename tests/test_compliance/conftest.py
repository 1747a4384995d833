"""Fixtures of the compliance tests: a hand-built case file and transcript helpers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.domain import Bucket, CaseFile, Debtor, EmergencyContact, LegalStatus, Loan, Product, RepaymentMethod


def make_case(**overrides: object) -> CaseFile:
    """A small, fully decrypted case (debtor in mainland China, +08:00)."""
    debtor = Debtor(
        id="D1", name="张伟", resident_id="110101199003077571", phones=["13812345678"],
        address="北京市朝阳区建国路88号",
        birth_date=dt.date(1990, 3, 7), gender="M", province="北京", city="北京", city_tier=1, income_band="mid",
        employment="employed", utc_offset_min=480,
        contacts=[EmergencyContact(name="王芳", relation="配偶", phone="13987654321")],
    )  # fmt: skip
    loan = Loan(
        id="L1", contract_no="C-1", product=Product.CONSUMER_LOAN, principal=Decimal(50000),
        annual_rate=Decimal("0.12"),
        term_months=24, disbursement_date=dt.date(2024, 1, 1), repayment_method=RepaymentMethod.EQUAL_INSTALMENT,
        outstanding_principal=Decimal(30000), outstanding_interest=Decimal(500), outstanding_penalty=Decimal(100),
        days_past_due=45, bucket=Bucket.M2,
    )  # fmt: skip
    values: dict[str, object] = {
        "id": "C1", "tenant": "default", "status": "open", "queue": None, "strategy": None, "tier": None,
        "legal_status": LegalStatus.NONE, "flags": [], "notes": "", "opened_on": dt.date(2026, 1, 1),
        "as_of": dt.date(2026, 3, 1), "debtor": debtor, "loan": loan,
    }  # fmt: skip
    values.update(overrides)
    return CaseFile.model_validate(values)


@pytest.fixture
def case() -> CaseFile:
    """A case with no flags."""
    return make_case()
