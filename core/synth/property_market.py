"""The synthetic housing market: a true price process per city and district, transactions and collateral values.

The market is drawn from its own random stream (``SeedSequence([seed, MARKET_STREAM, k])``), so adding it changed
nothing else the generator draws. ``docs/valuation.md`` documents the price process; keep the two in step.

True price per square metre of a flat in district ``d`` of city ``c`` on day ``t``::

    P = city.price_per_sqm * district_mult[c, d] * exp(-AGE_SLOPE * age) * (area / 90) ** AREA_ELASTICITY
        * index[c](t)

``index[c]`` is a monthly random walk in logs with a tier drift, equal to 1 in the snapshot month; a transaction's
price is ``area * P * exp(N(0, DEAL_NOISE))``, a pledged flat's market value at the snapshot is
``area * P * exp(N(0, UNIT_NOISE))`` (its unit effect is never observed).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from core.synth import reference as ref

MARKET_STREAM = 7_700_001
"""Second word of the market's seed sequences; far above any block index, so no stream is shared."""
HISTORY_MONTHS = 36
"""Transactions span the 36 months before the snapshot."""
INDEX_MONTHS = 48
"""Months of price index kept (the appraisals of the portfolio go back about three years)."""
DISTRICT_SIGMA = 0.18
AGE_SLOPE = 0.009
"""Log price lost per year of building age."""
AREA_ELASTICITY = -0.08
DEAL_NOISE = 0.07
UNIT_NOISE = 0.05
TIER_DRIFT = np.array([0.0, -0.0015, -0.0030, -0.0040, -0.0050])
"""Monthly log drift of the index by city tier (index 1..4; 0 unused): a slowly falling market."""
CITY_DRIFT_SIGMA = 0.0015
MONTHLY_SHOCK = 0.006
TIER_DOM = np.array([0.0, 55.0, 70.0, 95.0, 120.0])
"""Median days on market by tier."""
DOM_SIGMA = 0.5
DEALS_BASE, DEALS_PER_WEIGHT = 45.0, 40.0
"""Poisson mean of transactions per district over the history: base plus per unit of the city's weight."""


@dataclass(frozen=True)
class Market:
    """The drawn market structure of one seed."""

    as_of_day: int
    district_mult: list[NDArray[np.float64]]
    """Per city, the price multiplier of each of its districts (same order as ``City.districts``)."""
    log_index: NDArray[np.float64]
    """``(cities, INDEX_MONTHS + 1)`` log index; column ``INDEX_MONTHS`` is the snapshot month (0)."""

    def month_offset(self, day: NDArray[np.int64]) -> NDArray[np.int64]:
        """Whole months (30.4375 days) before the snapshot, clipped to the index span."""
        back = np.floor((self.as_of_day - day) / 30.4375).astype(np.int64)
        return np.clip(back, 0, INDEX_MONTHS)

    def price_per_sqm(
        self,
        city: NDArray[np.int64],
        district: NDArray[np.int64],
        area: NDArray[np.float64],
        build_year: NDArray[np.int64],
        day: NDArray[np.int64],
    ) -> NDArray[np.float64]:
        """True yuan per square metre of flats with these attributes on these days."""
        base = np.array([c.price_per_sqm for c in ref.CITIES], dtype=np.float64)[city]
        mult = np.array([self.district_mult[c][d] for c, d in zip(city.tolist(), district.tolist(), strict=True)])
        year = 1970 + day / 365.25
        age = np.maximum(year - build_year, 0.0)
        index = np.exp(self.log_index[city, INDEX_MONTHS - self.month_offset(day)])
        return np.asarray(
            base * mult * np.exp(-AGE_SLOPE * age) * (area / 90.0) ** AREA_ELASTICITY * index, dtype=np.float64
        )


@dataclass(frozen=True)
class Transactions:
    """Columns of the drawn transactions."""

    city: NDArray[np.int64]
    district: NDArray[np.int64]
    deal_day: NDArray[np.int64]
    area_sqm: NDArray[np.float64]
    build_year: NDArray[np.int64]
    price_fen: NDArray[np.int64]
    days_on_market: NDArray[np.int64]


def _rng(seed: int, part: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, MARKET_STREAM, part])))


