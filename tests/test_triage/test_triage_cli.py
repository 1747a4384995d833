"""``qingshou triage``: one case as JSON, the whole portfolio, and exit codes on bad input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from core.deps import build_deps
from core.settings import load_settings
from qingshou.cli import app
from tests.test_triage.conftest import CaseSpec, insert_case

runner = CliRunner()


@pytest.fixture
def env_db(tmp_path, monkeypatch):
    monkeypatch.setenv("QINGSHOU_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("QINGSHOU_DATABASE_URL", "")
    d = build_deps(load_settings())
    insert_case(d.sessions, d.cipher, CaseSpec(case_id="C000001", flags=["dispute"]))
    insert_case(d.sessions, d.cipher, CaseSpec(case_id="C000002", dpd=75, bucket="M3"))
    yield d
    d.close()


def test_triage_one_case_json(env_db):
    res = runner.invoke(app, ["triage", "C000002", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["case_id"] == "C000002" and out["tier"] == "agent_call" and out["queue"] == "call_center"
    assert out["reasons"][0]["code"] == "tier_mid_call" and out["rules_version"]
    assert env_db.cases.get_case("C000002").tier == "agent_call"


def test_triage_one_case_table(env_db):
    res = runner.invoke(app, ["triage", "C000001"])
    assert res.exit_code == 0, res.output
    assert "human_review" in res.stdout and "override_dispute" in res.stdout


def test_triage_all_writes_back(env_db):
    res = runner.invoke(app, ["triage", "--all", "--json", "--chunk-size", "1"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert summary["cases"] == 2 and summary["per_tier"]["human_review"] == 1 and summary["per_tier"]["agent_call"] == 1
    assert env_db.cases.get_case("C000001").queue == "review_dispute"
    res = runner.invoke(app, ["triage", "--all"])
    assert res.exit_code == 0 and "human_review" in res.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["triage", "C999999", "--json"], "no case with id"),
        (["triage"], "either a CASE_ID or --all"),
        (["triage", "C000001", "--all"], "either a CASE_ID or --all"),
        (["triage", "C000001", "--rules", "/nonexistent/rules.yaml"], "cannot read rules file"),
    ],
)
def test_triage_bad_input_exits_2(env_db, args, message):
    res = runner.invoke(app, args)
    assert res.exit_code == 2
    assert message in res.stderr


def test_triage_train_writes_a_versioned_artifact(env_db, tmp_path):
    out = tmp_path / "artifacts"
    args = ["triage", "train", "--cases", "500", "--max-iter", "10", "--out", str(out), "--version", "t2", "--json"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    card = json.loads(res.stdout)
    assert card["version"] == "t2" and card["metrics"]["auc"] > 0.5
    folder = out / "propensity-t2"
    assert {p.name for p in folder.iterdir()} == {"model.joblib", "model_card.json", "model_card.md"}
    res = runner.invoke(app, args)
    assert res.exit_code == 2 and "already exists" in res.stderr
    res = runner.invoke(app, ["triage", "train", "--version", "bad version!", "--out", str(out)])
    assert res.exit_code == 2 and "bad training options" in res.stderr


def test_missing_model_artifact_exits_2_and_writes_nothing(env_db, tmp_path):
    rules = tmp_path / "rules.yaml"
    text = (Path(__file__).resolve().parents[2] / "tools/triage/rules.yaml").read_text(encoding="utf-8")
    rules.write_text(re.sub(r'model_version: "[^"]+"', 'model_version: "missing-1"', text), encoding="utf-8")
    for args in (["triage", "C000002", "--rules", str(rules)], ["triage", "--all", "--rules", str(rules)]):
        res = runner.invoke(app, args)
        assert res.exit_code == 2 and "model card not found" in res.stderr
    assert env_db.cases.get_case("C000002").tier is None
    res = runner.invoke(app, ["triage", "C000002", "--rules", str(rules), "--scorecard", "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["propensity_source"] == "scorecard"


def test_triage_help_lists_subcommands():
    res = runner.invoke(app, ["triage", "--help"])
    assert res.exit_code == 0 and "train" in res.stdout and "experiment-report" in res.stdout
