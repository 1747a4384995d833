"""What the CLI and the API call: review a transcript (with its case), store it, report, seed demo data."""

from __future__ import annotations

import datetime as dt

from core.deps import Deps
from tools.compliance.models import ReviewResult, Transcript
from tools.compliance.report import ComplianceReport, build_report
from tools.compliance.review import review, review_with_model
from tools.compliance.store import ReviewStore
from tools.compliance.synthetic import generate


async def invoke(
    deps: Deps, transcript: Transcript, *, jurisdiction: str = "CN", save: bool = False, source: str = "api"
) -> tuple[ReviewResult, str | None]:
    """Review ``transcript`` with its case (when it names one) and the model (when configured); store it if asked.

    Returns:
        The result and the stored review's id (None when not saved).

    Raises:
        core.repository.CaseNotFoundError: the transcript names an unknown case.
        tools.compliance.review.UnknownJurisdictionError: no pack for ``jurisdiction``.
    """
    case = deps.cases.get_case(transcript.case_id) if transcript.case_id else None
    result = await review_with_model(transcript, deps=deps, case=case, jurisdiction=jurisdiction)
    review_id = ReviewStore(deps.sessions, deps.guard).save(transcript, result, source=source) if save else None
    return result, review_id


def period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, end+1 00:00) in China time (+08:00), as aware datetimes.

    Raises:
        ValueError: ``end`` is before ``start``.
    """
    if end < start:
        raise ValueError(f"period ends ({end}) before it starts ({start})")
    tz = dt.timezone(dt.timedelta(hours=8))
    return dt.datetime.combine(start, dt.time(), tz), dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tz)


def report(deps: Deps, *, team: str | None, start: dt.date, end: dt.date) -> ComplianceReport:
    """Violations of ``team`` (every team when None) in the period, by category and rule, with masked examples."""
    lo, hi = period_bounds(start, end)
    rows = ReviewStore(deps.sessions, deps.guard).query(team=team, start=lo, end=hi)
    return build_report(rows, team=team, start=start, end=end)


def seed_synthetic(
    deps: Deps, *, n: int, seed: int = 2026, start: dt.date = dt.date(2026, 3, 2), days: int = 28
) -> int:
    """Generate ``n`` labelled synthetic conversations, review them with the rule layer and store the reviews.

    The portfolio has no real transcripts; this gives the report something to show.
    """
    conversations = generate(n, seed=seed, start=start, days=days)
    items = [(c.transcript, review(c.transcript, guard=deps.guard), c.at) for c in conversations]
    return ReviewStore(deps.sessions, deps.guard).save_many(items, source="synthetic")
