"""Nodes of the case workflow. Each node reads the state and returns only what it changes."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agents.case_workflow.cards import case_card
from agents.case_workflow.context import Context
from agents.case_workflow.gating import gate_action
from agents.case_workflow.planner import plan_next_action as plan
from agents.case_workflow.reminder import review_audit
from agents.case_workflow.state import NEW_RUN, State
from agents.compliance.node import compliance_review
from agents.triage.node import triage_node
from agents.valuation.node import value_case_node
from core.repository import CaseNotFoundError

RUN_FIELDS: dict[str, Any] = {
    "card": None, "triage": None, "next_action": None, "outgoing": None, "reminder_script": None,
    "draft_review": None, "valuation": None, "brief": None, "model_used": False, "error": None, "notes": [NEW_RUN],
}  # fmt: skip
"""What one run produces: cleared when a run starts, so nothing of an earlier run (another case) survives on the
thread (the C000018-valuation-under-C000123 regression)."""


def load_case(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Start the run afresh, load the case and keep only its masked card in the state."""
    try:
        case = runtime.context.deps.cases.get_case(state.case_id)
    except CaseNotFoundError:
        return RUN_FIELDS | {"error": f"案件不存在 / unknown case: {state.case_id}"}
    return RUN_FIELDS | {"card": case_card(case)}


async def triage(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Triage (features, propensity model, rules; a borderline case asks the model when one is configured)."""
    return await triage_node(state, runtime)


def plan_next_action(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Schedule the next action from the playbook inside the debtor's allowed contact window."""
    assert state.triage is not None and state.card is not None
    case = runtime.context.deps.cases.get_case(state.case_id)
    action = plan(state.triage, now=runtime.context.clock(), utc_offset_min=case.debtor.utc_offset_min)
    window = state.triage.contact_window
    action = gate_action(action, case, max(window.start_hour, 8) if window else 8)
    runtime.context.deps.cases.append_audit(
        state.case_id,
        actor=runtime.context.actor,
        action="next_action_planned",
        detail=action.model_dump(mode="json"),
    )
    return {"next_action": action}


async def valuation(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Value the case (recovery curve, Monte Carlo, collateral) beside planning; typed on this graph's state."""
    return await value_case_node(state, runtime)


async def review_outgoing(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Compliance review of the drafted reminder (rules, then the model when one is configured); audited."""
    update = await compliance_review(state, runtime)
    review = update.get("draft_review")
    if review is None:
        return update
    runtime.context.deps.cases.append_audit(
        state.case_id,
        actor=runtime.context.actor,
        action="reminder_reviewed",
        detail=review_audit(state.reminder_script, review),
    )
    if not review.sendable:
        update["notes"] = [
            "提醒草稿未通过合规审查，不得发送，转人工处理。 / The reminder draft failed compliance review: it is not "
            f"sent; a person takes it from here. {review.reason or ''}".rstrip()
        ]
    return update
