"""SQLAlchemy 2 schema. Money is stored in integer fen (分); PII columns are AES-GCM ciphertext.

Columns ending in ``_enc`` hold ciphertext from :class:`core.crypto.FieldCipher` (the column name is the
associated data); columns ending in ``_hash`` hold the keyed lookup hash of the same value.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a stable constraint naming convention (for Alembic)."""

    metadata = MetaData(naming_convention=NAMING)


class Debtor(Base):
    """A borrower. Identity and contact data are encrypted; region and bands are plain for analytics."""

    __tablename__ = "debtors"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name_enc: Mapped[bytes] = mapped_column(LargeBinary)
    resident_id_enc: Mapped[bytes] = mapped_column(LargeBinary)
    resident_id_hash: Mapped[str] = mapped_column(String(32), index=True)
    phones_enc: Mapped[bytes] = mapped_column(LargeBinary)
    """JSON list of phone numbers, the first one primary."""
    phone_hash: Mapped[str] = mapped_column(String(32), index=True)
    """Keyed hash of the primary mobile."""
    address_enc: Mapped[bytes] = mapped_column(LargeBinary)
    birth_date_enc: Mapped[bytes] = mapped_column(LargeBinary)
    contacts_enc: Mapped[bytes] = mapped_column(LargeBinary)
    """JSON list of emergency contacts ``{"name", "relation", "phone"}``."""
    gender: Mapped[str] = mapped_column(String(1))
    birth_year: Mapped[int] = mapped_column(SmallInteger)
    province: Mapped[str] = mapped_column(String(16))
    city: Mapped[str] = mapped_column(String(16), index=True)
    city_tier: Mapped[int] = mapped_column(SmallInteger)
    income_band: Mapped[str] = mapped_column(String(16))
    employment: Mapped[str] = mapped_column(String(24))
    utc_offset_min: Mapped[int] = mapped_column(SmallInteger, default=480)
    """The debtor's local UTC offset in minutes (mainland China is +480)."""


class Loan(Base):
    """A loan contract and its current delinquency."""

    __tablename__ = "loans"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    debtor_id: Mapped[str] = mapped_column(ForeignKey("debtors.id"), index=True)
    contract_no: Mapped[str] = mapped_column(String(32), unique=True)
    product: Mapped[str] = mapped_column(String(24))
    principal_fen: Mapped[int] = mapped_column(BigInteger)
    annual_rate: Mapped[float] = mapped_column(Float)
    """Nominal annual rate as a fraction (0.1440 is 14.40%)."""
    term_months: Mapped[int] = mapped_column(SmallInteger)
    disbursement_date: Mapped[dt.date] = mapped_column(Date)
    repayment_method: Mapped[str] = mapped_column(String(24))
    outstanding_principal_fen: Mapped[int] = mapped_column(BigInteger)
    outstanding_interest_fen: Mapped[int] = mapped_column(BigInteger)
    outstanding_penalty_fen: Mapped[int] = mapped_column(BigInteger)
    days_past_due: Mapped[int] = mapped_column(Integer)
    bucket: Mapped[str] = mapped_column(String(4), index=True)


class Guarantor(Base):
    """A guarantor of a loan."""

    __tablename__ = "guarantors"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    loan_id: Mapped[str] = mapped_column(ForeignKey("loans.id"), index=True)
    name_enc: Mapped[bytes] = mapped_column(LargeBinary)
    resident_id_enc: Mapped[bytes] = mapped_column(LargeBinary)
    resident_id_hash: Mapped[str] = mapped_column(String(32), index=True)
    phone_enc: Mapped[bytes] = mapped_column(LargeBinary)
    relation: Mapped[str] = mapped_column(String(16))


