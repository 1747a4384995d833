"""Vectorised Monte Carlo of 12-month recoveries, costs and NPV, per case and summed over a portfolio.

Each case draws from its own stream ``SeedSequence([seed, crc32(case_id)])``, so a case simulates the same
paths alone or inside any package. Per path: a first repayment in months 1-3 with probability ``p3`` (then the
recovered fraction is Beta with the early mean), else one in months 4-12 with probability ``p_late`` (fraction
Beta around ``mu_late``), else nothing; the month follows the curve's hazards. Costs: servicing each month until
the recovery (all 12 when none), a commission on what is recovered, fixed legal costs for litigated cases.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray
from scipy.special import betainc, betaincinv

from tools.valuation.curve import EARLY_MONTHS, MONTHS, hazards, month_probabilities


@dataclass(frozen=True)
class CaseInputs:
    """What the simulation needs per case (arrays aligned with ``case_ids``); money in yuan."""

    case_ids: Sequence[str]
    claim: NDArray[np.float64]
    p3: NDArray[np.float64]
    p_late: NDArray[np.float64]
    mu_late: NDArray[np.float64]
    servicing: NDArray[np.float64]
    """Servicing cost per active month."""
    legal: NDArray[np.float64]
    """Fixed legal cost at month 0."""


@dataclass(frozen=True)
class Distribution:
    """Shared parameters of the simulation."""

    early_mean: float
    early_concentration: float
    late_concentration: float
    commission_rate: float
    discount_rate: float
    """Annual rate for the NPV."""


@dataclass(frozen=True)
class SimResult:
    """Simulated outcomes: portfolio totals per path and per-case means (all yuan, months)."""

    recovered: NDArray[np.float64]
    """Portfolio recovery per path."""
    cost: NDArray[np.float64]
    npv: NDArray[np.float64]
    """Discounted recoveries minus discounted costs per path."""
    case_recovered: NDArray[np.float64]
    case_cost: NDArray[np.float64]
    case_npv: NDArray[np.float64]
    case_months: NDArray[np.float64]
    """Mean month of the first repayment given one (NaN when no path repaid)."""
    case_quantiles: NDArray[np.float64] | None
    """``(cases, 3)`` P10/P50/P90 of each case's recovery when asked for."""


def discount_factors(rate: float) -> NDArray[np.float64]:
    """``d[k] = (1 + rate) ** (-k / 12)`` for k = 0..12."""
    return np.asarray((1.0 + rate) ** (-np.arange(MONTHS + 1) / 12.0), dtype=np.float64)


QUANTILE_BINS = 2048
"""Equal-probability bins of each Beta: a draw is the conditional mean of a uniformly chosen bin."""
MU_GRID = np.linspace(0.01, 0.99, 99)
"""Means of the tabulated late-recovery Betas; a case's mean is interpolated between two rows."""
BLOCK = 64
"""Cases simulated together as one ``(cases, paths)`` array."""


def beta_bin_means(mean: float, concentration: float, bins: int = QUANTILE_BINS) -> NDArray[np.float64]:
    """Conditional means of a Beta(mean, concentration) over ``bins`` equal-probability bins (averaging ``mean``)."""
    a, b = mean * concentration, (1.0 - mean) * concentration
    edges = betaincinv(a, b, np.linspace(0.0, 1.0, bins + 1))
    upper = betainc(a + 1.0, b, edges)
    return np.asarray(bins * mean * np.diff(upper), dtype=np.float64)


@lru_cache(maxsize=16)
def _tables(dist: Distribution) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    early = beta_bin_means(min(max(dist.early_mean, 0.01), 0.99), dist.early_concentration)
    late = np.stack([beta_bin_means(float(m), dist.late_concentration) for m in MU_GRID])
    return early, late


def _first_month(v: NDArray[np.float32], h: NDArray[np.float64], n: int) -> NDArray[np.int64]:
    """Month 0..n-1 of a first event with constant hazard ``h`` (per row), given it happens within ``n``."""
    log_q = np.log1p(-h)[:, None]
    reach = (1.0 - np.exp(n * log_q)).astype(np.float32)
    k = np.floor(np.log1p(-v * reach) / log_q)
    return np.asarray(np.minimum(k, n - 1), dtype=np.int64)


