"""The model card: what a propensity artifact was trained on, how it scored, and what it needs to load."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel, Field

ARTIFACTS_DIR = Path(__file__).resolve().parent.parent / "artifacts"
"""Where packaged artifacts live: one folder ``propensity-<version>`` each."""
FORMAT_VERSION = 1
"""Layout of ``model.joblib`` (bump when the pickled object changes shape)."""
MODEL_FILE = "model.joblib"
CARD_JSON = "model_card.json"
CARD_MD = "model_card.md"


class ModelArtifactError(ValueError):
    """The model artifact is missing, altered, or from an incompatible version; the message says which."""


class DataSpec(BaseModel):
    """One synthetic portfolio used for training, calibration or evaluation."""

    role: str = Field(description="train, calibration or held_out")
    seed: int
    cases: int = Field(ge=1)
    positives: int = Field(ge=0, description="Cases with repaid_90d true")


class Metrics(BaseModel):
    """Scores on the held-out portfolio (never seen in training or calibration)."""

    auc: float = Field(ge=0, le=1)
    ece: float = Field(ge=0, le=1, description="Expected calibration error, 10 equal-width bins")
    brier: float = Field(ge=0, le=1)
    base_rate_brier: float = Field(ge=0, le=1, description="Brier of always predicting the observed rate")
    oracle_auc: float = Field(ge=0, le=1, description="AUC of the latent propensity itself (the ceiling)")
    scorecard_auc: float = Field(ge=0, le=1, description="AUC of the v1 expert scorecard on the same cases")


class ModelCard(BaseModel):
    """``model_card.json`` beside each artifact."""

    name: str = "triage-propensity"
    version: str = Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$")
    format_version: int = FORMAT_VERSION
    created_at: dt.datetime
    target: str = "repaid_90d: the debtor repays within 90 days of the snapshot (case_truth)"
    algorithm: str
    hyperparameters: dict[str, float | int | str | None]
    calibration: str
    features: list[str] = Field(min_length=1)
    data: list[DataSpec]
    metrics: Metrics
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of model.joblib")
    size_bytes: int = Field(ge=1)
    library_versions: dict[str, str] = Field(description="python, scikit-learn, numpy, pandas at training time")
    limitations: list[str] = Field(default_factory=list)


def artifact_dir(version: str, base: Path | None = None) -> Path:
    """The folder of artifact ``version`` under ``base`` (the packaged artifacts by default)."""
    return (base or ARTIFACTS_DIR) / f"propensity-{version}"


def render_markdown(card: ModelCard) -> str:
    """``model_card.md``: the card for people."""
    m = card.metrics
    lines = [
        f"# Model card: {card.name} {card.version}",
        "",
        f"- Created: {card.created_at.isoformat(timespec='seconds')}",
        f"- Target: {card.target}",
        f"- Algorithm: {card.algorithm}",
        f"- Calibration: {card.calibration}",
        f"- Artifact: `{MODEL_FILE}`, {card.size_bytes:,} bytes, sha256 `{card.sha256}`",
        f"- Libraries: {', '.join(f'{k} {v}' for k, v in sorted(card.library_versions.items()))}",
        "",
        "## Data (synthetic portfolios, `core.synth`)",
        "",
        "| role | seed | cases | repaid in 90 days |",
        "|---|---|---|---|",
        *[f"| {d.role} | {d.seed} | {d.cases:,} | {d.positives / d.cases:.1%} |" for d in card.data],
        "",
        "## Held-out metrics",
        "",
        "| metric | value |",
        "|---|---|",
        f"| AUC | {m.auc:.4f} |",
        f"| ECE (10 bins) | {m.ece:.4f} |",
        f"| Brier | {m.brier:.4f} (base rate {m.base_rate_brier:.4f}) |",
        f"| Scorecard v1 AUC, same cases | {m.scorecard_auc:.4f} |",
        f"| Latent propensity AUC (ceiling) | {m.oracle_auc:.4f} |",
        "",
        "## Hyperparameters",
        "",
        *[f"- `{k}`: {v}" for k, v in sorted(card.hyperparameters.items())],
        "",
        f"## Features ({len(card.features)})",
        "",
        ", ".join(f"`{f}`" for f in card.features),
        "",
        "## Limitations",
        "",
        *[f"- {item}" for item in card.limitations],
        "",
    ]
    return "\n".join(lines)
