"""Drafting the next reply: a model-personalised or template-filled approved script, grounded and reviewed.

Every draft passes the grounding guard and compliance review before it may be sent; a failing model draft is rewritten
from the approved template, and a failing template is withheld.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from pydantic import BaseModel

from agents.negotiation.model_types import DraftReply
from agents.negotiation.templates import Filled, MissingScriptError, UnfilledPlaceholderError, drafting_config, fill
from agents.negotiation.types import CaseFacts, Draft, DraftChannel, Finding, PromiseOutcome
from core.deps import Deps
from core.domain import CaseFile
from core.gateway import ChatMessage, GatewayError
from core.gateway.prompting import PromptParts, assemble
from core.privacy import KnownPII
from prompts.negotiation import DRAFT_FACTS, DRAFT_POLICY, DRAFT_QUESTION, DRAFT_SYSTEM
from tools.compliance.models import Speaker, Transcript
from tools.compliance.models import Turn as ReviewTurn
from tools.compliance.review import review_with_model
from tools.grounding import allowed_numbers, ungrounded
from tools.negotiation.models import Offer

log = logging.getLogger(__name__)
ROLE = "negotiation_draft"


class DraftInputs(BaseModel):
    """Everything a draft may draw on: the masked facts and this turn's tool outputs."""

    facts: CaseFacts
    offers: list[Offer]
    promise: PromiseOutcome | None
    channel: DraftChannel
    message: str
    situation: str


class DraftOutcome(BaseModel):
    """The draft and what was flagged while making it."""

    draft: Draft
    findings: list[Finding]
    notes: list[str]
    model_used: bool


def _allowed(inputs: DraftInputs) -> set[str]:
    config = drafting_config()
    return allowed_numbers([inputs.facts, *inputs.offers, inputs.promise, config.model_dump(exclude={"scripts"})])


async def _review(deps: Deps, case: CaseFile, text: str, channel: DraftChannel, at: dt.datetime) -> list[str]:
    """Compliance findings on ``text`` as the agent's next turn (empty when it passes)."""
    transcript = Transcript(
        channel=channel, case_id=case.id, complete=False, turns=[ReviewTurn(speaker=Speaker.AGENT, text=text, at=at)]
    )
    result = await review_with_model(transcript, deps=deps, case=case)
    return [f"{f.category.value}: {f.quote}" for f in result.findings] if result.verdict == "fail" else []


async def _personalise(deps: Deps, case: CaseFile, inputs: DraftInputs, filled: Filled, thread_id: str) -> str:
    tools = {"offers": [o.model_dump(mode="json") for o in inputs.offers]}
    if inputs.promise is not None:
        tools["promise"] = [inputs.promise.model_dump(mode="json")]
    facts = DRAFT_FACTS.format(
        facts_json=inputs.facts.model_dump_json(),
        tools_json=json.dumps(tools, ensure_ascii=False, sort_keys=True),
        template_id=filled.template_id,
        template_text=filled.text,
    )
    parts = PromptParts(
        system=DRAFT_SYSTEM,
        policy=DRAFT_POLICY,
        case_facts=facts,
        question=DRAFT_QUESTION.format(message=inputs.message, channel=inputs.channel),
    )
    messages: list[ChatMessage] = assemble(parts)
    reply = await deps.gateway.structured(
        ROLE, messages, DraftReply, known_pii=KnownPII.from_case(case), thread_id=thread_id
    )
    return deps.gateway.reveal(reply.text, thread_id, may_see_pii=False)


async def write_draft(
    deps: Deps, case: CaseFile, inputs: DraftInputs, *, now: dt.datetime, thread_id: str
) -> DraftOutcome:
    """The next reply for ``inputs.situation``, or a withheld draft saying why.

    Model-personalised when a model is configured and its text passes the grounding guard and compliance review;
    otherwise the filled approved script if that passes; otherwise withheld.
    """
    findings: list[Finding] = []
    notes: list[str] = []
    model_used = False
    try:
        filled = fill(inputs.situation, inputs.channel, inputs.facts, inputs.offers[0] if inputs.offers else None,
                      inputs.promise)  # fmt: skip
    except MissingScriptError as exc:
        reason = f"核准话术库暂无此话术，请人工回复 / no approved script yet, a person replies: {exc}"
        if inputs.situation == "promise_clarify" and inputs.promise is not None:
            asks = "；".join(inputs.promise.problems)
            reason = f"请向债务人确认还款日期和金额（{asks}） / ask the debtor for the day and amount. {reason}"
        return DraftOutcome(draft=_withheld(inputs.channel, None, reason), findings=[], notes=[], model_used=False)
    except UnfilledPlaceholderError as exc:
        return DraftOutcome(
            draft=_withheld(inputs.channel, None, f"模板缺少工具数据 / script needs data no tool gave: {exc}"),
            findings=[],
            notes=[],
            model_used=False,
        )
    allowed = _allowed(inputs)
    if deps.gateway.available:
        try:
            text = await _personalise(deps, case, inputs, filled, thread_id)
            model_used = True
        except GatewayError as exc:
            log.warning("negotiation draft: model skipped: %s", type(exc).__name__)
            notes.append(f"模型调用失败，使用模板。 / Model call failed ({type(exc).__name__}); approved script used.")
        else:
            stray = ungrounded(text, allowed)
            problems = [] if stray else await _review(deps, case, text, inputs.channel, now)
            if stray:
                findings.append(Finding(kind="grounding", source="model draft", detail=", ".join(stray[:5])))
            for problem in problems:
                findings.append(Finding(kind="compliance", source="model draft", detail=problem))
            if not stray and not problems:
                draft = Draft(channel=inputs.channel, text=text, template_id=filled.template_id, from_model=True,
                              grounded=True, review_verdict="pass", sendable=True)  # fmt: skip
                return DraftOutcome(draft=draft, findings=findings, notes=notes, model_used=True)
            notes.append(
                "模型草稿被拒绝，已按核准模板改写。 / The model's draft was rejected; rewritten from the script."
            )
    stray = ungrounded(filled.text, allowed)
    if stray:  # cannot happen unless a script carries its own numbers; withheld rather than sent
        findings.append(Finding(kind="grounding", source="template", detail=", ".join(stray[:5])))
        return DraftOutcome(draft=_withheld(inputs.channel, filled.template_id, "模板数字未溯源 / ungrounded numbers"),
                            findings=findings, notes=notes, model_used=model_used)  # fmt: skip
    problems = await _review(deps, case, filled.text, inputs.channel, now)
    if problems:
        findings.extend(Finding(kind="compliance", source="template", detail=p) for p in problems)
        reason = "合规审查未通过 / failed compliance review: " + "; ".join(problems)
        return DraftOutcome(draft=_withheld(inputs.channel, filled.template_id, reason), findings=findings,
                            notes=notes, model_used=model_used)  # fmt: skip
    draft = Draft(channel=inputs.channel, text=filled.text, template_id=filled.template_id, from_model=False,
                  grounded=True, review_verdict="pass", sendable=True)  # fmt: skip
    return DraftOutcome(draft=draft, findings=findings, notes=notes, model_used=model_used)


def _withheld(channel: DraftChannel, template_id: str | None, reason: str) -> Draft:
    verdict = "fail" if reason.startswith("合规") else "not_reviewed"
    return Draft(channel=channel, text=None, template_id=template_id, grounded=False, review_verdict=verdict,
                 sendable=False, withheld_reason=reason)  # fmt: skip
