"""Comparables valuation of pledged flats: a hedonic regression per city with a quarterly time index.

Per city, on the recorded sales before the valuation date::

    log(price / m²) = a + district effect + quarter effect + b_age * age + b_area * log(area / 90) + e

The quarter effects are the time adjustment (the most recent quarter is the base), so the fitted value is the
price level of the latest quarter. The 90% interval comes from the residual spread and the coefficients'
uncertainty; the haircut and time to sale come from the district's days on market and ``policy.yaml``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Engine, select

from core import domain
from core.db.property import PropertyTransaction as T
from tools.valuation.models import CENT, CollateralValuation, Comparable, yuan
from tools.valuation.policy import Liquidation

Z90 = 1.6449
QUARTERS = 12
NEAREST = 5


class NoComparablesError(LookupError):
    """Too few recorded sales in the city to value a flat there."""


@dataclass(frozen=True)
class CityFit:
    """A fitted city model and the sales it was fitted on."""

    districts: list[str]
    coef: NDArray[np.float64]
    xtx_inv: NDArray[np.float64]
    sigma: float
    n: int
    district_of: NDArray[np.int64]
    quarter_of: NDArray[np.int64]
    deal_date: list[dt.date]
    area: NDArray[np.float64]
    build_year: NDArray[np.int64]
    price: NDArray[np.float64]
    dom: NDArray[np.float64]

    def design(self, district: NDArray[np.int64], quarter: NDArray[np.int64], age: NDArray[np.float64],
               area: NDArray[np.float64]) -> NDArray[np.float64]:  # fmt: skip
        """Rows of the design matrix; district -1 means 'unknown': the average district."""
        n, k = len(district), len(self.districts)
        x = np.zeros((n, 1 + (k - 1) + (QUARTERS - 1) + 2))
        x[:, 0] = 1.0
        for j in range(1, k):
            x[:, j] = np.where(district == -1, 1.0 / k, (district == j).astype(float))
        for q in range(1, QUARTERS):
            x[:, k - 1 + q] = (quarter == q).astype(float)
        x[:, -2] = age
        x[:, -1] = np.log(area / 90.0)
        return x

    def quarter_effect(self, quarter: NDArray[np.int64]) -> NDArray[np.float64]:
        """Log index of each quarter relative to the latest."""
        k = len(self.districts)
        effects = np.concatenate([[0.0], self.coef[k : k + QUARTERS - 1]])
        return np.asarray(effects[quarter], dtype=np.float64)


def _quarter(as_of: dt.date, dates: list[dt.date]) -> NDArray[np.int64]:
    back = np.array([(as_of - d).days for d in dates], dtype=np.float64) / 30.4375
    return np.clip((back // 3).astype(np.int64), 0, QUARTERS - 1)


class CollateralModel:
    """Values flats from the recorded sales in the database; fits each city once per valuation date."""

    def __init__(self, engine: Engine, liquidation: Liquidation) -> None:
        self.engine = engine
        self.liquidation = liquidation
        self._fits: dict[tuple[str, dt.date], CityFit] = {}

    def fit_city(self, city: str, as_of: dt.date) -> CityFit:
        """Fit (or reuse) the hedonic model of ``city`` on sales up to ``as_of``.

        Raises:
            NoComparablesError: Fewer sales than the policy's minimum.
        """
        key = (city, as_of)
        if key in self._fits:
            return self._fits[key]
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(T.district, T.deal_date, T.area_sqm, T.build_year, T.price_fen, T.days_on_market)
                .where(T.city == city, T.deal_date <= as_of)
                .order_by(T.id)
            ).all()
        if len(rows) < self.liquidation.min_comparables:
            raise NoComparablesError(
                f"only {len(rows)} recorded sales in {city}; a valuation needs {self.liquidation.min_comparables}"
            )
        districts = sorted({r.district for r in rows})
        index = {d: i for i, d in enumerate(districts)}
        dates = [r.deal_date for r in rows]
        area = np.array([r.area_sqm for r in rows])
        year = np.array([r.build_year for r in rows], dtype=np.int64)
        price = np.array([r.price_fen for r in rows], dtype=np.float64) / 100.0
        district_of = np.array([index[r.district] for r in rows], dtype=np.int64)
        quarter = _quarter(as_of, dates)
        deal_year = np.array([d.year + (d.timetuple().tm_yday - 1) / 365.25 for d in dates])
        fit = CityFit(districts, np.zeros(0), np.zeros((0, 0)), 0.0, len(rows), district_of, quarter, dates, area,
                      year, price, np.array([r.days_on_market for r in rows], dtype=np.float64))  # fmt: skip
        x = fit.design(district_of, quarter, np.maximum(deal_year - year, 0.0), area)
        y = np.log(price / area)
        xtx_inv = np.asarray(np.linalg.pinv(x.T @ x), dtype=np.float64)
        coef = np.asarray(xtx_inv @ x.T @ y, dtype=np.float64)
        dof = max(len(y) - x.shape[1], 1)
        sigma = float(np.sqrt(np.sum((y - x @ coef) ** 2) / dof))
        fit = CityFit(districts, coef, xtx_inv, sigma, len(rows), district_of, quarter, dates, area, year, price,
                      fit.dom)  # fmt: skip
        self._fits[key] = fit
        return fit

    def value(self, flat: domain.Collateral, as_of: dt.date) -> CollateralValuation:
        """Value one pledged flat at ``as_of``.

        Raises:
            NoComparablesError: The city has too few recorded sales.
        """
        fit = self.fit_city(flat.city, as_of)
        district = fit.districts.index(flat.district) if flat.district in fit.districts else -1
        age = max(as_of.year + (as_of.timetuple().tm_yday - 1) / 365.25 - flat.build_year, 0.0)
        x0 = fit.design(np.array([district]), np.array([0]), np.array([age]), np.array([flat.area_sqm]))[0]
        log_ppsqm = float(x0 @ fit.coef)
        spread = Z90 * fit.sigma * float(np.sqrt(1.0 + x0 @ fit.xtx_inv @ x0))
        value = flat.area_sqm * float(np.exp(log_ppsqm))
        in_district = fit.district_of == district if district >= 0 else np.ones(fit.n, dtype=bool)
        dom = float(np.median(fit.dom[in_district]))
        liq = self.liquidation
        haircut = liq.base_haircut + liq.haircut_per_dom_day * max(dom - liq.reference_dom_days, 0.0)
        haircut = float(min(max(haircut, liq.min_haircut), liq.max_haircut))
        return CollateralValuation(
            city=flat.city,
            district=flat.district,
            area_sqm=flat.area_sqm,
            build_year=flat.build_year,
            value=yuan(value),
            value_low=yuan(value * np.exp(-spread)),
            value_high=yuan(value * np.exp(spread)),
            price_per_sqm=yuan(np.exp(log_ppsqm)),
            liquidation_haircut=round(haircut, 4),
            liquidation_value=yuan(value * (1.0 - haircut)),
            time_to_sale_days=int(round(liq.legal_days_to_auction + dom)),
            district_median_days_on_market=round(dom, 1),
            comparables_used=fit.n,
            comparables=self._nearest(fit, in_district, flat, as_of),
            appraisal=flat.appraisal.quantize(CENT),
            appraisal_date=flat.appraisal_date,
            valuation_date=as_of,
            method="hedonic regression per city, quarterly time index (comparables)",
        )

    @staticmethod
    def _nearest(fit: CityFit, mask: NDArray[np.bool_], flat: domain.Collateral, as_of: dt.date) -> list[Comparable]:
        months = np.array([(as_of - d).days for d in fit.deal_date]) / 30.4375
        distance = np.abs(fit.area - flat.area_sqm) / 20.0 + np.abs(fit.build_year - flat.build_year) / 5.0
        distance = np.where(mask, distance + months / 12.0, np.inf)
        order = np.argsort(distance, kind="stable")[:NEAREST]
        index = np.exp(-fit.quarter_effect(fit.quarter_of[order]))
        return [
            Comparable(
                deal_date=fit.deal_date[i],
                district=fit.districts[fit.district_of[i]],
                area_sqm=float(fit.area[i]),
                build_year=int(fit.build_year[i]),
                price=yuan(fit.price[i]),
                adjusted_price_per_sqm=yuan(fit.price[i] / fit.area[i] * adj),
            )
            for i, adj in zip(order.tolist(), index.tolist(), strict=True)
            if np.isfinite(distance[i])
        ]
