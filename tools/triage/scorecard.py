"""Propensity v1: the expert scorecard from the rules file, applied to a feature frame."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tools.triage.rules import RulesError, Scorecard, ScoreFeature


def feature_points(feature: ScoreFeature, values: pd.Series) -> np.ndarray:
    """Points of one characteristic for every case.

    Args:
        feature: The characteristic from the scorecard.
        values: The feature column.

    Returns:
        Points per case, as floats.
    """
    if feature.categories is not None:
        mapped = values.astype(str).map(feature.categories)
        mapped_points: np.ndarray = mapped.fillna(feature.default_points).to_numpy(dtype="float64")
        return mapped_points
    assert feature.bands is not None
    uppers = np.array([b.upper for b in feature.bands[:-1]], dtype="float64")
    points = np.array([b.points for b in feature.bands], dtype="float64")
    index = np.searchsorted(uppers, values.to_numpy(dtype="float64"), side="right")
    banded: np.ndarray = points[index]
    return banded


def score_points(card: Scorecard, features: pd.DataFrame) -> pd.DataFrame:
    """Points per characteristic (one column per scorecard feature) for every case.

    Args:
        card: The scorecard.
        features: The frame from :func:`tools.triage.features.compute_features`.

    Returns:
        A frame indexed like ``features`` with one column of points per characteristic.

    Raises:
        RulesError: The scorecard names a feature that is not computed.
    """
    missing = [f.feature for f in card.features if f.feature not in features.columns]
    if missing:
        raise RulesError(f"scorecard names unknown features: {', '.join(missing)}")
    return pd.DataFrame(
        {f.feature: feature_points(f, features[f.feature]) for f in card.features}, index=features.index
    )


def propensity_from_points(card: Scorecard, points: pd.DataFrame) -> np.ndarray:
    """Logistic link: ``sigmoid(intercept + log_odds_per_point * total points)``."""
    logit = card.intercept + card.log_odds_per_point * points.to_numpy().sum(axis=1)
    probability: np.ndarray = 1.0 / (1.0 + np.exp(-logit))
    return probability
