"""Nodes of the negotiation graph. Each node reads the state and returns only what it changes."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from langgraph.config import get_config
from langgraph.runtime import Runtime

from agents.negotiation.ask import settle_ask
from agents.negotiation.context import Context
from agents.negotiation.drafter import DraftInputs, write_draft
from agents.negotiation.handoff import HOLD_FLAGS, handoff_reasons, summary
from agents.negotiation.model_types import ModelReading
from agents.negotiation.reader import injection_spans, merge, read_rules
from agents.negotiation.request import ask_terms, read_ask
from agents.negotiation.state import State
from agents.negotiation.templates import situation
from agents.negotiation.types import (
    ApprovalUse,
    CaseFacts,
    DebtorReading,
    Draft,
    Finding,
    HandoffInfo,
    PromiseOutcome,
    Turn,
)
from core.domain import CaseFile
from core.gateway import GatewayError
from core.gateway.prompting import PromptParts, assemble
from core.privacy import KnownPII
from core.repository import CaseNotFoundError
from prompts.negotiation import READER_POLICY, READER_QUESTION, READER_SYSTEM
from tools.arrears import amount_due
from tools.negotiation.approvals import NegotiationStore
from tools.negotiation.approved import decided
from tools.negotiation.authority import authority_role, default_matrix
from tools.negotiation.offers import PlanRequest, instalment_offer, settlement_offer
from tools.negotiation.promises import PromiseStore, parse_promise, validate_promise

log = logging.getLogger(__name__)
READER_ROLE = "negotiation_reader"
_PER_TURN: dict[str, Any] = {
    "reading": None, "offers": [], "ask_check": None, "approval_id": None, "promise": None, "draft": None,
    "findings": [], "model_used": False, "error": None, "approvals": None,
}  # fmt: skip


def _thread_id(state: State) -> str:
    return str(get_config().get("configurable", {}).get("thread_id") or state.case_id)


def _local_today(case: CaseFile, now: dt.datetime) -> dt.date:
    return (now + dt.timedelta(minutes=case.debtor.utc_offset_min)).date()


def case_facts(case: CaseFile) -> CaseFacts:
    """The masked facts of a case: the surname with 先生/女士, amounts, bucket and flags."""
    title = {"M": "先生", "F": "女士"}.get(case.debtor.gender, "")
    loan = case.loan
    return CaseFacts(
        case_id=case.id,
        salutation=f"{case.debtor.name[:1]}{title}" if title else "您",
        product=loan.product.value,
        bucket=loan.bucket.value,
        days_past_due=loan.days_past_due,
        outstanding_principal=loan.outstanding_principal,
        outstanding_interest=loan.outstanding_interest,
        outstanding_penalty=loan.outstanding_penalty,
        outstanding_total=loan.outstanding_total,
        arrears=amount_due(loan, case.as_of).arrears,
        flags=[f.value for f in case.flags],
        legal_status=case.legal_status.value,
        as_of=case.as_of,
    )


def load_case(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Start the turn: clear last turn's results, load the masked facts, append the debtor's message."""
    try:
        case = runtime.context.deps.cases.get_case(state.case_id)
    except CaseNotFoundError:
        return {**_PER_TURN, "error": f"案件不存在 / unknown case: {state.case_id}"}
    turn = Turn(speaker="debtor", text=state.message, at=runtime.context.clock())
    return {**_PER_TURN, "facts": case_facts(case), "turns": [turn]}


