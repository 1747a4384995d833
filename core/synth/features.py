"""One flat, PII-free row per case (ids, plain features, balances, truth) as an Arrow table for Parquet."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from core.synth import reference as ref
from core.synth.block import Block
from core.synth.history import PTP, RPC, WRONG

_BUCKETS = ("M0", "M1", "M2", "M3", "M4", "M5", "M6+")


def _count(index: NDArray[np.int64], n: int, mask: NDArray[np.bool_] | None = None) -> NDArray[np.int64]:
    return np.bincount(index if mask is None else index[mask], minlength=n).astype(np.int64)


def block_features(block: Block) -> pa.Table:
    """The Parquet rows of ``block``; no names, IDs, phones or addresses."""
    n, ev, lo, d, a = block.size, block.events, block.loans, block.debtors, block.as_of_day
    numbers = block.numbers.tolist()
    attempts = _count(ev.att_case, n)
    reached = (ev.att_outcome >= RPC) & (ev.att_outcome <= 4) & (ev.att_callee == 0)
    recent = ev.pay_day >= a - 90
    last_pay = np.full(n, -1, dtype=np.int64)
    np.maximum.at(last_pay, ev.pay_case, ev.pay_day)
    owed = block.outstanding_principal_fen + block.outstanding_interest_fen + block.outstanding_penalty_fen
    cols = {
        "case_id": [f"C{x:06d}" for x in numbers],
        "loan_id": [f"L{x:06d}" for x in numbers],
        "debtor_id": [f"D{x:06d}" for x in numbers],
        "product": [ref.PRODUCTS[p] for p in lo.product.tolist()],
        "repayment_method": [ref.REPAYMENT_METHODS[m] for m in lo.method.tolist()],
        "principal_fen": lo.principal_fen,
        "annual_rate": lo.annual_rate,
        "term_months": lo.term_months,
        "outstanding_principal_fen": block.outstanding_principal_fen,
        "outstanding_interest_fen": block.outstanding_interest_fen,
        "outstanding_penalty_fen": block.outstanding_penalty_fen,
        "outstanding_total_fen": owed,
        "days_past_due": lo.dpd,
        "bucket": [_BUCKETS[b] for b in lo.bucket.tolist()],
        "gender": np.where(d.male, "M", "F"),
        "age": d.age,
        "province": [ref.CITIES[c].province for c in d.city.tolist()],
        "city": [ref.CITIES[c].name for c in d.city.tolist()],
        "city_tier": np.array([ref.CITIES[c].tier for c in d.city.tolist()], dtype=np.int64),
        "income_band": [ref.INCOME_BANDS[i] for i in d.income.tolist()],
        "employment": [ref.EMPLOYMENT[e] for e in d.employment.tolist()],
        "n_guarantors": _count(block.guarantors.case, n),
        "collateral_cover": np.where(lo.has_collateral, lo.appraisal_fen / np.maximum(owed, 1), 0.0),
        "n_attempts": attempts,
        "n_rpc": _count(ev.att_case, n, reached),
        "rpc_rate": _count(ev.att_case, n, reached) / np.maximum(attempts, 1),
        "n_wrong_number": _count(ev.att_case, n, ev.att_outcome == WRONG),
        "n_promises": _count(ev.att_case, n, ev.att_outcome == PTP),
        "n_kept": _count(ev.ptp_case, n, ev.ptp_status == 1),
        "n_broken": _count(ev.ptp_case, n, ev.ptp_status == 2),
        "n_pending": _count(ev.ptp_case, n, ev.ptp_status == 0),
        "n_payments_90d": _count(ev.pay_case, n, recent),
        "paid_90d_fen": np.bincount(ev.pay_case[recent], weights=ev.pay_amount[recent], minlength=n).astype(np.int64),
        "days_since_last_payment": np.where(last_pay >= 0, a - last_pay, -1),
        "flags": [",".join(name for k, name in enumerate(ref.FLAGS) if f >> k & 1) for f in block.state.flags.tolist()],
        "legal_status": [ref.LEGAL_STATUSES[x] for x in block.state.legal.tolist()],
        "opened_on": block.state.opened_day.astype("datetime64[D]"),
        "as_of": np.full(n, a, dtype=np.int64).astype("datetime64[D]"),
        "latent_propensity": block.truth.propensity,
        "repaid_90d": block.truth.repaid_90d,
        "recovered_frac_12m": block.truth.recovered_frac_12m,
    }
    return pa.table({k: pa.array(v) for k, v in cols.items()})
