"""Propensity model: packaged artifact and card, checksum and version refusals, explanations, training, ECE."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from tools.triage.features import compute_features
from tools.triage.frames import iter_chunks
from tools.triage.labels import feature_labels
from tools.triage.model.artifact import load_model, load_model_from, save_model
from tools.triage.model.card import CARD_JSON, MODEL_FILE, ModelArtifactError, artifact_dir
from tools.triage.model.metrics import expected_calibration_error
from tools.triage.model.train import TrainConfig, train
from tools.triage.rules import load_rules
from tools.triage.tool import triage_case, triage_portfolio


@pytest.fixture(scope="module")
def model():
    return load_model(load_rules().propensity.model_version)


def test_packaged_artifact_and_card(model):
    card = model.card
    assert card.metrics.auc >= 0.80 and card.metrics.ece <= 0.05
    assert card.metrics.auc > card.metrics.scorecard_auc
    roles = {d.role: d for d in card.data}
    assert set(roles) == {"train", "calibration", "held_out"}
    assert len({d.seed for d in card.data}) == 3
    folder = artifact_dir(card.version)
    assert (folder / "model_card.md").read_text(encoding="utf-8").startswith("# Model card")
    assert (folder / MODEL_FILE).stat().st_size < 3_000_000
    assert len(card.features) >= 40
    missing = [f for f in card.features if f not in feature_labels()]
    assert not missing, missing


def test_contributions_add_up_to_the_logit(deps, model):
    raw = next(iter_chunks(deps.engine, 50))
    features = compute_features(raw)
    logit = model.logit(features)
    for i in range(5):
        contrib = model.contributions(features.iloc[i])
        bias = model.slope * model._explainer.bias + model.intercept
        assert bias + contrib.sum() == pytest.approx(logit[i], abs=1e-6)


def _copy_artifact(model, tmp_path):
    folder = artifact_dir(model.card.version)
    target = tmp_path / folder.name
    shutil.copytree(folder, target)
    return target


def test_tampered_artifact_is_refused(model, tmp_path):
    folder = _copy_artifact(model, tmp_path)
    with (folder / MODEL_FILE).open("ab") as handle:
        handle.write(b"x")
    with pytest.raises(ModelArtifactError, match="SHA-256 does not match"):
        load_model_from(folder)


def test_incompatible_versions_are_refused(model, tmp_path):
    folder = _copy_artifact(model, tmp_path)
    card = json.loads((folder / CARD_JSON).read_text(encoding="utf-8"))
    card["library_versions"]["scikit-learn"] = "0.24.2"
    (folder / CARD_JSON).write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelArtifactError, match="trained with scikit-learn 0.24.2"):
        load_model_from(folder)
    card["library_versions"]["scikit-learn"] = model.card.library_versions["scikit-learn"]
    card["format_version"] = 99
    (folder / CARD_JSON).write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelArtifactError, match="artifact format 99"):
        load_model_from(folder)


def test_missing_artifact_is_refused_and_nothing_is_written(deps, tmp_path):
    with pytest.raises(ModelArtifactError, match="model card not found"):
        load_model_from(tmp_path / "propensity-nope")
    rules = load_rules()
    rules = rules.model_copy(update={"propensity": rules.propensity.model_copy(update={"model_version": "nope"})})
    with pytest.raises(ModelArtifactError):
        triage_case(deps.cases, "C000001", rules)
    with pytest.raises(ModelArtifactError):
        triage_portfolio(deps.engine, rules)
    assert deps.cases.get_case("C000001").tier is None


def test_portfolio_uses_the_model_and_reports_the_band(deps):
    summary = triage_portfolio(deps.engine, write=False)
    assert summary.propensity_source.startswith("model:")
    assert summary.cases == 300 and 0 < summary.borderline < 300
    assert summary.borderline_share == pytest.approx(summary.borderline / 300)


def test_train_a_small_model_end_to_end(tmp_path):
    config = TrainConfig(cases=600, seed=5, calibration_cases=600, held_out_cases=600, version="t1", max_iter=20)
    model = train(config)
    assert 0.6 < model.card.metrics.auc < 0.95
    folder = save_model(model, tmp_path)
    loaded = load_model_from(folder)
    assert loaded.card.sha256 == model.card.sha256
    frame = pd.DataFrame(np.zeros((2, len(loaded.features))), columns=loaded.features)
    assert np.allclose(loaded.predict(frame), model.predict(frame))
    with pytest.raises(ModelArtifactError, match="immutable"):
        save_model(model, tmp_path)


def test_ece():
    y = np.array([0, 0, 1, 1])
    assert expected_calibration_error(y, np.array([0.0, 0.0, 1.0, 1.0])) == 0.0
    assert expected_calibration_error(y, np.array([0.5, 0.5, 0.5, 0.5])) == pytest.approx(0.0)
    assert expected_calibration_error(np.array([1, 1]), np.array([0.25, 0.25])) == pytest.approx(0.75)
    with pytest.raises(ValueError):
        expected_calibration_error(np.array([]), np.array([]))
