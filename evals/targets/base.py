"""Base of target outputs."""

from __future__ import annotations

from pydantic import BaseModel, Field


class TargetOutput(BaseModel):
    """What every target returns; suites subclass it with the fields their evaluators read."""

    facts: dict[str, str | int | float] = Field(
        default_factory=dict, description="Facts about the run shown in the report (sizes, seeds, versions)"
    )
