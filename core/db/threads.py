"""Workflow threads: a registry row per LangGraph thread (the graph state itself lives in the checkpointer)."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from core.db.schema import Base


class Thread(Base):
    """A conversation/run thread of a graph."""

    __tablename__ = "threads"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    graph: Mapped[str] = mapped_column(String(48))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(32))
    case_id: Mapped[str | None] = mapped_column(String(16), nullable=True)
    tenant: Mapped[str | None] = mapped_column(String(32), nullable=True)
    """The tenant of the key that created it (None: a platform key); a bound key sees its own tenant's only."""


class ThreadStore:
    """Create and look up threads."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def create(self, *, graph: str, created_by: str, case_id: str | None = None, tenant: str | None = None) -> Thread:
        """A new thread with a random id."""
        thread = Thread(
            id=f"t-{uuid.uuid4().hex}",
            graph=graph,
            created_at=dt.datetime.now(dt.UTC),
            created_by=created_by,
            case_id=case_id,
            tenant=tenant,
        )
        with self.sessions.begin() as session:
            session.add(thread)
        return thread

    def get(self, thread_id: str) -> Thread | None:
        """The thread, or None."""
        with self.sessions() as session:
            return session.get(Thread, thread_id)

    def set_case(self, thread_id: str, case_id: str) -> None:
        """Remember the case a thread works on."""
        with self.sessions.begin() as session:
            thread = session.get_one(Thread, thread_id)
            thread.case_id = case_id
