"""CLI, HTTP routes, reports, the eval suite, the synthetic generator and the prompt module."""

from __future__ import annotations

import json
import re
import string
from collections import Counter
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import prompts.compliance as compliance_prompts
from evals.runner import run_suite
from qingshou.cli import app as cli
from tests.conftest import API_KEYS
from tools.compliance.models import Category
from tools.compliance.parse import TranscriptError, parse_transcript
from tools.compliance.synthetic import generate, load_fragments

TEXT = "坐席：喂，张先生是吧？\n客户：你们这帮骗子！\n2026-03-02T22:30:00+08:00 坐席：你给我等着。\n"


def h(role: str) -> dict[str, str]:
    return {"X-API-Key": API_KEYS[role]}


def test_plain_text_lines_and_their_errors() -> None:
    t = parse_transcript(TEXT + "接着说\nDebtor: ok\n机器人：提醒")
    assert [x.speaker.value for x in t.turns] == ["agent", "debtor", "agent", "debtor", "bot"]
    assert t.turns[2].text == "你给我等着。\n接着说" and t.turns[2].at is not None and t.turns[0].at is None
    for bad, message in [
        ("", "no turns"),
        ("hello", "line 1: no speaker"),
        ("2026-03-02 22:30 坐席：x", "no UTC offset"),
        ('{"channel": "call", "turns": []}', "at least 1"),
        ('{"channel": "call", "turns": [{"speaker": "boss", "text": "x"}]}', "speaker"),
        ('{"channel": "call", "turns": [{"speaker": "agent", "text": "x", "at": "yesterday"}]}', "turns.0.at"),
        ("{bad", "invalid JSON"),
        ("坐席：" + "啊" * 300_000, "characters"),
    ]:
        with pytest.raises(TranscriptError, match=message):
            parse_transcript(bad)


