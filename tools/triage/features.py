"""Triage features, vectorised over a chunk of cases (one case is a chunk of one).

Every time-based feature is relative to the case's own ``as_of`` snapshot date. Money features are in yuan.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tools.triage.features_extra import contact_features, debtor_features, promise_features
from tools.triage.raw import RawFrames

NEVER_DAYS = 9999.0
"""Value of a ``days_since_*`` feature when the event never happened."""

RPC_OUTCOMES = ("right_party_contact", "promise_to_pay")
"""Outcomes that mean the debtor in person was reached."""
ANSWERED_OUTCOMES = ("connected", "right_party_contact", "promise_to_pay", "refused", "wrong_number")
BUCKET_INDEX = {"M0": 0, "M1": 1, "M2": 2, "M3": 3, "M4": 4, "M5": 5, "M6+": 6}
LEGAL_INDEX = {"none": 0, "pre_litigation": 1, "litigation": 2, "judgment": 3, "enforcement": 4}
FLAG_NAMES = ("dispute", "deceased", "legal_hold", "bankruptcy", "vulnerable", "complaint_open", "opt_out")
CATEGORICAL = ("bucket", "product", "income_band", "employment", "legal_status", "province")
"""String columns kept beside the numeric features (the scorecard and the rules read them)."""
PRODUCTS = ("consumer_loan", "credit_card", "property_backed")
PAYMENT_WINDOWS = (("3m", 90), ("6m", 180), ("12m", 365))


def _sum_by_case(n: int, pos: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
    """Sum ``values`` (or count rows) per case position; zeros where a case has none."""
    weights = None if values is None else np.asarray(values, dtype="float64")
    return np.bincount(pos, weights=weights, minlength=n).astype("float64")


def _min_by_case(n: int, pos: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Smallest value per case position; NaN where a case has none."""
    out = np.full(n, np.inf)
    np.minimum.at(out, pos, np.asarray(values, dtype="float64"))
    out[np.isinf(out)] = np.nan
    return out


def positions(cases: pd.Series, keys: pd.Series) -> np.ndarray:
    """Row position in ``cases`` of each event's case id (hashing the strings once per frame)."""
    pos: np.ndarray = pd.Index(cases.to_numpy(dtype=object)).get_indexer(keys.to_numpy(dtype=object))
    if (pos < 0).any():
        raise ValueError("an event refers to a case outside the chunk")
    return pos


def _ratio(num: pd.Series | np.ndarray, den: pd.Series | np.ndarray) -> np.ndarray:
    """``num / den`` with 0 where the denominator is 0."""
    num, den = np.asarray(num, dtype="float64"), np.asarray(den, dtype="float64")
    out: np.ndarray = np.divide(num, den, out=np.zeros_like(num), where=den != 0)
    return out


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


def _payments(f: pd.DataFrame, as_of: np.ndarray, rep: pd.DataFrame, pos: np.ndarray) -> None:
    n = len(f)
    ago = as_of[pos] - rep["day"].to_numpy(dtype="int64")  # days before the snapshot; 0 is the snapshot day
    past = ago >= 0
    pos, ago = pos[past], ago[past]
    amounts = rep["amount_fen"].to_numpy(dtype="float64")[past] / 100.0
    for name, days in PAYMENT_WINDOWS:
        inside = ago < days
        f[f"payments_count_{name}"] = _sum_by_case(n, pos[inside])
        f[f"payments_amount_{name}"] = _sum_by_case(n, pos[inside], amounts[inside])
    f["payments_count_total"] = _sum_by_case(n, pos)
    f["days_since_last_payment"] = np.nan_to_num(_min_by_case(n, pos, ago), nan=NEVER_DAYS)
    f["paid_12m_to_outstanding"] = _ratio(f["payments_amount_12m"], f["outstanding_total"])


def _promises(f: pd.DataFrame, as_of: np.ndarray, pro: pd.DataFrame, pos: np.ndarray) -> None:
    n = len(f)
    made = as_of[pos] - pro["made_day"].to_numpy(dtype="int64") >= 0
    pos, status = pos[made], pro["status"].to_numpy(dtype=object)[made]
    f["promises_made"] = _sum_by_case(n, pos)
    for state in ("kept", "broken", "pending"):
        f[f"promises_{state}"] = _sum_by_case(n, pos, status == state)
    f["promise_kept_rate"] = _ratio(f["promises_kept"], f["promises_kept"] + f["promises_broken"])


def _contacts(f: pd.DataFrame, as_of: np.ndarray, con: pd.DataFrame, pos: np.ndarray) -> None:
    n = len(f)
    end_s = (as_of[pos] + 1) * 86400
    at_s = con["at_s"].to_numpy(dtype="int64")
    past = at_s < end_s
    pos = pos[past]
    outcome, channel = con["outcome"].to_numpy(dtype=object)[past], con["channel"].to_numpy(dtype=object)[past]
    ago = (end_s[past] - 1 - at_s[past]) // 86400
    recent = ago < 30
    rpc = np.isin(outcome, RPC_OUTCOMES)
    calls = channel == "call"
    f["attempts_total"] = _sum_by_case(n, pos)
    f["attempts_30d"] = _sum_by_case(n, pos[recent])
    f["rpc_total"] = _sum_by_case(n, pos, rpc)
    f["rpc_30d"] = _sum_by_case(n, pos[recent], rpc[recent])
    f["rpc_rate"] = _ratio(f["rpc_total"], f["attempts_total"])
    f["rpc_rate_30d"] = _ratio(f["rpc_30d"], f["attempts_30d"])
    f["calls_total"] = _sum_by_case(n, pos, calls)
    answered = _sum_by_case(n, pos, calls & np.isin(outcome, ANSWERED_OUTCOMES))
    f["answer_rate"] = _ratio(answered, f["calls_total"])
    f["wrong_number_share"] = _ratio(_sum_by_case(n, pos, outcome == "wrong_number"), f["attempts_total"])
    f["refusals"] = _sum_by_case(n, pos, outcome == "refused")
    f["ptp_outcomes"] = _sum_by_case(n, pos, outcome == "promise_to_pay")
    third = con["callee"].to_numpy(dtype=object)[past] != "debtor"
    f["third_party_share"] = _ratio(_sum_by_case(n, pos, third), f["attempts_total"])
    f["days_since_last_contact"] = np.nan_to_num(_min_by_case(n, pos, ago), nan=NEVER_DAYS)
    f["days_since_last_rpc"] = np.nan_to_num(_min_by_case(n, pos[rpc], ago[rpc]), nan=NEVER_DAYS)


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
    as_of = c["as_of_day"].to_numpy(dtype="int64")
    ids = raw.cases["case_id"]
    promise_pos = positions(ids, raw.promises["case_id"])
    contact_pos = positions(ids, raw.contacts["case_id"])
    _payments(f, as_of, raw.repayments, positions(ids, raw.repayments["case_id"]))
    _promises(f, as_of, raw.promises, promise_pos)
    _contacts(f, as_of, raw.contacts, contact_pos)
    extra = {
        **debtor_features(c, f),
        **contact_features(raw, contact_pos),
        **promise_features(raw, promise_pos, f["outstanding_total"].to_numpy()),
    }
    f = pd.concat([f, pd.DataFrame(extra, index=f.index)], axis=1)
    for col in CATEGORICAL:
        f[col] = c[col].astype(str)
    f["flags"] = c["flags"]
    return f


def numeric_columns(features: pd.DataFrame) -> list[str]:
    """Names of the numeric feature columns of a frame made by :func:`compute_features`."""
    return [col for col in features.columns if col not in CATEGORICAL and col != "flags"]
