"""``qingshou workflow``: run the case workflow on a thread from the command line."""

from __future__ import annotations

import sqlite3
import uuid

import typer
from fastapi.encoders import jsonable_encoder
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.sqlite import SqliteSaver

from agents.case_workflow.context import Context
from agents.case_workflow.state import InputState
from graphs.case_workflow import compile_graph
from graphs.checkpointing import serializer
from qingshou.cli.common import deps, fail, print_json

workflow_app = typer.Typer(help="Run and inspect the case workflow (LangGraph, checkpointed under var/).")


@workflow_app.command("run")
def run(
    case_id: str = typer.Argument(..., help="Case id, e.g. C000123"),
    thread: str = typer.Option(None, help="Thread id to continue; a new one by default"),
) -> None:
    """Run load case -> triage -> plan next action and print the final state as JSON."""
    d = deps()
    if not d.cases.exists(case_id):
        fail(f"unknown case: {case_id}")
    thread_id = thread or f"t-{uuid.uuid4().hex}"
    d.settings.checkpoint_file.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(d.settings.checkpoint_file, check_same_thread=False) as conn:
        graph = compile_graph(SqliteSaver(conn, serde=serializer()))
        config: RunnableConfig = {"configurable": {"thread_id": thread_id}}
        graph.invoke(InputState(case_id=case_id), config=config, context=Context(deps=d, actor="cli"))
        print_json({"thread_id": thread_id, "values": jsonable_encoder(graph.get_state(config).values)})


@workflow_app.command("state")
def state(thread: str = typer.Argument(..., help="Thread id")) -> None:
    """Print the latest checkpointed state of a thread."""
    d = deps()
    with sqlite3.connect(d.settings.checkpoint_file, check_same_thread=False) as conn:
        graph = compile_graph(SqliteSaver(conn, serde=serializer()))
        config: RunnableConfig = {"configurable": {"thread_id": thread}}
        snapshot = graph.get_state(config)
        if not snapshot.values:
            fail(f"unknown thread: {thread}")
        print_json({"thread_id": thread, "values": jsonable_encoder(snapshot.values), "next": list(snapshot.next)})


def register(app: typer.Typer) -> None:
    """Add the ``workflow`` group."""
    app.add_typer(workflow_app, name="workflow")
