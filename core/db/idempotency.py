"""Responses remembered per ``Idempotency-Key``, so a retried POST does its work once and gets the same answer.

A row is claimed (``processing``) before the request runs, then holds the response (body encrypted with the data
key: answers may name debtors). Keys are scoped by the caller's API key (hashed), method and path.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Integer, LargeBinary, String, delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from core.crypto import FieldCipher
from core.db.schema import Base

BODY_COLUMN = "idempotency_keys.body_enc"
TTL = dt.timedelta(hours=24)


class IdempotencyRecord(Base):
    """One remembered request and, once it finished, its response."""

    __tablename__ = "idempotency_keys"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    """SHA-256 of (caller, method, path, key)."""
    fingerprint: Mapped[str] = mapped_column(String(64))
    """SHA-256 of the request body and query string."""
    status: Mapped[str] = mapped_column(String(16))
    """processing or done."""
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    content_type: Mapped[str | None] = mapped_column(String(128), nullable=True)
    body_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


class Remembered:
    """A finished response to replay."""

    def __init__(self, status_code: int, content_type: str | None, body: bytes) -> None:
        self.status_code, self.content_type, self.body = status_code, content_type, body


class IdempotencyStore:
    """Claim, finish, forget and look up remembered requests."""

    def __init__(self, sessions: sessionmaker[Session], cipher: FieldCipher) -> None:
        self.sessions = sessions
        self.cipher = cipher

    def begin(self, key_id: str, fingerprint: str, now: dt.datetime) -> str | Remembered:
        """``"new"`` when this call claimed the key; ``"busy"`` / ``"mismatch"``; or the remembered response."""
        with self.sessions.begin() as session:
            session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.expires_at <= now))
        try:
            with self.sessions.begin() as session:
                session.add(IdempotencyRecord(id=key_id, fingerprint=fingerprint, status="processing",
                                              created_at=now, expires_at=now + TTL))  # fmt: skip
            return "new"
        except IntegrityError:
            pass
        with self.sessions() as session:
            row = session.get(IdempotencyRecord, key_id)
            if row is None:
                return "busy"  # finished and forgotten between the two statements: let the client retry
            if row.fingerprint != fingerprint:
                return "mismatch"
            if row.status != "done" or row.status_code is None:
                return "busy"
            body = self.cipher.decrypt(row.body_enc, BODY_COLUMN).encode("latin-1") if row.body_enc else b""
            return Remembered(row.status_code, row.content_type, body)

    def finish(self, key_id: str, status_code: int, content_type: str | None, body: bytes) -> None:
        """Remember the response of a claimed key."""
        with self.sessions.begin() as session:
            row = session.get(IdempotencyRecord, key_id)
            if row is None:
                return
            row.status, row.status_code, row.content_type = "done", status_code, content_type
            row.body_enc = self.cipher.encrypt(body.decode("latin-1"), BODY_COLUMN)

    def forget(self, key_id: str) -> None:
        """Drop a claimed key (the request failed on our side: a retry may run it again)."""
        with self.sessions.begin() as session:
            session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == key_id))
