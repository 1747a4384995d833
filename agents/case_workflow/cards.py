"""The case card: a masked, display-ready summary of a case (safe for traces, checkpoints and any role)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from core.domain import CaseFile
from core.masking import mask_name, mask_phone


class CaseCard(BaseModel):
    """What a collector sees at a glance; PII masked."""

    case_id: str
    debtor_name: str = Field(description="Masked, e.g. 张**")
    phone: str | None = Field(description="Masked primary phone, e.g. 138****5678")
    city: str
    product: str
    bucket: str
    days_past_due: int
    outstanding_principal: str
    outstanding_interest: str
    outstanding_penalty: str
    outstanding_total: str
    status: str
    tier: str | None
    queue: str | None
    legal_status: str
    flags: list[str]
    last_contact_at: dt.datetime | None
    last_payment_on: dt.date | None
    open_promises: int
    as_of: dt.date


def case_card(case: CaseFile) -> CaseCard:
    """Build the masked card of ``case``."""
    loan = case.loan
    return CaseCard(
        case_id=case.id,
        debtor_name=mask_name(case.debtor.name),
        phone=mask_phone(case.debtor.phones[0]) if case.debtor.phones else None,
        city=case.debtor.city,
        product=loan.product.value,
        bucket=loan.bucket.value,
        days_past_due=loan.days_past_due,
        outstanding_principal=f"{loan.outstanding_principal:.2f}",
        outstanding_interest=f"{loan.outstanding_interest:.2f}",
        outstanding_penalty=f"{loan.outstanding_penalty:.2f}",
        outstanding_total=f"{loan.outstanding_total:.2f}",
        status=case.status,
        tier=case.tier,
        queue=case.queue,
        legal_status=case.legal_status.value,
        flags=[f.value for f in case.flags],
        last_contact_at=case.contacts[-1].at if case.contacts else None,
        last_payment_on=case.repayments[-1].paid_on if case.repayments else None,
        open_promises=sum(1 for p in case.promises if p.status == "pending"),
        as_of=case.as_of,
    )
