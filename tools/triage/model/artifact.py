"""Load and save a propensity artifact; loading verifies the SHA-256 and the library versions first."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import sklearn
from pydantic import ValidationError
from sklearn.ensemble import HistGradientBoostingClassifier
from threadpoolctl import threadpool_limits

from tools.triage.model.card import (
    CARD_JSON,
    CARD_MD,
    FORMAT_VERSION,
    MODEL_FILE,
    ModelArtifactError,
    ModelCard,
    artifact_dir,
    render_markdown,
)
from tools.triage.model.explain import TreeExplainer

PREDICT_THREADS = 1
"""OpenMP threads for prediction. One: on a shared two-core machine more threads spin against other processes
and predicted ten times slower in the benchmark; chunks are small enough that one thread keeps up."""


@dataclass
class PropensityModel:
    """A fitted classifier with Platt calibration: ``p = sigmoid(slope * raw + intercept)``.

    Attributes:
        classifier: The gradient-boosting model (raw score = log-odds before calibration).
        slope: Platt slope.
        intercept: Platt intercept.
        card: The model card.
    """

    classifier: HistGradientBoostingClassifier
    slope: float
    intercept: float
    card: ModelCard
    _explainer: TreeExplainer | None = field(default=None, repr=False)

    @property
    def features(self) -> list[str]:
        """Feature names in the model's order."""
        return self.card.features

    def matrix(self, features: pd.DataFrame) -> np.ndarray:
        """The model's input matrix from a feature frame.

        Raises:
            ModelArtifactError: The frame lacks features the model was trained on.
        """
        missing = [f for f in self.features if f not in features.columns]
        if missing:
            raise ModelArtifactError(
                f"model {self.card.version} needs features this code does not compute: {', '.join(missing[:5])}"
            )
        matrix: np.ndarray = features[self.features].to_numpy(dtype="float64")
        return matrix

    def logit(self, features: pd.DataFrame) -> np.ndarray:
        """Calibrated log-odds of repaying within 90 days."""
        with threadpool_limits(limits=PREDICT_THREADS, user_api="openmp"):
            raw = self.classifier.decision_function(self.matrix(features))
        return self.slope * np.asarray(raw, dtype="float64") + self.intercept

    def predict(self, features: pd.DataFrame) -> np.ndarray:
        """Calibrated probability of repaying within 90 days, per case."""
        probability: np.ndarray = 1.0 / (1.0 + np.exp(-self.logit(features)))
        return probability

    def contributions(self, features: pd.Series) -> pd.Series:
        """Per-feature contributions to one case's calibrated log-odds (they sum to logit minus the base).

        Args:
            features: One case's row of the feature frame.

        Returns:
            Contributions indexed by feature name.
        """
        if self._explainer is None:
            self._explainer = TreeExplainer(self.classifier)
        row = features.reindex(self.features).to_numpy(dtype="float64")
        return pd.Series(self.slope * self._explainer.contributions(row), index=self.features)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])


def read_card(folder: Path) -> ModelCard:
    """Read and validate ``model_card.json`` in ``folder``.

    Raises:
        ModelArtifactError: Missing or invalid card.
    """
    path = folder / CARD_JSON
    try:
        return ModelCard.model_validate_json(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ModelArtifactError(
            f"{path}: model card not found ({exc.strerror}); run 'qingshou triage train'"
        ) from None
    except ValidationError as exc:
        raise ModelArtifactError(f"{path}: invalid model card: {exc.errors()[0]['msg']}") from None


def load_model_from(folder: Path) -> PropensityModel:
    """Load the artifact in ``folder`` after checking its card, format, library version and SHA-256.

    Args:
        folder: A ``propensity-<version>`` folder.

    Returns:
        The model.

    Raises:
        ModelArtifactError: Missing files, a checksum mismatch, or an incompatible format or scikit-learn version.
    """
    card = read_card(folder)
    if card.format_version != FORMAT_VERSION:
        raise ModelArtifactError(
            f"{folder}: artifact format {card.format_version}, this code reads format {FORMAT_VERSION}; retrain"
        )
    trained_with = card.library_versions.get("scikit-learn", "?")
    if _minor(trained_with) != _minor(sklearn.__version__):
        raise ModelArtifactError(
            f"{folder}: trained with scikit-learn {trained_with}, installed {sklearn.__version__}; "
            "retrain with 'qingshou triage train'"
        )
    path = folder / MODEL_FILE
    if not path.is_file():
        raise ModelArtifactError(f"{path}: model file not found")
    if _sha256(path) != card.sha256:
        raise ModelArtifactError(f"{path}: SHA-256 does not match the model card; refusing to load it")
    payload = joblib.load(path)  # safe only because the checksum above matched the card
    if not isinstance(payload, dict) or not isinstance(payload.get("classifier"), HistGradientBoostingClassifier):
        raise ModelArtifactError(f"{path}: not a propensity artifact")
    return PropensityModel(
        classifier=payload["classifier"],
        slope=float(payload["slope"]),
        intercept=float(payload["intercept"]),
        card=card,
    )


@cache
def load_model(version: str, base: str | None = None) -> PropensityModel:
    """Load artifact ``version`` (cached per process), from the packaged artifacts unless ``base`` is given."""
    return load_model_from(artifact_dir(version, Path(base) if base else None))


def save_model(model: PropensityModel, base: Path | None = None) -> Path:
    """Write ``model.joblib``, then the card (with the file's SHA-256 and size) as JSON and Markdown.

    Args:
        model: The fitted model; its card's ``sha256`` and ``size_bytes`` are filled in here.
        base: Parent folder (the packaged artifacts by default).

    Returns:
        The artifact folder.

    Raises:
        ModelArtifactError: The version folder already exists (versions are immutable).
    """
    folder = artifact_dir(model.card.version, base)
    if folder.exists():
        raise ModelArtifactError(f"{folder} already exists; artifacts are immutable, pick a new version")
    folder.mkdir(parents=True)
    path = folder / MODEL_FILE
    payload = {"classifier": model.classifier, "slope": model.slope, "intercept": model.intercept}
    joblib.dump(payload, path, compress=3)
    model.card = model.card.model_copy(update={"sha256": _sha256(path), "size_bytes": path.stat().st_size})
    card_json = json.dumps(model.card.model_dump(mode="json"), ensure_ascii=False, indent=2)
    (folder / CARD_JSON).write_text(card_json + "\n", encoding="utf-8")
    (folder / CARD_MD).write_text(render_markdown(model.card), encoding="utf-8")
    return folder
