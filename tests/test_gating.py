import datetime as dt

from agents.case_workflow.gating import gate_action
from agents.case_workflow.planner import plan_next_action
from core.deps import Deps
from core.domain import CaseFlag, Channel, ContactAttempt, ContactOutcome
from tools.triage.models import ContactWindow, Tier, TriageResult

CST = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 11, 3, 10, 30, tzinfo=CST)


def triage(tier: Tier = Tier.AGENT_CALL, channel: str = "call") -> TriageResult:
    return TriageResult(
        case_id="C000030", tier=tier, queue="call_center", strategy="call_and_plan", channel=channel,
        contact_window=ContactWindow(start_hour=10, end_hour=12, source="learned"), propensity=0.3, bucket="M2",
        days_past_due=45, outstanding_total="1000.00", reasons=[], rules_version="t",
    )  # fmt: skip


def test_allowed_contact_keeps_its_slot_and_records_the_gate(deps: Deps) -> None:
    case = deps.cases.get_case("C000030")
    case.contacts, case.flags = [], []
    action = gate_action(plan_next_action(triage(), now=NOW, utc_offset_min=480), case, 10)
    assert action.gate is not None and action.gate.allowed and not action.blocked
    assert action.not_before == NOW


def test_three_connected_calls_today_move_the_call_to_tomorrow(deps: Deps) -> None:
    case = deps.cases.get_case("C000030")
    case.flags = []
    case.contacts = [
        ContactAttempt(channel=Channel.CALL, at=NOW.replace(hour=h).astimezone(dt.UTC),
                       outcome=ContactOutcome.RIGHT_PARTY_CONTACT)
        for h in (8, 9, 10)
    ]  # fmt: skip
    action = gate_action(plan_next_action(triage(), now=NOW, utc_offset_min=480), case, 10)
    assert action.gate is not None and action.gate.allowed and not action.blocked
    assert action.not_before == dt.datetime(2026, 11, 4, 10, tzinfo=CST)
    assert action.not_after == dt.datetime(2026, 11, 4, 12, tzinfo=CST)
    # An SMS is not a call: the daily call limit does not move it.
    sms = gate_action(plan_next_action(triage(Tier.DIGITAL, "sms"), now=NOW, utc_offset_min=480), case, 10)
    assert sms.not_before == NOW


def test_legal_hold_blocks_the_contact_with_a_citation(deps: Deps) -> None:
    case = deps.cases.get_case("C000030")
    case.contacts, case.flags = [], [CaseFlag.LEGAL_HOLD]
    action = gate_action(plan_next_action(triage(), now=NOW, utc_offset_min=480), case, 10)
    assert action.blocked and action.requires_approval
    assert action.gate is not None and not action.gate.allowed and action.gate.rule_id


def test_internal_actions_are_not_gated(deps: Deps) -> None:
    case = deps.cases.get_case("C000030")
    action = gate_action(plan_next_action(triage(Tier.LEGAL, "letter"), now=NOW, utc_offset_min=480), case, 10)
    assert action.gate is None and not action.blocked
