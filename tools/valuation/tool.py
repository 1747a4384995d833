"""The valuation tools: value one case, or price a package of cases, from the database.

Probabilities come from the fitted recovery model, amounts from the Monte Carlo, collateral from the
comparables model; nothing here reads ``case_truth`` or ``collateral_truth``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from sqlalchemy import Engine

from core import domain
from core.repository import CaseRepository
from tools.valuation.collateral import CollateralModel, NoComparablesError
from tools.valuation.curve import repayment_curve
from tools.valuation.data import features_for_case, features_for_ids
from tools.valuation.features import design_matrix, outstanding_fen
from tools.valuation.models import (
    CaseSummary,
    CaseValuation,
    CollateralValuation,
    PackageLine,
    PackageValuation,
    Quantiles,
    yuan,
)
from tools.valuation.montecarlo import CaseInputs, Distribution, analytic, simulate
from tools.valuation.policy import Policy, load_policy
from tools.valuation.recovery_model import RecoveryModel, load_model

LITIGATED = 2.0
"""``legal_status_index`` from which fixed legal costs apply (litigation, judgment, enforcement)."""


class PackageError(ValueError):
    """A package request cannot be valued (empty, duplicated ids, negative claims)."""


@dataclass(frozen=True)
class Valuator:
    """The fitted model and the policy a valuation uses (load once, pass in)."""

    model: RecoveryModel
    policy: Policy

    @classmethod
    def default(cls) -> Valuator:
        """The packaged artifact and policy; raises ``RecoveryModelError`` / ``PolicyError`` when unusable."""
        return cls(model=load_model(), policy=load_policy())

    def distribution(self, discount_rate: float | None) -> Distribution:
        """Shared simulation parameters."""
        rate = self.policy.monte_carlo.discount_rate if discount_rate is None else discount_rate
        return Distribution(
            early_mean=self.model.early_mean,
            early_concentration=self.model.early_concentration,
            late_concentration=self.model.late_concentration,
            commission_rate=self.policy.costs.commission_rate,
            discount_rate=rate,
        )

    def inputs(self, features: pd.DataFrame, claims: NDArray[np.float64]) -> CaseInputs:
        """Per-case simulation inputs from triage features and claims (yuan)."""
        p3, p_late, mu_late = self.model.predict(design_matrix(features))
        secured = features["is_property_backed"].to_numpy() > 0
        costs = self.policy.costs
        servicing = np.where(secured, costs.servicing_per_month_yuan.secured, costs.servicing_per_month_yuan.unsecured)
        litigated = features["legal_status_index"].to_numpy() >= LITIGATED
        legal = np.where(litigated, costs.legal_fixed_yuan + costs.legal_rate * claims, 0.0)
        return CaseInputs(
            case_ids=list(features.index),
            claim=claims,
            p3=p3,
            p_late=p_late,
            mu_late=mu_late,
            servicing=servicing.astype(np.float64),
            legal=legal.astype(np.float64),
        )


def _check_rate(rate: float | None) -> None:
    if rate is not None and not 0.0 <= rate < 1.0:
        raise PackageError(f"discount rate must be in [0, 1), got {rate}")


def value_casefile(
    case: domain.CaseFile,
    engine: Engine,
    valuator: Valuator,
    *,
    paths: int | None = None,
    seed: int | None = None,
    discount_rate: float | None = None,
) -> CaseValuation:
    """Value one decrypted case: curve, simulated recovery and cost, collateral.

    Args:
        case: The case file.
        engine: The database (for the recorded property sales).
        valuator: Model and policy.
        paths: Monte Carlo paths (policy default).
        seed: Simulation seed (policy default).
        discount_rate: Annual discount rate of the NPV (policy default).

    Returns:
        The case valuation.
    """
    _check_rate(discount_rate)
    mc = valuator.policy.monte_carlo
    paths, seed = paths or mc.paths, mc.seed if seed is None else seed
    features = features_for_case(case)
    claim = outstanding_fen(features) / 100.0
    inputs = valuator.inputs(features, claim)
    dist = valuator.distribution(discount_rate)
    sim = simulate(inputs, dist, paths, seed, quantiles=True)
    exact = analytic(inputs, dist)
    curve = repayment_curve(inputs.p3, inputs.p_late)[0]
    assert sim.case_quantiles is not None
    q = sim.case_quantiles[0]
    model = CollateralModel(engine, valuator.policy.collateral)
    collateral: list[CollateralValuation] = []
    for flat in case.collateral:
        try:
            collateral.append(model.value(flat, case.as_of))
        except NoComparablesError:
            continue  # the case is still valued; the flat simply has no comparables estimate
    months = float(sim.case_months[0])
    return CaseValuation(
        case_id=case.id,
        outstanding_total=case.loan.outstanding_total.quantize(Decimal("0.01")),
        claim=yuan(claim[0]),
        repayment_curve=[round(float(p), 4) for p in curve],
        p_repay_90d=round(float(inputs.p3[0]), 4),
        p_any_12m=round(float(curve[-1]), 4),
        expected_recovery=yuan(sim.case_recovered[0]),
        expected_recovery_analytic=yuan(exact.recovered[0]),
        recovery=Quantiles(p10=yuan(q[0]), p50=yuan(q[1]), p90=yuan(q[2])),
        recovery_rate=round(float(sim.case_recovered[0] / claim[0]), 4) if claim[0] > 0 else 0.0,
        expected_months_to_recovery=None if np.isnan(months) else round(months, 2),
        expected_cost=yuan(sim.case_cost[0]),
        expected_npv=yuan(sim.case_npv[0]),
        collateral=collateral,
        paths=paths,
        seed=seed,
        discount_rate=dist.discount_rate,
        model_version=valuator.model.version,
        policy_version=valuator.policy.version,
    )


def value_case(
    cases: CaseRepository,
    engine: Engine,
    case_id: str,
    valuator: Valuator | None = None,
    **options: int | float | None,
) -> CaseValuation:
    """Load and value one case; raises ``CaseNotFoundError`` for an unknown id (see :func:`value_casefile`)."""
    return value_casefile(cases.get_case(case_id), engine, valuator or Valuator.default(), **options)  # type: ignore[arg-type]


def _quantiles(values: NDArray[np.float64]) -> Quantiles:
    q = np.quantile(values, (0.1, 0.5, 0.9))
    return Quantiles(p10=yuan(q[0]), p50=yuan(q[1]), p90=yuan(q[2]))


def value_package(
    engine: Engine,
    lines: Sequence[PackageLine],
    valuator: Valuator | None = None,
    *,
    paths: int | None = None,
    seed: int | None = None,
    discount_rate: float | None = None,
) -> PackageValuation:
    """Price a package: simulate every case, sum the paths, discount, subtract costs, give a bid range.

    Args:
        engine: The database.
        lines: Case ids and claims (a missing claim is the case's outstanding balance).
        valuator: Model and policy (packaged defaults).
        paths: Paths per case.
        seed: Simulation seed.
        discount_rate: The buyer's annual required return.

    Returns:
        The package valuation.

    Raises:
        PackageError: Empty, duplicated ids, bad rate.
        CaseNotFoundError: A case id is unknown.
    """
    _check_rate(discount_rate)
    if not lines:
        raise PackageError("the package has no cases")
    ids = [line.case_id for line in lines]
    if len(set(ids)) != len(ids):
        raise PackageError("a case appears twice in the package")
    valuator = valuator or Valuator.default()
    mc = valuator.policy.monte_carlo
    paths, seed = paths or mc.paths, mc.seed if seed is None else seed
    features = features_for_ids(engine, ids)
    owed = outstanding_fen(features) / 100.0
    claims = np.array(
        [float(line.claim) if line.claim is not None else o for line, o in zip(lines, owed.tolist(), strict=True)]
    )
    if (claims < 0).any():
        raise PackageError("claims cannot be negative")
    inputs = valuator.inputs(features, claims)
    dist = valuator.distribution(discount_rate)
    sim = simulate(inputs, dist, paths, seed)
    curve_12 = repayment_curve(inputs.p3, inputs.p_late)[:, -1]
    total = float(claims.sum())
    npv_q = np.quantile(sim.npv, (0.1, 0.5, 0.9))
    bid_low, bid_high = max(float(npv_q[0]), 0.0), max(float(sim.npv.mean()), 0.0)
    weights = sim.case_recovered
    months = sim.case_months
    ok = ~np.isnan(months) & (weights > 0)
    return PackageValuation(
        cases=len(lines),
        claim_total=yuan(total),
        discount_rate=dist.discount_rate,
        expected_recovery=yuan(sim.recovered.mean()),
        recovery=_quantiles(sim.recovered),
        expected_cost=yuan(sim.cost.mean()),
        expected_npv=yuan(sim.npv.mean()),
        npv=_quantiles(sim.npv),
        bid_low=yuan(bid_low),
        bid_high=yuan(bid_high),
        bid_low_pct=round(bid_low / total, 4) if total > 0 else 0.0,
        bid_high_pct=round(bid_high / total, 4) if total > 0 else 0.0,
        expected_months_to_recovery=round(float(np.average(months[ok], weights=weights[ok])), 2) if ok.any() else None,
        lines=[
            CaseSummary(
                case_id=c,
                claim=yuan(claims[i]),
                expected_recovery=yuan(sim.case_recovered[i]),
                expected_cost=yuan(sim.case_cost[i]),
                expected_npv=yuan(sim.case_npv[i]),
                p_any_12m=round(float(curve_12[i]), 4),
            )
            for i, c in enumerate(ids)
        ],  # fmt: skip
        paths=paths,
        seed=seed,
        model_version=valuator.model.version,
        policy_version=valuator.policy.version,
    )
