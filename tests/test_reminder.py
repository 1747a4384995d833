"""The automated reminder: an approved script filled from tools, reviewed before anything may be sent."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from agents.case_workflow import reminder
from agents.case_workflow.context import Context
from agents.case_workflow.reminder import ReminderError, choose_script, fill_reminder
from agents.negotiation.templates import scripts
from core.deps import Deps
from graphs.case_workflow import compile_graph
from tools.arrears import AmountDue, amount_due

CST = dt.timezone(dt.timedelta(hours=8))


def _clock(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=CST).astimezone(dt.UTC)


async def _run(deps: Deps, case_id: str, now: dt.datetime) -> dict:
    return await compile_graph().ainvoke({"case_id": case_id}, context=Context(deps=deps, clock=lambda: now))


def test_automated_tiers_come_from_the_playbook() -> None:
    assert reminder.AUTO_TIERS == {"reminder", "digital"}
    assert reminder.AUTO_ACTIONS == {"send_reminder", "digital_sequence"}


def test_script_follows_the_loans_state() -> None:
    today = dt.date(2026, 11, 28)
    overdue = _due(missed=2, next_day=dt.date(2026, 11, 30))
    assert choose_script(overdue, today) == "sms-overdue-early"
    assert choose_script(_due(missed=0, next_day=today), today) == "sms-due-day"
    assert choose_script(_due(missed=0, next_day=dt.date(2026, 12, 1)), today) == "sms-pre-due"
    with pytest.raises(ReminderError, match="matured"):
        choose_script(_due(missed=0, next_day=None), today)
    with pytest.raises(ReminderError, match="before the slot"):
        choose_script(_due(missed=0, next_day=dt.date(2026, 11, 27)), today)


def _due(*, missed: int, next_day: dt.date | None) -> AmountDue:
    return AmountDue(
        as_of=dt.date(2026, 11, 28),
        next_due_date=next_day,
        instalment=Decimal("100"),
        missed_instalments=missed,
        arrears=Decimal(100 * missed),
        outstanding_total=Decimal("1000"),
    )


def test_overdue_reminder_quotes_the_arrears_and_days_from_the_tools(deps: Deps) -> None:
    case = deps.cases.get_case("C000018")
    script, text, due = fill_reminder(case, _clock(case.as_of).astimezone(CST))
    assert script == "approved-scripts-zh/sms-overdue-early"
    assert due.missed_instalments >= 1 and due.arrears > 0
    assert f"已逾期{case.loan.days_past_due}天" in text and f"当前应还{due.arrears:.2f}元" in text
    assert "{" not in text and text.startswith("【清收示范银行】")
    # Every number in the reminder is a tool output or a configured value (institution phone).
    numbers = set(re.findall(r"\d+(?:\.\d+)?", text))
    assert numbers <= {str(case.loan.days_past_due), f"{due.arrears:.2f}", "95500"}
    assert case.debtor.name not in text and case.debtor.name[0] in text  # surname with 先生/女士 only


def test_current_loan_reminder_states_the_next_instalment_and_its_date(deps: Deps) -> None:
    case = deps.cases.get_case("C000012")
    due = amount_due(case.loan, case.as_of)
    assert due.missed_instalments == 0 and due.next_due_date is not None
    before = due.next_due_date - dt.timedelta(days=1)
    script, text, _ = fill_reminder(case, dt.datetime(before.year, before.month, before.day, 10, tzinfo=CST))
    assert script.endswith("/sms-pre-due")
    assert f"应还{due.instalment:.2f}元" in text and f"{due.next_due_date.month}月{due.next_due_date.day}日" in text
    assert re.search(r"尾号\d{4}的贷款", text)
    on_day = dt.datetime.combine(due.next_due_date, dt.time(10), tzinfo=CST)
    assert fill_reminder(case, on_day)[0].endswith("/sms-due-day")


async def test_auto_action_gets_a_reviewed_draft_and_an_audit_trail(deps: Deps) -> None:
    case = deps.cases.get_case("C000018")
    out = await _run(deps, "C000018", _clock(case.as_of))
    assert out["next_action"].action in reminder.AUTO_ACTIONS and out["next_action"].owner == "auto"
    draft, review = out["outgoing"], out["draft_review"]
    assert draft.channel == "sms" and draft.speaker == "bot" and draft.send_at == out["next_action"].not_before
    assert review.verdict == "pass" and review.sendable and review.findings == []
    assert review.semantic_layer is not None and review.semantic_layer.status == "skipped"  # no model configured
    actions = [a.action for a in deps.cases.get_case("C000018").audit]
    assert actions[-3:] == ["next_action_planned", "reminder_drafted", "reminder_reviewed"]


async def test_people_owned_actions_get_no_automated_draft(deps: Deps) -> None:
    case = deps.cases.get_case("C000004")
    out = await _run(deps, "C000004", _clock(case.as_of))
    assert out["next_action"].owner != "auto"
    assert out.get("outgoing") is None and out.get("draft_review") is None
    assert "reminder_drafted" not in [a.action for a in deps.cases.get_case("C000004").audit]


async def test_a_draft_that_fails_review_is_not_sendable(deps: Deps, monkeypatch: pytest.MonkeyPatch) -> None:
    entry = scripts()["sms-overdue-early"]
    bad = entry.model_copy(update={"text": entry.text + "再不还钱，我们就去你单位找你领导，让你丢工作。"})
    monkeypatch.setattr(reminder, "scripts", lambda: {**scripts(), "sms-overdue-early": bad})
    case = deps.cases.get_case("C000018")
    out = await _run(deps, "C000018", _clock(case.as_of))
    review = out["draft_review"]
    assert review.verdict == "fail" and not review.sendable and review.findings
    assert any("failed compliance review" in n for n in out["notes"])
    last = deps.cases.get_case("C000018").audit[-1]
    assert last.action == "reminder_reviewed" and last.detail["sendable"] is False


async def test_a_draft_scheduled_in_quiet_hours_fails_review(deps: Deps, monkeypatch: pytest.MonkeyPatch) -> None:
    from agents.compliance import node

    real = node.review_draft

    async def at_night(deps_, case_id, draft, *, now, jurisdiction="CN"):
        late = draft.model_copy(update={"send_at": draft.send_at.replace(hour=23)})
        return await real(deps_, case_id, late, now=now, jurisdiction=jurisdiction)

    monkeypatch.setattr(node, "review_draft", at_night)
    case = deps.cases.get_case("C000018")
    out = await _run(deps, "C000018", _clock(case.as_of))
    assert not out["draft_review"].sendable
    assert {f.category.value for f in out["draft_review"].findings} == {"quiet_hours"}
