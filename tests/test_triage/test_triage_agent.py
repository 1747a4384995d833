"""The triage workflow node and agent tools: typed results, review through the process gateway when configured."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from langgraph.runtime import Runtime
from pydantic_ai import RunContext
from pydantic_ai.models.test import TestModel
from pydantic_ai.usage import RunUsage

from agents.case_workflow.context import Context
from agents.triage.node import review_gateway, triage_node
from agents.triage.tools import TOOLS, describe_model, triage
from core.gateway import GatewayConfig
from tests.fakes.sglang import FakeSGLang, Reply
from tools.triage.models import ReviewStatus, TriageResult


@dataclass
class _State:
    case_id: str


def _ctx(deps):
    return RunContext(deps=deps, model=TestModel(), usage=RunUsage())


async def test_node_without_a_server_skips_reviews(deps):
    assert review_gateway(deps) is None
    out = await triage_node(_State("C000003"), Runtime(context=Context(deps=deps, actor="tester")))
    result = out["triage"]
    assert isinstance(result, TriageResult) and result.case_id == "C000003"
    assert deps.cases.get_case("C000003").tier == result.tier.value
    if result.borderline:
        assert result.review.status is ReviewStatus.SKIPPED


def test_tool_reviews_borderline_cases_through_the_process_gateway(deps):
    opinion = {"tier": "agent_call", "cited_features": ["dpd"], "rationale_zh": "中", "rationale_en": "mid"}
    with FakeSGLang(default=Reply(content=json.dumps(opinion))) as server:
        deps.gateway_config = GatewayConfig(base_url=server.base_url, max_retries=0)
        assert review_gateway(deps) is not None
        results = [triage(_ctx(deps), f"C{i:06d}") for i in range(1, 41)]
        calls = len(server.chat_bodies())
    borderline = [r for r in results if r.borderline]
    assert borderline, "no borderline case among the first 40"
    assert calls == len(borderline)
    assert all(r.review.status is not ReviewStatus.SKIPPED and r.model_used for r in borderline)
    assert not any(r.model_used for r in results if not r.borderline)


def test_describe_model_and_tool_list(deps):
    view = describe_model(_ctx(deps))
    assert view.source == "model" and view.metrics is not None and view.metrics.auc >= 0.8
    assert [t.name for t in TOOLS] == ["triage", "describe_rules", "describe_model"]


@pytest.fixture(autouse=True)
def _close_gateway(deps):
    yield
    if "gateway" in deps.__dict__:
        import asyncio

        asyncio.run(deps.gateway.aclose())
