"""The automated reminder of an M0-M1 case: an approved script filled from tools, handed to compliance review.

When the planned next action is one the system carries out itself (``owner: auto`` in ``actions.yaml``: a reminder
or the digital sequence) and the contact gate found a slot, this node fills the approved SMS script that fits the
loan's state and writes it to ``state.outgoing``. The graph's next node (``agents.compliance.node``) reviews it; only a
draft whose ``draft_review.sendable`` is true may be dispatched, at ``send_at``. Every number in the text comes from
:mod:`tools.arrears` (amounts, dates, days past due) or from ``agents/negotiation/drafting.yaml`` (institution,
service phone, repayment channel); no model writes a reminder.

Which script:
- overdue (days past due > 0): ``sms-overdue-early`` with the arrears (missed instalments plus penalty) and the
  days past due;
- current, the next instalment due on the send day: ``sms-due-day`` with the instalment;
- current, otherwise: ``sms-pre-due`` with the instalment, its date and the last four digits of the contract number.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from langgraph.runtime import Runtime
from pydantic import BaseModel, Field

from agents.case_workflow.context import Context
from agents.case_workflow.planner import NextAction, load_playbook
from agents.case_workflow.state import State
from agents.compliance.node import DraftReview, OutgoingDraft
from agents.negotiation.nodes import case_facts
from agents.negotiation.templates import UnfilledPlaceholderError, cn_date, drafting_config, fill_text, money, scripts
from core.domain import CaseFile
from tools.arrears import AmountDue, amount_due
from tools.compliance.models import ReviewChannel

AUTO_TIERS = frozenset(tier for tier, e in load_playbook().actions.items() if e.owner == "auto")
"""Triage tiers whose playbook action the system carries out itself (``owner: auto``): reminder, digital."""
AUTO_ACTIONS = frozenset(load_playbook().actions[tier].action for tier in AUTO_TIERS)
"""Those tiers' actions (send_reminder, digital_sequence): drafted here and sent only after review."""
_REVIEW_CHANNELS: dict[str, ReviewChannel] = {"sms": "sms", "app": "app", "wechat": "wechat"}


class ReminderError(ValueError):
    """No approved reminder can be filled for this case (the reason is kept in the run's notes)."""


def choose_script(due: AmountDue, send_day: dt.date) -> str:
    """Entry id of the approved script for a loan in this state on ``send_day``."""
    if due.missed_instalments > 0:
        return "sms-overdue-early"
    if due.next_due_date is None:
        raise ReminderError("贷款已到期且无逾期，无需提醒 / the loan has matured with nothing overdue: no reminder")
    if due.next_due_date < send_day:
        raise ReminderError(
            f"下期还款日 {due.next_due_date} 早于发送时段，请待账务更新后重跑 / the next instalment falls due "
            "before the slot; run again once the books are updated"
        )
    return "sms-due-day" if due.next_due_date == send_day else "sms-pre-due"


def fill_reminder(case: CaseFile, send_at: dt.datetime) -> tuple[str, str, AmountDue]:
    """The reminder for ``case`` sent at ``send_at`` (the debtor's local time).

    Returns:
        The script's id (``pack/entry``), the filled text and the amounts it quotes.

    Raises:
        ReminderError: nothing to remind of, or the script needs a value no tool produced.
    """
    config = drafting_config()
    due = amount_due(case.loan, case.as_of)
    entry_id = choose_script(due, send_at.date())
    if entry_id not in scripts():
        raise ReminderError(f"{config.pack} has no script {entry_id}")
    digits = re.sub(r"\D", "", case.loan.contract_no)
    values = {
        "机构名称": config.institution,
        "客户称呼": case_facts(case).salutation,
        "客服电话": config.service_phone,
        "还款渠道": config.repayment_channel,
        "逾期天数": str(case.loan.days_past_due),
        "金额": money(due.arrears if due.missed_instalments else due.instalment),
    }
    if due.next_due_date is not None:
        values["日期"] = cn_date(due.next_due_date)
    if len(digits) >= 4:
        values["卡号后四位"] = digits[-4:]
    try:
        text = fill_text(scripts()[entry_id], values)
    except UnfilledPlaceholderError as exc:
        raise ReminderError(str(exc)) from None
    return f"{config.pack}/{entry_id}", text, due


class PreparedReminder(BaseModel):
    """The outcome of preparing one case's automated reminder: a draft, or the reason there is none."""

    draft: OutgoingDraft | None = None
    script: str | None = Field(default=None, description="The approved script's id (pack/entry)")
    note: str | None = Field(default=None, description="Why no draft was written (bilingual)")
    audit: dict[str, Any] | None = Field(default=None, description="What the audit trail records of the draft")


def prepare_reminder(case: CaseFile, action: NextAction | None) -> PreparedReminder:
    """The reminder for a planned, gated action: none for people-owned actions, a note when it cannot be written."""
    if action is None or action.action not in AUTO_ACTIONS:
        return PreparedReminder()
    if action.blocked:
        return PreparedReminder(
            note="联系闸门未找到可发送时段，未起草提醒。 / The contact gate found no slot: no reminder drafted."
        )
    try:
        script_id, text, due = fill_reminder(case, action.not_before)
    except ReminderError as exc:
        return PreparedReminder(note=f"未起草提醒 / no reminder drafted: {exc}")
    draft = OutgoingDraft(
        channel=_REVIEW_CHANNELS.get(action.channel, "sms"),
        text=text,
        speaker="bot",
        send_at=action.not_before,
        standalone=True,
    )
    audit = {
        "script": script_id,
        "channel": draft.channel,
        "send_at": action.not_before.isoformat(),
        "amount": str(due.arrears if due.missed_instalments else due.instalment),
        "missed_instalments": due.missed_instalments,
    }
    return PreparedReminder(draft=draft, script=script_id, audit=audit)


def review_audit(script: str | None, review: DraftReview) -> dict[str, Any]:
    """What the audit trail records of a reminder's compliance review (``reminder_reviewed``)."""
    return {
        "script": script,
        "verdict": review.verdict,
        "sendable": review.sendable,
        "findings": [f.rule_id for f in review.findings],
    }


def draft_reminder(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Graph node: write ``outgoing`` for an automated reminder, or clear it when the plan has none."""
    action = state.next_action
    if action is None or action.action not in AUTO_ACTIONS:
        return {"outgoing": None, "reminder_script": None}
    prepared = prepare_reminder(runtime.context.deps.cases.get_case(state.case_id), action)
    update: dict[str, Any] = {"outgoing": prepared.draft, "reminder_script": prepared.script}
    if prepared.note:
        update["notes"] = [prepared.note]
    if prepared.audit is not None:
        runtime.context.deps.cases.append_audit(
            state.case_id, actor=runtime.context.actor, action="reminder_drafted", detail=prepared.audit
        )
    return update
