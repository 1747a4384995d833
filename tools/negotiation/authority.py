"""The authority matrix (授权矩阵): what each role may offer, by bucket and balance band, loaded from YAML."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from core.domain import Bucket

AUTHORITY_FILE = Path(__file__).resolve().parent / "authority.yaml"

AuthorityRole = Literal["collector", "supervisor"]
AUTHORITY_ROLES: tuple[AuthorityRole, ...] = ("collector", "supervisor")


class AuthorityError(ValueError):
    """The matrix file is invalid, or a case falls outside it."""


class Band(BaseModel):
    """A band of the outstanding total, in yuan: ``min`` inclusive, ``max`` exclusive (None: no upper bound)."""

    model_config = ConfigDict(extra="forbid")

    name: str
    min: Decimal = Field(ge=0)
    max: Decimal | None = None

    def contains(self, amount: Decimal) -> bool:
        """Whether ``amount`` falls in this band."""
        return amount >= self.min and (self.max is None or amount < self.max)


class AuthorityLimits(BaseModel):
    """One role's limits on one kind of case."""

    model_config = ConfigDict(extra="forbid")

    max_discount: Decimal = Field(ge=0, le=1, description="Share of principal + interest forgivable in a settlement")
    min_down_payment: Decimal = Field(ge=0, le=1, description="Share of the plan balance due up front")
    max_instalments: int = Field(ge=1, le=120, description="Longest instalment plan in months")
    waivable_penalty: Decimal = Field(ge=0, le=1, description="Share of the penalty interest that may be waived")


class AuthorityRule(AuthorityLimits):
    """A row of the matrix."""

    buckets: list[Bucket] = Field(min_length=1)
    band: str
    role: AuthorityRole


class AuthorityMatrix(BaseModel):
    """The whole matrix file."""

    model_config = ConfigDict(extra="forbid")

    version: str
    plan_rate_cap: Decimal = Field(ge=0, le=1)
    promise_horizon_days: int = Field(ge=1, le=365)
    settlement_window_days: int = Field(ge=1, le=90)
    min_instalment: Decimal = Field(gt=0)
    bands: list[Band] = Field(min_length=1)
    rules: list[AuthorityRule] = Field(min_length=1)

    @model_validator(mode="after")
    def _complete_and_unique(self) -> Self:
        names = [b.name for b in self.bands]
        if len(set(names)) != len(names):
            raise ValueError("band names must be unique")
        ordered = sorted(self.bands, key=lambda b: b.min)
        if ordered[0].min != 0 or ordered[-1].max is not None:
            raise ValueError("bands must start at 0 and end without an upper bound")
        for low, high in zip(ordered, ordered[1:], strict=False):
            if low.max != high.min:
                raise ValueError(f"bands {low.name} and {high.name} leave a gap or overlap")
        seen: dict[tuple[Bucket, str, str], int] = {}
        for index, rule in enumerate(self.rules):
            if rule.band not in names:
                raise ValueError(f"rule {index}: unknown band {rule.band!r}")
            for bucket in rule.buckets:
                key = (bucket, rule.band, rule.role)
                if key in seen:
                    raise ValueError(f"rules {seen[key]} and {index} both cover {bucket.value}/{rule.band}/{rule.role}")
                seen[key] = index
        missing = [
            f"{b.value}/{n}/{r}" for b in Bucket for n in names for r in AUTHORITY_ROLES if (b, n, r) not in seen
        ]
        if missing:
            raise ValueError(f"no rule covers {', '.join(missing)}")
        return self

    def band_for(self, outstanding_total: Decimal) -> Band:
        """The balance band of an outstanding total."""
        for band in self.bands:
            if band.contains(outstanding_total):
                return band
        raise AuthorityError(f"no band holds {outstanding_total}")

    def limits(self, bucket: Bucket, outstanding_total: Decimal, role: AuthorityRole) -> AuthorityLimits:
        """The limits of ``role`` on a case of ``bucket`` owing ``outstanding_total`` yuan."""
        band = self.band_for(outstanding_total)
        for rule in self.rules:
            if bucket in rule.buckets and rule.band == band.name and rule.role == role:
                return AuthorityLimits.model_validate(rule.model_dump(include=set(AuthorityLimits.model_fields)))
        raise AuthorityError(f"no rule for {bucket.value}/{band.name}/{role}")


def load_matrix(path: Path = AUTHORITY_FILE) -> AuthorityMatrix:
    """Parse and validate a matrix file.

    Raises:
        AuthorityError: the file is unreadable or does not validate.
    """
    try:
        return AuthorityMatrix.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise AuthorityError(f"{path.name}: {exc}") from exc


@lru_cache(maxsize=1)
def default_matrix() -> AuthorityMatrix:
    """The shipped matrix (parsed once)."""
    return load_matrix()


def authority_role(role: str) -> AuthorityRole:
    """The matrix role a caller negotiates with: supervisors their own row, everyone else a collector's."""
    return "supervisor" if role == "supervisor" else "collector"
