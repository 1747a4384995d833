"""Borderline review: a model's structured second opinion on cases whose propensity lies in a review band.

Only cases in a band call the model, through the gateway. The answer may keep the tier or move it one step and
must cite existing features; anything else is rejected and the rules' answer stands. Without a model server the
review is skipped and says so.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import re
from collections.abc import Coroutine
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field, ValidationError

from core.gateway import ChatMessage, ModelCallError, ModelGateway, ModelUnavailableError, PIIRefusedError
from core.gateway.prompting import PromptParts, assemble
from prompts.triage import REVIEW_FACTS, REVIEW_POLICY, REVIEW_QUESTION, REVIEW_SCHEMA, REVIEW_SYSTEM
from tools.triage.models import ReviewOutcome, ReviewStatus, Tier, TriageResult
from tools.triage.rules import Rules

TIER_ORDER = (Tier.REMINDER, Tier.DIGITAL, Tier.AGENT_CALL, Tier.SENIOR_NEGOTIATION, Tier.LEGAL)
"""Tiers a review may move between, lightest first."""
_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)
T = TypeVar("T")


class ReviewOpinion(BaseModel):
    """The model's answer: a tier and the features that justify it."""

    tier: Literal["reminder", "digital", "agent_call", "senior_negotiation", "legal"] = Field(
        description="The tier the case should have"
    )
    cited_features: list[str] = Field(min_length=1, max_length=8, description="Feature names the answer rests on")
    rationale_zh: str = Field(min_length=1, max_length=400)
    rationale_en: str = Field(min_length=1, max_length=400)


def review_messages(result: TriageResult, rule: str) -> list[ChatMessage]:
    """The review prompt for one case: static system/policy/schema first, then the case's features (no PII)."""
    schema = json.dumps(ReviewOpinion.model_json_schema(), ensure_ascii=False, sort_keys=True)
    features = "\n".join(f"{name} = {value:.6g}" for name, value in sorted(result.features.items()))
    contributions = ", ".join(f"{c.feature} {c.contribution:+.2f}" for c in result.contributions) or "none"
    facts = REVIEW_FACTS.format(
        features=features,
        tier=result.tier.value,
        rule=rule,
        propensity=f"{result.propensity:.3f}",
        source=result.propensity_source,
        contributions=contributions,
    )
    return assemble(
        PromptParts(
            system=REVIEW_SYSTEM,
            policy=REVIEW_POLICY.format(tier_order=", ".join(t.value for t in TIER_ORDER))
            + "\n\n"
            + REVIEW_SCHEMA.format(schema=schema),
            case_facts=facts,
            question=REVIEW_QUESTION.format(tier=result.tier.value),
        )
    )


def check_opinion(opinion: ReviewOpinion, result: TriageResult) -> str | None:
    """Why ``opinion`` must be rejected, or ``None`` when it passes (one step at most, cited features exist)."""
    if result.tier not in TIER_ORDER:
        return f"tier {result.tier.value} is not reviewable"
    step = TIER_ORDER.index(Tier(opinion.tier)) - TIER_ORDER.index(result.tier)
    if abs(step) > 1:
        return f"moves {result.tier.value} to {opinion.tier}: more than one tier"
    unknown = [f for f in opinion.cited_features if f not in result.features]
    if unknown:
        return f"cites features that do not exist: {', '.join(unknown[:5])}"
    return None


def _skipped(result: TriageResult, detail: str) -> ReviewOutcome:
    return ReviewOutcome(status=ReviewStatus.SKIPPED, rules_tier=result.tier, final_tier=result.tier, detail=detail)


async def review(gateway: ModelGateway | None, result: TriageResult, rules: Rules, rule: str) -> ReviewOutcome:
    """Ask the model for a second opinion on a borderline case and validate it.

    Args:
        gateway: The model gateway; ``None`` or one without endpoints skips the review.
        result: The rules' decision (with features and contributions).
        rules: The rules (the review's gateway role).
        rule: Code of the tier rule that fired.

    Returns:
        The outcome; ``final_tier`` is the rules' tier unless the opinion passed every check.
    """
    if gateway is None or not gateway.available:
        return _skipped(result, "no model server configured: the rules' tier stands")
    schema = ReviewOpinion.model_json_schema()
    response_format = {"type": "json_schema", "json_schema": {"name": "ReviewOpinion", "schema": schema}}
    client = gateway.new_http_client()  # this call's own event loop may not be the gateway's
    try:
        answer = await gateway.chat(
            rules.review.role, review_messages(result, rule), response_format=response_format,
            thread_id=f"triage-review-{result.case_id}", temperature=0.0, client=client,
        )  # fmt: skip
    except ModelUnavailableError as exc:
        return _skipped(result, f"model unavailable ({exc}): the rules' tier stands")
    except (ModelCallError, PIIRefusedError) as exc:
        return ReviewOutcome(
            status=ReviewStatus.REJECTED, rules_tier=result.tier, final_tier=result.tier, detail=str(exc)
        )
    finally:
        await client.aclose()
    text = answer.content
    if fence := _FENCE.match(text):
        text = fence.group(1)
    try:
        opinion = ReviewOpinion.model_validate_json(text)
    except ValidationError as exc:
        detail = f"answer broke the schema: {exc.errors()[0]['msg']}"
        return ReviewOutcome(
            status=ReviewStatus.REJECTED, rules_tier=result.tier, final_tier=result.tier, detail=detail
        )
    problem = check_opinion(opinion, result)
    final = result.tier if problem else Tier(opinion.tier)
    status = (
        ReviewStatus.REJECTED if problem else (ReviewStatus.AGREED if final is result.tier else ReviewStatus.ADJUSTED)
    )
    return ReviewOutcome(
        status=status,
        rules_tier=result.tier,
        final_tier=final,
        cited_features=opinion.cited_features,
        rationale_zh=opinion.rationale_zh,
        rationale_en=opinion.rationale_en,
        detail=problem or "",
    )


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to completion from sync code, in a worker thread when an event loop is already running."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()
