"""Evaluators of the triage suite: ranking, calibration, tier agreement with the oracle, hard overrides."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
from sklearn.metrics import brier_score_loss, roc_auc_score

from evals.models import EvalScore
from evals.targets.triage import TriageSuiteOutput
from tools.triage.model.metrics import expected_calibration_error


class MissingOutputError(ValueError):
    """The target produced nothing for this evaluator to score."""


def _need(values: Sequence[object], what: str) -> None:
    if not values:
        raise MissingOutputError(f"the target produced no {what}")


def propensity_auc(output: TriageSuiteOutput) -> EvalScore:
    """AUC of the scorecard propensity against ``case_truth.repaid_90d``."""
    _need(output.propensity, "propensities")
    y = np.asarray(output.repaid_90d, dtype=bool)
    if y.all() or not y.any():
        raise MissingOutputError("repaid_90d has a single class; AUC is undefined")
    auc = float(roc_auc_score(y, output.propensity))
    oracle = float(roc_auc_score(y, output.latent_propensity))
    challenger = ""
    if output.scorecard_propensity:
        challenger = f"; the v1 scorecard scores {float(roc_auc_score(y, output.scorecard_propensity)):.4f}"
    return EvalScore(
        key="auc",
        score=auc,
        comment=f"n={len(y)}, positives={int(y.sum())}; the latent propensity itself scores AUC {oracle:.4f}"
        + challenger,
    )


def calibration_error(output: TriageSuiteOutput) -> EvalScore:
    """Expected calibration error (10 equal-width bins) of the propensity against ``repaid_90d``."""
    _need(output.propensity, "propensities")
    y = np.asarray(output.repaid_90d, dtype=bool)
    p = np.asarray(output.propensity)
    return EvalScore(
        key="ece",
        score=expected_calibration_error(y, p),
        comment=f"mean propensity {p.mean():.4f} vs observed rate {y.mean():.4f}",
    )


def borderline_share(output: TriageSuiteOutput) -> EvalScore:
    """Share of cases in a review band: the cases that would call the model (all others never do)."""
    _need(output.borderline, "borderline flags")
    flags = np.asarray(output.borderline, dtype=bool)
    return EvalScore(
        key="borderline_share",
        score=float(flags.mean()),
        comment=f"{int(flags.sum())}/{len(flags)} cases in a review band would get a model's second opinion",
    )


def brier(output: TriageSuiteOutput) -> EvalScore:
    """Brier score of the propensity against ``repaid_90d`` (lower is better)."""
    _need(output.propensity, "propensities")
    y = np.asarray(output.repaid_90d, dtype=bool)
    p = np.asarray(output.propensity)
    score = float(brier_score_loss(y, p))
    base = float(brier_score_loss(y, np.full(len(y), y.mean())))
    return EvalScore(
        key="brier",
        score=score,
        comment=f"mean propensity {p.mean():.4f} vs observed rate {y.mean():.4f}; base-rate Brier {base:.4f}",
    )


def tier_accuracy(output: TriageSuiteOutput) -> EvalScore:
    """Share of cases whose tier equals the oracle tier (same rules, latent propensity)."""
    _need(output.tier, "tiers")
    tier, oracle = np.asarray(output.tier), np.asarray(output.oracle_tier)
    agree = tier == oracle
    misses = Counter(f"{o}->{t}" for t, o in zip(tier[~agree], oracle[~agree], strict=True)).most_common(5)
    detail = ", ".join(f"{k}: {v}" for k, v in misses) or "none"
    return EvalScore(
        key="tier_accuracy",
        score=float(agree.mean()),
        comment=f"{int(agree.sum())}/{len(agree)} agree; top disagreements (oracle->ours): {detail}",
    )


def override_accuracy(output: TriageSuiteOutput) -> EvalScore:
    """Share of hand-written hard-override cases decided exactly as expected."""
    _need(output.overrides, "override checks")
    failed = [c for c in output.overrides if not c.passed]
    lines = [f"{c.case_id} ({c.description}): expected {c.expected}, got {c.got}" for c in failed]
    passed = len(output.overrides) - len(failed)
    return EvalScore(
        key="override_accuracy",
        score=passed / len(output.overrides),
        comment="\n".join([f"{passed}/{len(output.overrides)} as expected", *lines]),
    )
