"""The valuation policy file (``policy.yaml``): costs, liquidation, workflow trigger and Monte Carlo defaults."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

DEFAULT_POLICY = Path(__file__).resolve().parent / "policy.yaml"


class PolicyError(ValueError):
    """The policy file is missing or invalid; the message names the file."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Servicing(_Strict):
    """Servicing cost per active case-month, yuan."""

    unsecured: float = Field(ge=0)
    secured: float = Field(ge=0)


class Costs(_Strict):
    """Cost of collection."""

    servicing_per_month_yuan: Servicing
    commission_rate: float = Field(ge=0, lt=1)
    legal_fixed_yuan: float = Field(ge=0)
    legal_rate: float = Field(ge=0, lt=1)


class Liquidation(_Strict):
    """Forced sale of pledged property."""

    base_haircut: float = Field(ge=0, lt=1)
    haircut_per_dom_day: float = Field(ge=0)
    reference_dom_days: float = Field(ge=0)
    min_haircut: float = Field(ge=0, lt=1)
    max_haircut: float = Field(ge=0, lt=1)
    legal_days_to_auction: int = Field(ge=0)
    min_comparables: int = Field(ge=5)


class Trigger(_Strict):
    """When the case workflow calls valuation."""

    min_outstanding_yuan: float = Field(ge=0)
    tiers: list[str]
    legal_statuses: list[str]


class MonteCarlo(_Strict):
    """Simulation defaults."""

    paths: int = Field(ge=100, le=1_000_000)
    seed: int
    discount_rate: float = Field(ge=0, lt=1)


class Policy(_Strict):
    """The whole policy file."""

    version: str
    costs: Costs
    collateral: Liquidation
    trigger: Trigger
    monte_carlo: MonteCarlo


@lru_cache(maxsize=8)
def load_policy(path: Path = DEFAULT_POLICY) -> Policy:
    """Read and validate a policy file (cached per path).

    Raises:
        PolicyError: Unreadable or invalid.
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PolicyError(f"{path}: cannot read policy: {exc}") from None
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise PolicyError(f"{path}: {'.'.join(map(str, first['loc']))}: {first['msg']}") from None
