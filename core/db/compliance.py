"""Stored reviews (for reports): one row per reviewed conversation, findings with masked quotes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db.schema import Base


class ComplianceReview(Base):
    """A reviewed conversation: who, when, verdict, and its findings with PII masked."""

    __tablename__ = "compliance_reviews"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    case_id: Mapped[str | None] = mapped_column(String(16), nullable=True, index=True)
    team: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    """When the conversation took place (its first timestamp), else when it was reviewed."""
    reviewed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    verdict: Mapped[str] = mapped_column(String(8))
    jurisdiction: Mapped[str] = mapped_column(String(4))
    semantic_layer: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    """cli, api or synthetic."""
    findings: Mapped[list[dict[str, object]]] = mapped_column(JSON)
    """Findings as JSON, each quote masked by the PII guard."""
    finding_count: Mapped[int] = mapped_column(Integer)
    __table_args__ = (Index("ix_compliance_reviews_team_at", "team", "at"),)
