"""The briefing step: the model explains the rules' decision in words; numbers must come from the tools."""

from __future__ import annotations

import json
import logging
from typing import Any

from langgraph.config import get_config
from langgraph.runtime import Runtime

from agents.case_workflow.brief_types import ActionBrief
from agents.case_workflow.context import Context
from agents.case_workflow.state import State
from core.gateway import ChatMessage, GatewayError
from core.gateway.prompting import PromptParts, assemble
from core.privacy import KnownPII
from prompts.case_workflow import BRIEF_FACTS, BRIEF_POLICY, BRIEF_QUESTION, BRIEF_SYSTEM
from tools.grounding import allowed_numbers, ungrounded

log = logging.getLogger(__name__)

ROLE = "case_brief"
NO_MODEL_NOTE = (
    "未配置模型服务：分案与下一步行动均由规则计算，简报使用模板。 / "
    "No model server configured: triage and the next action come from rules only; the brief is a template."
)


def _facts(state: State) -> tuple[str, set[str]]:
    assert state.card is not None and state.triage is not None and state.next_action is not None
    card = state.card.model_dump(mode="json")
    triage = state.triage.model_dump(mode="json", exclude={"features"})
    action = state.next_action.model_dump(mode="json")
    valuation = state.valuation.case.model_dump(mode="json") if state.valuation and state.valuation.case else None
    text = BRIEF_FACTS.format(
        card_json=json.dumps(card, ensure_ascii=False, sort_keys=True),
        triage_json=json.dumps(triage, ensure_ascii=False, sort_keys=True),
        action_json=json.dumps(action, ensure_ascii=False, sort_keys=True),
        valuation_json=json.dumps(valuation, ensure_ascii=False, sort_keys=True) if valuation else "无 / none",
    )
    allowed = allowed_numbers([card, triage, action, valuation])
    return text, allowed


async def brief(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Ask the model for a brief when one is configured; keep it only if every number in it is grounded."""
    if state.triage is None or state.next_action is None or state.card is None:
        return {}
    deps = runtime.context.deps
    if not deps.gateway.available:
        return {"notes": [NO_MODEL_NOTE]}
    facts, allowed = _facts(state)
    parts = PromptParts(system=BRIEF_SYSTEM, policy=BRIEF_POLICY, case_facts=facts, question=BRIEF_QUESTION)
    messages: list[ChatMessage] = assemble(parts)
    case = deps.cases.get_case(state.case_id)
    thread_id = str(get_config().get("configurable", {}).get("thread_id") or state.case_id)
    try:
        answer = await deps.gateway.structured(
            ROLE, messages, ActionBrief, known_pii=KnownPII.from_case(case), thread_id=thread_id
        )
    except GatewayError as exc:
        log.warning("brief skipped: %s", type(exc).__name__)
        return {
            "notes": [f"模型调用失败，简报使用模板。 / Model call failed ({type(exc).__name__}); template brief used."]
        }
    stray = ungrounded(f"{answer.summary_zh}\n{answer.summary_en}", allowed)
    if stray:
        return {
            "notes": [
                "模型简报含有工具未给出的数字，已拒绝。 / The model's brief had numbers no tool produced; rejected: "
                + ", ".join(stray[:5])
            ]
        }
    return {"brief": answer, "model_used": True}
