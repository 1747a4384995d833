"""The one-year LPR table (data file beside this module): the rate in force on a date, or a clear 'unknown'."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

LPR_FILE = Path(__file__).resolve().parent / "data" / "lpr_1y.yaml"


class LprUnknownError(LookupError):
    """The table has no one-year LPR for that date (before the reformed LPR, or after the last month covered)."""


class LprChange(BaseModel):
    """A published change of the one-year LPR."""

    effective: dt.date
    rate: Decimal = Field(description="Percent per year, e.g. 3.45")


class LprTable(BaseModel):
    """The shipped LPR history with its source and whether it has been checked against that source."""

    series: str
    source: str
    verified: bool
    covered_from: dt.date
    covered_through: dt.date
    changes: list[LprChange] = Field(min_length=1)


class LprValue(BaseModel):
    """The one-year LPR in force on a date."""

    on: dt.date
    rate: Decimal = Field(description="Fraction per year, e.g. 0.0345")
    announced: dt.date
    source: str
    verified: bool


@lru_cache(maxsize=4)
def load_lpr_table(path: Path = LPR_FILE) -> LprTable:
    """Read and validate the LPR table (changes must be in date order)."""
    table = LprTable.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    dates = [c.effective for c in table.changes]
    if dates != sorted(dates) or len(set(dates)) != len(dates):
        raise ValueError(f"{path}: LPR changes must be in strictly increasing date order")
    return table


def lpr_on(day: dt.date, table: LprTable | None = None) -> LprValue:
    """The one-year LPR in force on ``day``.

    Raises:
        LprUnknownError: ``day`` is outside the months the table covers.
    """
    table = table or load_lpr_table()
    if not table.covered_from <= day <= table.covered_through:
        raise LprUnknownError(
            f"no one-year LPR for {day.isoformat()} in the table (covers {table.covered_from.isoformat()} "
            f"to {table.covered_through.isoformat()})"
        )
    current = table.changes[0]
    for change in table.changes:
        if change.effective > day:
            break
        current = change
    return LprValue(
        on=day, rate=current.rate / 100, announced=current.effective, source=table.source, verified=table.verified
    )