def stream(seed: int, case_id: str) -> np.random.Generator:
    """The random stream of one case."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, zlib.crc32(case_id.encode())])))


def simulate(inputs: CaseInputs, dist: Distribution, paths: int, seed: int, *, quantiles: bool = False) -> SimResult:
    """Simulate ``paths`` 12-month paths of every case and sum them into portfolio paths.

    Args:
        inputs: Per-case claims, probabilities and costs.
        dist: Shared distribution and cost parameters.
        paths: Paths per case.
        seed: Seed of the per-case streams.
        quantiles: Also keep each case's P10/P50/P90 (costs a sort per case).

    Returns:
        Portfolio paths and per-case means.
    """
    n = len(inputs.case_ids)
    early_table, late_table = _tables(dist)
    h = hazards(inputs.p3, inputs.p_late)
    d = discount_factors(dist.discount_rate)
    cum_d = np.concatenate([[0.0], np.cumsum(d[1:])])  # servicing paid at the end of each active month
    mu = np.clip(inputs.mu_late, MU_GRID[0], MU_GRID[-1])
    row = np.minimum(np.searchsorted(MU_GRID, mu, side="right") - 1, len(MU_GRID) - 2)
    lam = (mu - MU_GRID[row]) / (MU_GRID[row + 1] - MU_GRID[row])
    tot_rec, tot_cost, tot_npv = np.zeros(paths), np.zeros(paths), np.zeros(paths)
    c_rec, c_cost, c_npv, c_month = np.zeros(n), np.zeros(n), np.zeros(n), np.full(n, np.nan)
    c_q = np.zeros((n, 3)) if quantiles else None
    keep = 1.0 - dist.commission_rate
    for lo in range(0, n, BLOCK):
        sl = slice(lo, min(lo + BLOCK, n))
        draws = np.stack([stream(seed, c).random((3, paths), dtype=np.float32) for c in inputs.case_ids[sl]])
        u, v, w = draws[:, 0], draws[:, 1], draws[:, 2]
        p3 = inputs.p3[sl, None]
        early = u < p3
        # Given no early repayment, (u - p3) / (1 - p3) is again uniform: it decides the late recovery.
        late = ~early & (u - p3 < (1.0 - p3) * inputs.p_late[sl, None])
        k = np.minimum((w * QUANTILE_BINS).astype(np.int64), QUANTILE_BINS - 1)
        r, lm = row[sl, None], lam[sl, None]
        late_frac = (1.0 - lm) * late_table[r, k] + lm * late_table[r + 1, k]
        frac = np.where(early, early_table[k], np.where(late, late_frac, 0.0))
        month = np.where(
            early,
            1 + _first_month(v, h.early[sl], EARLY_MONTHS),
            np.where(late, 1 + EARLY_MONTHS + _first_month(v, h.late[sl], MONTHS - EARLY_MONTHS), MONTHS),
        )
        claim, serv, legal = inputs.claim[sl, None], inputs.servicing[sl, None], inputs.legal[sl, None]
        recovered = frac * claim
        cost = legal + dist.commission_rate * recovered + serv * month
        npv = keep * recovered * d[month] - serv * cum_d[month] - legal
        tot_rec += recovered.sum(axis=0)
        tot_cost += cost.sum(axis=0)
        tot_npv += npv.sum(axis=0)
        c_rec[sl], c_cost[sl], c_npv[sl] = recovered.mean(axis=1), cost.mean(axis=1), npv.mean(axis=1)
        paid = early | late
        count = paid.sum(axis=1)
        c_month[sl] = np.where(count > 0, (month * paid).sum(axis=1) / np.maximum(count, 1), np.nan)
        if c_q is not None:
            c_q[sl] = np.quantile(recovered, (0.1, 0.5, 0.9), axis=1).T
    return SimResult(tot_rec, tot_cost, tot_npv, c_rec, c_cost, c_npv, c_month, c_q)


@dataclass(frozen=True)
class Expectation:
    """Closed-form expectations per case (yuan)."""

    recovered: NDArray[np.float64]
    cost: NDArray[np.float64]
    npv: NDArray[np.float64]


def analytic(inputs: CaseInputs, dist: Distribution) -> Expectation:
    """The exact expectations the simulation estimates (its means converge to these)."""
    probs = month_probabilities(inputs.p3, inputs.p_late)  # (n, 12)
    frac_mean = np.concatenate(
        [np.full((len(inputs.p3), EARLY_MONTHS), dist.early_mean), np.repeat(inputs.mu_late[:, None], 9, axis=1)],
        axis=1,
    )
    frac_mean = np.clip(frac_mean, MU_GRID[0], MU_GRID[-1])
    none = 1.0 - probs.sum(axis=1)
    recovered = inputs.claim * (probs * frac_mean).sum(axis=1)
    months = probs @ np.arange(1, MONTHS + 1) + none * MONTHS
    d = discount_factors(dist.discount_rate)
    cum_d = np.cumsum(d[1:])
    disc_rec = inputs.claim * (probs * frac_mean * d[None, 1:]).sum(axis=1)
    disc_serv = probs @ cum_d + none * cum_d[-1]
    cost = inputs.legal + dist.commission_rate * recovered + inputs.servicing * months
    npv = (1.0 - dist.commission_rate) * disc_rec - inputs.servicing * disc_serv - inputs.legal
    return Expectation(recovered=recovered, cost=cost, npv=npv)
