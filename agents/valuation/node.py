"""The valuation step of the case workflow: when to run it, and the node that runs it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Protocol

from langgraph.runtime import Runtime
from starlette.concurrency import run_in_threadpool

from agents.case_workflow.cards import CaseCard
from agents.case_workflow.context import Context
from agents.valuation.service import explain
from core.domain import CaseFile
from tools.triage.models import TriageResult
from tools.valuation.policy import Policy, load_policy
from tools.valuation.tool import value_case


class _HasCase(Protocol):
    case_id: str


def needs_valuation(triage: TriageResult | None, case: CaseFile | CaseCard, policy: Policy | None = None) -> bool:
    """Whether the workflow should value this case: a legal tier, a case in litigation or later, or a high balance.

    Args:
        triage: The case's triage result (its tier), if triage ran.
        case: The case file or its masked card.
        policy: Valuation policy (the packaged ``policy.yaml`` by default).
    """
    trigger = (policy or load_policy()).trigger
    if isinstance(case, CaseFile):
        legal, outstanding = case.legal_status.value, case.loan.outstanding_total
    else:
        legal, outstanding = case.legal_status, Decimal(case.outstanding_total)
    if triage is not None and triage.tier.value in trigger.tiers:
        return True
    return legal in trigger.legal_statuses or outstanding >= Decimal(str(trigger.min_outstanding_yuan))


async def value_case_node(state: _HasCase, runtime: Runtime[Context]) -> dict[str, Any]:
    """Value the state's case (tools in a worker thread) and explain it; returns ``{"valuation": ValuationResult}``."""
    deps = runtime.context.deps
    valuation = await run_in_threadpool(value_case, deps.cases, deps.engine, state.case_id)
    return {"valuation": await explain(deps, valuation)}
