"""The nightly reminder batch: every case on an automated tier gets its reminder drafted, gated and reviewed.

The same steps as the case workflow's reminder path, without the graph: triage the portfolio (vectorised, as
``qingshou triage --all`` does, so today's tier, channel and contact window), plan the next action of every case on
an automated tier, pass it through the contact gate, fill the approved script from tools, and run compliance review
at the planned send time. Borderline cases are not sent to the model here (as in ``triage --all``). Each case
becomes one :class:`OutboxLine`; the bank's messaging platform sends only lines with ``status == "ready"``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import AsyncIterator
from typing import Literal

from pydantic import BaseModel, Field

from agents.case_workflow.gating import gate_action
from agents.case_workflow.planner import NextAction, plan_action
from agents.case_workflow.reminder import AUTO_TIERS, ReminderError, fill_reminder, prepare_reminder, review_audit
from agents.compliance.node import review_draft
from core.db.outbox import OutboxMessage, OutboxStore, ReadyReminder, StoreResult, new_batch_id
from core.deps import Deps
from core.domain import CaseFile, Channel
from tools.compliance.gate import PlannedContact, check_contact
from tools.triage.frames import iter_chunks
from tools.triage.pipeline import resolve_model, run_batch
from tools.triage.rules import load_rules
from tools.triage.tool import contact_window_of

ACTOR = "reminder-batch"
_PAGE = 500

Status = Literal["ready", "failed_review", "blocked", "not_drafted"]


class OutboxLine(BaseModel):
    """One case's reminder, or why it has none."""

    case_id: str
    tenant: str
    status: Status = Field(description="ready: passed review, may be sent at send_at; otherwise why not")
    tier: str
    script: str | None = None
    channel: str | None = None
    send_at: dt.datetime | None = Field(default=None, description="Debtor's local time, with offset")
    text: str | None = Field(
        default=None, description="The reminder to send (surname and title only); only on ready lines"
    )
    findings: list[str] = Field(default_factory=list, description="Rule ids of review findings")
    reason: str | None = None


class OutboxSummary(BaseModel):
    """Counts of one batch."""

    cases: int
    by_status: dict[str, int]
    model_used: bool = Field(description="Whether compliance review could use the model (else rules only)")


