"""Request and result of the valuation agent (the HTTP body and the graph node's output)."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from tools.valuation.models import CaseValuation, PackageLine, PackageValuation
from tools.valuation.policy import load_policy

# One request may simulate at most this many case-paths (10,000 cases x 10,000 paths take about 12 s on 2 cores).
MAX_SIMULATED_PATHS = 200_000_000


class ValuationRequest(BaseModel):
    """Value one case (``case_id``) or price a package (``case_ids`` or ``lines``)."""

    model_config = ConfigDict(extra="forbid")

    case_id: str | None = Field(default=None, min_length=2, max_length=16, description="One case, e.g. C000123")
    case_ids: list[str] | None = Field(default=None, min_length=1, max_length=200_000, description="Package cases")
    lines: list[PackageLine] | None = Field(
        default=None, min_length=1, max_length=200_000, description="Package cases with their transferred claims"
    )
    discount_rate: float | None = Field(default=None, ge=0, lt=1, description="Buyer's annual required return")
    paths: int | None = Field(default=None, ge=100, le=100_000, description="Monte Carlo paths per case")
    seed: int | None = Field(default=None, ge=0, description="Simulation seed")

    @model_validator(mode="after")
    def _one_subject(self) -> Self:
        given = [x is not None for x in (self.case_id, self.case_ids, self.lines)]
        if sum(given) != 1:
            raise ValueError("give exactly one of case_id, case_ids or lines")
        ids = self.case_ids or [line.case_id for line in self.lines or []]
        if len(set(ids)) != len(ids):
            raise ValueError("a case appears twice in the package")
        paths = self.paths or load_policy().monte_carlo.paths
        if max(len(ids), 1) * paths > MAX_SIMULATED_PATHS:
            raise ValueError(
                f"{max(len(ids), 1):,} cases x {paths:,} paths exceeds the "
                f"{MAX_SIMULATED_PATHS:,} simulated paths one request may ask for; lower `paths` or split the package"
            )
        return self

    def package_lines(self) -> list[PackageLine]:
        """The package as lines (claims default to the outstanding balance)."""
        if self.lines is not None:
            return self.lines
        return [PackageLine(case_id=c) for c in self.case_ids or []]


class Narrative(BaseModel):
    """A bilingual explanation of a valuation (words around the tools' numbers)."""

    summary_zh: str = Field(max_length=900, description="中文说明，最多四句")
    summary_en: str = Field(max_length=1400, description="English explanation, at most four sentences")


class ValuationResult(BaseModel):
    """What the valuation agent returns."""

    kind: Literal["case", "package"]
    case: CaseValuation | None = None
    package: PackageValuation | None = None
    narrative: Narrative
    model_used: bool = Field(description="Whether a language model wrote the narrative")
    notes: list[str] = Field(default_factory=list, description="Bilingual notes (why a template was used, ...)")