def test_cli_review_json_and_bad_input(env_for_cli: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    path = tmp_path / "t.txt"
    path.write_text(TEXT, encoding="utf-8")
    result = runner.invoke(cli, ["review", str(path), "--json", "--save", "--team", "一组"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["verdict"] == "fail" and payload["review_id"].startswith("rv-")
    assert {f["category"] for f in payload["findings"]} == {"missing_identification", "quiet_hours", "threat"}
    assert payload["semantic_layer"]["status"] == "skipped"
    assert runner.invoke(cli, ["review", str(tmp_path / "missing.txt")]).exit_code == 2
    empty = runner.invoke(cli, ["review", "-", "--json"], input='{"channel": "call", "turns": []}')
    assert empty.exit_code == 2 and "at least 1" in empty.output
    big = runner.invoke(cli, ["review", "-"], input="坐席：" + "x" * 1_000_000)
    assert big.exit_code == 2 and "characters" in big.output
    unknown = runner.invoke(cli, ["review", str(path), "--case", "C999999"])
    assert unknown.exit_code == 2 and "unknown case" in unknown.output
    assert runner.invoke(cli, ["review", str(path), "--channel", "fax"]).exit_code == 2


def test_cli_seed_and_report(env_for_cli: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    seeded = runner.invoke(cli, ["compliance", "seed", "--n", "80"])
    assert seeded.exit_code == 0, seeded.output
    assert json.loads(seeded.output)["stored"] == 80
    html = tmp_path / "r.html"
    out = runner.invoke(
        cli, ["compliance", "report", "--from", "2026-03-01", "--to", "2026-03-31", "--html", str(html)]
    )
    assert out.exit_code == 0, out.output
    report = json.loads(out.output)
    assert report["reviews"] == 80 and report["findings"] == sum(report["by_category"].values()) > 0
    assert set(report["by_category"]) == {c.value for c in Category}
    assert {t["team"] for t in report["by_team"]} <= {"一组", "二组", "三组", "委外A"}
    page = html.read_text(encoding="utf-8")
    assert "<table>" in page and "合规质检报告" in page
    # Examples are masked: no full mobile number or resident ID survives.
    # Only the quotes: review ids are random hex and may hold a digit run that looks like a phone number.
    examples = json.dumps([e["quote"] for ex in report["examples"].values() for e in ex], ensure_ascii=False)
    assert re.search(r"1[3-9]\d{9}|\d{17}[\dX]", examples) is None
    one = runner.invoke(cli, ["compliance", "report", "--from", "2026-03-01", "--to", "2026-03-31", "--team", "一组"])
    assert json.loads(one.output)["reviews"] < 80
    assert runner.invoke(cli, ["compliance", "report", "--from", "2026-03", "--to", "2026-03-31"]).exit_code == 2
    assert runner.invoke(cli, ["compliance", "report", "--from", "2026-03-31", "--to", "2026-03-01"]).exit_code == 2


def test_http_invoke_gate_and_reports(client: TestClient) -> None:
    body = {"channel": "sms", "turns": [{"speaker": "bot", "text": "【华信银行】你给我等着。"}]}
    ok = client.post("/v1/agents/compliance:invoke", json=body, headers=h("collector"))
    assert ok.status_code == 200 and ok.json()["verdict"] == "fail"
    assert ok.json()["findings"][0]["citation"]["rule"] == "cn-cba-2026/no-threats"
    text = client.post(
        "/v1/agents/compliance:invoke?save=true",
        content=TEXT.encode(),
        headers={**h("qa"), "content-type": "text/plain; charset=utf-8"},
    )
    assert text.status_code == 200 and text.json()["review_id"]
    for bad in [{"channel": "call", "turns": []}, {"channel": "call", "turns": [{"speaker": "x", "text": "y"}]}]:
        response = client.post("/v1/agents/compliance:invoke", json=bad, headers=h("collector"))
        assert response.status_code == 422 and "detail" in response.json()
    garbage = client.post("/v1/agents/compliance:invoke", content=b"{nope", headers=h("collector"))
    assert garbage.status_code == 422
    huge = client.post("/v1/agents/compliance:invoke", content=b"x" * 2_000_000, headers=h("collector"))
    assert huge.status_code == 413
    unknown = dict(body, case_id="C999999")
    assert client.post("/v1/agents/compliance:invoke", json=unknown, headers=h("collector")).status_code == 404
    assert client.post("/v1/agents/compliance:invoke", json=body).status_code == 401

    plan = {"channel": "call", "at": "2026-03-02T23:00:00+08:00", "callee": "debtor"}
    gate = client.post("/v1/compliance/gate", json={"case_id": "C000001", "plan": plan}, headers=h("collector"))
    assert gate.status_code == 200 and gate.json()["allowed"] is False
    assert gate.json()["rule_id"] in {"cn.quiet_hours"} or gate.json()["rule_id"].startswith("policy.")
    naive = {"case_id": "C000001", "plan": dict(plan, at="2026-03-02T10:00:00")}
    assert client.post("/v1/compliance/gate", json=naive, headers=h("collector")).status_code == 422
    missing = {"case_id": "C999999", "plan": plan}
    assert client.post("/v1/compliance/gate", json=missing, headers=h("collector")).status_code == 404

    report = client.get("/v1/compliance/reports?from=2026-03-01&to=2026-03-31", headers=h("compliance"))
    assert report.status_code == 200 and report.json()["reviews"] == 1
    page = client.get("/v1/compliance/reports?from=2026-03-01&to=2026-03-31&format=html", headers=h("supervisor"))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert client.get("/v1/compliance/reports?from=2026-03-01&to=2026-03-31", headers=h("collector")).status_code == 403
    assert client.get("/v1/compliance/reports?from=x&to=2026-03-31", headers=h("qa")).status_code == 422


def test_eval_suite_meets_its_thresholds(tmp_path: Path) -> None:
    report = run_suite("compliance", report_dir=tmp_path)
    assert report.passed, [(m.key, m.score, m.comment[:300]) for m in report.metrics if not m.passed]
    assert {m.key for m in report.metrics} >= {"rule_recall", "rule_precision", "holdout_recall"}
    assert all(f"{c.value}_p/r" in report.target_summary for c in Category)
    assert (tmp_path / "report.html").is_file()


def test_generator_is_deterministic_and_covers_every_fragment_and_category() -> None:
    a, b = generate(300, seed=5), generate(300, seed=5)
    assert [c.model_dump() for c in a] == [c.model_dump() for c in b]
    assert len(a) >= 200
    used = {fid for c in a for fid in c.fragments}
    ids = {f.id for f in load_fragments()}
    assert ids - used == set()
    labels = Counter(label.category for c in a for label in c.labels if label.layer == "rule")
    assert set(labels) == set(Category)
    assert sum(1 for c in a if not c.labels) > 30  # hard negatives: whole conversations with nothing wrong
    assert any(label.layer == "model" for c in a for label in c.labels)


def test_compliance_prompts_format_with_their_placeholders() -> None:
    templates = [(n, v) for n, v in vars(compliance_prompts).items() if n.isupper() and isinstance(v, str)]
    assert len(templates) == 4
    for _name, template in templates:
        fields = {f for _, f, _, _ in string.Formatter().parse(template) if f}
        rendered = template.format(**{f: f"<{f}>" for f in fields})
        assert all(f"<{f}>" in rendered for f in fields)
    assert "<policy>" in compliance_prompts.REVIEW_POLICY
    assert all(c.value in compliance_prompts.REVIEW_POLICY for c in Category)
