"""Valuation endpoint: value one case or price a package of cases."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from starlette.concurrency import run_in_threadpool

from agents.valuation.service import compute, explain
from agents.valuation.state import ValuationRequest, ValuationResult
from core.settings import Role
from server.deps import DepsDep, require_roles
from server.tenancy import Scope
from tools.valuation.policy import PolicyError
from tools.valuation.recovery_model import RecoveryModelError
from tools.valuation.tool import PackageError

router = APIRouter(prefix="/v1/agents", tags=["agents"])

ValuationRole = Annotated[Role, Depends(require_roles("supervisor", "qa", "system"))]


@router.post("/valuation:invoke", response_model=ValuationResult)
async def invoke_valuation(
    body: ValuationRequest, deps: DepsDep, scope: Scope, _role: ValuationRole
) -> ValuationResult:
    """Value a case (curve, Monte Carlo, collateral) or price a package (NPV, bid range), with a narrative."""
    if body.case_id is not None:
        await run_in_threadpool(scope.require_case, body.case_id)
    else:
        await run_in_threadpool(scope.require_cases, [line.case_id for line in body.package_lines()])
    try:
        valuation = await run_in_threadpool(compute, deps, body)
    except PackageError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from None
    except (RecoveryModelError, PolicyError) as exc:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail=str(exc)) from None
    return await explain(deps, valuation)
