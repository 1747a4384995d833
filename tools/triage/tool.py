"""The triage tool: one case through the repository (with audit), or the whole portfolio in bulk."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from decimal import Decimal

from pydantic import BaseModel, Field
from sqlalchemy import Engine, text

from core import domain
from core.repository import CaseRepository
from tools.triage.features import numeric_columns
from tools.triage.frames import frames_from_case
from tools.triage.models import ContactWindow, Tier, TriageResult
from tools.triage.pipeline import iter_portfolio, run_batch
from tools.triage.reasons import case_reasons
from tools.triage.rules import Rules, load_rules

ACTOR = "triage-v1"


class PortfolioTriageSummary(BaseModel):
    """What a portfolio triage run did."""

    cases: int = Field(ge=0, description="Cases triaged")
    per_tier: dict[Tier, int] = Field(description="Cases per tier")
    rules_version: str
    written: bool = Field(description="Whether tier, queue and strategy were written to the cases table")
    seconds: float = Field(ge=0)


def triage_casefile(case: domain.CaseFile, rules: Rules | None = None) -> TriageResult:
    """Triage one decrypted case (pure: reads nothing, writes nothing).

    Args:
        case: The case file.
        rules: The rules; the packaged ``rules.yaml`` when omitted.

    Returns:
        The decision with its bilingual reasons and the features it used.
    """
    rules = rules or load_rules()
    batch = run_batch(frames_from_case(case), rules)
    decision = batch.decisions.iloc[0]
    window = batch.windows.iloc[0]
    propensity = float(batch.propensity.iloc[0])
    tier = Tier(str(decision["tier"]))
    features = batch.features.iloc[0]
    contact_window = None
    if tier is not Tier.HUMAN_REVIEW:
        rate = float(window["window_rpc_rate"])
        contact_window = ContactWindow(
            start_hour=int(window["window_start"]),
            end_hour=int(window["window_end"]),
            rpc_rate=None if math.isnan(rate) else rate,
            source="learned" if bool(window["window_learned"]) else "default",
        )
    return TriageResult(
        case_id=case.id,
        tier=tier,
        queue=str(decision["queue"]),
        strategy=str(decision["strategy"]),
        channel=str(decision["channel"]),
        contact_window=contact_window,
        propensity=propensity,
        bucket=case.loan.bucket.value,
        days_past_due=case.loan.days_past_due,
        outstanding_total=str(case.loan.outstanding_total.quantize(Decimal("0.01"))),
        reasons=case_reasons(rules, decision, batch.points.iloc[0], propensity, window),
        features={name: float(features[name]) for name in numeric_columns(batch.features)},
        rules_version=rules.version,
    )


def triage_case(repo: CaseRepository, case_id: str, rules: Rules | None = None, *, actor: str = ACTOR) -> TriageResult:
    """Triage one case and record the assignment on it (with an audit line).

    Args:
        repo: The case repository.
        case_id: The case id, e.g. ``C000123``.
        rules: The rules; the packaged ``rules.yaml`` when omitted.
        actor: Who is recorded in the audit trail.

    Returns:
        The decision.

    Raises:
        core.repository.CaseNotFoundError: No case has that id.
    """
    result = triage_casefile(repo.get_case(case_id), rules)
    repo.record_assignment(
        case_id,
        tier=result.tier.value,
        queue=result.queue,
        strategy=result.strategy,
        actor=actor,
        detail={
            "rules_version": result.rules_version,
            "propensity": round(result.propensity, 6),
            "channel": result.channel,
            "reasons": [r.code for r in result.reasons],
        },
    )
    return result


_UPDATE = text("UPDATE cases SET tier = :tier, queue = :queue, strategy = :strategy, updated_at = :at WHERE id = :id")


def triage_portfolio(
    engine: Engine,
    rules: Rules | None = None,
    *,
    chunk_size: int = 50_000,
    write: bool = True,
    progress: Callable[[int], None] | None = None,
) -> PortfolioTriageSummary:
    """Triage every case, chunk by chunk, writing tier, queue and strategy back in bulk.

    Args:
        engine: The database engine.
        rules: The rules; the packaged ``rules.yaml`` when omitted.
        chunk_size: Cases per chunk.
        write: Write the assignments to the cases table (one transaction per chunk).
        progress: Called with the number of cases finished after each chunk.

    Returns:
        Counts per tier and timing.
    """
    rules = rules or load_rules()
    started = dt.datetime.now(dt.UTC)
    counts = dict.fromkeys(Tier, 0)
    total = 0
    for _raw, batch in iter_portfolio(engine, rules, chunk_size):
        d = batch.decisions
        for tier, n in d["tier"].value_counts().items():
            counts[Tier(str(tier))] += int(n)
        if write:
            at = dt.datetime.now(dt.UTC)
            params = [
                {"id": i, "tier": t, "queue": q, "strategy": s, "at": at}
                for i, t, q, s in zip(d.index, d["tier"], d["queue"], d["strategy"], strict=True)
            ]
            with engine.begin() as conn:
                conn.execute(_UPDATE, params)
        total += len(d)
        if progress is not None:
            progress(total)
    seconds = (dt.datetime.now(dt.UTC) - started).total_seconds()
    return PortfolioTriageSummary(
        cases=total, per_tier=counts, rules_version=rules.version, written=write, seconds=seconds
    )
