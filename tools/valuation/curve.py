"""Repayment curve: probability of a first (partial) repayment by month 1..12, from the recovery model.

Two constant monthly hazards: ``h1`` over months 1-3 reaches ``p3``; ``h2`` over months 4-12 reaches
``p_late`` among those who paid nothing by month 3. So ``P(by 12) = p3 + (1 - p3) * p_late``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

MONTHS = 12
EARLY_MONTHS = 3
_EPS = 1e-12


@dataclass(frozen=True)
class Hazards:
    """Monthly hazards per case."""

    early: NDArray[np.float64]
    """Hazard in months 1-3."""
    late: NDArray[np.float64]
    """Hazard in months 4-12."""


def hazards(p3: NDArray[np.float64], p_late: NDArray[np.float64]) -> Hazards:
    """Constant hazards that reach ``p3`` by month 3 and ``p_late`` (conditional) over months 4-12."""
    p3 = np.clip(p3, _EPS, 1 - _EPS)
    p_late = np.clip(p_late, _EPS, 1 - _EPS)
    return Hazards(
        early=1.0 - (1.0 - p3) ** (1.0 / EARLY_MONTHS),
        late=1.0 - (1.0 - p_late) ** (1.0 / (MONTHS - EARLY_MONTHS)),
    )


def month_probabilities(p3: NDArray[np.float64], p_late: NDArray[np.float64]) -> NDArray[np.float64]:
    """``(cases, 12)``: probability that the first repayment falls in month ``m`` (column ``m - 1``)."""
    h = hazards(p3, p_late)
    m = np.arange(1, MONTHS + 1)
    early = (1.0 - h.early[:, None]) ** (m[None, :EARLY_MONTHS] - 1) * h.early[:, None]
    late_m = m[None, EARLY_MONTHS:] - EARLY_MONTHS - 1
    late = (1.0 - np.clip(p3, _EPS, 1 - _EPS))[:, None] * (1.0 - h.late[:, None]) ** late_m * h.late[:, None]
    return np.concatenate([early, late], axis=1)


def repayment_curve(p3: NDArray[np.float64], p_late: NDArray[np.float64]) -> NDArray[np.float64]:
    """``(cases, 12)``: probability of a first repayment by the end of month ``m``."""
    return np.cumsum(month_probabilities(p3, p_late), axis=1)


def expected_months(p3: NDArray[np.float64], p_late: NDArray[np.float64]) -> NDArray[np.float64]:
    """Expected month of the first repayment, given there is one within 12 months."""
    probs = month_probabilities(p3, p_late)
    total = probs.sum(axis=1)
    return np.asarray((probs @ np.arange(1, MONTHS + 1)) / np.maximum(total, _EPS), dtype=np.float64)
