"""``qingshou ask``: one copilot turn from the command line, on a checkpointed thread (the same graph as the page)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated, Any

import typer
from fastapi.encoders import jsonable_encoder
from langchain_core.messages import HumanMessage
from langchain_core.runnables import RunnableConfig

from core.deps import Deps
from core.settings import Role
from qingshou.cli.common import deps, fail, print_json

ApiKey = Annotated[
    str | None, typer.Option("--api-key", envvar="QINGSHOU_API_KEY", help="Your API key; it decides role and tenant")
]


async def _ask(d: Deps, message: str, thread_id: str, role: Role, tenant: str | None) -> dict[str, Any]:
    from agents.copilot.nodes import Context
    from agents.copilot.state import CopilotInput
    from graphs.checkpointing import open_saver
    from graphs.copilot import compile_graph
    from retrieval.factory import build_service

    services: list[Any] = []

    def retrieval() -> Any:
        if not services:
            services.append(build_service(d.settings))
        return services[0]

    try:
        async with open_saver(d.settings) as saver:
            graph = compile_graph(saver)
            config: RunnableConfig = {"configurable": {"thread_id": thread_id}}
            waiting = (await graph.aget_state(config)).interrupts
            if waiting:
                fail(f"thread {thread_id} is waiting for a supervisor's decision")
            context = Context(deps=d, role=role, tenant=tenant, retrieval=retrieval)
            turn = CopilotInput(messages=[HumanMessage(content=message)])
            await graph.ainvoke(turn, config=config, context=context)
            snapshot = await graph.aget_state(config)
    finally:
        for service in services:
            service.close()
        await d.aclose()
    answer = snapshot.values.get("answer")
    return {"thread_id": thread_id, "answer": jsonable_encoder(answer),
            "interrupts": [i.value for i in snapshot.interrupts]}  # fmt: skip


def ask(
    message: Annotated[str, typer.Argument(help="The request, e.g. 'C000123 上次什么时候还款？'")],
    thread: Annotated[str | None, typer.Option(help="Thread to continue; a new one by default")] = None,
    api_key: ApiKey = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole turn as JSON")] = False,
) -> None:
    """Ask the case copilot (a collector without --api-key); prints the answer and the thread id."""
    from core.db.threads import ThreadStore

    d = deps()
    if not message.strip():
        fail("the message is empty")
    role: Role = "collector"
    tenant = None
    if api_key:
        found = d.api_key_roles().get(api_key)
        if found is None:
            fail("unknown API key")
        role, tenant = found, d.settings.api_key_tenants().get(api_key)
    store = ThreadStore(d.sessions)
    if thread is None:
        thread = store.create(graph="copilot", created_by=role, tenant=tenant).id
    else:
        row = store.get(thread)
        if row is None or row.graph != "copilot" or (tenant is not None and row.tenant != tenant):
            fail(f"unknown thread: {thread}")
    result = asyncio.run(_ask(d, message, thread or f"t-{uuid.uuid4().hex}", role, tenant))
    if as_json:
        print_json(result)
        return
    typer.echo((result["answer"] or {}).get("text", ""))
    typer.echo(f"\n(thread {result['thread_id']})")


def register(app: typer.Typer) -> None:
    """Add ``ask``."""
    app.command("ask")(ask)
