"""The valuation eval suite end to end on a small held-out portfolio (the packaged suite uses 2 x 30,000 cases)."""

import shutil

import pytest
import yaml

from evals.loader import SUITES_DIR
from evals.runner import run_suite


def test_valuation_suite_small(tmp_path):
    folder = tmp_path / "suites" / "valuation"
    shutil.copytree(SUITES_DIR / "valuation", folder)
    config = yaml.safe_load((folder / "suite.yaml").read_text(encoding="utf-8"))
    config["params"]["portfolios"] = [{"seed": 9303, "n_cases": 1500}]
    config["params"]["portfolio_paths"] = 200
    (folder / "suite.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    report = run_suite("valuation", suites_dir=tmp_path / "suites", report_dir=tmp_path / "out")
    scores = {m.key: m for m in report.metrics}
    assert set(scores) == {"portfolio_recovery_error", "collateral_mape", "mc_vs_analytic"}
    assert scores["mc_vs_analytic"].passed and scores["collateral_mape"].passed
    assert 0 <= scores["portfolio_recovery_error"].score < 0.3  # 1,500 cases: the realised truth is noisy
    assert report.target_summary["flats"] > 100
    assert (tmp_path / "out" / "report.json").is_file()


def test_valuation_suite_refuses_training_seeds(tmp_path):
    folder = tmp_path / "suites" / "valuation"
    shutil.copytree(SUITES_DIR / "valuation", folder)
    config = yaml.safe_load((folder / "suite.yaml").read_text(encoding="utf-8"))
    config["params"]["portfolios"] = [{"seed": 101, "n_cases": 200}]
    (folder / "suite.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="used to train"):
        run_suite("valuation", suites_dir=tmp_path / "suites", report_dir=tmp_path / "out")
