"""The recovery model artifact: three fitted equations and two dispersions, stored as versioned JSON.

Per case it gives ``p3`` (first repayment within 3 months), ``p_late`` (some recovery in months 4-12 when
nothing came in the first 3) and ``mu_late`` (mean recovered fraction of such a late recovery); the recovered
fraction of an early repayer follows one portfolio-wide Beta. Everything is fitted on synthetic training
portfolios (``tools/valuation/train.py``); nothing here reads ``case_truth``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, Field, ValidationError

from tools.valuation.features import FEATURES

FORMAT_VERSION = 1
"""Bump when the artifact's layout or :data:`FEATURES` change; older artifacts are then refused."""
DEFAULT_ARTIFACT = Path(__file__).resolve().parent / "artifacts" / "recovery_model.json"


class RecoveryModelError(RuntimeError):
    """The artifact is missing, unreadable or from an incompatible version."""


class LinearPart(BaseModel):
    """One linear predictor over standardised features."""

    intercept: float
    coef: list[float] = Field(description="One coefficient per feature, in FEATURES order")


class RecoveryModel(BaseModel):
    """The fitted recovery model."""

    format_version: int
    features: list[str]
    mean: list[float] = Field(description="Feature means used to standardise")
    scale: list[float] = Field(description="Feature standard deviations used to standardise")
    repay_3m: LinearPart = Field(description="Logit of repaying within 3 months")
    late_any: LinearPart = Field(description="Logit of some recovery in months 4-12 given none in months 1-3")
    late_mean: LinearPart = Field(description="Mean recovered fraction given a late recovery (identity link)")
    early_mean: float = Field(gt=0, lt=1, description="Mean recovered fraction of an early repayer")
    early_concentration: float = Field(gt=0, description="Beta concentration a+b of an early repayer's fraction")
    late_concentration: float = Field(gt=0, description="Beta concentration of a late recovery's fraction")
    training: dict[str, str | int | float | list[int]] = Field(default_factory=dict)

    @property
    def version(self) -> str:
        """A short tag of the artifact: format and training seeds."""
        seeds = self.training.get("seeds", [])
        return f"v{self.format_version}-" + "-".join(str(s) for s in (seeds if isinstance(seeds, list) else []))

    def _z(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.asarray((x - np.asarray(self.mean)) / np.asarray(self.scale), dtype=np.float64)

    def predict(self, x: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """``(p3, p_late, mu_late)`` for the rows of a design matrix.

        Args:
            x: Design matrix from :func:`tools.valuation.features.design_matrix`.

        Returns:
            Three arrays, one value per row.
        """
        z = self._z(x)

        def lin(part: LinearPart) -> NDArray[np.float64]:
            return np.asarray(part.intercept + z @ np.asarray(part.coef), dtype=np.float64)

        p3 = 1.0 / (1.0 + np.exp(-lin(self.repay_3m)))
        p_late = 1.0 / (1.0 + np.exp(-lin(self.late_any)))
        mu_late = np.clip(lin(self.late_mean), 0.02, 0.98)
        return p3, p_late, mu_late


def save_model(model: RecoveryModel, path: Path) -> None:
    """Write the artifact as JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(model.model_dump(mode="json"), indent=1) + "\n", encoding="utf-8")


def load_model(path: Path | None = None) -> RecoveryModel:
    """Read and check the artifact.

    Args:
        path: The JSON file; the packaged artifact by default.

    Returns:
        The model.

    Raises:
        RecoveryModelError: Missing, not JSON, wrong shape, or another format version / feature list.
    """
    path = path or DEFAULT_ARTIFACT
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RecoveryModelError(
            f"recovery model artifact not found: {path} (train one with `python -m tools.valuation.train`)"
        ) from None
    except OSError as exc:
        raise RecoveryModelError(f"cannot read recovery model artifact {path}: {exc.strerror}") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise RecoveryModelError(f"recovery model artifact {path} is not JSON: {exc.msg}") from None
    if not isinstance(data, dict) or data.get("format_version") != FORMAT_VERSION:
        found = data.get("format_version") if isinstance(data, dict) else None
        raise RecoveryModelError(
            f"recovery model artifact {path} has format version {found!r}; this code reads version {FORMAT_VERSION}"
            " (retrain with `python -m tools.valuation.train`)"
        )
    try:
        model = RecoveryModel.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise RecoveryModelError(
            f"recovery model artifact {path} is malformed at {'.'.join(map(str, first['loc']))}: {first['msg']}"
        ) from None
    n = len(FEATURES)
    parts = (model.repay_3m.coef, model.late_any.coef, model.late_mean.coef, model.mean, model.scale)
    if list(model.features) != list(FEATURES) or any(len(p) != n for p in parts):
        raise RecoveryModelError(
            f"recovery model artifact {path} was trained on other features"
            " (retrain with `python -m tools.valuation.train`)"
        )
    return model
