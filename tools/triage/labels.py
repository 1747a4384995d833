"""Bilingual labels of the triage features, from ``feature_labels.yaml``."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from tools.triage.rules import Bilingual

LABELS_FILE = Path(__file__).resolve().parent / "feature_labels.yaml"


@cache
def feature_labels() -> dict[str, Bilingual]:
    """Every labelled feature's Chinese and English label."""
    data = yaml.safe_load(LABELS_FILE.read_text(encoding="utf-8"))
    return {str(name): Bilingual.model_validate(value) for name, value in data.items()}


def label(feature: str) -> Bilingual:
    """The label of ``feature``; the raw name in both languages when it has none."""
    return feature_labels().get(feature, Bilingual(zh=feature, en=feature))
