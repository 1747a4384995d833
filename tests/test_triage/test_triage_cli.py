"""``qingshou triage``: one case as JSON, the whole portfolio, and exit codes on bad input."""

from __future__ import annotations

import json

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
