"""The stored outbox: reminders that passed compliance review, waiting for the bank's SMS platform to pull them.

Only ``ready`` reminders are ever stored, so the text of a draft that failed review never reaches this table. The
text holds the debtor's surname and title and is encrypted (``text_enc``). One reminder per case per local send
day (unique ``(case_id, send_day)``): a batch run twice does not message a debtor twice.

Times are stored in UTC (SQLite keeps no offset); ``utc_offset_min`` gives the debtor's local time back, and
``expires_at`` is 22:00 local on the send day, after which a reminder is no longer handed out.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.sql.elements import ColumnElement

from core.crypto import FieldCipher
from core.db.schema import Base, Case, CaseAudit

TEXT_COLUMN = "outbox_messages.text_enc"
QUIET_START_HOUR = 22
"""Collection is never allowed from 22:00 local time (the planner's quiet hours); a reminder expires then."""

StoredStatus = Literal["ready", "dispatched", "dispatch_failed", "withdrawn"]
Outcome = Literal["dispatched", "dispatch_failed"]


class OutboxMessageRow(Base):
    """One reviewed reminder, ready to send or already acknowledged by the SMS platform."""

    __tablename__ = "outbox_messages"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    """``om-<uuid hex>``."""
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"))
    tenant: Mapped[str] = mapped_column(String(32), index=True)
    """The case's tenant when the reminder was stored (the routes scope by the case's current tenant)."""
    batch_id: Mapped[str] = mapped_column(String(40), index=True)
    script: Mapped[str] = mapped_column(String(128))
    channel: Mapped[str] = mapped_column(String(16))
    send_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    """UTC."""
    send_day: Mapped[dt.date] = mapped_column(Date)
    """The debtor's local date of ``send_at``."""
    utc_offset_min: Mapped[int] = mapped_column(SmallInteger)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    """22:00 local on ``send_day``, in UTC."""
    text_enc: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16))
    """ready, dispatched, dispatch_failed, withdrawn (re-checked before hand-out and no longer allowed)."""
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    dispatched_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    """When the platform acknowledged (sent or failed)."""
    actor: Mapped[str] = mapped_column(String(64))
    """Who last set the status: the batch that stored it, then the key that acknowledged it."""
    provider_ref: Mapped[str | None] = mapped_column(String(128), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    claim_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    """The claim that handed the reminder out last (``oc-<hex>``); a worker acknowledges with it."""
    claimed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    lease_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    """UTC; until then no other worker is handed this reminder. After it, an unacknowledged reminder is due again."""
    __table_args__ = (
        UniqueConstraint("case_id", "send_day"),
        Index("ix_outbox_messages_status_send_at", "status", "send_at"),
    )


class ReadyReminder(BaseModel):
    """A reminder that passed compliance review, to be stored."""

    case_id: str
    tenant: str
    script: str
    channel: str
    send_at: dt.datetime = Field(description="Debtor's local time, with offset")
    text: str


class StoreResult(BaseModel):
    """What one store call did."""

    batch_id: str
    stored: int
    skipped: int = Field(description="Reminders not stored: the case already has one for that local day")
    skipped_case_ids: list[str] = Field(default_factory=list)


class _Stored(BaseModel):
    """What every view of a stored reminder shows."""

    id: str
    case_id: str
    tenant: str
    batch_id: str
    script: str
    channel: str
    send_at: dt.datetime = Field(description="Debtor's local time, with offset")
    expires_at: dt.datetime = Field(description="22:00 local on the send day: do not send after it")


class OutboxMessage(_Stored):
    """A due reminder as the SMS platform pulls it (with its text and the claim that holds it)."""

    text: str
    claim_id: str | None = Field(default=None, description="Send it back when acknowledging")
    lease_until: dt.datetime | None = Field(default=None, description="No other worker gets it before this (UTC)")


class OutboxRecord(_Stored):
    """A stored reminder's state, without its text."""

    status: StoredStatus
    created_at: dt.datetime
    dispatched_at: dt.datetime | None
    actor: str
    provider_ref: str | None
    note: str


class UnknownMessageError(LookupError):
    """No stored reminder has this id."""


class AlreadyAcknowledgedError(ValueError):
    """The reminder is not ``ready`` any more."""


class ClaimedElsewhereError(ValueError):
    """Another worker's lease holds the reminder (the acknowledgement names another claim)."""


_STORED_FIELDS = set(_Stored.model_fields)


def new_batch_id() -> str:
    """A fresh batch id."""
    return f"ob-{uuid.uuid4().hex}"


def _utc(value: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes; everything is stored in UTC."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _local(value: dt.datetime, offset_min: int) -> dt.datetime:
    return _utc(value).astimezone(dt.timezone(dt.timedelta(minutes=offset_min)))


def _record(row: OutboxMessageRow) -> OutboxRecord:
    return OutboxRecord(
        id=row.id,
        case_id=row.case_id,
        tenant=row.tenant,
        batch_id=row.batch_id,
        script=row.script,
        channel=row.channel,
        send_at=_local(row.send_at, row.utc_offset_min),
        expires_at=_local(row.expires_at, row.utc_offset_min),
        status=row.status,
        created_at=_utc(row.created_at),
        dispatched_at=_utc(row.dispatched_at) if row.dispatched_at else None,
        actor=row.actor,
        provider_ref=row.provider_ref,
        note=row.note,
    )


class OutboxStore:
    """Store reviewed reminders, hand out the due ones, record the platform's acknowledgements."""

    def __init__(self, sessions: sessionmaker[Session], cipher: FieldCipher) -> None:
        self.sessions = sessions
        self.cipher = cipher

    def _row(self, r: ReadyReminder, *, batch_id: str, actor: str, now: dt.datetime) -> OutboxMessageRow:
        offset = r.send_at.utcoffset()
        if offset is None:
            raise ValueError(f"{r.case_id}: send_at must be timezone-aware")
        day = r.send_at.date()
        expires = dt.datetime.combine(day, dt.time(QUIET_START_HOUR), tzinfo=r.send_at.tzinfo)
        return OutboxMessageRow(
            id=f"om-{uuid.uuid4().hex}",
            case_id=r.case_id,
            tenant=r.tenant,
            batch_id=batch_id,
            script=r.script,
            channel=r.channel,
            send_at=r.send_at.astimezone(dt.UTC),
            send_day=day,
            utc_offset_min=int(offset.total_seconds() // 60),
            expires_at=expires.astimezone(dt.UTC),
            text_enc=self.cipher.encrypt(r.text, TEXT_COLUMN),
            status="ready",
            created_at=now.astimezone(dt.UTC),
            actor=actor,
            note="",
        )

    def add(self, reminders: Iterable[ReadyReminder], *, batch_id: str, actor: str, now: dt.datetime) -> StoreResult:
        """Store each reminder unless its case already has one for the same local send day (then skip it).

        Each stored reminder writes a ``reminder_stored`` audit row on its case.
        """
        rows: dict[tuple[str, dt.date], OutboxMessageRow] = {}
        skipped: list[str] = []
        for r in reminders:
            row = self._row(r, batch_id=batch_id, actor=actor, now=now)
            if (row.case_id, row.send_day) in rows:
                skipped.append(row.case_id)
            else:
                rows[(row.case_id, row.send_day)] = row
        with self.sessions() as session:
            existing = _existing(session, {case_id for case_id, _ in rows})
        fresh = [row for key, row in rows.items() if key not in existing]
        skipped += [case_id for case_id, day in rows if (case_id, day) in existing]
        try:
            with self.sessions.begin() as session:
                for row in fresh:
                    _insert(session, row, now)
        except IntegrityError:
            # Another run stored some of these meanwhile: store one by one, skipping the duplicates.
            stored = 0
            for row in fresh:
                try:
                    with self.sessions.begin() as session:
                        _insert(session, self._copy(row), now)
                    stored += 1
                except IntegrityError:
                    skipped.append(row.case_id)
            return StoreResult(batch_id=batch_id, stored=stored, skipped=len(skipped), skipped_case_ids=skipped)
        return StoreResult(batch_id=batch_id, stored=len(fresh), skipped=len(skipped), skipped_case_ids=skipped)

    @staticmethod
    def _copy(row: OutboxMessageRow) -> OutboxMessageRow:
        cols = OutboxMessageRow.__table__.columns.keys()
        return OutboxMessageRow(**{c: getattr(row, c) for c in cols})

    def due(self, *, now: dt.datetime, tenant: str | None = None, limit: int = 100) -> list[OutboxMessage]:
        """Ready reminders whose send time has come and whose send day's allowed hours have not ended, oldest first."""
        utc_now = now.astimezone(dt.UTC)
        stmt = (
            select(OutboxMessageRow)
            .where(
                OutboxMessageRow.status == "ready",
                OutboxMessageRow.send_at <= utc_now,
                OutboxMessageRow.expires_at > utc_now,
            )
            .order_by(OutboxMessageRow.send_at, OutboxMessageRow.id)
            .limit(limit)
        )
        if tenant is not None:
            stmt = stmt.where(_of_tenant(tenant))
        with self.sessions() as session:
            return [
                OutboxMessage(
                    **_record(row).model_dump(include=_STORED_FIELDS),
                    text=self.cipher.decrypt(row.text_enc, TEXT_COLUMN),
                )
                for row in session.scalars(stmt)
            ]

    def claim(
        self, *, now: dt.datetime, worker: str, lease_s: int, tenant: str | None = None, limit: int = 100
    ) -> list[OutboxMessage]:
        """Hand out due reminders under a lease: two workers claiming at once never get the same one.

        The candidates are the due ready reminders no live lease holds; a conditional update takes those still free
        (a reminder another claim took in between is not returned), so each is held by exactly one claim until its
        lease ends or it is acknowledged.
        """
        utc_now = now.astimezone(dt.UTC)
        until = utc_now + dt.timedelta(seconds=lease_s)
        free = or_(OutboxMessageRow.lease_until.is_(None), OutboxMessageRow.lease_until <= utc_now)
        stmt = (
            select(OutboxMessageRow.id)
            .where(
                OutboxMessageRow.status == "ready",
                OutboxMessageRow.send_at <= utc_now,
                OutboxMessageRow.expires_at > utc_now,
                free,
            )
            .order_by(OutboxMessageRow.send_at, OutboxMessageRow.id)
            .limit(limit)
        )
        if tenant is not None:
            stmt = stmt.where(_of_tenant(tenant))
        claim_id = f"oc-{uuid.uuid4().hex}"
        with self.sessions.begin() as session:
            ids = list(session.scalars(stmt))
            if not ids:
                return []
            taken = session.execute(
                update(OutboxMessageRow)
                .where(OutboxMessageRow.id.in_(ids), OutboxMessageRow.status == "ready", free)
                .values(claim_id=claim_id, claimed_by=worker, lease_until=until)
                .returning(OutboxMessageRow.id)
                .execution_options(synchronize_session=False)
            )
            got = set(taken.scalars())
            rows = session.scalars(
                select(OutboxMessageRow)
                .where(OutboxMessageRow.id.in_(got))
                .order_by(OutboxMessageRow.send_at, OutboxMessageRow.id)
            )
            return [
                OutboxMessage(
                    **_record(row).model_dump(include=_STORED_FIELDS),
                    text=self.cipher.decrypt(row.text_enc, TEXT_COLUMN),
                    claim_id=claim_id,
                    lease_until=until,
                )
                for row in rows
            ]

    def expired_count(self, *, now: dt.datetime, tenant: str | None = None) -> int:
        """Reminders still ready after their send day's allowed hours ended: they will never be handed out."""
        stmt = select(func.count()).where(
            OutboxMessageRow.status == "ready", OutboxMessageRow.expires_at <= now.astimezone(dt.UTC)
        )
        if tenant is not None:
            stmt = stmt.where(_of_tenant(tenant))
        with self.sessions() as session:
            return int(session.scalar(stmt) or 0)

    def get(self, message_id: str) -> OutboxRecord:
        """One stored reminder, without its text. Raises :class:`UnknownMessageError`."""
        with self.sessions() as session:
            row = session.get(OutboxMessageRow, message_id)
            if row is None:
                raise UnknownMessageError(message_id)
            return _record(row)

    def acknowledge(
        self,
        message_id: str,
        outcome: Outcome,
        *,
        actor: str,
        now: dt.datetime,
        provider_ref: str | None = None,
        note: str = "",
        claim_id: str | None = None,
    ) -> OutboxRecord:
        """Record that the platform sent (or failed to send) a ready reminder, with its case audit row.

        Raises:
            UnknownMessageError: no such reminder.
            AlreadyAcknowledgedError: it is not ``ready`` any more (the status changes once).
            ClaimedElsewhereError: ``claim_id`` is not the claim whose live lease holds it.
        """
        at = now.astimezone(dt.UTC)
        with self.sessions.begin() as session:
            row = session.get(OutboxMessageRow, message_id)
            if row is None:
                raise UnknownMessageError(message_id)
            live = row.lease_until is not None and _utc(row.lease_until) > at
            if claim_id is not None and row.status == "ready" and live and row.claim_id != claim_id:
                raise ClaimedElsewhereError(f"outbox message {message_id} is held by another worker's claim")
            # A conditional update, so two acknowledgements racing cannot both succeed.
            changed = session.execute(
                update(OutboxMessageRow)
                .where(OutboxMessageRow.id == message_id, OutboxMessageRow.status == "ready")
                .values(status=outcome, dispatched_at=at, actor=actor, provider_ref=provider_ref, note=note)
                .execution_options(synchronize_session=False)
            )
            if changed.rowcount != 1:  # type: ignore[attr-defined]
                raise AlreadyAcknowledgedError(f"outbox message {message_id} is already {row.status}")
            detail: dict[str, object] = {"message_id": message_id, "batch_id": row.batch_id}
            detail |= {"provider_ref": provider_ref} if outcome == "dispatched" else {"note": note}
            action = "reminder_dispatched" if outcome == "dispatched" else "reminder_dispatch_failed"
            session.add(CaseAudit(case_id=row.case_id, at=at, actor=actor, action=action, detail=detail))
            session.flush()
            session.refresh(row)
            return _record(row)

    def withdraw(self, message_id: str, reason: str, *, actor: str, now: dt.datetime) -> bool:
        """Take a ready reminder out of the outbox for good (``withdrawn``), with a ``reminder_withdrawn`` audit row.

        Returns:
            False when it was not ``ready`` any more (someone acknowledged it meanwhile): nothing changes then.
        """
        at = now.astimezone(dt.UTC)
        with self.sessions.begin() as session:
            changed = session.execute(
                update(OutboxMessageRow)
                .where(OutboxMessageRow.id == message_id, OutboxMessageRow.status == "ready")
                .values(status="withdrawn", dispatched_at=None, actor=actor, note=reason)
                .execution_options(synchronize_session=False)
            )
            if changed.rowcount != 1:  # type: ignore[attr-defined]
                return False
            case_id = session.scalar(select(OutboxMessageRow.case_id).where(OutboxMessageRow.id == message_id))
            detail = {"message_id": message_id, "reason": reason}
            session.add(CaseAudit(case_id=case_id, at=at, actor=actor, action="reminder_withdrawn", detail=detail))
        return True


def _of_tenant(tenant: str) -> ColumnElement[bool]:
    """Reminders of the cases that belong to ``tenant`` now (the case's tenant, as every other list scopes)."""
    return OutboxMessageRow.case_id.in_(select(Case.id).where(Case.tenant == tenant))


def _existing(session: Session, case_ids: set[str]) -> set[tuple[str, dt.date]]:
    keys: set[tuple[str, dt.date]] = set()
    ids = sorted(case_ids)
    for start in range(0, len(ids), 500):
        stmt = select(OutboxMessageRow.case_id, OutboxMessageRow.send_day).where(
            OutboxMessageRow.case_id.in_(ids[start : start + 500])
        )
        keys.update((c, d) for c, d in session.execute(stmt))
    return keys


def _insert(session: Session, row: OutboxMessageRow, now: dt.datetime) -> None:
    session.add(row)
    session.flush()
    session.add(
        CaseAudit(
            case_id=row.case_id,
            at=now.astimezone(dt.UTC),
            actor=row.actor,
            action="reminder_stored",
            detail={"message_id": row.id, "batch_id": row.batch_id, "send_at": row.send_at.isoformat()},
        )
    )
