"""Housing market tables: second-hand property transactions and the true market value of pledged flats."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, Float, ForeignKey, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db.schema import Base


class PropertyTransaction(Base):
    """A recorded second-hand housing sale (the comparables the collateral valuation learns from)."""

    __tablename__ = "property_transactions"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    city: Mapped[str] = mapped_column(String(16))
    district: Mapped[str] = mapped_column(String(16))
    deal_date: Mapped[dt.date] = mapped_column(Date)
    area_sqm: Mapped[float] = mapped_column(Float)
    build_year: Mapped[int] = mapped_column(SmallInteger)
    price_fen: Mapped[int] = mapped_column(BigInteger)
    """Total price paid."""
    days_on_market: Mapped[int] = mapped_column(Integer)
    """Days between listing and sale."""
    __table_args__ = (Index("ix_property_transactions_city_district", "city", "district"),)


class CollateralTruth(Base):
    """True market value of a pledged flat at the snapshot (generator price process); never shown to agents."""

    __tablename__ = "collateral_truth"
    loan_id: Mapped[str] = mapped_column(ForeignKey("loans.id"), primary_key=True)
    market_value_fen: Mapped[int] = mapped_column(BigInteger)
    as_of: Mapped[dt.date] = mapped_column(Date)
