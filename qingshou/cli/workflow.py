"""``qingshou workflow``: run the case workflow on a thread from the command line."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import aiosqlite
import typer
from fastapi.encoders import jsonable_encoder
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from agents.case_workflow.context import Context
from agents.case_workflow.state import InputState
from core.deps import Deps
from graphs.case_workflow import compile_graph
from graphs.checkpointing import serializer
from qingshou.cli.common import deps, fail, print_json

workflow_app = typer.Typer(help="Run and inspect the case workflow (LangGraph, checkpointed under var/).")


async def _run(d: Deps, case_id: str, thread_id: str) -> dict[str, Any]:
    d.settings.checkpoint_file.parent.mkdir(parents=True, exist_ok=True)
    async with aiosqlite.connect(d.settings.checkpoint_file) as conn:
        graph = compile_graph(AsyncSqliteSaver(conn, serde=serializer()))
        config: RunnableConfig = {"configurable": {"thread_id": thread_id}}
        try:
            await graph.ainvoke(InputState(case_id=case_id), config=config, context=Context(deps=d, actor="cli"))
            snapshot = await graph.aget_state(config)
        finally:
            await d.aclose()
        return {"thread_id": thread_id, "values": jsonable_encoder(snapshot.values)}


async def _state(d: Deps, thread_id: str) -> dict[str, Any] | None:
    async with aiosqlite.connect(d.settings.checkpoint_file) as conn:
        graph = compile_graph(AsyncSqliteSaver(conn, serde=serializer()))
        config: RunnableConfig = {"configurable": {"thread_id": thread_id}}
        snapshot = await graph.aget_state(config)
    if not snapshot.values:
        return None
    return {"thread_id": thread_id, "values": jsonable_encoder(snapshot.values), "next": list(snapshot.next)}


@workflow_app.command("run")
def run(
    case_id: str = typer.Argument(..., help="Case id, e.g. C000123"),
    thread: str = typer.Option(None, help="Thread id to continue; a new one by default"),
) -> None:
    """Run load case -> triage -> plan next action -> brief, and print the final state as JSON."""
    d = deps()
    if not d.cases.exists(case_id):
        fail(f"unknown case: {case_id}")
    print_json(asyncio.run(_run(d, case_id, thread or f"t-{uuid.uuid4().hex}")))


@workflow_app.command("state")
def state(thread: str = typer.Argument(..., help="Thread id")) -> None:
    """Print the latest checkpointed state of a thread."""
    payload = asyncio.run(_state(deps(), thread))
    if payload is None:
        fail(f"unknown thread: {thread}")
    print_json(payload)


def register(app: typer.Typer) -> None:
    """Add the ``workflow`` group."""
    app.add_typer(workflow_app, name="workflow")
