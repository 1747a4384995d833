"""The same code on PostgreSQL: migrations, the generator, the repository, triage, the workflow, the reminder batch."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import inspect, text

from agents.case_workflow.context import Context
from agents.case_workflow.outbox import reminder_lines, store_ready
from core.db.outbox import OutboxStore
from core.deps import build_deps
from core.synth import synthesize
from graphs.case_workflow import compile_graph
from tests.conftest import make_settings
from tools.triage.models import Tier
from tools.triage.tool import triage_case, triage_portfolio


async def test_postgres_end_to_end(pg_url: str, tmp_path: Path) -> None:
    deps = build_deps(make_settings(tmp_path, database_url=pg_url))
    try:
        tables = set(inspect(deps.engine).get_table_names())
        assert {"cases", "loans", "debtors", "case_truth", "threads", "model_calls"} <= tables
        report = synthesize(deps.engine, deps.cipher, 120, 5, workers=0)
        assert report.cases == 120
        with deps.engine.connect() as conn:
            assert conn.execute(text("select count(*) from cases")).scalar_one() == 120
            name = conn.execute(text("select name_enc from debtors limit 1")).scalar_one()
        assert isinstance(name, bytes) and not name.decode("latin-1").isprintable()  # ciphertext, not a name
        case = deps.cases.get_case("C000007")
        assert len(case.debtor.resident_id) == 18 and case.loan.outstanding_total >= 0
        result = triage_case(deps.cases, "C000007")
        assert result.reasons and deps.cases.get_case("C000007").tier == result.tier.value
        summary = triage_portfolio(deps.engine)
        assert summary.cases == 120 and sum(summary.per_tier.values()) == 120
        state = await compile_graph().ainvoke({"case_id": "C000008"}, context=Context(deps=deps))
        assert state["next_action"] is not None
        assert "next_action_planned" in [a.action for a in deps.cases.get_case("C000008").audit][-3:]
        # The nightly reminder batch reads the portfolio through the PostgreSQL frame queries.
        morning = dt.datetime(2026, 11, 3, 1, 0, tzinfo=dt.UTC)
        lines = [line async for line in reminder_lines(deps, now=morning)]
        automated = summary.per_tier[Tier.REMINDER] + summary.per_tier[Tier.DIGITAL]
        assert len(lines) == automated > 0
        ready = [x for x in lines if x.status == "ready"]
        assert ready and all(x.text and x.send_at for x in ready)
        assert [a.action for a in deps.cases.get_case(ready[0].case_id).audit][-1] == "reminder_reviewed"
        # Stored for the SMS platform (timestamps with zones on PostgreSQL), pulled when due, acknowledged once.
        stored = store_ready(deps, lines, now=morning)
        assert stored.stored == len(ready) and store_ready(deps, lines, now=morning).stored == 0
        outbox = OutboxStore(deps.sessions, deps.cipher)
        first = min(x.send_at for x in ready)
        pull_at = first.astimezone(dt.UTC) + dt.timedelta(minutes=1)
        due = outbox.due(now=pull_at, limit=1000)
        assert due and all(m.text for m in due) and due[0].send_at == first
        outbox.acknowledge(due[0].id, "dispatched", actor="sms-platform", now=pull_at, provider_ref="p-1")
        assert outbox.get(due[0].id).status == "dispatched"
    finally:
        await deps.aclose()


def test_copilot_interrupt_waits_in_postgres_checkpoints_across_app_restarts(pg_url: str, tmp_path: Path) -> None:
    """Cases and checkpoints both on PostgreSQL: a run waiting for a supervisor is resumed by a new app."""
    from fastapi.testclient import TestClient

    from server.app import create_app
    from tests.conftest import API_KEYS

    settings = make_settings(tmp_path, database_url=pg_url, checkpoint_url=pg_url)
    deps = build_deps(settings)
    with deps.engine.connect() as conn:
        seeded = conn.execute(text("select count(*) from cases")).scalar_one()
    if not seeded:
        synthesize(deps.engine, deps.cipher, 120, 5, workers=0)
    case_id = _offer_case(deps)
    collector, supervisor = {"X-API-Key": API_KEYS["collector"]}, {"X-API-Key": API_KEYS["supervisor"]}
    try:
        with TestClient(create_app(deps=deps)) as client:
            turn = client.post(
                "/v1/chat?stream=false", json={"message": f"按70%给{case_id}做结清方案"}, headers=collector
            ).json()
            [waiting] = turn["interrupts"]
        assert not (tmp_path / "checkpoints.db").exists()  # nothing went to the SQLite file
        with TestClient(create_app(deps=deps)) as client:
            pending = client.get("/v1/copilot/approvals", headers=supervisor).json()
            assert waiting["interrupt_id"] in [p["id"] for p in pending]
            r = client.post(f"/v1/copilot/approvals/{waiting['interrupt_id']}:resume", json={"action": "reject"},
                            headers=supervisor)  # fmt: skip
            assert r.status_code == 200 and r.json()["approval"]["status"] == "rejected"
            assert "驳回" in r.json()["answer"]["text"]
    finally:
        deps.close()


def _offer_case(deps: object) -> str:
    """A case where a 70% settlement is beyond a collector and within a supervisor."""
    from decimal import Decimal

    from tools.negotiation.models import OfferTerms
    from tools.negotiation.offers import check_terms, position

    for row in deps.cases.list_cases(120, 0):  # type: ignore[attr-defined]
        case = deps.cases.get_case(row.id)  # type: ignore[attr-defined]
        pos = position(case)
        pay = (pos.total * Decimal("0.7")).quantize(Decimal("0.01"))
        waived = min(pos.penalty, pos.total - pay)
        check = check_terms(
            case, OfferTerms(kind="settlement", discount=pos.total - pay - waived, penalty_waived=waived), "collector"
        )
        if not check.within_authority and check.supervisor_covers:
            return row.id
    raise AssertionError("no case for the offer test")
