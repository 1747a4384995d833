"""SQLite fast path of :func:`tools.triage.frames.load_frames`: raw DBAPI cursor, dates parsed by numpy.

SQLite's ``strftime`` per row and correlated subqueries were the slowest part of triage; here the queries return
plain columns, guarantor counts and collateral sums are grouped per chunk, and ISO dates become day numbers in
numpy.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection

from tools.triage.raw import CASE_COLUMNS, RawFrames, normalise_flags

_SQLITE = {
    "cases": """
        SELECT c.id, c.as_of, c.opened_on, l.days_past_due, l.bucket, l.product, l.principal_fen, l.annual_rate,
               l.term_months, l.disbursement_date, l.outstanding_principal_fen, l.outstanding_interest_fen,
               l.outstanding_penalty_fen, c.legal_status, c.flags, b.birth_year, b.city_tier, b.income_band,
               b.employment, b.utc_offset_min, b.province, l.id
        FROM cases c JOIN loans l ON l.id = c.loan_id JOIN debtors b ON b.id = c.debtor_id
        WHERE c.id BETWEEN ? AND ? ORDER BY c.id""",
    "guarantors": """
        SELECT g.loan_id, COUNT(*) FROM cases c JOIN guarantors g ON g.loan_id = c.loan_id
        WHERE c.id BETWEEN ? AND ? GROUP BY g.loan_id""",
    "collateral": """
        SELECT k.loan_id, SUM(k.appraisal_fen) FROM cases c JOIN collateral k ON k.loan_id = c.loan_id
        WHERE c.id BETWEEN ? AND ? GROUP BY k.loan_id""",
    "repayments": """
        SELECT c.id, r.paid_on, r.amount_fen FROM cases c JOIN repayment_events r ON r.loan_id = c.loan_id
        WHERE c.id BETWEEN ? AND ?""",
    "contacts": """
        SELECT a.case_id, a.at, a.channel, a.outcome, a.callee FROM contact_attempts a
        WHERE a.case_id BETWEEN ? AND ?""",
    "promises": """
        SELECT p.case_id, p.made_on, p.due_on, p.amount_fen, p.status FROM promises_to_pay p
        WHERE p.case_id BETWEEN ? AND ?""",
}
"""Plain queries for SQLite: no per-row date functions, no correlated subqueries."""


_NUMERIC = {
    "dpd": "int64",
    "principal_fen": "int64",
    "annual_rate": "float64",
    "term_months": "int64",
    "out_principal_fen": "int64",
    "out_interest_fen": "int64",
    "out_penalty_fen": "int64",
    "birth_year": "int64",
    "city_tier": "int64",
    "utc_offset_min": "int64",
}
"""Numeric case columns, typed after the DBAPI fetch (object arrays otherwise)."""


def _days(values: np.ndarray) -> np.ndarray:
    """ISO dates (``YYYY-MM-DD`` text) to days since 1970-01-01."""
    return values.astype("datetime64[D]").astype("int64")


def _seconds(values: np.ndarray) -> np.ndarray:
    """SQLite UTC datetimes (``YYYY-MM-DD HH:MM:SS[.ffffff]`` text) to epoch seconds."""
    return values.astype("datetime64[s]").astype("int64")


def _columns(cursor: Any, sql: str, lo: str, hi: str, width: int) -> list[np.ndarray]:
    """Rows of ``sql`` transposed to one tuple per column (empty tuples when there are no rows)."""
    rows = cursor.execute(sql, (lo, hi)).fetchall()
    if not rows:
        return [np.empty(0, dtype=object) for _ in range(width)]
    table = np.array(rows, dtype=object)  # one C-level copy; faster than transposing with zip
    return [table[:, j] for j in range(width)]


def load_sqlite(conn: Connection, lo: str, hi: str) -> RawFrames:
    """Read the raw frames of the cases with ids in ``[lo, hi]`` from SQLite (see :func:`load_frames`)."""
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cols = _columns(cursor, _SQLITE["cases"], lo, hi, len(CASE_COLUMNS) - 1)
        n_guar = dict(cursor.execute(_SQLITE["guarantors"], (lo, hi)).fetchall())
        coll = dict(cursor.execute(_SQLITE["collateral"], (lo, hi)).fetchall())
        rep = _columns(cursor, _SQLITE["repayments"], lo, hi, 3)
        con = _columns(cursor, _SQLITE["contacts"], lo, hi, 5)
        pro = _columns(cursor, _SQLITE["promises"], lo, hi, 5)
    finally:
        cursor.close()
    loan_ids = pd.Series(cols[21], dtype=object)
    data: dict[str, object] = dict(zip(CASE_COLUMNS[:21], cols[:21], strict=True))
    for name, dtype in _NUMERIC.items():
        data[name] = cols[CASE_COLUMNS.index(name)].astype(dtype)
    for name in ("as_of_day", "opened_day", "disbursement_day"):
        data[name] = _days(data[name])  # type: ignore[arg-type]
    data["n_guarantors"] = loan_ids.map(n_guar).fillna(0).to_numpy(dtype="int64")
    data["collateral_fen"] = loan_ids.map(coll).fillna(0).to_numpy(dtype="int64")
    cases = pd.DataFrame(data, columns=list(CASE_COLUMNS))
    cases["flags"] = normalise_flags(cases["flags"])
    return RawFrames(
        cases=cases,
        repayments=pd.DataFrame({"case_id": rep[0], "day": _days(rep[1]), "amount_fen": rep[2].astype("int64")}),
        contacts=pd.DataFrame(
            {"case_id": con[0], "at_s": _seconds(con[1]), "channel": con[2], "outcome": con[3], "callee": con[4]}
        ),
        promises=pd.DataFrame(
            {
                "case_id": pro[0],
                "made_day": _days(pro[1]),
                "due_day": _days(pro[2]),
                "amount_fen": pro[3].astype("int64"),
                "status": pro[4],
            }
        ),
    )
