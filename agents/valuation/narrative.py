"""The valuation narrative: a bilingual template from the tool outputs, or a model's text checked against them."""

from __future__ import annotations

import json
import logging

from agents.valuation.state import Narrative
from core.deps import Deps
from core.gateway import ChatMessage, GatewayError
from core.gateway.prompting import PromptParts, assemble
from core.privacy import KnownPII
from prompts.valuation import VALUATION_FACTS, VALUATION_POLICY, VALUATION_QUESTION, VALUATION_SYSTEM
from tools.grounding import allowed_numbers, ungrounded
from tools.valuation.models import CaseValuation, PackageValuation

log = logging.getLogger(__name__)

ROLE = "valuation"
NO_MODEL_NOTE = "未配置模型服务：说明使用模板。 / No model server configured: the narrative is a template."


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def case_template(v: CaseValuation) -> Narrative:
    """The narrative of a case valuation, filled from its fields only."""
    months = "—" if v.expected_months_to_recovery is None else f"{v.expected_months_to_recovery}"
    zh = [
        f"案件 {v.case_id} 欠款 {v.outstanding_total} 元；90 天内还款概率 {_pct(v.p_repay_90d)}，"
        f"12 个月内有回收的概率 {_pct(v.p_any_12m)}，预计第 {months} 个月首次回款。",
        f"模拟 {v.paths} 条路径：12 个月预期回收 {v.expected_recovery} 元（回收率 {_pct(v.recovery_rate)}），"
        f"P10/P50/P90 为 {v.recovery.p10}/{v.recovery.p50}/{v.recovery.p90} 元；预期催收成本 {v.expected_cost} 元，"
        f"按年化 {_pct(v.discount_rate)} 折现的净现值 {v.expected_npv} 元。",
    ]
    en = [
        f"Case {v.case_id} owes {v.outstanding_total} yuan; probability of repaying within 90 days "
        f"{_pct(v.p_repay_90d)}, of any recovery within 12 months {_pct(v.p_any_12m)}, first payment expected in "
        f"month {months}.",
        f"Over {v.paths} simulated paths the expected 12-month recovery is {v.expected_recovery} yuan "
        f"({_pct(v.recovery_rate)}), P10/P50/P90 {v.recovery.p10}/{v.recovery.p50}/{v.recovery.p90} yuan; expected "
        f"collection cost {v.expected_cost} yuan, NPV at {_pct(v.discount_rate)} a year {v.expected_npv} yuan.",
    ]
    for c in v.collateral:
        zh.append(
            f"抵押房产（{c.city}{c.district}，{c.area_sqm} 平方米）可比估值 {c.value} 元（90% 区间 {c.value_low}–"
            f"{c.value_high} 元），司法变现折价 {_pct(c.liquidation_haircut)}，变现价值 {c.liquidation_value} 元，"
            f"预计 {c.time_to_sale_days} 天完成处置。"
        )
        en.append(
            f"The pledged flat ({c.area_sqm} m²) is valued at {c.value} yuan by comparables (90% interval "
            f"{c.value_low}-{c.value_high} yuan); a forced sale at a {_pct(c.liquidation_haircut)} haircut yields "
            f"{c.liquidation_value} yuan in about {c.time_to_sale_days} days."
        )
    return Narrative(summary_zh="".join(zh), summary_en=" ".join(en))


def package_template(v: PackageValuation) -> Narrative:
    """The narrative of a package valuation, filled from its fields only."""
    zh = (
        f"资产包共 {v.cases} 户，债权合计 {v.claim_total} 元。12 个月预期回收 {v.expected_recovery} 元"
        f"（P10/P50/P90 为 {v.recovery.p10}/{v.recovery.p50}/{v.recovery.p90} 元），预期催收成本 {v.expected_cost} 元；"
        f"按年化 {_pct(v.discount_rate)} 折现后净现值 {v.expected_npv} 元。建议报价区间 {v.bid_low}–{v.bid_high} 元"
        f"（债权的 {_pct(v.bid_low_pct)}–{_pct(v.bid_high_pct)}）。"
    )
    en = (
        f"The package holds {v.cases} cases with {v.claim_total} yuan of claims. Expected 12-month recovery is "
        f"{v.expected_recovery} yuan (P10/P50/P90 {v.recovery.p10}/{v.recovery.p50}/{v.recovery.p90} yuan) at an "
        f"expected collection cost of {v.expected_cost} yuan; the NPV at {_pct(v.discount_rate)} a year is "
        f"{v.expected_npv} yuan. Bid range {v.bid_low}-{v.bid_high} yuan ({_pct(v.bid_low_pct)}-"
        f"{_pct(v.bid_high_pct)} of claims)."
    )
    return Narrative(summary_zh=zh, summary_en=en)


def facts(valuation: CaseValuation | PackageValuation) -> tuple[str, set[str]]:
    """The ``<valuation>`` block sent to the model and the numbers a narrative may use."""
    data = valuation.model_dump(mode="json", exclude={"lines"} if isinstance(valuation, PackageValuation) else None)
    kind = "package" if isinstance(valuation, PackageValuation) else "case"
    text = VALUATION_FACTS.format(kind=kind, valuation_json=json.dumps(data, ensure_ascii=False, sort_keys=True))
    return text, allowed_numbers([data])


async def model_narrative(
    deps: Deps, valuation: CaseValuation | PackageValuation, known: KnownPII | None = None
) -> tuple[Narrative | None, str | None]:
    """Ask the model for a narrative; ``(narrative, None)`` if every number in it is grounded, else ``(None, note)``.

    Args:
        deps: Process dependencies (the gateway).
        valuation: The tool output to explain.
        known: Identity values of the case, so the gateway can redact them.
    """
    is_package = isinstance(valuation, PackageValuation)
    block, allowed = facts(valuation)
    question = VALUATION_QUESTION.format(
        kind_zh="资产包" if is_package else "案件", kind_en="package" if is_package else "case"
    )
    parts = PromptParts(system=VALUATION_SYSTEM, policy=VALUATION_POLICY, case_facts=block, question=question)
    messages: list[ChatMessage] = assemble(parts)
    try:
        answer = await deps.gateway.structured(ROLE, messages, Narrative, known_pii=known)
    except GatewayError as exc:
        log.warning("valuation narrative skipped: %s", type(exc).__name__)
        return None, f"模型调用失败，说明使用模板。 / Model call failed ({type(exc).__name__}); template used."
    stray = ungrounded(f"{answer.summary_zh}\n{answer.summary_en}", allowed)
    if stray:
        return None, (
            "模型说明含有工具未给出的数字，已拒绝并使用模板。 / The model's narrative had numbers no tool produced; "
            "rejected, template used: " + ", ".join(stray[:5])
        )
    return answer, None
