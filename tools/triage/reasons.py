"""Bilingual reasons of one case's triage decision: rules that fired, propensity, strongest feature contributions."""

from __future__ import annotations

import math

import pandas as pd

from tools.triage.labels import label
from tools.triage.model.artifact import PropensityModel
from tools.triage.models import FeatureContribution, Reason
from tools.triage.rules import Rules

TOP_CONTRIBUTIONS = 2
"""How many of the strongest positive and negative contributions to name in the reasons."""
LISTED_CONTRIBUTIONS = 8
"""How many contributions the result lists (largest magnitude first)."""


def _split(codes: str) -> list[str]:
    return [c for c in codes.split(",") if c]


def contributions(
    rules: Rules, features: pd.Series, points: pd.Series, model: PropensityModel | None
) -> list[FeatureContribution]:
    """The strongest feature contributions to one case's propensity, in log-odds, largest magnitude first.

    Args:
        rules: The rules (the scorecard's weights when no model is used).
        features: The case's feature row.
        points: The case's scorecard points (used when ``model`` is ``None``).
        model: The propensity model, if the rules use one.

    Returns:
        At most :data:`LISTED_CONTRIBUTIONS` contributions, none of them zero.
    """
    if model is not None:
        raw = model.contributions(features)
    else:
        raw = points.astype("float64") * rules.scorecard.log_odds_per_point
    ordered = raw[raw != 0].abs().sort_values(ascending=False, kind="stable").index[:LISTED_CONTRIBUTIONS]
    out = []
    for name in ordered:
        text = label(str(name))
        value = features.get(name)
        out.append(
            FeatureContribution(
                feature=str(name),
                value=float(value) if isinstance(value, int | float) else math.nan,
                contribution=round(float(raw[name]), 4),
                zh=text.zh,
                en=text.en,
            )
        )
    return out


def _contribution_reasons(items: list[FeatureContribution]) -> list[Reason]:
    ups = [c for c in items if c.contribution > 0][:TOP_CONTRIBUTIONS]
    downs = [c for c in items if c.contribution < 0][:TOP_CONTRIBUTIONS]
    reasons = []
    for c in [*ups, *downs]:
        sign_zh, sign_en = ("提高", "raises") if c.contribution > 0 else ("降低", "lowers")
        reasons.append(
            Reason(
                code=f"feature_{c.feature}",
                zh=f"「{c.zh}」为{c.value:g}，{sign_zh}还款可能性（对数几率{c.contribution:+.2f}）",
                en=f"{c.en} is {c.value:g}: {sign_en} the odds of repaying (log-odds {c.contribution:+.2f})",
            )
        )
    return reasons


def case_reasons(
    rules: Rules,
    decision: pd.Series,
    propensity: float,
    window: pd.Series,
    items: list[FeatureContribution],
    source: str,
) -> list[Reason]:
    """The reasons for one case, most decisive first.

    Args:
        rules: The rules that decided.
        decision: The case's row of the decisions frame.
        propensity: The case's propensity.
        window: The case's row of the windows frame.
        items: The case's strongest contributions (see :func:`contributions`).
        source: Where the propensity came from (``model:<version>`` or ``scorecard``).

    Returns:
        Overrides, the tier rule (when no override fired), channel limits, the propensity with its strongest
        contributions, and the contact window.
    """
    reasons: list[Reason] = []
    overrides = _split(str(decision["override_codes"]))
    codes = overrides or [str(decision["tier_rule"])]
    codes += _split(str(decision["limit_codes"]))
    for code in codes:
        text = rules.reason_for(code)
        reasons.append(Reason(code=code, zh=text.zh, en=text.en))
    if source.startswith("model:"):
        version = source.removeprefix("model:")
        reasons.append(
            Reason(
                code="propensity_model",
                zh=f"还款倾向模型（{version}）估计90天内还款概率为{propensity:.0%}",
                en=f"Propensity model {version} estimates a {propensity:.0%} chance of repaying within 90 days",
            )
        )
    else:
        reasons.append(
            Reason(
                code="propensity_scorecard",
                zh=f"评分卡估计90天内还款概率为{propensity:.0%}",
                en=f"Scorecard estimates a {propensity:.0%} chance of repaying within 90 days",
            )
        )
    reasons += _contribution_reasons(items)
    if overrides:
        return reasons
    start, end = int(window["window_start"]), int(window["window_end"])
    if bool(window["window_learned"]) and not math.isnan(float(window["window_rpc_rate"])):
        rate = float(window["window_rpc_rate"])
        reasons.append(
            Reason(
                code="window_learned",
                zh=f"联系记录显示{start:02d}:00-{end:02d}:00本人接通率最高（{rate:.0%}）",
                en=f"Contact log: {start:02d}:00-{end:02d}:00 has the best right-party-contact rate ({rate:.0%})",
            )
        )
    else:
        reasons.append(
            Reason(
                code="window_default",
                zh=f"联系记录不足，使用默认时段{start:02d}:00-{end:02d}:00",
                en=f"Too few contact attempts to learn from: default window {start:02d}:00-{end:02d}:00",
            )
        )
    return reasons
