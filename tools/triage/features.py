"""Triage features, vectorised over a chunk of cases (one case is a chunk of one).

Every time-based feature is relative to the case's own ``as_of`` snapshot date. Money features are in yuan.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tools.triage.frames import RawFrames

NEVER_DAYS = 9999.0
"""Value of a ``days_since_*`` feature when the event never happened."""

RPC_OUTCOMES = ("right_party_contact", "promise_to_pay")
"""Outcomes that mean the debtor in person was reached."""
ANSWERED_OUTCOMES = ("connected", "right_party_contact", "promise_to_pay", "refused", "wrong_number")
BUCKET_INDEX = {"M0": 0, "M1": 1, "M2": 2, "M3": 3, "M4": 4, "M5": 5, "M6+": 6}
LEGAL_INDEX = {"none": 0, "pre_litigation": 1, "litigation": 2, "judgment": 3, "enforcement": 4}
FLAG_NAMES = ("dispute", "deceased", "legal_hold", "bankruptcy", "vulnerable", "complaint_open", "opt_out")
CATEGORICAL = ("bucket", "product", "income_band", "employment", "legal_status")
"""String columns kept beside the numeric features (the scorecard and the rules read them)."""
PRODUCTS = ("consumer_loan", "credit_card", "property_backed")
PAYMENT_WINDOWS = (("3m", 90), ("6m", 180), ("12m", 365))


def _sum_by_case(index: pd.Index, keys: pd.Series, values: pd.Series | np.ndarray) -> pd.Series:
    """Sum ``values`` per case key, aligned on ``index`` with zeros where a case has none."""
    if len(keys) == 0:
        return pd.Series(0.0, index=index)
    grouped = pd.Series(np.asarray(values, dtype="float64"), index=keys.to_numpy()).groupby(level=0).sum()
    return grouped.reindex(index, fill_value=0.0)


def _max_by_case(index: pd.Index, keys: pd.Series, values: pd.Series | np.ndarray) -> pd.Series:
    """Largest value per case; NaN where a case has none."""
    if len(keys) == 0:
        return pd.Series(np.nan, index=index)
    grouped = pd.Series(np.asarray(values, dtype="float64"), index=keys.to_numpy()).groupby(level=0).max()
    return grouped.reindex(index)


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    """``num / den`` with 0 where the denominator is 0."""
    out = num.astype("float64") / den.astype("float64").where(den != 0)
    return out.fillna(0.0)


def _case_static(c: pd.DataFrame) -> pd.DataFrame:
    f = pd.DataFrame(index=c.index)
    f["dpd"] = c["dpd"].astype("float64")
    f["bucket_index"] = c["bucket"].map(BUCKET_INDEX).astype("float64")
    f["outstanding_principal"] = c["out_principal_fen"] / 100.0
    f["outstanding_interest"] = c["out_interest_fen"] / 100.0
    f["outstanding_penalty"] = c["out_penalty_fen"] / 100.0
    total = (c["out_principal_fen"] + c["out_interest_fen"] + c["out_penalty_fen"]) / 100.0
    f["outstanding_total"] = total
    f["log_outstanding_total"] = np.log1p(total.clip(lower=0))
    f["principal"] = c["principal_fen"] / 100.0
    f["principal_outstanding_ratio"] = _ratio(c["out_principal_fen"], c["principal_fen"])
    f["outstanding_ratio"] = _ratio(total * 100.0, c["principal_fen"])
    f["penalty_share"] = _ratio(c["out_penalty_fen"] * 1.0, total * 100.0)
    f["annual_rate"] = c["annual_rate"].astype("float64")
    f["term_months"] = c["term_months"].astype("float64")
    f["loan_age_months"] = (c["as_of_day"] - c["disbursement_day"]) / 30.4375
    f["case_age_days"] = (c["as_of_day"] - c["opened_day"]).astype("float64")
    as_of_year = pd.to_datetime(c["as_of_day"].astype("int64"), unit="D").dt.year
    f["age"] = (as_of_year - c["birth_year"]).astype("float64")
    f["city_tier"] = c["city_tier"].astype("float64")
    for product in PRODUCTS:
        f[f"is_{product}"] = (c["product"] == product).astype("float64")
    f["legal_status_index"] = c["legal_status"].map(LEGAL_INDEX).fillna(0).astype("float64")
    f["n_guarantors"] = c["n_guarantors"].astype("float64")
    f["has_guarantor"] = (c["n_guarantors"] > 0).astype("float64")
    f["collateral_value"] = c["collateral_fen"] / 100.0
    f["collateral_cover"] = _ratio(c["collateral_fen"] * 1.0, total * 100.0)
    for flag in FLAG_NAMES:
        f[f"flag_{flag}"] = c["flags"].str.contains(f'"{flag}"', regex=False).astype("float64")
    return f


def _payments(f: pd.DataFrame, as_of: pd.Series, rep: pd.DataFrame) -> None:
    ago = rep["day"].to_numpy() - as_of.reindex(rep["case_id"]).to_numpy()
    ago = -ago  # days before the snapshot, 0 is the snapshot day itself
    past = ago >= 0
    keys, amounts = rep["case_id"][past], rep["amount_fen"].to_numpy()[past] / 100.0
    ago = ago[past]
    for name, days in PAYMENT_WINDOWS:
        inside = ago < days
        f[f"payments_count_{name}"] = _sum_by_case(f.index, keys[inside], np.ones(int(inside.sum())))
        f[f"payments_amount_{name}"] = _sum_by_case(f.index, keys[inside], amounts[inside])
    f["payments_count_total"] = _sum_by_case(f.index, keys, np.ones(len(keys)))
    f["days_since_last_payment"] = (-_max_by_case(f.index, keys, -ago)).fillna(NEVER_DAYS)
    f["paid_12m_to_outstanding"] = _ratio(f["payments_amount_12m"], f["outstanding_total"])


def _promises(f: pd.DataFrame, as_of: pd.Series, pro: pd.DataFrame) -> None:
    made = (as_of.reindex(pro["case_id"]).to_numpy() - pro["made_day"].to_numpy()) >= 0
    keys, status = pro["case_id"][made], pro["status"][made].to_numpy()
    f["promises_made"] = _sum_by_case(f.index, keys, np.ones(len(keys)))
    for state in ("kept", "broken", "pending"):
        f[f"promises_{state}"] = _sum_by_case(f.index, keys, status == state)
    f["promise_kept_rate"] = _ratio(f["promises_kept"], f["promises_kept"] + f["promises_broken"])


def _contacts(f: pd.DataFrame, as_of: pd.Series, con: pd.DataFrame) -> None:
    end_s = (as_of.reindex(con["case_id"]).to_numpy() + 1) * 86400
    at_s = con["at_s"].to_numpy()
    past = at_s < end_s
    keys = con["case_id"][past]
    outcome, channel = con["outcome"].to_numpy()[past], con["channel"].to_numpy()[past]
    ago = (end_s[past] - 1 - at_s[past]) // 86400
    recent = ago < 30
    rpc = np.isin(outcome, RPC_OUTCOMES)
    calls = channel == "call"
    ones = np.ones(len(keys))
    f["attempts_total"] = _sum_by_case(f.index, keys, ones)
    f["attempts_30d"] = _sum_by_case(f.index, keys[recent], ones[recent])
    f["rpc_total"] = _sum_by_case(f.index, keys, rpc)
    f["rpc_30d"] = _sum_by_case(f.index, keys[recent], rpc[recent])
    f["rpc_rate"] = _ratio(f["rpc_total"], f["attempts_total"])
    f["rpc_rate_30d"] = _ratio(f["rpc_30d"], f["attempts_30d"])
    f["calls_total"] = _sum_by_case(f.index, keys, calls)
    answered = _sum_by_case(f.index, keys, calls & np.isin(outcome, ANSWERED_OUTCOMES))
    f["answer_rate"] = _ratio(answered, f["calls_total"])
    f["wrong_number_share"] = _ratio(_sum_by_case(f.index, keys, outcome == "wrong_number"), f["attempts_total"])
    f["refusals"] = _sum_by_case(f.index, keys, outcome == "refused")
    f["ptp_outcomes"] = _sum_by_case(f.index, keys, outcome == "promise_to_pay")
    f["third_party_share"] = _ratio(
        _sum_by_case(f.index, keys, con["callee"].to_numpy()[past] != "debtor"), f["attempts_total"]
    )
    f["days_since_last_contact"] = (-_max_by_case(f.index, keys, -ago)).fillna(NEVER_DAYS)
    f["days_since_last_rpc"] = (-_max_by_case(f.index, keys[rpc], -ago[rpc])).fillna(NEVER_DAYS)


def compute_features(raw: RawFrames) -> pd.DataFrame:
    """Compute every triage feature for the cases in ``raw``.

    Args:
        raw: Raw frames of a chunk of cases (from the database or from one case file).

    Returns:
        A frame indexed by case id: numeric feature columns (see :func:`numeric_columns`) plus the string
        columns in :data:`CATEGORICAL` and ``flags`` (JSON text).
    """
    c = raw.cases.set_index("case_id", drop=False)
    c.index.name = "case_id"
    f = _case_static(c)
    as_of = c["as_of_day"]
    _payments(f, as_of, raw.repayments)
    _promises(f, as_of, raw.promises)
    _contacts(f, as_of, raw.contacts)
    for col in CATEGORICAL:
        f[col] = c[col].astype(str)
    f["flags"] = c["flags"]
    return f


def numeric_columns(features: pd.DataFrame) -> list[str]:
    """Names of the numeric feature columns of a frame made by :func:`compute_features`."""
    return [col for col in features.columns if col not in CATEGORICAL and col != "flags"]
