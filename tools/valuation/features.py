"""The recovery model's design matrix, built from the triage features (same path for one case and a portfolio)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from tools.triage.features import FLAG_NAMES

INCOME_BANDS = ("<3k", "3k-5k", "5k-8k", "8k-15k", "15k-30k", ">30k")
EMPLOYMENT = ("salaried", "self_employed", "gig_worker", "unemployed", "retired", "civil_servant")
FEATURES: tuple[str, ...] = (
    "bucket_index",
    "dpd_years",
    "log_outstanding",
    "is_credit_card",
    "is_property_backed",
    "age_under_25",
    "age_35_54",
    "age_60_plus",
    *(f"flag_{f}" for f in FLAG_NAMES),
    "payments_3m",
    "log_paid_3m",
    "paid_recently",
    "promises_kept",
    "promises_broken",
    "promises_pending",
    "rpc_total",
    "rpc_rate",
    "refusals",
    "ptp_outcomes",
    "answer_rate",
    "wrong_number_share",
    "legal_status_index",
    "has_guarantor",
    "city_tier",
    "secured_log_cover",
    "secured_capped_cover",
    *(f"income_{b}" for b in INCOME_BANDS[1:]),
    *(f"employment_{e}" for e in EMPLOYMENT[1:]),
)
"""Columns of the design matrix, in order; the artifact stores them and must match."""


def design_matrix(features: pd.DataFrame) -> NDArray[np.float64]:
    """The recovery model's inputs for the rows of a triage feature frame.

    Args:
        features: Output of :func:`tools.triage.features.compute_features`.

    Returns:
        A ``(cases, len(FEATURES))`` float matrix.
    """
    f = features
    secured = f["is_property_backed"].to_numpy() > 0
    cover = np.maximum(f["collateral_cover"].to_numpy(dtype="float64"), 1e-6)
    age = f["age"].to_numpy(dtype="float64")
    cols: dict[str, NDArray[np.float64]] = {
        "bucket_index": f["bucket_index"].to_numpy(dtype="float64"),
        "dpd_years": np.minimum(f["dpd"].to_numpy(dtype="float64"), 1800.0) / 365.0,
        "log_outstanding": f["log_outstanding_total"].to_numpy(dtype="float64"),
        "is_credit_card": f["is_credit_card"].to_numpy(dtype="float64"),
        "is_property_backed": f["is_property_backed"].to_numpy(dtype="float64"),
        "age_under_25": (age < 25).astype("float64"),
        "age_35_54": ((age >= 35) & (age < 55)).astype("float64"),
        "age_60_plus": (age >= 60).astype("float64"),
        "payments_3m": np.minimum(f["payments_count_3m"].to_numpy(dtype="float64"), 4.0),
        "log_paid_3m": np.log1p(f["payments_amount_3m"].to_numpy(dtype="float64")),
        "paid_recently": (f["days_since_last_payment"].to_numpy(dtype="float64") <= 90).astype("float64"),
        "promises_kept": f["promises_kept"].to_numpy(dtype="float64"),
        "promises_broken": f["promises_broken"].to_numpy(dtype="float64"),
        "promises_pending": f["promises_pending"].to_numpy(dtype="float64"),
        "rpc_total": f["rpc_total"].to_numpy(dtype="float64"),
        "rpc_rate": f["rpc_rate"].to_numpy(dtype="float64"),
        "refusals": f["refusals"].to_numpy(dtype="float64"),
        "ptp_outcomes": f["ptp_outcomes"].to_numpy(dtype="float64"),
        "answer_rate": f["answer_rate"].to_numpy(dtype="float64"),
        "wrong_number_share": f["wrong_number_share"].to_numpy(dtype="float64"),
        "legal_status_index": f["legal_status_index"].to_numpy(dtype="float64"),
        "has_guarantor": f["has_guarantor"].to_numpy(dtype="float64"),
        "city_tier": f["city_tier"].to_numpy(dtype="float64"),
        "secured_log_cover": np.where(secured, np.clip(np.log(cover), -1.0, 1.5), 0.0),
        "secured_capped_cover": np.where(secured, np.minimum(1.0, 0.6 * cover), 0.0),
    }
    for flag in FLAG_NAMES:
        cols[f"flag_{flag}"] = f[f"flag_{flag}"].to_numpy(dtype="float64")
    income = f["income_band"].to_numpy(dtype=object)
    for band in INCOME_BANDS[1:]:
        cols[f"income_{band}"] = (income == band).astype("float64")
    employment = f["employment"].to_numpy(dtype=object)
    for kind in EMPLOYMENT[1:]:
        cols[f"employment_{kind}"] = (employment == kind).astype("float64")
    return np.column_stack([cols[name] for name in FEATURES]) if len(f) else np.zeros((0, len(FEATURES)))


def outstanding_fen(features: pd.DataFrame) -> NDArray[np.float64]:
    """Principal, interest and penalty outstanding per row, in fen."""
    return np.asarray(np.round(features["outstanding_total"].to_numpy(dtype="float64") * 100.0), dtype=np.float64)
