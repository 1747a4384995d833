"""``qingshou value``: one case, a package file, and clear exit-2 errors that write nothing."""

import json

from sqlalchemy import func, select
from typer.testing import CliRunner

from core.db import schema as s
from core.deps import build_deps
from core.settings import load_settings
from qingshou.cli import app

runner = CliRunner()


def _audit_rows() -> int:
    d = build_deps(load_settings())
    try:
        with d.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(s.CaseAudit.__table__)).scalar_one())
    finally:
        d.close()


def test_value_case_json(env_for_cli):
    result = runner.invoke(app, ["value", "C000005", "--json", "--paths", "2000"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["case_id"] == "C000005" and set(data["recovery"]) == {"p10", "p50", "p90"}
    assert len(data["repayment_curve"]) == 12 and data["paths"] == 2000
    assert data["expected_recovery"].count(".") == 1 and len(data["expected_recovery"].split(".")[1]) == 2
    table = runner.invoke(app, ["value", "C000005", "--paths", "500"])
    assert table.exit_code == 0 and "P10 / P50 / P90" in table.output


def test_value_package_csv_and_json(env_for_cli, tmp_path):
    csv_file = tmp_path / "pkg.csv"
    csv_file.write_text("case_id,claim\nC000001,10000.00\nC000002,25000.50\nC000003,0\n", encoding="utf-8")
    result = runner.invoke(app, ["value", "--package", str(csv_file), "--json", "--paths", "1000"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["cases"] == 3 and data["claim_total"] == "35000.50"
    assert float(data["bid_low"]) <= float(data["bid_high"])
    json_file = tmp_path / "pkg.json"
    json_file.write_text(json.dumps({"cases": [{"case_id": "C000001", "claim": "10000.00"}]}), encoding="utf-8")
    result = runner.invoke(app, ["value", "--package", str(json_file), "--json", "--paths", "1000"])
    assert result.exit_code == 0 and json.loads(result.output)["cases"] == 1


def test_bad_input_exits_2_and_writes_nothing(env_for_cli, tmp_path):
    before = _audit_rows()
    cases = {
        "missing.csv": None,
        "cols.csv": "case_id,balance\nC000001,100\n",
        "neg.csv": "case_id,claim\nC000001,100\nC000002,-5\n",
        "nan.csv": "case_id,claim\nC000001,abc\n",
        "dup.csv": "case_id,claim\nC000001,1\nC000001,2\n",
        "empty.csv": "case_id,claim\n",
        "unknown.csv": "case_id,claim\nC000001,1\nC999999,2\n",
        "pkg.txt": "case_id,claim\nC000001,1\n",
        "bad.json": "{nope",
    }
    expected = {
        "missing.csv": "no such file", "cols.csv": "missing columns: claim", "neg.csv": "negative claim",
        "nan.csv": "not a number", "dup.csv": "twice", "empty.csv": "no cases", "unknown.csv": "C999999",
        "pkg.txt": ".csv or .json", "bad.json": "not JSON",
    }  # fmt: skip
    for name, content in cases.items():
        path = tmp_path / name
        if content is not None:
            path.write_text(content, encoding="utf-8")
        result = runner.invoke(app, ["value", "--package", str(path), "--json"])
        assert result.exit_code == 2, (name, result.output)
        assert expected[name] in result.output, (name, result.output)
    for args, message in (
        (["value", "C999999"], "no case with id"),
        (["value"], "either a CASE_ID or --package"),
        (["value", "C000001", "--discount-rate", "1.5"], "--discount-rate"),
        (["value", "C000001", "--model", str(tmp_path / "nope.json")], "artifact not found"),
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2 and message in result.output, (args, result.output)
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"format_version": 99}), encoding="utf-8")
    result = runner.invoke(app, ["value", "C000001", "--model", str(old)])
    assert result.exit_code == 2 and "format version 99" in result.output
    assert _audit_rows() == before
