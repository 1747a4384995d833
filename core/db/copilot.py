"""Pending decisions of copilot runs: one row per LangGraph ``interrupt()``, so supervisors can list what waits.

The run itself waits in the checkpointer; this table is the index (and, once decided, the record of the decision).
Summaries hold masked data only.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, DateTime, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from core.db.schema import Base


class CopilotInterrupt(Base):
    """A decision a copilot run waits for."""

    __tablename__ = "copilot_interrupts"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    thread_id: Mapped[str] = mapped_column(String(40), index=True)
    case_id: Mapped[str] = mapped_column(String(16), index=True)
    tenant: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    record_id: Mapped[str] = mapped_column(String(40))
    summary_zh: Mapped[str] = mapped_column(Text)
    summary_en: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    editable: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), index=True)
    requested_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    decision: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class InterruptError(LookupError):
    """Unknown interrupt, or one already decided."""


class InterruptStore:
    """Create, list and close interrupt rows."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def create(
        self,
        *,
        thread_id: str,
        case_id: str,
        tenant: str,
        kind: str,
        record_id: str,
        summary_zh: str,
        summary_en: str,
        details: dict[str, Any],
        editable: list[str],
        requested_by: str,
    ) -> CopilotInterrupt:
        """A new pending row."""
        row = CopilotInterrupt(
            id=f"int-{uuid.uuid4().hex[:24]}", thread_id=thread_id, case_id=case_id, tenant=tenant, kind=kind,
            record_id=record_id, summary_zh=summary_zh, summary_en=summary_en, details=details, editable=editable,
            status="pending", requested_by=requested_by, created_at=dt.datetime.now(dt.UTC),
        )  # fmt: skip
        with self.sessions.begin() as session:
            session.add(row)
        return row

    def get(self, interrupt_id: str) -> CopilotInterrupt:
        """One row. Raises :class:`InterruptError` when unknown."""
        with self.sessions() as session:
            row = session.get(CopilotInterrupt, interrupt_id)
            if row is None:
                raise InterruptError(f"unknown approval: {interrupt_id}")
            session.expunge(row)
            return row

    def list(self, *, status: str | None = "pending", tenant: str | None = None, thread_id: str | None = None,
             limit: int = 200) -> list[CopilotInterrupt]:  # fmt: skip
        """Rows, oldest first."""
        stmt = select(CopilotInterrupt).order_by(CopilotInterrupt.created_at).limit(limit)
        if status is not None:
            stmt = stmt.where(CopilotInterrupt.status == status)
        if tenant is not None:
            stmt = stmt.where(CopilotInterrupt.tenant == tenant)
        if thread_id is not None:
            stmt = stmt.where(CopilotInterrupt.thread_id == thread_id)
        with self.sessions() as session:
            rows = list(session.scalars(stmt))
            for row in rows:
                session.expunge(row)
            return rows

    def close(self, interrupt_id: str, *, status: str, decided_by: str, decision: dict[str, Any]) -> bool:
        """Mark a pending row decided; False when it was decided already (the decision is applied once)."""
        with self.sessions.begin() as session:
            row = session.get(CopilotInterrupt, interrupt_id, with_for_update=True)
            if row is None:
                raise InterruptError(f"unknown approval: {interrupt_id}")
            if row.status != "pending":
                return False
            row.status, row.decided_by, row.decided_at, row.decision = (
                status,
                decided_by,
                dt.datetime.now(dt.UTC),
                decision,
            )
            return True
