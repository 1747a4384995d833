"""The triage step of the case workflow, with the borderline review when a model server is configured."""

from __future__ import annotations

from typing import Any, Protocol

from langgraph.runtime import Runtime
from starlette.concurrency import run_in_threadpool

from agents.case_workflow.context import Context
from core.deps import Deps
from core.gateway import GatewayConfig, ModelGateway
from tools.triage.tool import triage_case


class _HasCase(Protocol):
    case_id: str


def review_gateway(deps: Deps) -> ModelGateway | None:
    """The process gateway when a model server is configured, else ``None`` (the review is then skipped)."""
    config = deps.gateway_config or GatewayConfig.from_settings(deps.settings)
    return deps.gateway if config.available else None


async def triage_node(state: _HasCase, runtime: Runtime[Context]) -> dict[str, Any]:
    """Triage the state's case (features, model, rules; a borderline case asks the model); ``{"triage": ...}``."""
    deps = runtime.context.deps
    result = await run_in_threadpool(
        triage_case, deps.cases, state.case_id, actor=runtime.context.actor, gateway=review_gateway(deps)
    )
    return {"triage": result}
