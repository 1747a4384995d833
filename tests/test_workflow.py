import datetime as dt
import json
from pathlib import Path

import aiosqlite
import pytest
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from typer.testing import CliRunner

from agents.case_workflow.context import Context
from agents.case_workflow.state import State
from core.deps import Deps, build_deps
from core.gateway.records import ModelCall
from graphs.case_workflow import compile_graph
from graphs.checkpointing import serializer
from qingshou.cli import app
from tests.conftest import make_settings
from tests.fakes.sglang import FakeSGLang, Reply, Status

FIXED = dt.datetime(2026, 11, 3, 2, 0, tzinfo=dt.UTC)  # 10:00 in Beijing


async def run_case(deps: Deps, db: Path, case_id: str, thread: str = "t-1") -> State:
    async with aiosqlite.connect(db) as conn:
        graph = compile_graph(AsyncSqliteSaver(conn, serde=serializer()))
        config = {"configurable": {"thread_id": thread}}
        await graph.ainvoke({"case_id": case_id}, config=config, context=Context(deps=deps, clock=lambda: FIXED))
        return State(**(await graph.aget_state(config)).values)


async def test_run_resume_and_inspect_from_sqlite(deps: Deps, tmp_path: Path) -> None:
    db = tmp_path / "ckpt.db"
    await run_case(deps, db, "C000005")
    # A new connection and a new graph see the same thread state, revived as our types.
    async with aiosqlite.connect(db) as conn:
        graph = compile_graph(AsyncSqliteSaver(conn, serde=serializer()))
        config = {"configurable": {"thread_id": "t-1"}}
        state = State(**(await graph.aget_state(config)).values)
        assert state.card is not None and state.card.case_id == "C000005"
        assert state.triage is not None and state.triage.reasons
        assert state.next_action is not None and state.next_action.not_before >= FIXED
        assert state.brief is None and state.model_used is False
        assert any("No model server configured" in n for n in state.notes)
        assert len([s async for s in graph.aget_state_history(config)]) >= 5
        # Running again on the same thread continues it (new checkpoints on top of the old ones).
        await graph.ainvoke({"case_id": "C000006"}, config=config, context=Context(deps=deps, clock=lambda: FIXED))
        assert State(**(await graph.aget_state(config)).values).card.case_id == "C000006"  # type: ignore[union-attr]


async def test_checkpoints_hold_no_raw_pii(deps: Deps, tmp_path: Path) -> None:
    db = tmp_path / "ckpt.db"
    case = deps.cases.get_case("C000007")
    await run_case(deps, db, "C000007")
    wal = db.with_name("ckpt.db-wal")
    raw = db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    for secret in [case.debtor.name, case.debtor.resident_id, *case.debtor.phones, case.debtor.address]:
        assert secret.encode() not in raw


async def test_unknown_case_ends_early(deps: Deps) -> None:
    out = await compile_graph().ainvoke({"case_id": "C999999"}, context=Context(deps=deps))
    assert "C999999" in out["error"] and out.get("triage") is None


def model_deps(var_dir: Path, base_url: str) -> Deps:
    return build_deps(make_settings(var_dir, llm_base_url=base_url, llm_timeout_s=3))


async def test_brief_from_model_is_kept_when_grounded(var_dir: Path, tmp_path: Path) -> None:
    probe = build_deps(make_settings(var_dir))
    case = probe.cases.get_case("C000012")
    probe.close()
    with FakeSGLang() as server:
        deps = model_deps(var_dir, server.base_url)
        dpd = case.loan.days_past_due
        reply = {"summary_zh": f"该案逾期 {dpd} 天，按规则安排。", "summary_en": f"The case is {dpd} days past due."}
        server.push(Reply(content=json.dumps({"findings": []})))  # the semantic review of the automated reminder
        server.push(Reply(content=json.dumps(reply, ensure_ascii=False)))
        state = await run_case(deps, tmp_path / "c.db", "C000012")
        await deps.aclose()
    assert state.model_used is True and state.brief is not None
    assert state.brief.summary_en == reply["summary_en"]
    assert state.draft_review is not None and state.draft_review.sendable
    assert state.draft_review.semantic_layer is not None and state.draft_review.semantic_layer.status == "ran"
    review_body = server.chat_bodies()[0].decode()
    sent = "".join(m["content"] for m in json.loads(review_body)["messages"])
    assert state.outgoing is not None and state.reminder_script is not None
    assert state.outgoing.text.split("，")[1] in sent  # the reminder's wording reached the reviewing model
    body = server.chat_bodies()[1].decode()
    request = json.loads(body)
    assert request["response_format"]["type"] == "json_schema"
    assert request["messages"][0]["role"] == "system"
    for secret in [case.debtor.name, case.debtor.resident_id, *case.debtor.phones]:
        assert secret not in body
    with deps.sessions() as session:
        assert session.query(ModelCall).filter_by(role="case_brief").count() == 1


