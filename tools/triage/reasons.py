"""Bilingual reasons of one case's triage decision, built from the codes of the rules that fired."""

from __future__ import annotations

import math

import pandas as pd

from tools.triage.models import Reason
from tools.triage.rules import Rules

TOP_CONTRIBUTIONS = 2
"""How many of the strongest positive and negative scorecard characteristics to name."""


def _split(codes: str) -> list[str]:
    return [c for c in codes.split(",") if c]


def case_reasons(
    rules: Rules, decision: pd.Series, points: pd.Series, propensity: float, window: pd.Series
) -> list[Reason]:
    """The reasons for one case, most decisive first.

    Args:
        rules: The rules that decided.
        decision: The case's row of the decisions frame.
        points: The case's row of scorecard points.
        propensity: The case's propensity.
        window: The case's row of the windows frame.

    Returns:
        Overrides, the tier rule (when no override fired), channel limits, the propensity with its strongest
        characteristics, and the contact window.
    """
    reasons: list[Reason] = []
    overrides = _split(str(decision["override_codes"]))
    codes = overrides or [str(decision["tier_rule"])]
    codes += _split(str(decision["limit_codes"]))
    for code in codes:
        text = rules.reason_for(code)
        reasons.append(Reason(code=code, zh=text.zh, en=text.en))
    reasons.append(
        Reason(
            code="propensity_scorecard",
            zh=f"评分卡估计90天内还款概率为{propensity:.0%}",
            en=f"Scorecard estimates a {propensity:.0%} chance of repaying within 90 days",
        )
    )
    labels = {f.feature: f.label for f in rules.scorecard.features}
    ordered = points.sort_values(kind="stable")
    strongest = [(k, v) for k, v in ordered.iloc[::-1].items() if v > 0][:TOP_CONTRIBUTIONS]
    strongest += [(k, v) for k, v in ordered.items() if v < 0][:TOP_CONTRIBUTIONS]
    for feature, value in strongest:
        label = labels[str(feature)]
        sign_zh, sign_en = ("加", "raises") if value > 0 else ("减", "lowers")
        reasons.append(
            Reason(
                code=f"score_{feature}",
                zh=f"评分项「{label.zh}」{sign_zh}{abs(value):g}分",
                en=f"Scorecard item '{label.en}' {sign_en} the score by {abs(value):g} points",
            )
        )
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
