"""When the case goes to a person, and the masked summary that goes with it."""

from __future__ import annotations

from agents.negotiation.types import ApprovalUse, CaseFacts, DebtorReading, HandoffReason
from tools.negotiation.models import Offer, OfferCheck

# Case flags under which the agent drafts nothing and a person takes the case.
HOLD_FLAGS = frozenset({"dispute", "deceased", "legal_hold", "bankruptcy", "vulnerable", "complaint_open", "opt_out"})

REASON_TEXT: dict[HandoffReason, str] = {
    "angry": "债务人情绪激动 / debtor is angry",
    "vulnerable": "存在脆弱性信号 / vulnerability signals",
    "dispute": "债务人对欠款有异议 / debtor disputes the debt",
    "asks_for_human": "债务人要求人工 / debtor asked for a person",
    "offer_above_authority": "债务人要求超出授权的方案 / ask beyond authority (see the approval line)",
    "case_flag": "案件带有需人工处理的标记 / case carries a hold flag",
}


def handoff_reasons(facts: CaseFacts, reading: DebtorReading, ask_check: OfferCheck | None) -> list[HandoffReason]:
    """Why this turn must go to a person (empty when the agent may carry on)."""
    reasons: list[HandoffReason] = []
    if HOLD_FLAGS.intersection(facts.flags):
        reasons.append("case_flag")
    if reading.emotion == "angry":
        reasons.append("angry")
    if reading.vulnerabilities:
        reasons.append("vulnerable")
    if "dispute" in reading.intents:
        reasons.append("dispute")
    if "asks_for_human" in reading.intents:
        reasons.append("asks_for_human")
    if ask_check is not None and not ask_check.within_authority:
        reasons.append("offer_above_authority")
    return reasons


def summary(
    facts: CaseFacts,
    reading: DebtorReading,
    reasons: list[HandoffReason],
    message: str,
    offers: list[Offer],
    approval_id: int | None,
    approvals: ApprovalUse | None = None,
) -> str:
    """A short bilingual summary for the person taking over (masked values only)."""
    lines = [
        f"案件 {facts.case_id}（{facts.salutation}）：{facts.bucket}，逾期 {facts.days_past_due} 天，"
        f"欠款合计 {facts.outstanding_total} 元。",
        "转人工原因 / reasons: " + "；".join(REASON_TEXT[r] for r in reasons),
        f"意图 / intents: {', '.join(reading.intents) or 'none'}；情绪 / emotion: {reading.emotion}；"
        f"脆弱性 / vulnerability: {', '.join(reading.vulnerabilities) or 'none'}",
        f"债务人最新消息（已脱敏）/ latest message (masked): {message[:200]}",
    ]
    for index, offer in enumerate(offers):
        approved = index == 0 and approvals is not None and approvals.offered is not None
        label = f"主管已批准（#{approvals.offered}）" if approved and approvals else "授权内"
        if offer.kind == "instalment":
            lines.append(
                f"{label}分期方案 / plan: 首付 {offer.down_payment} 元（{offer.due_on} 前），"
                f"{offer.months} 期，每期 {offer.monthly_payment} 元"
            )
        else:
            lines.append(f"{label}结清方案 / settlement: {offer.amount_due} 元（{offer.due_on} 前）")
    if approval_id is not None:
        lines.append(f"待审批 / pending approval: #{approval_id}")
    if approvals is not None and approvals.ask_rejected is not None:
        lines.append(f"同样的要求已被主管驳回 / the same ask was rejected: #{approvals.ask_rejected}")
    return "\n".join(lines)