async def test_brief_with_invented_number_is_rejected(var_dir: Path, tmp_path: Path) -> None:
    with FakeSGLang() as server:
        deps = model_deps(var_dir, server.base_url)
        reply = {"summary_zh": "建议一次性减免 98765.43 元。", "summary_en": "Offer a 98765.43 yuan waiver."}
        server.push(Reply(content=json.dumps(reply, ensure_ascii=False)))
        state = await run_case(deps, tmp_path / "c.db", "C000013")
        await deps.aclose()
    assert state.brief is None and state.model_used is False
    assert any("98765.43" in n and "rejected" in n for n in state.notes)
    assert state.triage is not None and state.next_action is not None


@pytest.mark.parametrize("failure", [Status(500, body="{}"), Status(400, body="{}")])
async def test_model_failure_keeps_rules_answer(var_dir: Path, tmp_path: Path, failure: Status) -> None:
    with FakeSGLang(default=failure) as server:
        deps = model_deps(var_dir, server.base_url)
        state = await run_case(deps, tmp_path / "c.db", "C000014")
        await deps.aclose()
    assert state.brief is None and state.triage is not None and state.next_action is not None
    assert any("Model call failed" in n for n in state.notes)


def test_cli_workflow_run_and_state(env_for_cli: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["workflow", "run", "C000011"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["values"]["triage"]["case_id"] == "C000011"
    again = runner.invoke(app, ["workflow", "state", payload["thread_id"]])
    assert again.exit_code == 0 and json.loads(again.output)["values"]["next_action"]
    missing = runner.invoke(app, ["workflow", "run", "C999999"])
    assert missing.exit_code == 2 and "unknown case" in missing.output
    assert runner.invoke(app, ["workflow", "state", "t-missing"]).exit_code == 2


async def test_checkpoint_revival_uses_the_allowlist(
    deps: Deps, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("WARNING", logger="langgraph")
    await run_case(deps, tmp_path / "ckpt.db", "C000016")
    state = await run_case(deps, tmp_path / "ckpt.db", "C000016")  # second run revives the first's checkpoint
    assert state.triage is not None
    assert not [r for r in caplog.records if "msgpack" in r.getMessage().lower() or "unregistered" in r.getMessage()]


async def test_a_second_run_on_a_thread_keeps_nothing_of_the_first_case(deps: Deps) -> None:
    """Regression: the answer for C000123 ended with C000018's valuation (one thread per page session)."""
    from langgraph.checkpoint.memory import InMemorySaver

    from graphs.checkpointing import serializer

    graph = compile_graph(InMemorySaver(serde=serializer()))
    config = {"configurable": {"thread_id": "t-regression"}}
    big = next(r.id for r in deps.cases.list_cases(300, 0) if r.outstanding_total > 100_000)
    first = await graph.ainvoke({"case_id": big}, config, context=Context(deps=deps))
    assert first["valuation"] is not None and first["valuation"].case.case_id == big
    small = next(
        r.id for r in deps.cases.list_cases(300, 0) if r.outstanding_total < 3_000 and r.bucket in ("M1", "M2")
    )
    second = await graph.ainvoke({"case_id": small}, config, context=Context(deps=deps))
    assert second["card"].case_id == small and second["triage"].case_id == small
    assert second["valuation"] is None or second["valuation"].case.case_id == small
    assert not any(big in note for note in second["notes"])
