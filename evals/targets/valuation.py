"""Target of the ``valuation`` suite: held-out synthetic portfolios valued by the tools, scored against their truth.

The recovery model was fitted on other seeds (see the artifact's ``training.seeds``); the truth tables are read
here only to score, after the tools have produced their numbers.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine, text

from core import domain
from core.crypto import FieldCipher
from core.db.engine import make_engine
from core.db.migrate import upgrade
from evals.models import SuiteContext
from evals.targets.base import TargetOutput
from tools.valuation.collateral import CollateralModel
from tools.valuation.data import iter_portfolio_features
from tools.valuation.features import outstanding_fen
from tools.valuation.montecarlo import analytic, simulate
from tools.valuation.tool import Valuator


class HeldOut(BaseModel):
    """One held-out portfolio."""

    model_config = ConfigDict(extra="forbid")

    seed: int
    n_cases: int = Field(ge=100, le=500_000)


class ValuationParams(BaseModel):
    """``params`` of the valuation suite."""

    model_config = ConfigDict(extra="forbid")

    portfolios: list[HeldOut] = Field(min_length=1)
    portfolio_paths: int = Field(default=1000, ge=100)
    analytic_paths: int = Field(default=200_000, ge=1000)
    seed: int = 20261101


class PortfolioScore(BaseModel):
    """Predicted and realised 12-month recovery of one portfolio (yuan)."""

    seed: int
    cases: int
    predicted: float
    analytic: float
    truth: float


class ValuationSuiteOutput(TargetOutput):
    """What the evaluators read."""

    portfolios: list[PortfolioScore] = Field(default_factory=list)
    collateral_errors: list[float] = Field(default_factory=list, description="|value / true value - 1| per flat")
    appraisal_errors: list[float] = Field(default_factory=list, description="The bank appraisal's errors, same flats")
    interval_hits: int = 0
    mc_mean: float = 0.0
    analytic_mean: float = 0.0
    mc_case: str = ""


def _portfolio(engine: Engine, held: HeldOut, valuator: Valuator, params: ValuationParams) -> PortfolioScore:
    with engine.connect() as conn:
        truth = pd.DataFrame(
            conn.execute(text("SELECT case_id, recovered_frac_12m FROM case_truth")).fetchall(), columns=["id", "frac"]
        ).set_index("id")["frac"]
    predicted = exact = realised = 0.0
    dist = valuator.distribution(None)
    for feats in iter_portfolio_features(engine):
        claims = outstanding_fen(feats) / 100.0
        inputs = valuator.inputs(feats, claims)
        predicted += float(simulate(inputs, dist, params.portfolio_paths, params.seed).recovered.mean())
        exact += float(analytic(inputs, dist).recovered.sum())
        realised += float((truth.reindex(feats.index).to_numpy() * claims).sum())
    return PortfolioScore(seed=held.seed, cases=held.n_cases, predicted=predicted, analytic=exact, truth=realised)


def _collateral(engine: Engine, valuator: Valuator, out: ValuationSuiteOutput) -> None:
    model = CollateralModel(engine, valuator.policy.collateral)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT k.city, k.district, k.area_sqm, k.build_year, k.appraisal_fen, k.appraisal_date, c.as_of,"
                " t.market_value_fen FROM collateral k JOIN collateral_truth t ON t.loan_id = k.loan_id"
                " JOIN cases c ON c.loan_id = k.loan_id ORDER BY k.loan_id"
            )
        ).fetchall()
    for r in rows:
        flat = domain.Collateral.model_validate(
            {"city": r.city, "district": r.district, "area_sqm": r.area_sqm, "build_year": r.build_year,
             "appraisal": r.appraisal_fen / 100, "appraisal_date": r.appraisal_date}
        )  # fmt: skip
        value = model.value(flat, pd.Timestamp(r.as_of).date())
        true = r.market_value_fen / 100.0
        out.collateral_errors.append(abs(float(value.value) / true - 1.0))
        out.appraisal_errors.append(abs(r.appraisal_fen / 100.0 / true - 1.0))
        out.interval_hits += int(float(value.value_low) <= true <= float(value.value_high))


def run_valuation(context: SuiteContext) -> ValuationSuiteOutput:
    """Generate each held-out portfolio, value it, value its pledged flats, and check the Monte Carlo mean."""
    from core.synth import synthesize  # generating is the slow, optional part

    params = ValuationParams.model_validate(context.config.params)
    valuator = Valuator.default()
    trained = valuator.model.training.get("seeds", [])
    overlap = {p.seed for p in params.portfolios} & set(trained if isinstance(trained, list) else [])
    if overlap:
        raise ValueError(f"held-out seeds {sorted(overlap)} were used to train the recovery model")
    out = ValuationSuiteOutput()
    for held in params.portfolios:
        engine = make_engine(f"sqlite:///{Path(context.workdir) / f'held-{held.seed}.db'}")
        try:
            upgrade(engine)
            synthesize(engine, FieldCipher(os.urandom(32)), held.n_cases, held.seed, workers=2)
            out.portfolios.append(_portfolio(engine, held, valuator, params))
            _collateral(engine, valuator, out)
            if not out.mc_case:
                feats = next(iter_portfolio_features(engine, 50)).iloc[:1]
                inputs = valuator.inputs(feats, outstanding_fen(feats) / 100.0)
                dist = valuator.distribution(None)
                out.mc_case = str(feats.index[0])
                out.mc_mean = float(simulate(inputs, dist, params.analytic_paths, params.seed).case_recovered[0])
                out.analytic_mean = float(analytic(inputs, dist).recovered[0])
        finally:
            engine.dispose()
    out.facts = {
        "model_version": valuator.model.version,
        "policy_version": valuator.policy.version,
        "held_out_seeds": ",".join(str(p.seed) for p in params.portfolios),
        "cases": sum(p.n_cases for p in params.portfolios),
        "flats": len(out.collateral_errors),
    }
    return out
