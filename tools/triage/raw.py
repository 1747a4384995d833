"""The raw per-case frames triage reads, and their column layout, shared by every loader.

Money is in integer fen, dates are days since 1970-01-01, instants are seconds since the epoch (UTC).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd

CASE_COLUMNS = (
    "case_id",
    "as_of_day",
    "opened_day",
    "dpd",
    "bucket",
    "product",
    "principal_fen",
    "annual_rate",
    "term_months",
    "disbursement_day",
    "out_principal_fen",
    "out_interest_fen",
    "out_penalty_fen",
    "legal_status",
    "flags",
    "birth_year",
    "city_tier",
    "income_band",
    "employment",
    "utc_offset_min",
    "province",
    "n_guarantors",
    "collateral_fen",
)
REPAYMENT_COLUMNS = ("case_id", "day", "amount_fen")
CONTACT_COLUMNS = ("case_id", "at_s", "channel", "outcome", "callee")
PROMISE_COLUMNS = ("case_id", "made_day", "due_day", "amount_fen", "status")


@dataclass(frozen=True)
class RawFrames:
    """The rows triage reads for a set of cases.

    Attributes:
        cases: One row per case (loan, debtor bands, flags as JSON text, guarantor count, collateral sum).
        repayments: One row per payment received.
        contacts: One row per contact attempt (``at_s`` is UTC epoch seconds).
        promises: One row per promise to pay.
    """

    cases: pd.DataFrame
    repayments: pd.DataFrame
    contacts: pd.DataFrame
    promises: pd.DataFrame


def normalise_flags(values: pd.Series) -> pd.Series:
    """Flags as JSON text whatever the driver returned (SQLite gives text, PostgreSQL a list)."""
    return values.map(lambda v: v if isinstance(v, str) else json.dumps(list(v or [])))
