"""Deterministic bilingual replies built only from tool outputs (used when no model is configured)."""

from __future__ import annotations

from agents.case_workflow.cards import CaseCard
from agents.case_workflow.planner import NextAction
from tools.triage.models import TriageResult

TIER_ZH = {
    "reminder": "自动提醒",
    "digital": "数字化催收",
    "agent_call": "坐席外呼",
    "senior_negotiation": "资深协商",
    "legal": "法务",
    "human_review": "人工复核",
}


def analysis_reply(card: CaseCard, triage: TriageResult, action: NextAction | None) -> str:
    """Summarise a triage and the next action in Chinese, then English."""
    window = triage.contact_window
    window_text = f"{window.start_hour:02d}:00-{window.end_hour:02d}:00" if window else "—"
    reasons_zh = "；".join(r.zh for r in triage.reasons[:4])
    reasons_en = "; ".join(r.en for r in triage.reasons[:4])
    lines = [
        f"案件 {card.case_id}（{card.bucket}，逾期 {card.days_past_due} 天，欠款 {card.outstanding_total} 元）："
        f"分入「{TIER_ZH.get(triage.tier.value, triage.tier.value)}」，队列 {triage.queue}，渠道 {triage.channel}，"
        f"联系时段 {window_text}，90 天还款倾向 {triage.propensity:.0%}。理由：{reasons_zh}。",
    ]
    gate = action.gate if action else None
    if action and action.blocked and gate is not None:
        lines.append(f"合规闸门拒绝联系：{gate.reason_zh}（{gate.rule_id}），已转人工审批。")
    elif action:
        lines.append(f"下一步：{action.summary_zh}（不早于 {action.not_before:%Y-%m-%d %H:%M}）。")
    lines.append(
        f"Case {card.case_id} ({card.bucket}, {card.days_past_due} days past due, {card.outstanding_total} yuan "
        f"outstanding): tier {triage.tier.value}, queue {triage.queue}, channel {triage.channel}, window "
        f"{window_text}, 90-day repayment propensity {triage.propensity:.0%}. Reasons: {reasons_en}."
    )
    if action and action.blocked and gate is not None:
        lines.append(f"Compliance gate refused the contact: {gate.reason_en} ({gate.rule_id}); sent for approval.")
    elif action:
        lines.append(f"Next: {action.summary_en} (not before {action.not_before:%Y-%m-%d %H:%M}).")
    return "\n".join(lines)