async def reminder_lines(
    deps: Deps,
    *,
    now: dt.datetime,
    tenant: str | None = None,
    limit: int | None = None,
    chunk_size: int = 5_000,
) -> AsyncIterator[OutboxLine]:
    """Triage the portfolio (vectorised, in chunks) and draft and review the reminder of every automated case.

    Args:
        deps: Database, gateway, guard.
        now: The batch's time (aware); reminders are planned at or after it.
        tenant: Only this tenant's cases.
        limit: At most this many automated cases (in case id order).
        chunk_size: Cases triaged per vectorised step.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    rules = load_rules()
    model = resolve_model(rules, None)
    done = 0
    for raw in iter_chunks(deps.engine, chunk_size):
        batch = run_batch(raw, rules, model=model)
        decisions = batch.decisions[batch.decisions["tier"].isin(sorted(AUTO_TIERS))]
        if tenant is not None:  # before any case is decrypted
            tenants = deps.cases.tenants_of(str(i) for i in decisions.index)
            decisions = decisions[[tenants.get(str(i)) == tenant for i in decisions.index]]
        for case_id, decision in decisions.iterrows():
            if limit is not None and done >= limit:
                return
            case = deps.cases.get_case(str(case_id))
            window = contact_window_of(batch.windows.loc[case_id])
            action = plan_action(
                str(decision["tier"]),
                str(decision["queue"]),
                str(decision["channel"]),
                window,
                now=now,
                utc_offset_min=case.debtor.utc_offset_min,
            )
            # The gate moves a refused slot to the same window on the next allowed day, as in the case workflow.
            yield await _one(deps, case, gate_action(action, case, max(window.start_hour, 8)), now)
            done += 1


async def _one(deps: Deps, case: CaseFile, action: NextAction, now: dt.datetime) -> OutboxLine:
    line = {"case_id": case.id, "tenant": case.tenant, "tier": action.tier}
    prepared = prepare_reminder(case, action)
    if prepared.draft is None:
        status: Status = "blocked" if action.blocked else "not_drafted"
        return OutboxLine(**line, status=status, reason=prepared.note)
    assert prepared.audit is not None
    deps.cases.append_audit(case.id, actor=ACTOR, action="reminder_drafted", detail=prepared.audit)
    review = await review_draft(deps, case.id, prepared.draft, now=now, case=case)
    audit = review_audit(prepared.script, review)
    deps.cases.append_audit(case.id, actor=ACTOR, action="reminder_reviewed", detail=audit)
    return OutboxLine(
        **line,
        status="ready" if review.sendable else "failed_review",
        script=prepared.script,
        channel=prepared.draft.channel,
        send_at=prepared.draft.send_at,
        text=prepared.draft.text if review.sendable else None,  # a dispatcher cannot send what failed review
        findings=audit["findings"],
        reason=review.reason,
    )


def summarise(lines: list[OutboxLine], *, model_used: bool) -> OutboxSummary:
    """Counts by status."""
    return OutboxSummary(cases=len(lines), by_status=dict(Counter(x.status for x in lines)), model_used=model_used)


def recheck(case: CaseFile, message: OutboxMessage, now: dt.datetime) -> str | None:
    """Why a stored reminder must not go out now, or None when it still may.

    Between the nightly batch and the hand-out the case may have changed: a flag (opt-out, dispute, legal hold), a
    contact that used up the day's allowance, a repayment. So the contact gate runs again at ``now``, and the reminder
    is drafted again from today's case: if its words differ (other amounts, other days past due), it is withdrawn and
    the next batch writes the right one.
    """
    local_now = now.astimezone(message.send_at.tzinfo)
    plan = PlannedContact(channel=Channel(message.channel), at=local_now, callee="debtor")
    decision = check_contact(plan, case.contacts, case=case)
    if not decision.allowed:
        return f"联系闸门拒绝 / contact gate refused ({decision.rule_id}): {decision.reason_zh} / {decision.reason_en}"
    try:
        _, text, _ = fill_reminder(case, message.send_at)
    except ReminderError as exc:
        return f"今日无需提醒 / no reminder today: {exc}"
    if text != message.text:
        return "账务自批次以来已变化，提醒作废 / the case changed since the batch (amounts or days past due)"
    return None


LEASE_S = 300
"""How long a claimed reminder is held for the worker that claimed it before it is due again (seconds)."""


def due_reminders(
    deps: Deps,
    *,
    now: dt.datetime,
    tenant: str | None = None,
    limit: int = 100,
    actor: str = ACTOR,
    lease_s: int = LEASE_S,
) -> tuple[list[OutboxMessage], int]:
    """Claim the stored reminders due now (under a lease) that still pass :func:`recheck`; withdraw the others.

    Returns:
        The messages to send (at most ``limit``; fewer when some were withdrawn) and how many were withdrawn.
    """
    store = OutboxStore(deps.sessions, deps.cipher)
    send: list[OutboxMessage] = []
    withdrawn = 0
    for message in store.claim(now=now, worker=actor, lease_s=lease_s, tenant=tenant, limit=limit):
        reason = recheck(deps.cases.get_case(message.case_id), message, now)
        if reason is None:
            send.append(message)
        elif store.withdraw(message.id, reason, actor=actor, now=now):
            withdrawn += 1
    return send, withdrawn


def store_ready(deps: Deps, lines: list[OutboxLine], *, now: dt.datetime) -> StoreResult:
    """Store the ``ready`` lines in one new batch, for the SMS platform to pull (``GET /v1/outbox``).

    A case that already has a stored reminder for the same local send day is skipped, so a second run of the batch
    does not message anyone twice. Lines of any other status carry no text and are never stored.
    """
    ready = [
        ReadyReminder(
            case_id=x.case_id,
            tenant=x.tenant,
            script=x.script,
            channel=x.channel,
            send_at=x.send_at,
            text=x.text,
        )
        for x in lines
        if x.status == "ready" and x.script and x.channel and x.send_at and x.text
    ]
    store = OutboxStore(deps.sessions, deps.cipher)
    return store.add(ready, batch_id=new_batch_id(), actor=ACTOR, now=now)
