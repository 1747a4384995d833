"""``qingshou reminders``: the nightly batch over every case on an automated tier."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from core import clock
from core.deps import build_deps
from core.repository import CaseFilters
from qingshou.cli import app
from tests.conftest import make_settings

BATCH_TIME = dt.datetime(2026, 11, 3, 1, 0, tzinfo=dt.UTC)  # 09:00 in Beijing, two days after the portfolio's as_of


@pytest.fixture(autouse=True)
def morning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "utc_now", lambda: BATCH_TIME)


def test_batch_writes_a_reviewed_outbox_of_every_automated_case(env_for_cli: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["triage", "--all"]).exit_code == 0  # stores the tiers the batch must agree with
    out = tmp_path / "outbox.jsonl"
    done = runner.invoke(app, ["reminders", "--out", str(out), "--json"])
    assert done.exit_code == 0, done.output
    summary = json.loads(done.output)
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert summary["cases"] == len(lines) > 20 and sum(summary["by_status"].values()) == len(lines)
    deps = build_deps(make_settings(env_for_cli))
    try:
        auto = {c.id for t in ("reminder", "digital") for c in deps.cases.list_cases(1000, 0, CaseFilters(tier=t))}
        assert {x["case_id"] for x in lines} == auto and len(lines) == len(auto)  # every automated case, once
        ready = [x for x in lines if x["status"] == "ready"]
        assert len(ready) >= len(lines) // 2
        for x in ready:
            assert x["text"] and x["script"].startswith("approved-scripts-zh/") and "{" not in x["text"]
            send_at = dt.datetime.fromisoformat(x["send_at"])
            assert send_at >= BATCH_TIME and 8 <= send_at.hour < 22  # planned inside the allowed hours, local time
            actions = [a.action for a in deps.cases.get_case(x["case_id"]).audit]
            assert actions[-2:] == ["reminder_drafted", "reminder_reviewed"]
        for x in lines:
            if x["status"] != "ready":
                assert x["reason"] and x["text"] is None, x  # every line not to be sent says why, and has no text
    finally:
        deps.close()
    assert summary["model_used"] is False


def test_bad_options_exit_2(env_for_cli: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["reminders", "--out", str(tmp_path / "no" / "such" / "f.jsonl")]).exit_code == 2
    assert runner.invoke(app, ["reminders", "--out", str(tmp_path)]).exit_code == 2
    assert runner.invoke(app, ["reminders", "--limit", "0"]).exit_code == 2


async def test_a_failed_review_leaves_no_text_to_send(deps, monkeypatch: pytest.MonkeyPatch) -> None:
    from agents.case_workflow import reminder
    from agents.case_workflow.outbox import reminder_lines
    from agents.negotiation.templates import scripts

    entry = scripts()["sms-overdue-early"]
    bad = entry.model_copy(update={"text": entry.text + "不还钱就去你单位找你领导。"})
    monkeypatch.setattr(reminder, "scripts", lambda: {**scripts(), "sms-overdue-early": bad})
    lines = [x async for x in reminder_lines(deps, now=BATCH_TIME, limit=40)]
    failed = [x for x in lines if x.script and x.script.endswith("sms-overdue-early")]
    assert failed and all(x.status == "failed_review" and x.text is None and x.findings for x in failed)


async def test_a_tenant_batch_holds_that_tenants_cases_only(deps) -> None:
    from agents.case_workflow.outbox import reminder_lines
    from tests.conftest import split_tenants

    split_tenants(deps)
    everyone = [x async for x in reminder_lines(deps, now=BATCH_TIME)]
    bank_a = [x async for x in reminder_lines(deps, now=BATCH_TIME, tenant="bank-a")]
    assert bank_a and all(x.tenant == "bank-a" for x in bank_a)
    assert [x.case_id for x in bank_a] == [x.case_id for x in everyone if x.tenant == "bank-a"]
    assert len(bank_a) < len(everyone)
