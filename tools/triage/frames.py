"""Raw per-case frames for triage, read from the database in chunks or built from one ``CaseFile``.

Both sources produce the same four frames with the same columns and units (money in integer fen, dates as
days since 1970-01-01, instants as seconds since the epoch, UTC), so features are computed by one function.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal

import pandas as pd
from sqlalchemy import Connection, Engine, text

from core import domain
from core.repository import yuan_to_fen
from tools.triage.frames_sqlite import load_sqlite
from tools.triage.raw import (
    CASE_COLUMNS,
    CONTACT_COLUMNS,
    PROMISE_COLUMNS,
    REPAYMENT_COLUMNS,
    RawFrames,
    normalise_flags,
)


def _sql_day(dialect: str, col: str) -> str:
    if dialect == "sqlite":
        return f"(CAST(strftime('%s', {col}) AS INTEGER) / 86400)"
    return f"({col} - DATE '1970-01-01')"


def _sql_seconds(dialect: str, col: str) -> str:
    if dialect == "sqlite":
        return f"CAST(strftime('%s', {col}) AS INTEGER)"
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM {col})) AS BIGINT)"


def _queries(dialect: str) -> dict[str, str]:
    def d(col: str) -> str:
        return _sql_day(dialect, col)

    chunk = "c.id >= :lo AND c.id <= :hi"
    return {
        "cases": f"""
            SELECT c.id AS case_id, {d("c.as_of")} AS as_of_day, {d("c.opened_on")} AS opened_day,
                   l.days_past_due AS dpd, l.bucket, l.product, l.principal_fen, l.annual_rate, l.term_months,
                   {d("l.disbursement_date")} AS disbursement_day, l.outstanding_principal_fen AS out_principal_fen,
                   l.outstanding_interest_fen AS out_interest_fen, l.outstanding_penalty_fen AS out_penalty_fen,
                   c.legal_status, c.flags, b.birth_year, b.city_tier, b.income_band, b.employment, b.utc_offset_min,
                   b.province,
                   (SELECT COUNT(*) FROM guarantors g WHERE g.loan_id = l.id) AS n_guarantors,
                   (SELECT COALESCE(SUM(k.appraisal_fen), 0) FROM collateral k WHERE k.loan_id = l.id)
                       AS collateral_fen
            FROM cases c JOIN loans l ON l.id = c.loan_id JOIN debtors b ON b.id = c.debtor_id
            WHERE {chunk} ORDER BY c.id""",
        "repayments": f"""
            SELECT c.id AS case_id, {d("r.paid_on")} AS day, r.amount_fen
            FROM cases c JOIN repayment_events r ON r.loan_id = c.loan_id WHERE {chunk}""",
        "contacts": f"""
            SELECT a.case_id, {_sql_seconds(dialect, "a.at")} AS at_s, a.channel, a.outcome, a.callee
            FROM contact_attempts a JOIN cases c ON c.id = a.case_id WHERE {chunk}""",
        "promises": f"""
            SELECT p.case_id, {d("p.made_on")} AS made_day, {d("p.due_on")} AS due_day, p.amount_fen, p.status
            FROM promises_to_pay p JOIN cases c ON c.id = p.case_id WHERE {chunk}""",
    }


def _frame(conn: Connection, sql: str, lo: str, hi: str, columns: tuple[str, ...]) -> pd.DataFrame:
    rows = conn.execute(text(sql), {"lo": lo, "hi": hi}).fetchall()
    if not rows:
        return pd.DataFrame({name: [] for name in columns})
    # Transposing with zip is several times faster than DataFrame.from_records on SQLAlchemy rows.
    frame = pd.DataFrame(dict(zip(columns, zip(*rows, strict=True), strict=True)))
    # PostgreSQL returns NUMERIC (SUM of BIGINT, EXTRACT(EPOCH ...)) as Decimal: make those columns numbers.
    for name in [c for c in frame.columns if frame[c].dtype == "object"]:
        first = frame[name].dropna()
        if len(first) and isinstance(first.iloc[0], Decimal):
            frame[name] = frame[name].astype("float64")
    return frame


def load_frames(conn: Connection, lo: str, hi: str) -> RawFrames:
    """Read the raw frames of the cases whose ids lie in ``[lo, hi]``.

    SQLite is read through the raw DBAPI cursor with dates parsed by numpy (SQLite's ``strftime`` per row was
    the slowest part of triage); other databases convert dates in SQL.

    Args:
        conn: An open connection.
        lo: Smallest case id of the chunk.
        hi: Largest case id of the chunk.

    Returns:
        The four frames for those cases.
    """
    if conn.dialect.name == "sqlite":
        return load_sqlite(conn, lo, hi)
    q = _queries(conn.dialect.name)
    cases = _frame(conn, q["cases"], lo, hi, CASE_COLUMNS)
    cases["flags"] = normalise_flags(cases["flags"])
    return RawFrames(
        cases=cases,
        repayments=_frame(conn, q["repayments"], lo, hi, REPAYMENT_COLUMNS),
        contacts=_frame(conn, q["contacts"], lo, hi, CONTACT_COLUMNS),
        promises=_frame(conn, q["promises"], lo, hi, PROMISE_COLUMNS),
    )


def iter_chunks(engine: Engine, chunk_size: int) -> Iterator[RawFrames]:
    """Yield the raw frames of every case, ``chunk_size`` cases at a time, in id order.

    Args:
        engine: The database engine.
        chunk_size: Cases per chunk (at least 1).

    Yields:
        One :class:`RawFrames` per chunk.
    """
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    with engine.connect() as conn:
        ids = [r[0] for r in conn.execute(text("SELECT id FROM cases ORDER BY id"))]
        for start in range(0, len(ids), chunk_size):
            block = ids[start : start + chunk_size]
            yield load_frames(conn, block[0], block[-1])


def _day(value: dt.date) -> int:
    return (value - dt.date(1970, 1, 1)).days


def frames_from_case(case: domain.CaseFile) -> RawFrames:
    """Build the raw frames of one decrypted case, in exactly the layout :func:`load_frames` returns.

    Args:
        case: The case file.

    Returns:
        Frames holding this one case.
    """
    loan, debtor = case.loan, case.debtor
    row = {
        "case_id": case.id,
        "as_of_day": _day(case.as_of),
        "opened_day": _day(case.opened_on),
        "dpd": loan.days_past_due,
        "bucket": loan.bucket.value,
        "product": loan.product.value,
        "principal_fen": yuan_to_fen(loan.principal),
        "annual_rate": float(loan.annual_rate),
        "term_months": loan.term_months,
        "disbursement_day": _day(loan.disbursement_date),
        "out_principal_fen": yuan_to_fen(loan.outstanding_principal),
        "out_interest_fen": yuan_to_fen(loan.outstanding_interest),
        "out_penalty_fen": yuan_to_fen(loan.outstanding_penalty),
        "legal_status": case.legal_status.value,
        "flags": json.dumps([f.value for f in case.flags]),
        "birth_year": debtor.birth_date.year,
        "city_tier": debtor.city_tier,
        "income_band": debtor.income_band,
        "employment": debtor.employment,
        "utc_offset_min": debtor.utc_offset_min,
        "province": debtor.province,
        "n_guarantors": len(case.guarantors),
        "collateral_fen": sum(yuan_to_fen(c.appraisal) for c in case.collateral),
    }
    return RawFrames(
        cases=pd.DataFrame.from_records([row], columns=list(CASE_COLUMNS)),
        repayments=pd.DataFrame.from_records(
            [(case.id, _day(r.paid_on), yuan_to_fen(r.amount)) for r in case.repayments],
            columns=list(REPAYMENT_COLUMNS),
        ),
        contacts=pd.DataFrame.from_records(
            [(case.id, int(c.at.timestamp()), c.channel.value, c.outcome.value, c.callee) for c in case.contacts],
            columns=list(CONTACT_COLUMNS),
        ),
        promises=pd.DataFrame.from_records(
            [(case.id, _day(p.made_on), _day(p.due_on), yuan_to_fen(p.amount), p.status.value) for p in case.promises],
            columns=list(PROMISE_COLUMNS),
        ),
    )
