"""Tables of the negotiation agent: supervisor approvals of offers beyond authority, and hand-offs to a person.

Neither table holds raw PII: terms are amounts, summaries are written from masked values.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db.schema import Base


class OfferApproval(Base):
    """An offer beyond the proposer's authority, waiting for (or decided by) a supervisor."""

    __tablename__ = "offer_approvals"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    thread_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    requested_by: Mapped[str] = mapped_column(String(64))
    terms: Mapped[dict[str, object]] = mapped_column(JSON)
    """The proposed ``OfferTerms`` (amounts as strings)."""
    breaches: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    supervisor_covers: Mapped[bool] = mapped_column(Boolean)
    """Whether a supervisor's own row of the matrix covers the terms."""
    matrix_version: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(12), index=True)
    """pending, approved, rejected."""
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


class Handoff(Base):
    """A case sent from the agent to a person, with the reasons and a masked summary."""

    __tablename__ = "negotiation_handoffs"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    thread_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(64))
    reasons: Mapped[list[str]] = mapped_column(JSON)
    summary: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), index=True)
    """open, closed."""
