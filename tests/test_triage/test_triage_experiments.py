"""Champion/challenger: assignment by hash, overrides applied and logged, per-arm report, CLI."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from qingshou.cli import app
from tools.triage.experiments import (
    ExperimentError,
    apply_experiments,
    experiment_report,
    load_experiments,
    two_proportion,
)
from tools.triage.tool import triage_case, triage_portfolio

runner = CliRunner()


def test_assignment_is_reproducible_and_close_to_the_shares():
    experiment = load_experiments().get("digital-wechat-first")
    ids = np.array([f"C{i:06d}" for i in range(1, 20_001)], dtype=object)
    arms = experiment.assign(ids)
    assert np.array_equal(arms, experiment.assign(ids))
    assert abs(arms.mean() - 0.5) < 0.02
    other = experiment.model_copy(update={"seed": experiment.seed + 1}).assign(ids)
    assert (other != arms).mean() > 0.4  # a new seed reshuffles


def test_overrides_apply_to_eligible_tiers_only_and_respect_opt_out():
    experiment = load_experiments().get("digital-wechat-first")
    decisions = pd.DataFrame(
        {
            "tier": ["digital"] * 200 + ["agent_call"] * 10,
            "strategy": ["digital_nudge"] * 200 + ["call_and_plan"] * 10,
            "channel": ["sms"] * 200 + ["call"] * 10,
            "limit_codes": ["limit_opt_out"] * 20 + [""] * 190,
        },
        index=[f"C{i:06d}" for i in range(210)],
    )
    assigned = apply_experiments(decisions, [experiment])
    assert len(assigned) == 200 and set(assigned["arm"]) == {"champion", "wechat_first"}
    challengers = assigned.index[assigned["arm"] == "wechat_first"]
    assert (decisions.loc[challengers, "strategy"] == "digital_nudge_wechat_first").all()
    free = [c for c in challengers if decisions.loc[c, "limit_codes"] == ""]
    assert (decisions.loc[free, "channel"] == "wechat").all()
    assert (decisions.iloc[:20]["channel"] == "sms").all()  # opted out keeps its channel
    assert (decisions.iloc[200:]["strategy"] == "call_and_plan").all()


def test_bad_experiments_file(tmp_path):
    bad = tmp_path / "x.yaml"
    bad.write_text(
        "experiments:\n  - {name: a, seed: 1, eligible_tiers: [digital], arms: [{name: x, share: 0.7}, "
        "{name: y, share: 0.7}]}\n",
        encoding="utf-8",
    )
    with pytest.raises(ExperimentError, match="add up to 1"):
        load_experiments(bad)
    with pytest.raises(ExperimentError, match="unknown experiment"):
        load_experiments().get("nope")


def test_two_proportion():
    z, p = two_proportion(50, 100, 50, 100)
    assert z == 0 and p == pytest.approx(1.0)
    z, p = two_proportion(30, 100, 60, 100)
    assert z > 4 and p < 1e-4


def test_portfolio_logs_assignments_and_report_compares_arms(deps):
    experiment = load_experiments().get("digital-wechat-first")
    with pytest.raises(ExperimentError, match="no logged assignments"):
        experiment_report(deps.engine, experiment)
    summary = triage_portfolio(deps.engine)
    n_assigned = sum(summary.experiment_cases.values())
    assert n_assigned > 0
    with deps.engine.connect() as conn:
        logged = conn.execute(text("SELECT COUNT(*) FROM case_audit WHERE action = 'experiment_assign'")).scalar_one()
        digital = conn.execute(text("SELECT COUNT(*) FROM cases WHERE tier = 'digital'")).scalar_one()
    assert logged == n_assigned == digital
    report = experiment_report(deps.engine, experiment)
    assert report.cases == n_assigned and [a.arm for a in report.arms] == ["champion", "wechat_first"]
    assert sum(a.cases for a in report.arms) == n_assigned
    challenger = report.arms[1]
    assert challenger.p_value is not None and 0 <= challenger.p_value <= 1
    assert "repaid_90d" in report.outcome


def test_single_case_logs_its_arm(deps):
    experiments = load_experiments().active
    for i in range(1, 300):
        result = triage_case(deps.cases, f"C{i:06d}", experiments=experiments)
        if result.experiment is not None:
            with deps.engine.connect() as conn:
                rows = conn.execute(
                    text("SELECT detail FROM case_audit WHERE action = 'experiment_assign' AND case_id = :c"),
                    {"c": result.case_id},
                ).fetchall()
            assert len(rows) == 1
            assert result.strategy == result.experiment.strategy
            return
    raise AssertionError("no case was assigned")


def test_cli_experiment_report(env_for_cli):
    res = runner.invoke(app, ["triage", "experiment-report", "digital-wechat-first"])
    assert res.exit_code == 2 and "no logged assignments" in res.stderr
    res = runner.invoke(app, ["triage", "--all", "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert summary["propensity_source"].startswith("model:") and "borderline_share" in summary
    res = runner.invoke(app, ["triage", "experiment-report", "digital-wechat-first", "--json"])
    assert res.exit_code == 0, res.output
    assert {a["arm"] for a in json.loads(res.stdout)["arms"]} == {"champion", "wechat_first"}
    res = runner.invoke(app, ["triage", "experiment-report", "nope"])
    assert res.exit_code == 2 and "unknown experiment" in res.stderr
