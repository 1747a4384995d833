"""Pydantic domain models: what the rest of the code passes around (decrypted, money as ``Decimal`` yuan)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Product(StrEnum):
    """Loan products in the portfolio."""

    CONSUMER_LOAN = "consumer_loan"
    CREDIT_CARD = "credit_card"
    PROPERTY_BACKED = "property_backed"


class RepaymentMethod(StrEnum):
    """Amortisation methods of Chinese retail loans."""

    EQUAL_INSTALMENT = "equal_instalment"  # 等额本息
    EQUAL_PRINCIPAL = "equal_principal"  # 等额本金
    INTEREST_FIRST = "interest_first"  # 先息后本


class Bucket(StrEnum):
    """Delinquency bucket by days past due (M0 current .. M6+ over 180 days)."""

    M0 = "M0"
    M1 = "M1"
    M2 = "M2"
    M3 = "M3"
    M4 = "M4"
    M5 = "M5"
    M6_PLUS = "M6+"


def bucket_for_dpd(dpd: int) -> Bucket:
    """Bucket of a loan ``dpd`` days past due: M0 is 0, M1 is 1-30, ... M6+ is over 180."""
    if dpd < 0:
        raise ValueError("days past due cannot be negative")
    if dpd == 0:
        return Bucket.M0
    index = min((dpd - 1) // 30 + 1, 6)
    return Bucket.M6_PLUS if index == 6 else Bucket(f"M{index}")


class Channel(StrEnum):
    """Contact channels."""

    CALL = "call"
    SMS = "sms"
    WECHAT = "wechat"
    APP = "app"
    VISIT = "visit"
    LETTER = "letter"


class ContactOutcome(StrEnum):
    """Outcome of a contact attempt."""

    NO_ANSWER = "no_answer"
    CONNECTED = "connected"
    RIGHT_PARTY_CONTACT = "right_party_contact"
    PROMISE_TO_PAY = "promise_to_pay"
    REFUSED = "refused"
    WRONG_NUMBER = "wrong_number"


class PromiseStatus(StrEnum):
    """State of a promise to pay."""

    PENDING = "pending"
    KEPT = "kept"
    BROKEN = "broken"


class LegalStatus(StrEnum):
    """Where a case stands legally."""

    NONE = "none"
    PRE_LITIGATION = "pre_litigation"
    LITIGATION = "litigation"
    JUDGMENT = "judgment"
    ENFORCEMENT = "enforcement"


class CaseFlag(StrEnum):
    """Hard-override flags: any of these sends a case to a person."""

    DISPUTE = "dispute"
    DECEASED = "deceased"
    LEGAL_HOLD = "legal_hold"
    BANKRUPTCY = "bankruptcy"
    VULNERABLE = "vulnerable"
    COMPLAINT_OPEN = "complaint_open"
    OPT_OUT = "opt_out"


class EmergencyContact(BaseModel):
    """A person the debtor named as a contact."""

    name: str
    relation: str
    phone: str


class Debtor(BaseModel):
    """A borrower, decrypted."""

    id: str
    name: str
    resident_id: str
    phones: list[str]
    address: str
    birth_date: dt.date
    gender: str
    province: str
    city: str
    city_tier: int
    income_band: str
    employment: str
    utc_offset_min: int = 480
    contacts: list[EmergencyContact] = Field(default_factory=list)


class Loan(BaseModel):
    """A loan and its delinquency."""

    id: str
    contract_no: str
    product: Product
    principal: Decimal
    annual_rate: Decimal
    term_months: int
    disbursement_date: dt.date
    repayment_method: RepaymentMethod
    outstanding_principal: Decimal
    outstanding_interest: Decimal
    outstanding_penalty: Decimal
    days_past_due: int = Field(ge=0)
    bucket: Bucket

    @property
    def outstanding_total(self) -> Decimal:
        """Principal, interest and penalty outstanding."""
        return self.outstanding_principal + self.outstanding_interest + self.outstanding_penalty


class Guarantor(BaseModel):
    """A guarantor, decrypted."""

    name: str
    resident_id: str
    phone: str
    relation: str


class Collateral(BaseModel):
    """Pledged property."""

    city: str
    district: str
    area_sqm: float
    build_year: int
    appraisal: Decimal
    appraisal_date: dt.date


class RepaymentEvent(BaseModel):
    """A payment received."""

    paid_on: dt.date
    amount: Decimal
    channel: str


class ContactAttempt(BaseModel):
    """An attempt to reach someone."""

    channel: Channel
    at: dt.datetime
    outcome: ContactOutcome
    callee: str = "debtor"


class PromiseToPay(BaseModel):
    """A promise to pay."""

    made_on: dt.date
    due_on: dt.date
    amount: Decimal
    status: PromiseStatus


class AuditEntry(BaseModel):
    """One line of a case's audit trail."""

    at: dt.datetime
    actor: str
    action: str
    detail: dict[str, object] = Field(default_factory=dict)


class CaseFile(BaseModel):
    """Everything known about one case, decrypted: what tools read."""

    model_config = ConfigDict(frozen=False)

    id: str
    tenant: str
    status: str
    queue: str | None
    strategy: str | None
    tier: str | None
    legal_status: LegalStatus
    flags: list[CaseFlag]
    notes: str
    opened_on: dt.date
    as_of: dt.date
    debtor: Debtor
    loan: Loan
    guarantors: list[Guarantor] = Field(default_factory=list)
    collateral: list[Collateral] = Field(default_factory=list)
    repayments: list[RepaymentEvent] = Field(default_factory=list)
    contacts: list[ContactAttempt] = Field(default_factory=list)
    promises: list[PromiseToPay] = Field(default_factory=list)
    audit: list[AuditEntry] = Field(default_factory=list)
