"""The triage rules file: pydantic models of ``rules.yaml`` and a loader that refuses a bad file clearly."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Self

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tools.triage.models import Tier

DEFAULT_RULES = Path(__file__).resolve().parent / "rules.yaml"
CHANNELS = ("call", "sms", "wechat", "app", "visit", "letter")


class RulesError(ValueError):
    """The rules file is missing, is not YAML, or does not validate; the message says where."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(_Strict):
    """A reason text in Chinese and English."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Band(_Strict):
    """Points for values below ``upper`` (and at or above the previous band's upper); ``None`` is open-ended."""

    upper: float | None = None
    points: float


class ScoreFeature(_Strict):
    """One scorecard characteristic: numeric bands or categorical points, never both."""

    feature: str
    label: Bilingual
    bands: list[Band] | None = None
    categories: dict[str, float] | None = None
    default_points: float = Field(default=0.0, description="Points for an unlisted category")

    @model_validator(mode="after")
    def _check(self) -> Self:
        if (self.bands is None) == (self.categories is None):
            raise ValueError(f"{self.feature}: give exactly one of 'bands' or 'categories'")
        if self.bands is not None:
            uppers = [b.upper for b in self.bands]
            if not uppers or uppers[-1] is not None or any(u is None for u in uppers[:-1]):
                raise ValueError(f"{self.feature}: only the last band, and it must, have upper: null")
            finite = [u for u in uppers if u is not None]
            if any(b <= a for a, b in zip(finite, finite[1:], strict=False)):
                raise ValueError(f"{self.feature}: band uppers must increase strictly")
        return self


class Scorecard(_Strict):
    """Expert scorecard: ``propensity = sigmoid(intercept + log_odds_per_point * total points)``."""

    intercept: float
    log_odds_per_point: float = Field(gt=0)
    features: list[ScoreFeature] = Field(min_length=1)


class Override(_Strict):
    """A flag that takes the case away from automated treatment."""

    code: str
    flag: str
    queue: str
    reason: Bilingual


class ChannelLimit(_Strict):
    """A flag that restricts the channels a case may be contacted on."""

    code: str
    flag: str
    allowed_channels: list[str] = Field(min_length=1)
    reason: Bilingual


class Condition(_Strict):
    """Conditions of a tier rule; all given ones must hold."""

    buckets: list[str] | None = None
    legal_status: list[str] | None = None
    products: list[str] | None = None
    min_propensity: float | None = Field(default=None, ge=0, le=1)
    max_propensity: float | None = Field(default=None, ge=0, le=1)
    min_outstanding: float | None = Field(default=None, ge=0, description="Yuan, inclusive")
    max_outstanding: float | None = Field(default=None, ge=0, description="Yuan, exclusive")
    min_dpd: int | None = Field(default=None, ge=0)
    max_dpd: int | None = Field(default=None, ge=0)


class TierRule(_Strict):
    """Send matching cases to ``tier``; rules are tried in order and the first match wins."""

    code: str
    tier: Tier
    when: Condition
    reason: Bilingual


class Treatment(_Strict):
    """Queue, strategy and channels (in preference order) of a tier."""

    queue: str
    strategy: str
    channels: list[str]


class WindowConfig(_Strict):
    """How the contact window is learned from the contact log."""

    allowed_start_hour: int = Field(ge=0, le=23)
    allowed_end_hour: int = Field(ge=1, le=24)
    band_hours: int = Field(ge=1, le=12)
    min_attempts: int = Field(ge=1)
    default_start_hour: int = Field(ge=0, le=23)
    default_end_hour: int = Field(ge=1, le=24)

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.allowed_end_hour <= self.allowed_start_hour:
            raise ValueError("allowed_end_hour must be after allowed_start_hour")
        if not self.allowed_start_hour <= self.default_start_hour < self.default_end_hour <= self.allowed_end_hour:
            raise ValueError("the default window must lie inside the allowed hours")
        return self


class PropensityConfig(_Strict):
    """Which propensity the rules use: the trained model (default) or the expert scorecard."""

    source: Literal["model", "scorecard"] = "model"
    model_version: str = Field(default="2025.11-gbm-2", description="Artifact folder propensity-<version>")


class ScoreBand(_Strict):
    """A propensity interval ``[min, max)``."""

    min: float = Field(ge=0, le=1)
    max: float = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.max <= self.min:
            raise ValueError("a band's max must be above its min")
        return self


class ReviewConfig(_Strict):
    """Borderline review: cases whose propensity falls in a band get a model's second opinion."""

    enabled: bool = True
    role: str = Field(default="triage_review", description="Gateway role (model per role in QINGSHOU_LLM_*)")
    bands: list[ScoreBand] = Field(default_factory=list)

    def contains(self, propensity: np.ndarray) -> np.ndarray:
        """Which propensities fall in any band (always false when review is disabled)."""
        inside = np.zeros(len(propensity), dtype=bool)
        if self.enabled:
            for band in self.bands:
                inside |= (propensity >= band.min) & (propensity < band.max)
        return inside


class Rules(_Strict):
    """The whole rules file."""

    version: str = Field(min_length=1)
    scorecard: Scorecard
    overrides: list[Override]
    channel_limits: list[ChannelLimit]
    tiers: list[TierRule] = Field(min_length=1)
    default_tier: TierRule
    treatments: dict[Tier, Treatment]
    contact_window: WindowConfig
    propensity: PropensityConfig = PropensityConfig()
    review: ReviewConfig = ReviewConfig()

    @model_validator(mode="after")
    def _check(self) -> Self:
        missing = [t.value for t in Tier if t not in self.treatments]
        if missing:
            raise ValueError(f"treatments missing for tiers: {', '.join(missing)}")
        used = [c for t in self.treatments.values() for c in t.channels]
        used += [c for lim in self.channel_limits for c in lim.allowed_channels]
        unknown = sorted(set(used) - set(CHANNELS))
        if unknown:
            raise ValueError(f"unknown channels: {', '.join(unknown)}; known: {', '.join(CHANNELS)}")
        codes = [r.code for r in self._coded()]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise ValueError(f"duplicate rule codes: {', '.join(dupes)}")
        if self.default_tier.when != Condition():
            raise ValueError("default_tier must have an empty 'when'")
        return self

    def _coded(self) -> list[Override | ChannelLimit | TierRule]:
        """Every rule that has a code and a reason, in evaluation order."""
        return [*self.overrides, *self.channel_limits, *self.tiers, self.default_tier]

    def reason_for(self, code: str) -> Bilingual:
        """The bilingual reason of the rule with ``code``."""
        for rule in self._coded():
            if rule.code == code:
                return rule.reason
        raise KeyError(code)


def load_rules(path: Path | str | None = None) -> Rules:
    """Load and validate a rules file (the packaged ``rules.yaml`` by default).

    Args:
        path: The YAML file; ``None`` means the packaged default.

    Returns:
        The validated rules.

    Raises:
        RulesError: The file is missing, not YAML, or invalid; the message names the file and the field.
    """
    file = Path(path) if path is not None else DEFAULT_RULES
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RulesError(f"{file}: cannot read rules file ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise RulesError(f"{file}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise RulesError(f"{file}: the rules file must be a YAML mapping")
    try:
        return Rules.model_validate(data)
    except ValidationError as exc:
        details = "; ".join(f"{'.'.join(str(p) for p in err['loc']) or '(root)'}: {err['msg']}" for err in exc.errors())
        raise RulesError(f"{file}: invalid rules: {details}") from None
