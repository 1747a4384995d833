"""Calibration metrics shared by training and the eval suite."""

from __future__ import annotations

import numpy as np


def expected_calibration_error(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error: the case-weighted mean gap between mean prediction and observed rate per bin.

    Args:
        y: Outcomes (0/1 or bool).
        p: Predicted probabilities.
        bins: Equal-width bins over [0, 1].

    Returns:
        The ECE, between 0 and 1.
    """
    y = np.asarray(y, dtype="float64")
    p = np.asarray(p, dtype="float64")
    if len(y) == 0 or len(y) != len(p):
        raise ValueError("ECE needs as many predictions as outcomes, and at least one")
    which = np.minimum((p * bins).astype("int64"), bins - 1)
    count = np.bincount(which, minlength=bins)
    gap = np.abs(np.bincount(which, weights=p, minlength=bins) - np.bincount(which, weights=y, minlength=bins))
    return float(gap.sum() / count.sum())
