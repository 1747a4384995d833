"""The triage pipeline on a chunk of cases: features, scorecard, rules, contact window."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from tools.triage.decide import decide
from tools.triage.features import compute_features
from tools.triage.frames import RawFrames, iter_chunks
from tools.triage.rules import Rules
from tools.triage.scorecard import propensity_from_points, score_points
from tools.triage.window import learn_windows


@dataclass(frozen=True)
class TriageBatch:
    """Everything triage computed for a chunk of cases, all frames indexed by case id.

    Attributes:
        features: Numeric and categorical features.
        points: Scorecard points per characteristic.
        propensity: Scorecard propensity per case.
        decisions: Tier, queue, strategy, channel and the codes of the rules that fired.
        windows: Contact window per case.
    """

    features: pd.DataFrame
    points: pd.DataFrame
    propensity: pd.Series
    decisions: pd.DataFrame
    windows: pd.DataFrame


def run_batch(raw: RawFrames, rules: Rules, *, propensity: np.ndarray | None = None) -> TriageBatch:
    """Triage one chunk.

    Args:
        raw: Raw frames of the chunk.
        rules: The validated rules.
        propensity: Use these propensities instead of the scorecard's (the eval's oracle does this); aligned
            with the order of ``raw.cases``.

    Returns:
        The batch's results.
    """
    features = compute_features(raw)
    points = score_points(rules.scorecard, features)
    score = propensity_from_points(rules.scorecard, points) if propensity is None else np.asarray(propensity)
    return TriageBatch(
        features=features,
        points=points,
        propensity=pd.Series(score, index=features.index, name="propensity"),
        decisions=decide(features, score, rules),
        windows=learn_windows(raw, rules.contact_window),
    )


def iter_portfolio(engine: Engine, rules: Rules, chunk_size: int = 50_000) -> Iterator[tuple[RawFrames, TriageBatch]]:
    """Triage every case in the database, one chunk at a time.

    Args:
        engine: The database engine.
        rules: The validated rules.
        chunk_size: Cases per chunk.

    Yields:
        The raw frames and the results of each chunk.
    """
    for raw in iter_chunks(engine, chunk_size):
        yield raw, run_batch(raw, rules)
