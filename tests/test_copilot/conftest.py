"""Fixtures of the copilot tests: a fixed clock (a Thursday morning in Beijing) and a graph runner."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from agents.copilot.nodes import Context
from agents.copilot.state import Answer
from core.deps import Deps
from graphs.checkpointing import serializer
from graphs.copilot import compile_graph

CST = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 12, 3, 10, 0, tzinfo=CST)
OFFER_CASE = "C000003"
"""A case where a 70% settlement is beyond a collector's authority and within a supervisor's (seed 7 portfolio)."""


def clock() -> dt.datetime:
    return NOW


class Chat:
    """One conversation on an in-memory checkpointer, as a given role."""

    def __init__(self, deps: Deps, role: str = "collector", tenant: str | None = None, **extra: Any) -> None:
        self.deps = deps
        self.graph = compile_graph(InMemorySaver(serde=serializer()))
        self.thread_id = f"t-test-{uuid.uuid4().hex[:12]}"
        self.config: dict[str, Any] = {"configurable": {"thread_id": self.thread_id}}
        self.extra = extra
        self.role, self.tenant = role, tenant

    def context(self, role: str | None = None) -> Context:
        return Context(deps=self.deps, role=role or self.role, tenant=self.tenant, clock=clock, **self.extra)  # type: ignore[arg-type]

    async def ask(self, text: str) -> Answer:
        out = await self.graph.ainvoke({"messages": [{"role": "user", "content": text}]}, self.config,
                                       context=self.context())  # fmt: skip
        answer = out["answer"]
        assert isinstance(answer, Answer)
        return answer

    async def interrupts(self) -> list[dict[str, Any]]:
        snapshot = await self.graph.aget_state(self.config)
        return [i.value for i in snapshot.interrupts]

    async def resume(self, decision: dict[str, Any], role: str = "supervisor") -> Answer:
        from langgraph.types import Command

        out = await self.graph.ainvoke(Command(resume=decision), self.config, context=self.context(role))
        answer = out["answer"]
        assert isinstance(answer, Answer)
        return answer


@pytest.fixture
def chat(deps: Deps) -> Iterator[Chat]:
    yield Chat(deps)
