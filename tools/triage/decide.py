"""Apply the rules to a feature frame: overrides, tier, queue, strategy and channel, vectorised."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tools.triage.models import Tier
from tools.triage.rules import Condition, Rules

DECISION_COLUMNS = ("tier", "queue", "strategy", "channel", "tier_rule", "override_codes", "limit_codes")


def condition_mask(cond: Condition, features: pd.DataFrame, propensity: np.ndarray) -> np.ndarray:
    """Which cases meet every part of ``cond``.

    Args:
        cond: The rule's conditions.
        features: The feature frame.
        propensity: Propensity per case, aligned with ``features``.

    Returns:
        A boolean array.
    """
    mask = np.ones(len(features), dtype=bool)
    total = features["outstanding_total"].to_numpy()
    dpd = features["dpd"].to_numpy()
    checks: list[tuple[object, np.ndarray]] = [
        (cond.buckets, features["bucket"].isin(cond.buckets or []).to_numpy()),
        (cond.legal_status, features["legal_status"].isin(cond.legal_status or []).to_numpy()),
        (cond.products, features["product"].isin(cond.products or []).to_numpy()),
        (cond.min_propensity, propensity >= (cond.min_propensity or 0.0)),
        (cond.max_propensity, propensity < (cond.max_propensity or 0.0)),
        (cond.min_outstanding, total >= (cond.min_outstanding or 0.0)),
        (cond.max_outstanding, total < (cond.max_outstanding or 0.0)),
        (cond.min_dpd, dpd >= (cond.min_dpd or 0)),
        (cond.max_dpd, dpd <= (cond.max_dpd or 0)),
    ]
    for given, check in checks:
        if given is not None:
            mask &= check
    return mask


def _codes(hits: list[tuple[str, np.ndarray]], n: int) -> np.ndarray:
    """Comma-joined codes of the rules that hit each case."""
    out = np.full(n, "", dtype=object)
    for code, mask in hits:
        out[mask] = np.where(out[mask] == "", code, out[mask] + "," + code)
    return out


def decide(features: pd.DataFrame, propensity: np.ndarray, rules: Rules) -> pd.DataFrame:
    """Decide tier, queue, strategy and channel for every case.

    Args:
        features: The feature frame (numeric and categorical columns).
        propensity: Propensity per case, aligned with ``features``.
        rules: The validated rules.

    Returns:
        A frame indexed like ``features`` with the columns in :data:`DECISION_COLUMNS`; the code columns hold
        comma-joined rule codes (empty when none hit).
    """
    n = len(features)
    tier = np.full(n, rules.default_tier.tier.value, dtype=object)
    tier_rule = np.full(n, rules.default_tier.code, dtype=object)
    open_ = np.ones(n, dtype=bool)
    for rule in rules.tiers:
        hit = open_ & condition_mask(rule.when, features, propensity)
        tier[hit], tier_rule[hit] = rule.tier.value, rule.code
        open_ &= ~hit

    override_hits = [(o.code, features[f"flag_{o.flag}"].to_numpy() > 0) for o in rules.overrides]
    override_codes = _codes(override_hits, n)
    queue = pd.Series(tier).map({t.value: rules.treatments[t].queue for t in Tier}).to_numpy(dtype=object)
    strategy = pd.Series(tier).map({t.value: rules.treatments[t].strategy for t in Tier}).to_numpy(dtype=object)
    overridden = np.zeros(n, dtype=bool)
    for override, (_, mask) in zip(rules.overrides, override_hits, strict=True):
        first = mask & ~overridden
        queue[first] = override.queue
        overridden |= mask
    tier[overridden] = Tier.HUMAN_REVIEW.value
    strategy[overridden] = rules.treatments[Tier.HUMAN_REVIEW].strategy

    limit_hits = [(lim.code, features[f"flag_{lim.flag}"].to_numpy() > 0) for lim in rules.channel_limits]
    channel = _channels(tier, limit_hits, rules)
    return pd.DataFrame(
        {
            "tier": tier,
            "queue": queue,
            "strategy": strategy,
            "channel": channel,
            "tier_rule": tier_rule,
            "override_codes": override_codes,
            "limit_codes": _codes(limit_hits, n),
        },
        index=features.index,
    )


def _channels(tier: np.ndarray, limit_hits: list[tuple[str, np.ndarray]], rules: Rules) -> np.ndarray:
    """First preferred channel of the tier that every applicable limit allows; ``none`` when there is none."""
    limits = {lim.code: set(lim.allowed_channels) for lim in rules.channel_limits}
    n = len(tier)
    channel = np.full(n, "none", dtype=object)
    # Each distinct combination of limits is resolved once, then broadcast.
    combo = np.zeros(n, dtype=np.int64)
    for bit, (_, mask) in enumerate(limit_hits):
        combo |= mask.astype(np.int64) << bit
    for t in Tier:
        prefs = rules.treatments[t].channels
        in_tier = tier == t.value
        for key in np.unique(combo[in_tier]):
            allowed = set(prefs)
            fallback: list[str] = []
            for bit, (code, _) in enumerate(limit_hits):
                if key >> bit & 1:
                    allowed &= limits[code]
                    fallback = fallback or [c for c in rules.channel_limits[bit].allowed_channels]
            pick = next((c for c in prefs if c in allowed), None)
            if pick is None and prefs and fallback:
                pick = fallback[0]
            channel[in_tier & (combo == key)] = pick or "none"
    return channel


def pick_channel(tier: Tier, limit_codes: set[str], rules: Rules) -> str:
    """The channel one case in ``tier`` gets when the channel limits with ``limit_codes`` apply to it."""
    hits = [(lim.code, np.array([lim.code in limit_codes])) for lim in rules.channel_limits]
    return str(_channels(np.array([tier.value], dtype=object), hits, rules)[0])
