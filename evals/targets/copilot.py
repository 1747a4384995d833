"""Target of the ``copilot`` suite: labelled staff requests through the copilot graph on a synthetic portfolio.

Each request runs on its own thread: its ``history`` first (each earlier message a real turn, so the conversation's
memory is built the way the server builds it), then the request. The plan is read from the graph's state (the kind,
and the tool calls of the last turn) and scored against the label; the answer's figures are checked against that
turn's tool outputs. The development set and the held-out set are scored apart; the held-out set is never read when
the planner is written or tuned.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import time
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage
from langgraph.checkpoint.memory import InMemorySaver
from pydantic import BaseModel, Field

from agents.copilot.nodes import Context
from agents.copilot.planner import Plan, PlannedCall
from agents.copilot.scoring import ItemScore, RequestItem, score_plan
from agents.copilot.state import Answer
from core.deps import Deps, build_deps
from core.settings import Settings
from evals.models import SuiteContext
from evals.targets.base import TargetOutput
from graphs.checkpointing import serializer
from graphs.copilot import compile_graph

CST = dt.timezone(dt.timedelta(hours=8))
CLOCK = dt.datetime(2026, 12, 3, 10, 0, tzinfo=CST)  # Thursday 10:00 in Beijing: the labels' reference date


class CopilotParams(BaseModel):
    """Suite parameters."""

    development: str = "requests.yaml"
    holdout: str = "holdout.yaml"
    holdout2: str = "holdout2.yaml"
    n_cases: int = Field(default=300, ge=300)
    seed: int = 20261203
    role: str = "supervisor"


class RequestRecord(BaseModel):
    """One request: its score, and how its answer held up."""

    part: str
    score: ItemScore
    answer_kind: str
    removed: list[str] = Field(default_factory=list)
    tools_failed: list[str] = Field(default_factory=list)
    seconds: float


class CopilotSuiteOutput(TargetOutput):
    """Every request of both parts."""

    records: list[RequestRecord]


def _clock() -> dt.datetime:
    return CLOCK


def _last_turn_calls(messages: list[Any]) -> list[PlannedCall]:
    calls: list[PlannedCall] = []
    for m in reversed(messages):
        if isinstance(m, HumanMessage):
            break
        if isinstance(m, AIMessage) and m.tool_calls:
            calls[:0] = [PlannedCall(name=c["name"], args=dict(c["args"])) for c in m.tool_calls]
    return calls


async def _run_one(graph: Any, context: Context, item: RequestItem, part: str, n: int) -> RequestRecord:
    config = {"configurable": {"thread_id": f"eval-{part}-{n}"}}
    started = time.perf_counter()
    for text in [*item.history, item.text]:
        await graph.ainvoke({"messages": [HumanMessage(content=text)]}, config, context=context)
    values = (await graph.aget_state(config)).values
    kind = str(values.get("plan_kind", "tools"))
    plan = Plan(kind=kind if kind in ("tools", "help", "clarify", "refuse") else "clarify",
                calls=_last_turn_calls(values.get("messages", [])))  # fmt: skip
    answer: Answer | None = values.get("answer")
    outcomes = values.get("outcomes", [])
    return RequestRecord(
        part=part, score=score_plan(plan, item), answer_kind=answer.kind if answer else "none",
        removed=list(answer.removed) if answer else [], tools_failed=[o.name for o in outcomes if not o.ok],
        seconds=round(time.perf_counter() - started, 3),
    )  # fmt: skip


async def _run(deps: Deps, parts: dict[str, list[RequestItem]], role: str) -> list[RequestRecord]:
    from server.routes.search import retrieval_for

    class _App:
        class state:  # noqa: N801 - mirrors app.state for retrieval_for
            pass

    _App.state.deps = deps  # type: ignore[attr-defined]
    graph = compile_graph(InMemorySaver(serde=serializer()))
    context = Context(deps=deps, role=role, clock=_clock, retrieval=lambda: retrieval_for(_App))  # type: ignore[arg-type]
    records = []
    try:
        for part, items in parts.items():
            for n, item in enumerate(items):
                records.append(await _run_one(graph, context, item, part, n))
    finally:
        service = getattr(_App.state, "retrieval", None)
        if service is not None:
            service.close()
    return records


def run_copilot(context: SuiteContext) -> CopilotSuiteOutput:
    """Target: generate the portfolio and run every labelled request of both parts through the graph."""
    import asyncio

    from core.synth import synthesize

    params = CopilotParams.model_validate(context.config.params)
    parts = {
        "development": [RequestItem.model_validate(r) for r in context.datasets[params.development]],
        "holdout": [RequestItem.model_validate(r) for r in context.datasets[params.holdout]],
        "holdout2": [RequestItem.model_validate(r) for r in context.datasets[params.holdout2]],
    }
    settings = Settings(
        _env_file=None, var_dir=context.workdir, data_key=base64.b64encode(os.urandom(32)).decode(),
        api_keys="eval-system-key-0000001:system", llm_base_url=None,
    )  # fmt: skip
    deps = build_deps(settings)
    try:
        synthesize(deps.engine, deps.cipher, params.n_cases, params.seed, workers=0)
        records = asyncio.run(_run(deps, parts, params.role))
    finally:
        deps.close()
    return CopilotSuiteOutput(
        records=records,
        facts={"development_requests": len(parts["development"]), "holdout_requests": len(parts["holdout"]),
               "holdout2_requests": len(parts["holdout2"]),
               "portfolio_cases": params.n_cases, "seed": params.seed, "role": params.role,
               "driver": "rules (no model configured)"},
    )  # fmt: skip
