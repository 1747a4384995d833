"""Models of the eval framework: suite configuration, scores and the report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator


class EvalScore(BaseModel):
    """What an evaluator returns: ``{key, score, comment}``."""

    key: str = Field(description="Metric key, e.g. 'auc'")
    score: float = Field(description="The metric's value")
    comment: str = Field(default="", description="Human-readable detail: counts, failures, caveats")


class MetricSpec(BaseModel):
    """One metric of a suite: the evaluator that computes it and the threshold it must meet."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(min_length=1)
    evaluator: str = Field(description="Import path 'package.module:function' of the evaluator")
    label_zh: str = Field(default="", description="Chinese label shown in the HTML report")
    label_en: str = Field(default="", description="English label shown in the HTML report")
    min: float | None = Field(default=None, description="Fail when the score is below this")
    max: float | None = Field(default=None, description="Fail when the score is above this")

    @model_validator(mode="after")
    def _one_threshold(self) -> Self:
        if self.min is None and self.max is None:
            raise ValueError(f"metric {self.key!r} needs a threshold: 'min' or 'max'")
        return self

    def passed(self, score: float) -> bool:
        """Whether ``score`` meets the threshold."""
        return (self.min is None or score >= self.min) and (self.max is None or score <= self.max)

    def threshold_text(self) -> str:
        """The threshold as text, e.g. '>= 0.7'."""
        parts = [f">= {self.min:g}" if self.min is not None else "", f"<= {self.max:g}" if self.max is not None else ""]
        return " and ".join(p for p in parts if p)


class SuiteConfig(BaseModel):
    """A suite's ``suite.yaml``."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    title_zh: str = ""
    title_en: str = ""
    description: str = ""
    target: str = Field(description="Import path 'package.module:function' of the target")
    datasets: list[str] = Field(default_factory=list, description="YAML or JSONL files beside suite.yaml")
    params: dict[str, Any] = Field(default_factory=dict, description="Target-specific parameters it validates")
    metrics: list[MetricSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_keys(self) -> Self:
        keys = [m.key for m in self.metrics]
        if len(keys) != len(set(keys)):
            raise ValueError("metric keys must be unique")
        return self


class SuiteContext(BaseModel):
    """What a target receives."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    config: SuiteConfig
    suite_dir: Path
    workdir: Path = Field(description="A scratch directory removed after the run")
    datasets: dict[str, list[dict[str, Any]]] = Field(description="Rows of each dataset file, by file name")


class MetricResult(BaseModel):
    """One scored metric in the report."""

    key: str
    score: float
    comment: str
    threshold: str
    passed: bool
    label_zh: str = ""
    label_en: str = ""


class SuiteReport(BaseModel):
    """The outcome of one suite run."""

    suite: str
    title_zh: str = ""
    title_en: str = ""
    started_at: dt.datetime
    seconds: float
    passed: bool
    metrics: list[MetricResult]
    target_summary: dict[str, Any] = Field(default_factory=dict, description="Facts the target reported")
