"""Targets of the ``triage`` suite: a synthetic portfolio scored against its truth, and hand-written overrides."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import text

from core import domain
from core.crypto import FieldCipher
from core.db.engine import make_engine
from core.db.migrate import upgrade
from evals.models import SuiteContext
from evals.targets.base import TargetOutput
from tools.triage.decide import decide
from tools.triage.pipeline import iter_portfolio
from tools.triage.rules import load_rules
from tools.triage.tool import triage_casefile


class PortfolioSpec(BaseModel):
    """The synthetic portfolio to generate."""

    model_config = ConfigDict(extra="forbid")

    n_cases: int = Field(ge=10, le=1_000_000)
    seed: int
    as_of: dt.date | None = None
    chunk_size: int = Field(default=20_000, ge=1)


class TriageParams(BaseModel):
    """``params`` of a triage suite."""

    model_config = ConfigDict(extra="forbid")

    portfolio: PortfolioSpec | None = None
    overrides_dataset: str = "overrides.jsonl"
    rules: str | None = Field(default=None, description="Rules file relative to the suite; packaged by default")


class OverrideCase(BaseModel):
    """A hand-written case for the hard overrides, with the decision it must get."""

    model_config = ConfigDict(extra="forbid")

    id: str
    description: str
    flags: list[domain.CaseFlag] = Field(default_factory=list)
    bucket: domain.Bucket
    dpd: int = Field(ge=0)
    legal_status: domain.LegalStatus = domain.LegalStatus.NONE
    product: domain.Product = domain.Product.CONSUMER_LOAN
    outstanding_principal: Decimal = Field(ge=0)
    expected_tier: str
    expected_queue: str | None = None
    expected_channel: str | None = None
    expected_reason: str | None = Field(default=None, description="Code the first reason must carry")


class OverrideCheck(BaseModel):
    """How one hand-written case came out."""

    case_id: str
    description: str
    expected: str
    got: str
    passed: bool


class TriageSuiteOutput(TargetOutput):
    """Per-case propensity, tier and oracle tier of the portfolio, and the override checks."""

    propensity: list[float] = Field(default_factory=list)
    repaid_90d: list[bool] = Field(default_factory=list)
    latent_propensity: list[float] = Field(default_factory=list)
    tier: list[str] = Field(default_factory=list)
    oracle_tier: list[str] = Field(default_factory=list)
    scorecard_propensity: list[float] = Field(default_factory=list, description="The v1 scorecard (challenger)")
    borderline: list[bool] = Field(default_factory=list, description="In a review band (a model would be asked)")
    overrides: list[OverrideCheck] = Field(default_factory=list)


def case_file(spec: OverrideCase, as_of: dt.date = dt.date(2025, 6, 30)) -> domain.CaseFile:
    """A complete, fictional case file around the fields the spec sets."""
    principal = spec.outstanding_principal
    return domain.CaseFile(
        id=spec.id,
        tenant="eval",
        status="open",
        queue=None,
        strategy=None,
        tier=None,
        legal_status=spec.legal_status,
        flags=spec.flags,
        notes="",
        opened_on=as_of - dt.timedelta(days=spec.dpd),
        as_of=as_of,
        debtor=domain.Debtor(
            id=f"D{spec.id}",
            name="测试用户",
            resident_id="110101199001011234",
            phones=["13800000000"],
            address="北京市东城区测试路1号",
            birth_date=dt.date(1990, 1, 1),
            gender="F",
            province="北京",
            city="北京",
            city_tier=1,
            income_band="5k-8k",
            employment="salaried",
        ),
        loan=domain.Loan(
            id=f"L{spec.id}",
            contract_no=f"HT{spec.id}",
            product=spec.product,
            principal=principal * 2,
            annual_rate=Decimal("0.1200"),
            term_months=36,
            disbursement_date=as_of - dt.timedelta(days=400),
            repayment_method=domain.RepaymentMethod.EQUAL_INSTALMENT,
            outstanding_principal=principal,
            outstanding_interest=Decimal("0.00"),
            outstanding_penalty=Decimal("0.00"),
            days_past_due=spec.dpd,
            bucket=spec.bucket,
        ),
    )


def _check_overrides(rows: list[dict[str, Any]], context: SuiteContext) -> list[OverrideCheck]:
    params = TriageParams.model_validate(context.config.params)
    rules = load_rules(context.suite_dir / params.rules if params.rules else None)
    checks = []
    for row in rows:
        spec = OverrideCase.model_validate(row)
        result = triage_casefile(case_file(spec), rules)
        expected = [spec.expected_tier, spec.expected_queue, spec.expected_channel, spec.expected_reason]
        got = [result.tier.value, result.queue, result.channel, result.reasons[0].code]
        pairs = [(e, g) for e, g in zip(expected, got, strict=True) if e is not None]
        checks.append(
            OverrideCheck(
                case_id=spec.id,
                description=spec.description,
                expected="/".join(e for e, _ in pairs),
                got="/".join(g for _, g in pairs),
                passed=all(e == g for e, g in pairs),
            )
        )
    return checks


def run_overrides(context: SuiteContext) -> TriageSuiteOutput:
    """Target: triage the hand-written cases only (no portfolio)."""
    params = TriageParams.model_validate(context.config.params)
    checks = _check_overrides(context.datasets[params.overrides_dataset], context)
    return TriageSuiteOutput(overrides=checks, facts={"override_cases": len(checks)})


def run_triage(context: SuiteContext) -> TriageSuiteOutput:
    """Target: generate the portfolio, triage it, read its truth and the oracle tiers; check the overrides."""
    from core.synth import synthesize  # imported here: generating is the slow, optional part

    params = TriageParams.model_validate(context.config.params)
    if params.portfolio is None:
        raise ValueError("the triage target needs params.portfolio")
    spec = params.portfolio
    rules = load_rules(context.suite_dir / params.rules if params.rules else None)
    engine = make_engine(f"sqlite:///{context.workdir / 'portfolio.db'}")
    try:
        upgrade(engine)
        synthesize(engine, FieldCipher(os.urandom(32)), spec.n_cases, spec.seed, as_of=spec.as_of, workers=0)
        parts = []
        with engine.connect() as conn:
            truth = pd.DataFrame.from_records(
                conn.execute(text("SELECT case_id, latent_propensity, repaid_90d FROM case_truth")).fetchall(),
                columns=["case_id", "latent", "repaid"],
            ).set_index("case_id")
        source = "?"
        for _raw, batch in iter_portfolio(engine, rules, spec.chunk_size):
            source = batch.source
            t = truth.reindex(batch.features.index)
            if t["latent"].isna().any():
                raise ValueError("case_truth is missing rows for some cases")
            latent = t["latent"].to_numpy(dtype="float64")
            oracle = decide(batch.features, latent, rules)["tier"]
            parts.append(
                pd.DataFrame(
                    {
                        "propensity": batch.propensity,
                        "repaid": t["repaid"].astype(bool),
                        "latent": latent,
                        "tier": batch.decisions["tier"],
                        "oracle": oracle,
                        "scorecard": batch.scorecard_propensity,
                        "borderline": batch.borderline,
                    }
                )
            )
    finally:
        engine.dispose()
    frame = pd.concat(parts)
    checks = _check_overrides(context.datasets[params.overrides_dataset], context)
    return TriageSuiteOutput(
        propensity=frame["propensity"].tolist(),
        repaid_90d=frame["repaid"].tolist(),
        latent_propensity=frame["latent"].tolist(),
        tier=frame["tier"].astype(str).tolist(),
        oracle_tier=frame["oracle"].astype(str).tolist(),
        scorecard_propensity=frame["scorecard"].tolist(),
        borderline=frame["borderline"].astype(bool).tolist(),
        overrides=checks,
        facts={
            "cases": len(frame),
            "seed": spec.seed,
            "rules_version": rules.version,
            "repaid_90d_rate": round(float(np.mean(frame["repaid"])), 4),
            "mean_propensity": round(float(frame["propensity"].mean()), 4),
            "propensity_source": source,
            "borderline_cases": int(frame["borderline"].sum()),
            "borderline_share": round(float(frame["borderline"].mean()), 4),
            "override_cases": len(checks),
        },
    )
