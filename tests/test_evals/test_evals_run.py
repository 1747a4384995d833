"""The eval framework: suites run, three reports are written, thresholds gate the exit code."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from evals.loader import SUITES_DIR, SuiteConfigError, load_dataset, resolve
from evals.models import MetricSpec
from evals.runner import run_suite
from qingshou.cli import app

runner = CliRunner()
OVERRIDES = SUITES_DIR / "triage" / "overrides.jsonl"


def make_suite(root: Path, name: str, config: dict, files: dict[str, str] | None = None) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "suite.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    for file, body in (files or {}).items():
        (folder / file).write_text(body, encoding="utf-8")
    return folder


def overrides_suite(root: Path, rows: str, min_score: float = 1.0) -> None:
    make_suite(
        root,
        "tiny",
        {
            "name": "tiny",
            "title_zh": "小套件",
            "title_en": "Tiny suite",
            "target": "evals.targets.triage:run_overrides",
            "datasets": ["cases.jsonl"],
            "params": {"overrides_dataset": "cases.jsonl"},
            "metrics": [
                {
                    "key": "override_accuracy",
                    "evaluator": "evals.evaluators.triage:override_accuracy",
                    "label_zh": "硬性规则准确率",
                    "label_en": "Hard-override accuracy",
                    "min": min_score,
                }
            ],
        },
        {"cases.jsonl": rows},
    )


def test_packaged_override_cases_all_pass(tmp_path):
    overrides_suite(tmp_path / "suites", OVERRIDES.read_text(encoding="utf-8"))
    report = run_suite("tiny", suites_dir=tmp_path / "suites", report_dir=tmp_path / "out")
    assert report.passed and report.metrics[0].score == 1.0
    assert report.target_summary["override_cases"] == len(load_dataset(OVERRIDES)) >= 10


def test_failing_suite_exits_1_and_writes_three_reports(tmp_path):
    row = json.loads(OVERRIDES.read_text(encoding="utf-8").splitlines()[0])
    wrong = dict(row, id="BAD1", expected_tier="reminder")
    rows = json.dumps(row, ensure_ascii=False) + "\n" + json.dumps(wrong, ensure_ascii=False) + "\n"
    overrides_suite(tmp_path / "suites", rows)
    out = tmp_path / "out"
    res = runner.invoke(app, ["eval", "run", "tiny", "--suites-dir", str(tmp_path / "suites"), "--report", str(out)])
    assert res.exit_code == 1, res.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["passed"] is False and report["metrics"][0]["score"] == 0.5
    assert "BAD1" in report["metrics"][0]["comment"]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "硬性规则准确率" in page and "Hard-override accuracy" in page and "未通过" in page
    assert "<script" not in page and "http" not in page.split("</head>")[0]
    suite = ET.parse(out / "junit.xml").getroot().find("testsuite")
    assert suite is not None and suite.get("failures") == "1"
    assert suite.find("testcase/failure") is not None


def test_passing_suite_exits_0(tmp_path):
    overrides_suite(tmp_path / "suites", OVERRIDES.read_text(encoding="utf-8"))
    out = tmp_path / "out"
    res = runner.invoke(app, ["eval", "run", "tiny", "--suites-dir", str(tmp_path / "suites"), "--report", str(out)])
    assert res.exit_code == 0, res.output
    suite = ET.parse(out / "junit.xml").getroot().find("testsuite")
    assert suite is not None and suite.get("failures") == "0" and suite.get("tests") == "1"


def test_unknown_suite_exits_2(tmp_path):
    res = runner.invoke(app, ["eval", "run", "no_such_suite", "--report", str(tmp_path)])
    assert res.exit_code == 2
    assert "unknown suite" in res.stderr and "triage" in res.stderr


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"name": "bad", "target": "evals.targets.triage:run_overrides", "metrics": []}, "metrics"),
        (
            {"name": "bad", "target": "nope.module:run", "metrics": [{"key": "a", "evaluator": "x:y", "min": 1}]},
            "cannot import nope",
        ),
        (
            {
                "name": "bad",
                "target": "evals.targets.triage:run_overrides",
                "metrics": [{"key": "a", "evaluator": "x:y"}],
            },
            "needs a threshold",
        ),
    ],
)
def test_bad_suite_config_exits_2(tmp_path, config, message):
    make_suite(tmp_path / "suites", "bad", config)
    res = runner.invoke(app, ["eval", "run", "bad", "--suites-dir", str(tmp_path / "suites")])
    assert res.exit_code == 2
    assert message in res.stderr


def test_dataset_loader(tmp_path):
    good = tmp_path / "a.yaml"
    good.write_text("- {x: 1}\n- {x: 2}\n", encoding="utf-8")
    assert load_dataset(good) == [{"x": 1}, {"x": 2}]
    bad = tmp_path / "b.jsonl"
    bad.write_text('{"x": 1}\n{oops\n', encoding="utf-8")
    with pytest.raises(SuiteConfigError, match="b.jsonl:2"):
        load_dataset(bad)
    with pytest.raises(SuiteConfigError, match="package.module:function"):
        resolve("no_colon")


def test_threshold_direction():
    low = MetricSpec(key="brier", evaluator="m:f", max=0.2)
    assert low.passed(0.19) and not low.passed(0.21)
    high = MetricSpec(key="auc", evaluator="m:f", min=0.7)
    assert high.passed(0.7) and not high.passed(0.69)


def test_eval_list_names_suites():
    res = runner.invoke(app, ["eval", "list"])
    assert res.exit_code == 0 and "triage" in res.stdout


def test_triage_suite_on_a_small_portfolio(tmp_path):
    """The real triage target end to end: generate, triage, score against truth (small, so thresholds are loose)."""
    folder = SUITES_DIR / "triage"
    config = yaml.safe_load((folder / "suite.yaml").read_text(encoding="utf-8"))
    config["params"]["portfolio"] = {"n_cases": 1500, "seed": 7, "chunk_size": 700}
    for metric in config["metrics"]:
        metric.pop("min", None), metric.pop("max", None)
        metric["min"] = 0.0
    config["metrics"][0]["min"] = 0.65  # AUC must still beat chance clearly
    make_suite(tmp_path / "suites", "triage", config)
    shutil.copy(folder / "overrides.jsonl", tmp_path / "suites" / "triage")
    report = run_suite("triage", suites_dir=tmp_path / "suites", report_dir=tmp_path / "out")
    scores = {m.key: m.score for m in report.metrics}
    assert report.target_summary["cases"] == 1500
    assert scores["auc"] >= 0.65 and scores["override_accuracy"] == 1.0
    assert 0.0 < scores["brier"] < 0.25 and 0.5 < scores["tier_accuracy"] <= 1.0
    assert report.passed
    assert {p.name for p in (tmp_path / "out").iterdir()} == {"report.json", "report.html", "junit.xml"}
