"""Supervisor approvals of offers beyond authority, and hand-offs to a person: stored, so they survive restarts."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.db import schema as s
from core.db.negotiation import Handoff, OfferApproval
from core.repository import CaseNotFoundError
from tools.negotiation.models import Breach, OfferCheck, OfferTerms

ApprovalStatus = Literal["pending", "approved", "rejected"]


class ApprovalError(ValueError):
    """The approval does not exist or was already decided."""


class ApprovalRecord(BaseModel):
    """A stored approval request."""

    id: int
    case_id: str
    thread_id: str | None
    created_at: dt.datetime
    requested_by: str
    terms: OfferTerms
    breaches: list[Breach]
    supervisor_covers: bool
    matrix_version: str
    status: ApprovalStatus
    decided_by: str | None = None
    decided_at: dt.datetime | None = None
    note: str = ""


class HandoffRecord(BaseModel):
    """A stored hand-off."""

    id: int
    case_id: str
    thread_id: str | None
    created_at: dt.datetime
    created_by: str
    reasons: list[str]
    summary: str
    status: Literal["open", "closed"]


class Decision(BaseModel):
    """A supervisor's decision on an approval."""

    approve: bool
    note: str = Field(default="", max_length=2000, description="Why, for the audit trail")


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    return value if value is None or value.tzinfo else value.replace(tzinfo=dt.UTC)


def _approval(row: OfferApproval) -> ApprovalRecord:
    return ApprovalRecord(
        id=row.id,
        case_id=row.case_id,
        thread_id=row.thread_id,
        created_at=_aware(row.created_at) or row.created_at,
        requested_by=row.requested_by,
        terms=OfferTerms.model_validate(row.terms),
        breaches=[Breach.model_validate(b) for b in row.breaches],
        supervisor_covers=row.supervisor_covers,
        matrix_version=row.matrix_version,
        status=row.status,
        decided_by=row.decided_by,
        decided_at=_aware(row.decided_at),
        note=row.note,
    )


def _handoff(row: Handoff) -> HandoffRecord:
    return HandoffRecord(
        id=row.id,
        case_id=row.case_id,
        thread_id=row.thread_id,
        created_at=_aware(row.created_at) or row.created_at,
        created_by=row.created_by,
        reasons=list(row.reasons),
        summary=row.summary,
        status=row.status,
    )


def _audit(session: Session, case_id: str, actor: str, action: str, detail: dict[str, object]) -> None:
    session.add(s.CaseAudit(case_id=case_id, at=dt.datetime.now(dt.UTC), actor=actor, action=action, detail=detail))


class NegotiationStore:
    """Approvals and hand-offs over a session factory."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    # ---- approvals ------------------------------------------------------------------------------
    def request_approval(
        self, case_id: str, check: OfferCheck, *, requested_by: str, thread_id: str | None = None
    ) -> ApprovalRecord:
        """Store a pending approval for terms beyond the requester's authority."""
        with self.sessions.begin() as session:
            if session.get(s.Case, case_id) is None:
                raise CaseNotFoundError(case_id)
            row = OfferApproval(
                case_id=case_id,
                thread_id=thread_id,
                created_at=dt.datetime.now(dt.UTC),
                requested_by=requested_by,
                terms=check.terms.model_dump(mode="json"),
                breaches=[b.model_dump(mode="json") for b in check.breaches],
                supervisor_covers=check.supervisor_covers,
                matrix_version=check.matrix_version,
                status="pending",
                note="",
            )
            session.add(row)
            session.flush()
            _audit(session, case_id, requested_by, "offer_approval_requested", {"approval_id": row.id})
            return _approval(row)

    def get_approval(self, approval_id: int) -> ApprovalRecord:
        """One approval. Raises :class:`ApprovalError` when unknown."""
        with self.sessions() as session:
            row = session.get(OfferApproval, approval_id)
            if row is None:
                raise ApprovalError(f"unknown approval: {approval_id}")
            return _approval(row)

    def approvals(self, *, status: ApprovalStatus | None = None, case_id: str | None = None) -> list[ApprovalRecord]:
        """Approvals, oldest first, optionally of one status or case."""
        stmt = select(OfferApproval).order_by(OfferApproval.id)
        if status is not None:
            stmt = stmt.where(OfferApproval.status == status)
        if case_id is not None:
            stmt = stmt.where(OfferApproval.case_id == case_id)
        with self.sessions() as session:
            return [_approval(r) for r in session.scalars(stmt)]

    def decide(self, approval_id: int, decision: Decision, *, decided_by: str) -> ApprovalRecord:
        """Approve or reject a pending approval (the caller has checked the supervisor role).

        Raises:
            ApprovalError: unknown, or already decided.
        """
        with self.sessions.begin() as session:
            row = session.get(OfferApproval, approval_id)
            if row is None:
                raise ApprovalError(f"unknown approval: {approval_id}")
            if row.status != "pending":
                raise ApprovalError(f"approval {approval_id} is already {row.status}")
            row.status = "approved" if decision.approve else "rejected"
            row.decided_by, row.decided_at, row.note = decided_by, dt.datetime.now(dt.UTC), decision.note
            _audit(session, row.case_id, decided_by, f"offer_{row.status}", {"approval_id": row.id})
            return _approval(row)

    # ---- hand-offs ------------------------------------------------------------------------------
    def hand_off(
        self, case_id: str, *, reasons: list[str], summary: str, created_by: str, thread_id: str | None = None
    ) -> HandoffRecord:
        """Send a case to a person: store the hand-off and its audit line."""
        with self.sessions.begin() as session:
            if session.get(s.Case, case_id) is None:
                raise CaseNotFoundError(case_id)
            row = Handoff(
                case_id=case_id,
                thread_id=thread_id,
                created_at=dt.datetime.now(dt.UTC),
                created_by=created_by,
                reasons=reasons,
                summary=summary,
                status="open",
            )
            session.add(row)
            session.flush()
            _audit(session, case_id, created_by, "negotiation_handoff", {"handoff_id": row.id, "reasons": reasons})
            return _handoff(row)

    def handoffs(self, *, case_id: str | None = None, status: str | None = "open") -> list[HandoffRecord]:
        """Hand-offs, oldest first (open ones by default)."""
        stmt = select(Handoff).order_by(Handoff.id)
        if case_id is not None:
            stmt = stmt.where(Handoff.case_id == case_id)
        if status is not None:
            stmt = stmt.where(Handoff.status == status)
        with self.sessions() as session:
            return [_handoff(r) for r in session.scalars(stmt)]
