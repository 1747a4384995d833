"""Agent endpoints: invoke one agent on one case."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool

from core.settings import Role
from server.deps import DepsDep, require_roles
from server.tenancy import Scope
from tools.triage.models import TriageRequest, TriageResult
from tools.triage.tool import triage_case

router = APIRouter(prefix="/v1/agents", tags=["agents"])

TriageRole = Annotated[Role, Depends(require_roles("collector", "supervisor", "qa", "system"))]


@router.post("/triage:invoke", response_model=TriageResult)
async def invoke_triage(body: TriageRequest, deps: DepsDep, scope: Scope, _role: TriageRole) -> TriageResult:
    """Triage one case: tier, queue, strategy, channel, contact window and reasons."""
    await run_in_threadpool(scope.require_case, body.case_id)
    return await run_in_threadpool(triage_case, deps.cases, body.case_id)
