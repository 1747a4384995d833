"""One record per model call (no raw PII): the ``model_calls`` table and the sinks that store records."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Literal, Protocol

from pydantic import BaseModel, Field
from sqlalchemy import DateTime, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from core.db.schema import Base

Outcome = Literal[
    "ok", "http_error", "timeout", "connection_error", "refused_pii", "circuit_open", "malformed_response"
]


class CallRecord(BaseModel):
    """What is kept about one HTTP call to the model server."""

    at: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.UTC))
    role: str
    model: str
    endpoint: str
    """Host and path, never query strings or keys."""
    thread_hash: str | None = None
    """Keyed-free SHA-256 prefix of the thread id (threads are not PII, but need not be readable either)."""
    stream: bool = False
    outcome: Outcome
    status_code: int | None = None
    attempts: int = 1
    latency_ms: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    redactions: int = 0
    """Entities replaced in the outgoing body."""
    prompt_sha256: str | None = None
    """Hash of the redacted request body (the only form of the prompt that ever left the process)."""
    reasoning: str | None = None
    """The model's reasoning content, masked: kept for audit, never shown to a debtor or put in a draft."""
    error: str | None = None


class ModelCall(Base):
    """Stored call records (see :class:`CallRecord`)."""

    __tablename__ = "model_calls"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    role: Mapped[str] = mapped_column(String(48), index=True)
    model: Mapped[str] = mapped_column(String(128))
    endpoint: Mapped[str] = mapped_column(String(256))
    thread_hash: Mapped[str | None] = mapped_column(String(16), index=True)
    stream: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(24), index=True)
    status_code: Mapped[int | None] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer)
    latency_ms: Mapped[float] = mapped_column(Float)
    prompt_tokens: Mapped[int] = mapped_column(Integer)
    completion_tokens: Mapped[int] = mapped_column(Integer)
    cached_tokens: Mapped[int] = mapped_column(Integer)
    redactions: Mapped[int] = mapped_column(Integer)
    prompt_sha256: Mapped[str | None] = mapped_column(String(64))
    reasoning: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(String(512))


class RecordSink(Protocol):
    """Somewhere to put call records."""

    def write(self, record: CallRecord) -> None:
        """Store one record."""


class MemoryRecordSink:
    """Keeps records in a list (tests, benchmarks, processes without a database)."""

    def __init__(self) -> None:
        self.records: list[CallRecord] = []
        self._lock = threading.Lock()

    def write(self, record: CallRecord) -> None:
        """Append ``record``."""
        with self._lock:
            self.records.append(record)


class SqlRecordSink:
    """Writes records to the ``model_calls`` table."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def write(self, record: CallRecord) -> None:
        """Insert ``record``."""
        data = record.model_dump()
        data["stream"] = int(record.stream)
        with self.sessions.begin() as session:
            session.add(ModelCall(**data))
