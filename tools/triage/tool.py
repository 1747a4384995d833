"""The triage tool: one case through the repository (with audit), or the whole portfolio in bulk."""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal

import pandas as pd
from sqlalchemy import Engine

from core import domain
from core.gateway import ModelGateway
from core.repository import CaseRepository
from tools.triage.decide import pick_channel
from tools.triage.experiments import ASSIGN_ACTION, Experiment, apply_experiments, load_experiments
from tools.triage.features import numeric_columns
from tools.triage.frames import frames_from_case
from tools.triage.model.artifact import PropensityModel
from tools.triage.models import ContactWindow, ExperimentAssignment, ReviewStatus, Tier, TriageResult
from tools.triage.pipeline import resolve_model, run_batch
from tools.triage.portfolio import ACTOR, PortfolioTriageSummary, run_portfolio
from tools.triage.reasons import case_reasons, contributions
from tools.triage.review import review, run_sync
from tools.triage.rules import Rules, load_rules


def _apply_review(result: TriageResult, rules: Rules, features: dict[str, float]) -> TriageResult:
    """Move the result to the review's tier when the review adjusted it (queue, strategy, channel follow)."""
    if result.review is None or result.review.status is not ReviewStatus.ADJUSTED:
        return result
    tier = result.review.final_tier
    treatment = rules.treatments[tier]
    flags = {lim.code for lim in rules.channel_limits if features.get(f"flag_{lim.flag}", 0.0) > 0}
    return result.model_copy(
        update={
            "tier": tier,
            "queue": treatment.queue,
            "strategy": treatment.strategy,
            "channel": pick_channel(tier, flags, rules),
        }
    )


def contact_window_of(window: pd.Series) -> ContactWindow:
    """The contact window of one row of :attr:`tools.triage.pipeline.Batch.windows`."""
    rate = float(window["window_rpc_rate"])
    return ContactWindow(
        start_hour=int(window["window_start"]),
        end_hour=int(window["window_end"]),
        rpc_rate=None if math.isnan(rate) else rate,
        source="learned" if bool(window["window_learned"]) else "default",
    )


def triage_casefile(
    case: domain.CaseFile,
    rules: Rules | None = None,
    *,
    model: PropensityModel | None = None,
    gateway: ModelGateway | None = None,
    experiments: list[Experiment] | None = None,
) -> TriageResult:
    """Triage one decrypted case (reads nothing, writes nothing; a borderline case may call the model).

    Args:
        case: The case file.
        rules: The rules; the packaged ``rules.yaml`` when omitted.
        model: The propensity model; the rules' packaged artifact when omitted.
        gateway: The model gateway for the borderline review; without one a borderline case's review is skipped.
        experiments: Experiments to assign the case to (none by default).

    Returns:
        The decision with its bilingual reasons, contributions, review and the features it used.

    Raises:
        tools.triage.model.card.ModelArtifactError: The rules use a model that cannot be loaded.
    """
    rules = rules or load_rules()
    model = resolve_model(rules, model)
    batch = run_batch(frames_from_case(case), rules, model=model)
    if experiments:
        assigned = apply_experiments(batch.decisions, experiments)
    decision = batch.decisions.iloc[0]
    window = batch.windows.iloc[0]
    propensity = float(batch.propensity.iloc[0])
    tier = Tier(str(decision["tier"]))
    row = batch.features.iloc[0]
    features = {name: float(row[name]) for name in numeric_columns(batch.features)}
    items = contributions(rules, row, batch.points.iloc[0], model)
    contact_window = None if tier is Tier.HUMAN_REVIEW else contact_window_of(window)
    experiment = None
    if experiments and case.id in assigned.index:
        a = assigned.loc[case.id]
        experiment = ExperimentAssignment(
            experiment=str(a["experiment"]), arm=str(a["arm"]), strategy=str(a["strategy"])
        )
    result = TriageResult(
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
        reasons=case_reasons(rules, decision, propensity, window, items, batch.source),
        features=features,
        rules_version=rules.version,
        propensity_source=batch.source,
        scorecard_propensity=float(batch.scorecard_propensity.iloc[0]),
        contributions=items,
        borderline=bool(batch.borderline.iloc[0]),
        experiment=experiment,
    )
    if result.borderline:
        outcome = run_sync(review(gateway, result, rules, str(decision["tier_rule"])))
        called = outcome.status is not ReviewStatus.SKIPPED
        result = _apply_review(result.model_copy(update={"review": outcome, "model_used": called}), rules, features)
    return result


def triage_case(
    repo: CaseRepository,
    case_id: str,
    rules: Rules | None = None,
    *,
    actor: str = ACTOR,
    gateway: ModelGateway | None = None,
    model: PropensityModel | None = None,
    experiments: list[Experiment] | None = None,
) -> TriageResult:
    """Triage one case and record the assignment on it (with audit lines).

    Args:
        repo: The case repository.
        case_id: The case id, e.g. ``C000123``.
        rules: The rules; the packaged ``rules.yaml`` when omitted.
        actor: Who is recorded in the audit trail.
        gateway: The model gateway for the borderline review (skipped without one).
        model: The propensity model; the rules' packaged artifact when omitted.
        experiments: Experiments to assign to; the packaged active ones when omitted.

    Returns:
        The decision.

    Raises:
        core.repository.CaseNotFoundError: No case has that id.
        tools.triage.model.card.ModelArtifactError: The model cannot be loaded (nothing is written).
    """
    if experiments is None:
        experiments = load_experiments().active
    result = triage_casefile(repo.get_case(case_id), rules, model=model, gateway=gateway, experiments=experiments)
    repo.record_assignment(
        case_id,
        tier=result.tier.value,
        queue=result.queue,
        strategy=result.strategy,
        actor=actor,
        detail={
            "rules_version": result.rules_version,
            "propensity": round(result.propensity, 6),
            "propensity_source": result.propensity_source,
            "channel": result.channel,
            "reasons": [r.code for r in result.reasons],
            "review": result.review.status.value if result.review else None,
        },
    )
    if result.experiment is not None:
        repo.append_audit(case_id, actor=actor, action=ASSIGN_ACTION, detail=result.experiment.model_dump())
    return result


def triage_portfolio(
    engine: Engine,
    rules: Rules | None = None,
    *,
    chunk_size: int = 50_000,
    write: bool = True,
    progress: Callable[[int], None] | None = None,
    model: PropensityModel | None = None,
    experiments: list[Experiment] | None = None,
    workers: int = 2,
) -> PortfolioTriageSummary:
    """Triage every case, chunk by chunk, writing tier, queue and strategy back in bulk.

    Args:
        engine: The database engine.
        rules: The rules; the packaged ``rules.yaml`` when omitted.
        chunk_size: Cases per chunk.
        write: Write the assignments (and experiment audit lines) to the database, one transaction per chunk.
        progress: Called with the number of cases finished after each chunk.
        model: The propensity model; the rules' packaged artifact when omitted.
        experiments: Experiments to assign to; the packaged active ones when omitted.
        workers: Forked processes computing chunks while this one writes (0: all inline).

    Returns:
        Counts per tier, borderline share, experiment arms and timing.

    Raises:
        tools.triage.model.card.ModelArtifactError: The model cannot be loaded (raised before anything is written).
    """
    rules = rules or load_rules()
    model = resolve_model(rules, model)
    if experiments is None:
        experiments = load_experiments().active
    return run_portfolio(
        engine, rules, model, experiments, chunk_size=chunk_size, write=write, workers=workers, progress=progress
    )
