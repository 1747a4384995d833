"""Write the housing market of a portfolio: transactions per city and district, and pledged flats' true values."""

from __future__ import annotations

import datetime as dt

import numpy as np
from sqlalchemy import Engine, delete, insert, select

from core.db import property as p
from core.db import schema as s
from core.synth import reference as ref
from core.synth.property_market import build_market, city_district_index, collateral_values, generate_transactions

MARKET_TABLES = ("property_transactions", "collateral_truth")
_EPOCH = dt.date(1970, 1, 1)


def write_property_market(engine: Engine, seed: int, as_of_day: int) -> dict[str, int]:
    """Replace the market tables with the transactions of ``seed`` and the true values of the pledged flats.

    Args:
        engine: The database, already holding the portfolio's collateral rows.
        seed: The portfolio seed (the market draws from its own streams of it).
        as_of_day: Snapshot day (days since 1970-01-01).

    Returns:
        Rows written per table.
    """
    market = build_market(seed, as_of_day)
    deals = generate_transactions(market, seed)
    with engine.connect() as conn:
        pledged = conn.execute(
            select(s.Collateral.loan_id, s.Collateral.city, s.Collateral.district, s.Collateral.area_sqm,
                   s.Collateral.build_year).order_by(s.Collateral.loan_id, s.Collateral.id)
        ).all()  # fmt: skip
    places = [city_district_index(r.city, r.district) for r in pledged]
    values = collateral_values(
        market,
        seed,
        np.array([c for c, _ in places], dtype=np.int64),
        np.array([d for _, d in places], dtype=np.int64),
        np.array([r.area_sqm for r in pledged], dtype=np.float64),
        np.array([r.build_year for r in pledged], dtype=np.int64),
    )
    as_of = _EPOCH + dt.timedelta(days=as_of_day)
    deal_rows = [
        {
            "city": ref.CITIES[c].name,
            "district": ref.CITIES[c].districts[d][0],
            "deal_date": _EPOCH + dt.timedelta(days=day),
            "area_sqm": area,
            "build_year": year,
            "price_fen": price,
            "days_on_market": dom,
        }
        for c, d, day, area, year, price, dom in zip(
            deals.city.tolist(), deals.district.tolist(), deals.deal_day.tolist(), deals.area_sqm.tolist(),
            deals.build_year.tolist(), deals.price_fen.tolist(), deals.days_on_market.tolist(), strict=True,
        )
    ]  # fmt: skip
    truth_rows: dict[str, int] = {}
    for row, value in zip(pledged, values.tolist(), strict=True):
        truth_rows.setdefault(row.loan_id, 0)
        truth_rows[row.loan_id] += value  # one row per loan: the sum of its flats
    with engine.begin() as conn:
        conn.execute(delete(p.CollateralTruth))
        conn.execute(delete(p.PropertyTransaction))
        conn.execute(insert(p.PropertyTransaction), deal_rows)
        if truth_rows:
            conn.execute(
                insert(p.CollateralTruth),
                [{"loan_id": k, "market_value_fen": v, "as_of": as_of} for k, v in truth_rows.items()],
            )
    return {"property_transactions": len(deal_rows), "collateral_truth": len(truth_rows)}