class Collateral(Base):
    """Property pledged for a property-backed loan."""

    __tablename__ = "collateral"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    loan_id: Mapped[str] = mapped_column(ForeignKey("loans.id"), index=True)
    city: Mapped[str] = mapped_column(String(16))
    district: Mapped[str] = mapped_column(String(16))
    area_sqm: Mapped[float] = mapped_column(Float)
    build_year: Mapped[int] = mapped_column(SmallInteger)
    appraisal_fen: Mapped[int] = mapped_column(BigInteger)
    appraisal_date: Mapped[dt.date] = mapped_column(Date)


class Case(Base):
    """A collection case: one delinquent loan and the work on it."""

    __tablename__ = "cases"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    loan_id: Mapped[str] = mapped_column(ForeignKey("loans.id"), unique=True)
    debtor_id: Mapped[str] = mapped_column(ForeignKey("debtors.id"), index=True)
    tenant: Mapped[str] = mapped_column(String(32), default="default", index=True)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    queue: Mapped[str | None] = mapped_column(String(32), index=True)
    strategy: Mapped[str | None] = mapped_column(String(32))
    tier: Mapped[str | None] = mapped_column(String(24), index=True)
    legal_status: Mapped[str] = mapped_column(String(16), default="none")
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Hard-override flags: dispute, deceased, legal_hold, bankruptcy, vulnerable, complaint_open, opt_out."""
    notes: Mapped[str] = mapped_column(Text, default="")
    opened_on: Mapped[dt.date] = mapped_column(Date)
    as_of: Mapped[dt.date] = mapped_column(Date)
    """The portfolio snapshot date the case's DPD and balances refer to."""
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class RepaymentEvent(Base):
    """A payment received on a loan."""

    __tablename__ = "repayment_events"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    loan_id: Mapped[str] = mapped_column(ForeignKey("loans.id"))
    paid_on: Mapped[dt.date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    channel: Mapped[str] = mapped_column(String(16))
    __table_args__ = (Index("ix_repayment_events_loan_date", "loan_id", "paid_on"),)


class ContactAttempt(Base):
    """One attempt to reach someone about a case."""

    __tablename__ = "contact_attempts"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"))
    channel: Mapped[str] = mapped_column(String(16))
    """call, sms, wechat, app, visit, letter."""
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str] = mapped_column(String(24))
    """no_answer, connected, right_party_contact, promise_to_pay, refused, wrong_number."""
    callee: Mapped[str] = mapped_column(String(16), default="debtor")
    """debtor, guarantor, contact."""
    __table_args__ = (Index("ix_contact_attempts_case_at", "case_id", "at"),)


class PromiseToPay(Base):
    """A debtor's promise to pay an amount by a date."""

    __tablename__ = "promises_to_pay"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    made_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(12))
    """pending, kept, broken."""


class CaseAudit(Base):
    """Append-only audit trail of a case."""

    __tablename__ = "case_audit"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(48))
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


class CaseTruth(Base):
    """Ground truth drawn by the synthetic generator's latent model; never shown to agents."""

    __tablename__ = "case_truth"
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    latent_propensity: Mapped[float] = mapped_column(Float)
    """True probability of repaying within 90 days under the latent model."""
    repaid_90d: Mapped[bool] = mapped_column(Boolean)
    recovered_frac_12m: Mapped[float] = mapped_column(Float)
    """Fraction of the outstanding balance recovered within 12 months."""


class PortfolioMeta(Base):
    """Key/value facts about the loaded portfolio (seed, size, snapshot date)."""

    __tablename__ = "portfolio_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


# Tables defined in their own modules register on the same metadata when imported here.
from core.db import compliance as _compliance  # noqa: E402,F401
from core.db import copilot as _copilot  # noqa: E402,F401
from core.db import extraction as _extraction  # noqa: E402,F401
from core.db import idempotency as _idempotency  # noqa: E402,F401
from core.db import negotiation as _negotiation  # noqa: E402,F401
from core.db import outbox as _outbox  # noqa: E402,F401
from core.db import property as _property  # noqa: E402,F401
from core.db import threads as _threads  # noqa: E402,F401
