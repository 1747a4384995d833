"""The triage pipeline on a chunk of cases: features, propensity (model or scorecard), rules, contact window."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from tools.triage.decide import decide
from tools.triage.features import compute_features
from tools.triage.frames import iter_chunks
from tools.triage.model.artifact import PropensityModel, load_model
from tools.triage.models import Tier
from tools.triage.raw import RawFrames
from tools.triage.rules import Rules
from tools.triage.scorecard import propensity_from_points, score_points
from tools.triage.window import learn_windows


@dataclass(frozen=True)
class TriageBatch:
    """Everything triage computed for a chunk of cases, all frames indexed by case id.

    Attributes:
        features: Numeric and categorical features.
        points: Scorecard points per characteristic.
        propensity: The propensity the rules used (model, scorecard or given).
        decisions: Tier, queue, strategy, channel and the codes of the rules that fired.
        windows: Contact window per case.
        scorecard_propensity: The scorecard's propensity (the challenger), per case.
        borderline: Whether each case's propensity lies in a review band (never for overridden cases).
        source: ``model:<version>``, ``scorecard`` or ``given``.
    """

    features: pd.DataFrame
    points: pd.DataFrame
    propensity: pd.Series
    decisions: pd.DataFrame
    windows: pd.DataFrame
    scorecard_propensity: pd.Series
    borderline: pd.Series
    source: str


def resolve_model(rules: Rules, model: PropensityModel | None = None) -> PropensityModel | None:
    """The model the rules ask for: ``model`` if given, else the packaged artifact; ``None`` for the scorecard.

    Raises:
        tools.triage.model.card.ModelArtifactError: The artifact is missing, altered or incompatible.
    """
    if rules.propensity.source == "scorecard":
        return None
    return model or load_model(rules.propensity.model_version)


def run_batch(
    raw: RawFrames,
    rules: Rules,
    *,
    propensity: np.ndarray | None = None,
    model: PropensityModel | None = None,
) -> TriageBatch:
    """Triage one chunk.

    Args:
        raw: Raw frames of the chunk.
        rules: The validated rules.
        propensity: Use these propensities instead (the eval's oracle does this); aligned with ``raw.cases``.
        model: The propensity model when the rules use one (see :func:`resolve_model`); ignored with
            ``propensity`` or when the rules use the scorecard.

    Returns:
        The batch's results.
    """
    features = compute_features(raw)
    points = score_points(rules.scorecard, features)
    card_score = propensity_from_points(rules.scorecard, points)
    if propensity is not None:
        score, source = np.asarray(propensity, dtype="float64"), "given"
    elif rules.propensity.source == "model":
        model = resolve_model(rules, model)
        assert model is not None
        score, source = model.predict(features), f"model:{model.card.version}"
    else:
        score, source = card_score, "scorecard"
    decisions = decide(features, score, rules)
    borderline = rules.review.contains(score) & (decisions["tier"].to_numpy() != Tier.HUMAN_REVIEW.value)
    return TriageBatch(
        features=features,
        points=points,
        propensity=pd.Series(score, index=features.index, name="propensity"),
        decisions=decisions,
        windows=learn_windows(raw, rules.contact_window),
        scorecard_propensity=pd.Series(card_score, index=features.index, name="scorecard_propensity"),
        borderline=pd.Series(borderline, index=features.index, name="borderline"),
        source=source,
    )


def iter_portfolio(
    engine: Engine, rules: Rules, chunk_size: int = 50_000, *, model: PropensityModel | None = None
) -> Iterator[tuple[RawFrames, TriageBatch]]:
    """Triage every case in the database, one chunk at a time.

    Args:
        engine: The database engine.
        rules: The validated rules.
        chunk_size: Cases per chunk.
        model: The propensity model (the rules' packaged artifact when omitted and the rules use a model).

    Yields:
        The raw frames and the results of each chunk.

    Raises:
        tools.triage.model.card.ModelArtifactError: Before reading anything, when the model cannot be loaded.
    """
    model = resolve_model(rules, model)
    for raw in iter_chunks(engine, chunk_size):
        yield raw, run_batch(raw, rules, model=model)
