"""Loans of one block: product mix, amortisation, delinquency (driven by the latent traits) and collateral."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from numpy.typing import NDArray

from core.synth import reference as ref
from core.synth.population import Debtors

# Bucket shares M0, M1 .. M5, M6+ of the portfolio and the day ranges inside each bucket.
BUCKET_SHARES = np.array([0.05, 0.24, 0.15, 0.11, 0.09, 0.08, 0.28])
_BUCKET_CUTS = np.array([NormalDist().inv_cdf(q) for q in np.cumsum(BUCKET_SHARES)[:-1]])
# The delinquency score mixes willingness, capacity and noise with unit total variance.
DPD_W, DPD_C, DPD_NOISE = 0.72, 0.38, 0.58


@dataclass(frozen=True)
class Loans:
    """Columns of the loans of a block (one loan per case)."""

    product: NDArray[np.int64]
    """Index into :data:`core.synth.reference.PRODUCTS`."""
    principal_fen: NDArray[np.int64]
    annual_rate: NDArray[np.float64]
    term_months: NDArray[np.int64]
    method: NDArray[np.int64]
    disbursement_day: NDArray[np.int64]
    instalment_fen: NDArray[np.int64]
    balance_fen: NDArray[np.int64]
    """Principal outstanding when the delinquency began."""
    dpd: NDArray[np.int64]
    bucket: NDArray[np.int64]
    """0 for M0 .. 6 for M6+ (same cut points as :func:`core.domain.bucket_for_dpd`)."""
    paid_months: NDArray[np.int64]
    has_collateral: NDArray[np.bool_]
    appraisal_fen: NDArray[np.int64]
    """Zero without collateral."""
    coll_city: NDArray[np.int64]
    coll_district: list[str]
    area_sqm: NDArray[np.float64]
    build_year: NDArray[np.int64]
    appraisal_day: NDArray[np.int64]


def draw_dpd(debtors: Debtors, rng: np.random.Generator) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Days past due and bucket index: worse willingness and capacity push a loan into later buckets."""
    n = len(debtors.age)
    score = -DPD_W * debtors.willingness - DPD_C * debtors.capacity + DPD_NOISE * rng.standard_normal(n)
    bucket = np.searchsorted(_BUCKET_CUTS, score).astype(np.int64)
    inside = rng.integers(1, 31, n)
    tail = 181 + np.minimum(rng.exponential(260.0, n), 1400).astype(np.int64)
    dpd = np.where(bucket == 0, 0, np.where(bucket == 6, tail, (bucket - 1) * 30 + inside))
    return dpd.astype(np.int64), bucket


def _amortise(
    principal: NDArray[np.float64],
    rate: NDArray[np.float64],
    term: NDArray[np.int64],
    paid: NDArray[np.int64],
    method: NDArray[np.int64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Balance after ``paid`` instalments and the instalment due next, per repayment method."""
    r = rate / 12.0
    grow_n, grow_k = (1.0 + r) ** term, (1.0 + r) ** paid
    ei_balance = principal * (grow_n - grow_k) / (grow_n - 1.0)
    ei_pay = principal * r * grow_n / (grow_n - 1.0)
    ep_balance = principal * (1.0 - paid / term)
    balance = np.select([method == 0, method == 1], [ei_balance, ep_balance], principal)
    pay = np.select([method == 0, method == 1], [ei_pay, principal / term + ep_balance * r], principal * r)
    return balance, pay


def generate_loans(debtors: Debtors, as_of_day: int, rng: np.random.Generator) -> Loans:
    """Draw one loan per debtor, with its delinquency and (for property-backed loans) the pledged flat."""
    n = len(debtors.age)
    product = rng.choice(3, size=n, p=ref.PRODUCT_WEIGHTS)
    consumer, card, prop = product == 0, product == 1, product == 2
    dpd, bucket = draw_dpd(debtors, rng)

    price = np.array([c.price_per_sqm for c in ref.CITIES])
    coll_city = np.where(rng.random(n) < 0.9, debtors.city, rng.integers(0, len(ref.CITIES), n))
    area = np.round(np.clip(rng.normal(96.0, 28.0, n), 38.0, 260.0), 2)
    appraisal_yuan = np.round(area * price[coll_city] * rng.lognormal(0.0, 0.18, n), -3)
    ltv = rng.uniform(0.3, 0.7, n)
    income_boost = 1.0 + 0.25 * debtors.income

    principal = np.select(
        [consumer, card],
        [
            np.clip(rng.lognormal(np.log(45000.0), 0.7, n) * income_boost, 5000, 500000),
            np.clip(rng.lognormal(np.log(18000.0), 0.65, n) * income_boost, 2000, 200000),
        ],
        np.clip(appraisal_yuan * ltv, 100000, 8000000),
    )
    principal = np.round(principal, -2)
    rate = np.select(
        [consumer, card],
        [
            np.round(rng.uniform(0.06, 0.24, n), 4),
            np.where(rng.random(n) < 0.6, 0.1825, np.round(rng.uniform(0.12, 0.18, n), 4)),
        ],
        np.round(rng.uniform(0.042, 0.09, n), 4),
    )
    term = np.select(
        [consumer, card],
        [
            rng.choice([12, 24, 36, 60], size=n, p=[0.3, 0.3, 0.3, 0.1]),
            rng.choice([3, 6, 12, 24], size=n, p=[0.15, 0.3, 0.4, 0.15]),
        ],
        rng.choice([60, 120, 180, 240], size=n, p=[0.3, 0.35, 0.2, 0.15]),
    )
    method = np.select(
        [consumer, card],
        [rng.choice(3, size=n, p=[0.7, 0.15, 0.15]), np.zeros(n, dtype=np.int64)],
        rng.choice(3, size=n, p=[0.5, 0.3, 0.2]),
    )
    paid = np.minimum(np.floor(rng.random(n) * (term - 1)).astype(np.int64) + 1, 84)
    paid = np.where(term <= 1, 0, np.minimum(paid, term - 1))
    balance, pay = _amortise(principal, rate, term, paid, method)
    # The first missed instalment fell due ``dpd`` days ago (M0 loans missed one and caught up since).
    missed_day = as_of_day - np.where(dpd == 0, rng.integers(20, 60, n), dpd)
    disbursement = missed_day - np.round((paid + 1) * 30.44).astype(np.int64)

    build_year = rng.integers(1995, 2023, n)
    appraisal_day = as_of_day - rng.integers(30, 1100, n)
    district_pick = rng.random(n).tolist()
    coll_district = [
        ref.CITIES[c].districts[int(x * len(ref.CITIES[c].districts))][0] if p else ""
        for c, x, p in zip(coll_city.tolist(), district_pick, prop.tolist(), strict=True)
    ]
    return Loans(
        product=product,
        principal_fen=(principal * 100).astype(np.int64),
        annual_rate=rate,
        term_months=term,
        method=method,
        disbursement_day=disbursement.astype(np.int64),
        instalment_fen=np.round(pay * 100).astype(np.int64),
        balance_fen=np.round(balance * 100).astype(np.int64),
        dpd=dpd,
        bucket=bucket,
        paid_months=paid,
        has_collateral=prop,
        appraisal_fen=np.where(prop, appraisal_yuan * 100, 0).astype(np.int64),
        coll_city=coll_city,
        coll_district=coll_district,
        area_sqm=area.astype(np.float64),
        build_year=build_year,
        appraisal_day=appraisal_day,
    )
