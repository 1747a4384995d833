"""The semantic layer: the model reads the transcript for what the rules cannot see; its findings are checked."""

from __future__ import annotations

import json
import logging
import uuid
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from core.domain import CaseFile
from core.gateway import GatewayError
from core.gateway.prompting import PromptParts, assemble
from core.privacy import KnownPII
from prompts.compliance import REVIEW_POLICY, REVIEW_QUESTION, REVIEW_SYSTEM, REVIEW_TRANSCRIPT
from tools.compliance.citations import cite_category
from tools.compliance.models import Category, Finding, SemanticLayer, Severity, Speaker, Transcript

if TYPE_CHECKING:
    from core.deps import Deps

log = logging.getLogger(__name__)

ROLE = "compliance_review"
MAX_MODEL_CHARS = 60_000
"""Longest transcript sent to the model; longer ones get the rule layer only (the note says why)."""


class ModelFinding(BaseModel):
    """One violation as the model reports it."""

    category: Category = Field(description="One of the ten categories")
    turn: int = Field(ge=0, description="Index of the turn, from 0")
    speaker: Speaker = Field(description="Speaker of that turn: agent or bot")
    quote: str = Field(min_length=1, max_length=400, description="Verbatim words from that turn")
    severity: Severity = Field(default=Severity.MEDIUM)
    reason: str = Field(default="", max_length=400, description="Why this is a violation")


class ModelFindings(BaseModel):
    """The model's answer."""

    findings: list[ModelFinding] = Field(default_factory=list, max_length=50)


def validate_model_findings(
    answer: ModelFindings, transcript: Transcript, *, jurisdiction: str = "CN"
) -> tuple[list[Finding], int]:
    """Model findings that hold up: turn in range, said by agent/bot, quote verbatim in that turn.

    Returns:
        The kept findings and the number rejected.
    """
    kept: list[Finding] = []
    rejected = 0
    for item in answer.findings:
        if item.turn >= len(transcript.turns):
            rejected += 1
            continue
        turn = transcript.turns[item.turn]
        quote = item.quote.strip()
        if not turn.speaker.is_collector or item.speaker != turn.speaker or not quote or quote not in turn.text:
            rejected += 1
            continue
        kept.append(
            Finding(
                category=item.category,
                rule_id=f"model.{item.category.value}",
                severity=item.severity,
                turn=item.turn,
                quote=quote,
                citation=cite_category(item.category, jurisdiction),
                source="model",
                explanation=item.reason,
            )
        )
    return kept, rejected


def _prompt(transcript: Transcript, rule_findings: list[Finding]) -> PromptParts:
    turns = [
        {"turn": i, "speaker": t.speaker.value, "at": t.at.isoformat() if t.at else None, "text": t.text}
        for i, t in enumerate(transcript.turns)
    ]
    found = [{"turn": f.turn, "category": f.category.value, "quote": f.quote} for f in rule_findings]
    facts = REVIEW_TRANSCRIPT.format(
        channel=transcript.channel,
        turns_json=json.dumps(turns, ensure_ascii=False),
        rule_findings_json=json.dumps(found, ensure_ascii=False),
    )
    return PromptParts(system=REVIEW_SYSTEM, policy=REVIEW_POLICY, case_facts=facts, question=REVIEW_QUESTION)


async def semantic_findings(
    transcript: Transcript,
    rule_findings: list[Finding],
    *,
    deps: Deps,
    case: CaseFile | None = None,
    jurisdiction: str = "CN",
) -> tuple[list[Finding], SemanticLayer]:
    """Ask the model (through the gateway) for findings the rules missed; never raises on model trouble."""
    if not deps.gateway.available:
        return [], SemanticLayer(status="skipped", reason="no model server configured (QINGSHOU_LLM_BASE_URL unset)")
    size = sum(len(t.text) for t in transcript.turns)
    if size > MAX_MODEL_CHARS:
        return [], SemanticLayer(
            status="skipped", reason=f"transcript of {size} characters exceeds the model layer's {MAX_MODEL_CHARS}"
        )
    messages = assemble(_prompt(transcript, rule_findings))
    thread_id = f"review-{uuid.uuid4().hex}"
    known = KnownPII.from_case(case) if case is not None else None
    try:
        answer = await deps.gateway.structured(ROLE, messages, ModelFindings, known_pii=known, thread_id=thread_id)
        # The model saw pseudonyms (<CN_MOBILE_1>); put the real values back before matching quotes.
        for item in answer.findings:
            item.quote = deps.gateway.reveal(item.quote, thread_id, may_see_pii=True)
    except GatewayError as exc:
        log.warning("semantic review failed: %s", type(exc).__name__)
        return [], SemanticLayer(status="failed", reason=f"model call failed: {type(exc).__name__}")
    finally:
        deps.guard.vault.forget(thread_id)
    kept, rejected = validate_model_findings(answer, transcript, jurisdiction=jurisdiction)
    return kept, SemanticLayer(status="ran", findings=len(kept), rejected=rejected)