def build_market(seed: int, as_of_day: int) -> Market:
    """Draw district multipliers and each city's monthly index for ``seed``."""
    rng = _rng(seed, 0)
    mults = []
    for city in ref.CITIES:
        m = np.exp(rng.normal(0.0, DISTRICT_SIGMA, len(city.districts)))
        mults.append(m / np.exp(np.mean(np.log(m))))  # geometric mean 1: the city's price stays its level
    tiers = np.array([c.tier for c in ref.CITIES])
    drift = TIER_DRIFT[tiers] + rng.normal(0.0, CITY_DRIFT_SIGMA, len(tiers))
    steps = drift[:, None] + rng.normal(0.0, MONTHLY_SHOCK, (len(tiers), INDEX_MONTHS))
    log_index = np.concatenate([np.zeros((len(tiers), 1)), np.cumsum(steps, axis=1)], axis=1)
    log_index -= log_index[:, -1:]  # the snapshot month is 1
    return Market(as_of_day=as_of_day, district_mult=mults, log_index=log_index)


def generate_transactions(market: Market, seed: int) -> Transactions:
    """Draw the second-hand transactions of every district over the last ``HISTORY_MONTHS`` months."""
    rng = _rng(seed, 1)
    city_of = np.concatenate([np.full(len(c.districts), i) for i, c in enumerate(ref.CITIES)])
    district_of = np.concatenate([np.arange(len(c.districts)) for c in ref.CITIES])
    weight = np.array([ref.CITIES[c].weight for c in city_of.tolist()])
    counts = rng.poisson(DEALS_BASE + DEALS_PER_WEIGHT * weight)
    city = np.repeat(city_of, counts).astype(np.int64)
    district = np.repeat(district_of, counts).astype(np.int64)
    n = len(city)
    day = (market.as_of_day - rng.integers(1, int(HISTORY_MONTHS * 30.4375), n)).astype(np.int64)
    area = np.asarray(np.round(np.clip(rng.normal(92.0, 30.0, n), 30.0, 280.0), 2), dtype=np.float64)
    build_year = rng.integers(1990, 2025, n).astype(np.int64)
    build_year = np.minimum(build_year, (1970 + day / 365.25).astype(np.int64))
    price = area * market.price_per_sqm(city, district, area, build_year, day) * np.exp(rng.normal(0, DEAL_NOISE, n))
    tiers = np.array([c.tier for c in ref.CITIES])[city]
    # Sales take longer where prices fall faster (a buyer's market).
    slope = market.log_index[city, -1] - market.log_index[city, -13]
    dom = TIER_DOM[tiers] * np.exp(-4.0 * slope) * rng.lognormal(0.0, DOM_SIGMA, n)
    order = np.lexsort((day, district, city))
    return Transactions(
        city=city[order],
        district=district[order],
        deal_day=day[order],
        area_sqm=area[order],
        build_year=build_year[order],
        price_fen=(np.round(price[order], -2) * 100).astype(np.int64),
        days_on_market=np.maximum(np.rint(dom[order]), 7).astype(np.int64),
    )


def collateral_values(
    market: Market,
    seed: int,
    city: NDArray[np.int64],
    district: NDArray[np.int64],
    area: NDArray[np.float64],
    build_year: NDArray[np.int64],
) -> NDArray[np.int64]:
    """Market value in fen at the snapshot of pledged flats, in the order given (the order fixes the draws)."""
    rng = _rng(seed, 2)
    day = np.full(len(city), market.as_of_day, dtype=np.int64)
    value = area * market.price_per_sqm(city, district, area, build_year, day)
    value *= np.exp(rng.normal(0.0, UNIT_NOISE, len(city)))
    return (np.round(value, -2) * 100).astype(np.int64)


def city_district_index(city: str, district: str) -> tuple[int, int]:
    """Positions of a city and one of its districts in the reference tables; ``KeyError`` when unknown."""
    for i, c in enumerate(ref.CITIES):
        if c.name == city:
            for j, (name, _) in enumerate(c.districts):
                if name == district:
                    return i, j
            raise KeyError(f"{district} is not a district of {city}")
    raise KeyError(f"unknown city {city}")
