"""The latent outcome model: true propensity to repay within 90 days and the 12-month recovery.

The equations and parameters are documented in ``docs/synthetic-data.md``; keep the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from core.synth import reference as ref
from core.synth.history import sigmoid

INTERCEPT = -0.55
BETA_WILLINGNESS = 1.35
BETA_CAPACITY = 0.6
BETA_BUCKET = -0.22
BETA_COVER = 0.7
BETA_HIDDEN = 0.75
PRODUCT_EFFECT = np.array([0.0, -0.15, 0.25])
"""consumer_loan, credit_card, property_backed."""
FLAG_EFFECT = np.array([-0.6, -3.0, -0.5, -2.0, -0.4, -0.3, -0.5])
"""dispute, deceased, legal_hold, bankruptcy, vulnerable, complaint_open, opt_out (same order as the flags)."""


@dataclass(frozen=True)
class Truth:
    """Ground truth per case."""

    propensity: NDArray[np.float64]
    repaid_90d: NDArray[np.bool_]
    recovered_frac_12m: NDArray[np.float64]


def age_effect(age: NDArray[np.int64]) -> NDArray[np.float64]:
    """Young debtors repay less often, settled middle-aged ones a little more, those near retirement less."""
    return np.select([age < 25, (age >= 35) & (age < 55), age >= 60], [-0.3, 0.15, -0.1], 0.0)


def cover_effect(appraisal_fen: NDArray[np.int64], owed_fen: NDArray[np.int64]) -> NDArray[np.float64]:
    """``BETA_COVER * clip(log(appraisal / owed), -1, 1.5)`` for secured loans, zero without collateral."""
    cover = np.where(appraisal_fen > 0, appraisal_fen / np.maximum(owed_fen, 1), 1.0)
    return np.asarray(BETA_COVER * np.clip(np.log(cover), -1.0, 1.5) * (appraisal_fen > 0), dtype=np.float64)


def draw_truth(
    *,
    willingness: NDArray[np.float64],
    capacity: NDArray[np.float64],
    bucket: NDArray[np.int64],
    product: NDArray[np.int64],
    age: NDArray[np.int64],
    flags: NDArray[np.int64],
    appraisal_fen: NDArray[np.int64],
    owed_fen: NDArray[np.int64],
    rng: np.random.Generator,
) -> Truth:
    """Draw the latent propensity, the 90-day repayment and the 12-month recovered fraction.

    Args:
        willingness: latent willingness (standard normal).
        capacity: latent capacity (about standard normal).
        bucket: delinquency bucket index (0 = M0 .. 6 = M6+).
        product: product index.
        age: age in years on the snapshot date.
        flags: flag bit sets.
        appraisal_fen: collateral appraisal, zero without collateral.
        owed_fen: outstanding principal, interest and penalty.
        rng: the block's random generator.

    Returns:
        The ground truth columns.
    """
    n = len(willingness)
    bits = (flags[:, None] >> np.arange(len(ref.FLAGS))) & 1
    logit = (
        INTERCEPT
        + BETA_WILLINGNESS * willingness
        + BETA_CAPACITY * capacity
        + BETA_BUCKET * bucket
        + PRODUCT_EFFECT[product]
        + cover_effect(appraisal_fen, owed_fen)
        + age_effect(age)
        + bits @ FLAG_EFFECT
        + BETA_HIDDEN * rng.standard_normal(n)
    )
    propensity = sigmoid(logit)
    repaid = rng.random(n) < propensity
    # Repayers recover most of the balance; the rest may pay something later or lose the flat to enforcement.
    late = rng.random(n) < sigmoid(logit - 0.8)
    secured = np.where(appraisal_fen > 0, np.minimum(1.0, 0.6 * appraisal_fen / np.maximum(owed_fen, 1)), 0.0)
    foreclosed = rng.random(n) < 0.3
    frac = np.where(
        repaid,
        0.45 + 0.55 * rng.beta(4.0, 1.5, n),
        np.maximum(late * rng.beta(1.5, 4.0, n), foreclosed * secured),
    )
    return Truth(propensity=propensity, repaid_90d=repaid, recovered_frac_12m=np.round(np.clip(frac, 0.0, 1.0), 4))
