"""Case history of one block: flags, legal status, contact attempts, promises and payments.

Everything here is drawn from the debtor's latent willingness, capacity and best hour band, so the observable
log carries the signal the ground truth is drawn from (see ``docs/synthetic-data.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from core.synth import reference as ref
from core.synth.loans import Loans
from core.synth.population import Debtors

# Local dialling hours 08..21 and how often collectors dial in each (peaks mid-morning, afternoon, evening).
DIAL_HOURS = np.arange(8, 22)
DIAL_WEIGHTS = np.array([5, 9, 10, 8, 5, 6, 8, 9, 8, 6, 6, 8, 7, 5], dtype=np.float64) / 100.0
CHINA_OFFSET_S = 8 * 3600
_CHANNEL_REACH = np.array([0.0, -0.3, 0.3, -0.2, 0.8, -0.8])
BAND_LO = np.array([b[0] for b in ref.HOUR_BANDS])
BAND_HI = np.array([b[1] for b in ref.HOUR_BANDS])
NO_ANSWER, CONNECTED, RPC, PTP, REFUSED, WRONG = range(6)


def sigmoid(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """The logistic function."""
    return np.asarray(1.0 / (1.0 + np.exp(-x)), dtype=np.float64)


@dataclass(frozen=True)
class CaseState:
    """Case-level columns: flags (bit per :data:`core.synth.reference.FLAGS`), legal status, dates."""

    flags: NDArray[np.int64]
    legal: NDArray[np.int64]
    opened_day: NDArray[np.int64]
    has_guarantor: NDArray[np.bool_]


@dataclass(frozen=True)
class Events:
    """Per-event columns; ``case`` is the row of the case inside its block."""

    att_case: NDArray[np.int64]
    att_channel: NDArray[np.int64]
    att_utc_s: NDArray[np.int64]
    """Seconds since the epoch, UTC."""
    att_outcome: NDArray[np.int64]
    att_callee: NDArray[np.int64]
    ptp_case: NDArray[np.int64]
    ptp_made: NDArray[np.int64]
    ptp_due: NDArray[np.int64]
    ptp_amount: NDArray[np.int64]
    ptp_status: NDArray[np.int64]
    """0 pending, 1 kept, 2 broken."""
    pay_case: NDArray[np.int64]
    pay_day: NDArray[np.int64]
    pay_amount: NDArray[np.int64]
    pay_channel: NDArray[np.int64]


def case_state(debtors: Debtors, loans: Loans, as_of_day: int, rng: np.random.Generator) -> CaseState:
    """Flags, legal status (later buckets go to court more often), the day the case opened, guarantor presence."""
    n = len(loans.dpd)
    bits = (rng.random((n, len(ref.FLAGS))) < np.array(ref.FLAG_RATES)).astype(np.int64)
    late, mid = loans.bucket >= 6, (loans.bucket >= 4) & (loans.bucket < 6)
    u = rng.random(n)
    legal = np.where(
        late,
        np.searchsorted(np.cumsum([0.45, 0.2, 0.18, 0.1]), u),
        np.where(mid, np.searchsorted(np.cumsum([0.75, 0.2]), u), 0),
    )
    bits[:, ref.FLAGS.index("legal_hold")] |= (legal >= 2) & (rng.random(n) < 0.08)
    flags = bits @ (1 << np.arange(len(ref.FLAGS)))
    missed_day = as_of_day - np.where(loans.dpd == 0, 30, loans.dpd)
    opened = np.minimum(missed_day + rng.integers(1, 7, n), as_of_day - 1)
    guarantor_p = np.array([0.12, 0.02, 0.4])[loans.product]
    return CaseState(
        flags=flags, legal=legal.astype(np.int64), opened_day=opened, has_guarantor=rng.random(n) < guarantor_p
    )


def _attempts(
    debtors: Debtors, loans: Loans, state: CaseState, win: NDArray[np.int64], as_of_day: int, rng: np.random.Generator
) -> tuple[NDArray[np.int64], ...]:
    n = len(loans.dpd)
    opt_out = (state.flags >> ref.FLAGS.index("opt_out")) & 1 == 1
    deceased = (state.flags >> ref.FLAGS.index("deceased")) & 1 == 1
    count = np.where(opt_out, 1, 1 + rng.poisson(1.6 + 0.15 * np.minimum(loans.bucket, 3)))
    case = np.repeat(np.arange(n), count)
    m = len(case)
    length = as_of_day - win
    day = win[case] + np.floor(rng.random(m) * length[case]).astype(np.int64)
    hour = rng.choice(DIAL_HOURS, size=m, p=DIAL_WEIGHTS)
    band = debtors.best_band[case]
    in_band = (hour >= BAND_LO[band]) & (hour < BAND_HI[band])
    u = rng.random(m)
    callee = np.where(u < 0.82, 0, np.where((u < 0.88) & state.has_guarantor[case], 1, 2))
    channel = rng.choice(len(ref.CHANNELS), size=m, p=ref.CHANNEL_WEIGHTS)
    channel = np.where((callee != 0) & (channel == 4), 0, channel)
    w, c = debtors.willingness[case], debtors.capacity[case]
    bad_phone = (rng.random(n) < 0.06 + 0.06 * (loans.bucket >= 6))[case]
    reach = sigmoid(-1.1 + 1.8 * in_band + 0.5 * w + 0.2 * c + _CHANNEL_REACH[channel])
    reach = np.where(callee == 0, reach, sigmoid(-0.3 + 0.4 * in_band + np.zeros(m)))
    picked = rng.random(m) < reach
    phoned = channel <= 1
    miss = np.where(bad_phone & phoned & (callee == 0) & (rng.random(m) < 0.8), WRONG, NO_ANSWER)
    miss = np.where((callee != 0) & (rng.random(m) < 0.05), WRONG, miss)
    ptp = rng.random(m) < sigmoid(-0.8 + 1.1 * w + 0.4 * c)
    refused = rng.random(m) < sigmoid(-1.3 - 1.0 * w)
    spoke = np.where(ptp, PTP, np.where(refused, REFUSED, RPC))
    family = (rng.random(m) < 0.08) | deceased[case] | (bad_phone & phoned)
    on_debtor = np.where(family, CONNECTED, spoke)
    outcome = np.where(~picked, miss, np.where(callee == 0, on_debtor, CONNECTED))
    local_s = day * 86400 + hour * 3600 + rng.integers(0, 3600, m)
    return case, channel, local_s - CHINA_OFFSET_S, outcome.astype(np.int64), callee, day


def generate_events(
    debtors: Debtors, loans: Loans, state: CaseState, as_of_day: int, rng: np.random.Generator
) -> Events:
    """Contact attempts, the promises made on them, and the payments (kept promises, voluntary, past instalments)."""
    n = len(loans.dpd)
    win = np.minimum(np.maximum(state.opened_day, as_of_day - 90), as_of_day - 1)
    case, channel, utc_s, outcome, callee, day = _attempts(debtors, loans, state, win, as_of_day, rng)

    is_ptp = outcome == PTP
    p_case, made = case[is_ptp], day[is_ptp]
    k = len(p_case)
    due = made + rng.integers(3, 16, k)
    inst = np.maximum(loans.instalment_fen[p_case], 10000)
    amount = np.minimum(inst * rng.integers(1, 4, k), loans.balance_fen[p_case] + inst)
    w, c = debtors.willingness[p_case], debtors.capacity[p_case]
    kept = rng.random(k) < sigmoid(-0.1 + 1.3 * w + 0.5 * c)
    status = np.where(due >= as_of_day, 0, np.where(kept, 1, 2))

    deceased = (state.flags >> ref.FLAGS.index("deceased")) & 1 == 1
    rate = np.exp(-1.2 + 0.8 * debtors.willingness + 0.35 * debtors.capacity - 0.1 * loans.bucket)
    voluntary = np.where(deceased, 0, np.minimum(rng.poisson(rate), 4))
    v_case = np.repeat(np.arange(n), voluntary)
    v_day = win[v_case] + np.floor(rng.random(len(v_case)) * (as_of_day - win[v_case])).astype(np.int64)
    v_amount = np.round(np.maximum(loans.instalment_fen[v_case], 10000) * rng.uniform(0.2, 1.0, len(v_case)), -2)

    past = np.minimum(np.minimum(rng.poisson(0.8, n), 3), loans.paid_months)
    h_case = np.repeat(np.arange(n), past)
    nth = np.arange(len(h_case)) - np.repeat(np.cumsum(past) - past, past) + 1
    missed_day = as_of_day - np.where(loans.dpd == 0, 30, loans.dpd)
    h_day = missed_day[h_case] - np.round(nth * 30.44).astype(np.int64)

    paid_kept = status == 1
    k_case = p_case[paid_kept]
    k_day = made[paid_kept] + np.floor(rng.random(len(k_case)) * (due[paid_kept] - made[paid_kept] + 1)).astype(
        np.int64
    )
    pay_case = np.concatenate([h_case, v_case, k_case])
    return Events(
        att_case=case,
        att_channel=channel,
        att_utc_s=utc_s,
        att_outcome=outcome,
        att_callee=callee,
        ptp_case=p_case,
        ptp_made=made,
        ptp_due=due,
        ptp_amount=amount.astype(np.int64),
        ptp_status=status,
        pay_case=pay_case,
        pay_day=np.concatenate([h_day, v_day, k_day]).astype(np.int64),
        pay_amount=np.concatenate([loans.instalment_fen[h_case], v_amount, amount[paid_kept]]).astype(np.int64),
        pay_channel=rng.choice(len(ref.PAYMENT_CHANNELS), size=len(pay_case), p=ref.PAYMENT_CHANNEL_WEIGHTS),
    )
