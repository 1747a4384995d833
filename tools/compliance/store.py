"""Save reviews (quotes masked) and read them back for reports."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.db.compliance import ComplianceReview
from core.privacy import PIIGuard
from tools.compliance.models import ReviewResult, Transcript

UNASSIGNED_TEAM = "unassigned"


def masked_findings(result: ReviewResult, guard: PIIGuard) -> list[dict[str, object]]:
    """Findings as JSON with every quote masked (the stored form: reports never show raw PII)."""
    rows = []
    for finding in result.findings:
        row = finding.model_dump(mode="json")
        row["quote"] = guard.mask_text(finding.quote)
        rows.append(row)
    return rows


class ReviewStore:
    """The ``compliance_reviews`` table."""

    def __init__(self, sessions: sessionmaker[Session], guard: PIIGuard) -> None:
        self.sessions = sessions
        self.guard = guard

    def _row(
        self, transcript: Transcript, result: ReviewResult, source: str, now: dt.datetime, at: dt.datetime | None = None
    ) -> ComplianceReview:
        first = at or next((t.at for t in transcript.turns if t.at is not None), None)
        return ComplianceReview(
            id=f"rv-{uuid.uuid4().hex}",
            case_id=transcript.case_id,
            team=transcript.team or UNASSIGNED_TEAM,
            channel=transcript.channel,
            at=(first or now).astimezone(dt.UTC),
            reviewed_at=now,
            verdict=result.verdict,
            jurisdiction=result.jurisdiction,
            semantic_layer=result.semantic_layer.status,
            source=source,
            findings=masked_findings(result, self.guard),
            finding_count=len(result.findings),
        )

    def save(self, transcript: Transcript, result: ReviewResult, *, source: str) -> str:
        """Store one review; returns its id. The conversation's time is its first timestamp, else now."""
        row = self._row(transcript, result, source, dt.datetime.now(dt.UTC))
        with self.sessions.begin() as session:
            session.add(row)
        return row.id

    def save_many(self, items: Sequence[tuple[Transcript, ReviewResult, dt.datetime | None]], *, source: str) -> int:
        """Store many reviews in one transaction (each with its conversation time, if known); returns how many."""
        now = dt.datetime.now(dt.UTC)
        rows = [self._row(transcript, result, source, now, at) for transcript, result, at in items]
        with self.sessions.begin() as session:
            session.add_all(rows)
        return len(rows)

    def query(
        self, *, team: str | None = None, start: dt.datetime | None = None, end: dt.datetime | None = None
    ) -> list[ComplianceReview]:
        """Reviews of ``team`` (all teams when None) whose conversation time is in [start, end)."""
        stmt = select(ComplianceReview)
        if team is not None:
            stmt = stmt.where(ComplianceReview.team == team)
        if start is not None:
            stmt = stmt.where(ComplianceReview.at >= start)
        if end is not None:
            stmt = stmt.where(ComplianceReview.at < end)
        with self.sessions() as session:
            rows = list(session.scalars(stmt.order_by(ComplianceReview.at)))
            session.expunge_all()
        return rows
