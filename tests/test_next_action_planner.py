import datetime as dt

import pytest

from agents.case_workflow.planner import load_playbook, next_slot, plan_next_action
from tools.triage.models import ContactWindow, Tier, TriageResult

CST = dt.timezone(dt.timedelta(hours=8))


def test_next_slot_respects_quiet_hours() -> None:
    late = dt.datetime(2026, 11, 3, 23, 30, tzinfo=CST)
    start, end = next_slot(late, 19, 21)
    assert (start, end) == (dt.datetime(2026, 11, 4, 19, tzinfo=CST), dt.datetime(2026, 11, 4, 21, tzinfo=CST))
    inside = dt.datetime(2026, 11, 3, 19, 45, tzinfo=CST)
    assert next_slot(inside, 19, 21)[0] == inside
    # A window reaching into the quiet hours is clipped to 08:00-22:00.
    assert next_slot(dt.datetime(2026, 11, 3, 6, tzinfo=CST), 6, 23) == (
        dt.datetime(2026, 11, 3, 8, tzinfo=CST),
        dt.datetime(2026, 11, 3, 22, tzinfo=CST),
    )


def _triage(tier: Tier, window: ContactWindow | None) -> TriageResult:
    return TriageResult(
        case_id="C000001",
        tier=tier,
        queue="q",
        strategy="s",
        channel="call",
        contact_window=window,
        propensity=0.4,
        bucket="M2",
        days_past_due=45,
        outstanding_total="1000.00",
        reasons=[],
        rules_version="t",
    )


def test_plan_schedules_in_debtor_local_time() -> None:
    now = dt.datetime(2026, 11, 3, 14, 0, tzinfo=dt.UTC)  # 22:00 in Beijing: too late today
    action = plan_next_action(
        _triage(Tier.AGENT_CALL, ContactWindow(start_hour=10, end_hour=12, source="learned")),
        now=now,
        utc_offset_min=480,
    )
    assert action.action == "schedule_call"
    assert action.not_before == dt.datetime(2026, 11, 4, 10, tzinfo=CST)
    assert action.owner == "q"
    legal = plan_next_action(_triage(Tier.LEGAL, None), now=now, utc_offset_min=480)
    assert legal.requires_approval and legal.not_before.hour == 8


def test_playbook_covers_every_tier() -> None:
    assert set(load_playbook().actions) == {t.value for t in Tier}


def test_plan_rejects_naive_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        plan_next_action(_triage(Tier.DIGITAL, None), now=dt.datetime(2026, 1, 1), utc_offset_min=480)