async def read_debtor(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Read intent, emotion and vulnerability (rules, then the model when configured); flag injection attempts."""
    reading = read_rules(state.message)
    findings = [Finding(kind="injection", source="message", detail=s) for s in injection_spans(state.message)]
    for index, document in enumerate(state.documents):
        findings += [
            Finding(kind="injection", source=f"document[{index}]", detail=s) for s in injection_spans(document)
        ]
    update: dict[str, Any] = {}
    deps = runtime.context.deps
    if deps.gateway.available:
        case = deps.cases.get_case(state.case_id)
        parts = PromptParts(
            system=READER_SYSTEM, policy=READER_POLICY, question=READER_QUESTION.format(message=state.message)
        )
        try:
            model = await deps.gateway.structured(
                READER_ROLE, assemble(parts), ModelReading, known_pii=KnownPII.from_case(case),
                thread_id=_thread_id(state),
            )  # fmt: skip
        except GatewayError as exc:
            log.warning("negotiation reader: model skipped: %s", type(exc).__name__)
            update["notes"] = [
                f"模型读取失败，使用规则结果。 / Model reading failed ({type(exc).__name__}); rules used."
            ]
        else:
            reading = merge(reading, DebtorReading.model_validate(model.model_dump()))
            update["model_used"] = True
            if model.injection and not findings:
                findings.append(Finding(kind="injection", source="message", detail="model: instruction-like message"))
    if findings:
        reading = reading.model_copy(update={"injection": True})
    return {**update, "reading": reading, "findings": findings}


def negotiate(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Offers from the calculator only; the debtor's own ask checked (approval when beyond authority); promises.

    Terms a supervisor approved for this case (in any thread) become the first offer, recomputed by the calculator
    against the supervisor's row; terms a supervisor rejected are not sent for approval again.
    """
    assert state.reading is not None and state.facts is not None
    ctx = runtime.context
    case = ctx.deps.cases.get_case(state.case_id)
    role = authority_role(ctx.role)
    today = _local_today(case, ctx.clock())
    # An injection attempt's "terms" are ignored: they never reach the calculator or the approval queue.
    ask = read_ask(state.message) if not state.reading.injection else None
    terms = ask_terms(case, ask, role) if ask is not None and not ask.is_empty() else None
    update: dict[str, Any] = {"findings": list(state.findings), "notes": []}
    settled = PromiseStore(ctx.deps.sessions).evaluate(case.id, today, actor=ctx.actor)
    update["notes"] += [f"承诺 #{p.id}: {p.status} / promise #{p.id} is {p.status}" for p in settled]
    store = NegotiationStore(ctx.deps.sessions)
    prior = decided(case, store.approvals(case_id=case.id), today)
    use = ApprovalUse(offered=prior.approval_id, problems=list(prior.problems))
    wish = PlanRequest()
    if terms is not None:
        outcome = settle_ask(store, case, terms, role, prior, actor=ctx.actor, thread_id=_thread_id(state))
        update.update(ask_check=outcome.ask_check, approval_id=outcome.approval_id)
        update["findings"] += outcome.findings
        update["notes"] += outcome.notes
        use, wish = outcome.use, outcome.wish
    wants_settlement = terms is not None and terms.kind == "settlement"
    plan, settlement = instalment_offer(case, role, today, wish), settlement_offer(case, role, today)
    offers = [o for o in ((settlement, plan) if wants_settlement else (plan, settlement)) if o is not None]
    if prior.approved_offer is not None:
        offers.insert(0, prior.approved_offer)
        update["notes"].append(
            f"采用主管已批准的方案 #{prior.approval_id} / offering the terms of approval #{prior.approval_id}"
        )
    update["notes"] += [f"审批方案不再适用 / approved terms not used: {p}" for p in prior.problems]
    update["offers"] = offers
    update["approvals"] = use
    if "promise_to_pay" in state.reading.intents and not HOLD_FLAGS.intersection(state.facts.flags):
        update["promise"] = _capture_promise(state, runtime, case, today)
    return update


def _capture_promise(state: State, runtime: Runtime[Context], case: CaseFile, today: dt.date) -> PromiseOutcome:
    terms = parse_promise(state.message, today)
    check = validate_promise(terms, case, today, default_matrix().promise_horizon_days)
    if not check.valid:
        return PromiseOutcome(amount=terms.amount, due_on=terms.due_on, recorded=False, problems=check.problems)
    assert terms.amount is not None and terms.due_on is not None
    record = PromiseStore(runtime.context.deps.sessions).record(
        case.id, amount=terms.amount, due_on=terms.due_on, made_on=today, actor=runtime.context.actor
    )
    return PromiseOutcome(amount=record.amount, due_on=record.due_on, recorded=True, promise_id=record.id)


def hand_off(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Send the case to a person when a reason says so; a thread already handed off stays with the person.

    Reasons: anger, vulnerability, dispute, a request for a human, an ask beyond authority, a hold flag on the case.
    """
    assert state.reading is not None and state.facts is not None
    if state.handoff is not None:
        return {}
    reasons = handoff_reasons(state.facts, state.reading, state.ask_check)
    if not reasons:
        return {}
    text = summary(state.facts, state.reading, reasons, state.message, state.offers, state.approval_id, state.approvals)
    record = NegotiationStore(runtime.context.deps.sessions).hand_off(
        state.case_id, reasons=list(reasons), summary=text, created_by=runtime.context.actor,
        thread_id=_thread_id(state),
    )  # fmt: skip
    return {"handoff": HandoffInfo(reasons=reasons, summary=text, handoff_id=record.id)}


async def draft_reply(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Draft the next reply, or withhold it when the case is with a person and no holding script fits."""
    assert state.reading is not None and state.facts is not None
    approved = state.approvals is not None and state.approvals.offered is not None
    offer = state.offers[0] if state.offers else None
    key = situation(state.reading, state.promise, offer, state.facts.bucket, approved=approved)
    handed = state.handoff is not None
    holding = key in ("mental_distress", "illness", "job_loss", "disaster", "dispute", "plan", "settlement")
    if "case_flag" in (state.handoff.reasons if state.handoff else []) or key is None or (handed and not holding):
        reason = (
            "已转人工，由专人回复 / handed to a person, who replies"
            if handed
            else "没有适用的核准话术 / no script fits"
        )
        draft = Draft(channel=state.channel, text=None, template_id=None, grounded=False, review_verdict="not_reviewed",
                      sendable=False, withheld_reason=reason)  # fmt: skip
        return {"draft": draft}
    deps = runtime.context.deps
    case = deps.cases.get_case(state.case_id)
    inputs = DraftInputs(
        facts=state.facts, offers=state.offers, promise=state.promise, channel=state.channel,
        message=state.message, situation=key,
    )  # fmt: skip
    outcome = await write_draft(deps, case, inputs, now=runtime.context.clock(), thread_id=_thread_id(state))
    update: dict[str, Any] = {
        "draft": outcome.draft,
        "findings": [*state.findings, *outcome.findings],
        "notes": outcome.notes,
        "model_used": state.model_used or outcome.model_used,
    }
    if outcome.draft.text:
        update["turns"] = [Turn(speaker="agent", text=outcome.draft.text, at=runtime.context.clock())]
    return update
