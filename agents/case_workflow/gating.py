"""Compliance as a gate on the plan: a planned contact must pass ``check_contact`` before it is scheduled."""

from __future__ import annotations

import datetime as dt

from agents.case_workflow.planner import NextAction
from core.domain import CaseFile, Channel
from tools.compliance.gate import PlannedContact, check_contact

# Actions that reach the debtor directly; the others (human review, legal review) are internal.
CONTACT_ACTIONS = frozenset({"send_reminder", "digital_sequence", "schedule_call", "senior_negotiation"})
# Refusals that pass with time (hours, daily counts): try the same window on the following days.
TIME_BOUND_PREFIXES = ("cn.quiet_hours", "us.inconvenient_hours", "cn.max_", "us.max_", "us.")
MAX_DAYS_AHEAD = 7


def gate_action(action: NextAction, case: CaseFile, start_hour: int, *, jurisdiction: str = "CN") -> NextAction:
    """Check the planned contact; move it to the same window on the first allowed day, or block it.

    Args:
        action: The planned action (times in the debtor's local time).
        case: The case: flags, contact history, the debtor's UTC offset.
        start_hour: First hour of the contact window, used when the contact moves to a later day.
        jurisdiction: Rule pack to apply (``CN`` or ``US``).
    """
    if action.action not in CONTACT_ACTIONS or action.channel not in Channel.__members__.values():
        return action
    channel = Channel(action.channel)
    not_before, not_after = action.not_before, action.not_after
    decision = None
    for _ in range(MAX_DAYS_AHEAD + 1):
        plan = PlannedContact(channel=channel, at=not_before, callee="debtor")
        decision = check_contact(plan, case.contacts, case=case, jurisdiction=jurisdiction)
        if decision.allowed:
            return action.model_copy(update={"not_before": not_before, "not_after": not_after, "gate": decision})
        if not (decision.rule_id or "").startswith(TIME_BOUND_PREFIXES):
            break
        next_day = (not_before + dt.timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
        not_before, not_after = next_day.replace(hour=start_hour), not_after + dt.timedelta(days=1)
    return action.model_copy(update={"gate": decision, "blocked": True, "requires_approval": True})
