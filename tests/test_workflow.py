import datetime as dt
import json
import sqlite3
from pathlib import Path

from langgraph.checkpoint.sqlite import SqliteSaver
from typer.testing import CliRunner

from agents.case_workflow.context import Context
from agents.case_workflow.state import State
from core.deps import Deps
from graphs.case_workflow import compile_graph
from graphs.checkpointing import serializer
from qingshou.cli import app

FIXED = dt.datetime(2026, 11, 3, 2, 0, tzinfo=dt.UTC)  # 10:00 in Beijing


def test_run_resume_and_inspect_from_sqlite(deps: Deps, tmp_path: Path) -> None:
    db = tmp_path / "ckpt.db"
    config = {"configurable": {"thread_id": "t-1"}}
    with sqlite3.connect(db, check_same_thread=False) as conn:
        graph = compile_graph(SqliteSaver(conn, serde=serializer()))
        graph.invoke({"case_id": "C000005"}, config=config, context=Context(deps=deps, clock=lambda: FIXED))
    # A new process (new connection, new graph) sees the same thread state, revived as our types.
    with sqlite3.connect(db, check_same_thread=False) as conn:
        graph = compile_graph(SqliteSaver(conn, serde=serializer()))
        snapshot = graph.get_state(config)
        state = State(**snapshot.values)
        assert state.card is not None and state.card.case_id == "C000005"
        assert state.triage is not None and state.triage.reasons
        assert state.next_action is not None
        assert state.next_action.not_before >= FIXED
        assert len(list(graph.get_state_history(config))) >= 4
        # Running again on the same thread continues it (a new checkpoint on top of the old ones).
        graph.invoke({"case_id": "C000006"}, config=config, context=Context(deps=deps, clock=lambda: FIXED))
        assert State(**graph.get_state(config).values).card.case_id == "C000006"  # type: ignore[union-attr]


def test_checkpoints_hold_no_raw_pii(deps: Deps, tmp_path: Path) -> None:
    db = tmp_path / "ckpt.db"
    case = deps.cases.get_case("C000007")
    with sqlite3.connect(db, check_same_thread=False) as conn:
        graph = compile_graph(SqliteSaver(conn, serde=serializer()))
        graph.invoke({"case_id": "C000007"}, config={"configurable": {"thread_id": "t"}}, context=Context(deps=deps))
    raw = db.read_bytes() + (db.with_name("ckpt.db-wal").read_bytes() if db.with_name("ckpt.db-wal").exists() else b"")
    for secret in [case.debtor.name, case.debtor.resident_id, *case.debtor.phones, case.debtor.address]:
        assert secret.encode() not in raw


def test_unknown_case_ends_early(deps: Deps) -> None:
    out = compile_graph().invoke({"case_id": "C999999"}, context=Context(deps=deps))
    assert "C999999" in out["error"] and out.get("triage") is None


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
