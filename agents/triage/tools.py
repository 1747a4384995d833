"""Tools of the triage agent: typed functions over the injected :class:`core.deps.Deps`."""

from __future__ import annotations

from pydantic import BaseModel, Field
from pydantic_ai import RunContext, Tool

from agents.triage.node import review_gateway
from core.deps import Deps
from tools.triage.model.artifact import load_model
from tools.triage.model.card import Metrics
from tools.triage.models import Tier, TriageRequest, TriageResult
from tools.triage.rules import load_rules
from tools.triage.tool import triage_case


class TierRuleView(BaseModel):
    """One tier rule as shown to the agent."""

    code: str = Field(description="Stable rule code")
    tier: Tier
    zh: str
    en: str


class RulesView(BaseModel):
    """The rules in force, without the scorecard's weights."""

    version: str = Field(description="Version of the rules file")
    overrides: list[TierRuleView] = Field(description="Flags that send a case to human review, in priority order")
    tiers: list[TierRuleView] = Field(description="Tier rules, first match wins")


def triage(ctx: RunContext[Deps], case_id: str) -> TriageResult:
    """Triage one case: tier, queue, strategy, channel, window, propensity with its reasons; records the assignment.

    A case whose propensity lies in a review band gets a model's second opinion (at most one tier).

    Args:
        ctx: The run context carrying the process dependencies.
        case_id: The case id, e.g. C000123.
    """
    request = TriageRequest(case_id=case_id)
    return triage_case(ctx.deps.cases, request.case_id, gateway=review_gateway(ctx.deps))


def describe_rules(ctx: RunContext[Deps]) -> RulesView:
    """List the triage rules in force (overrides and tier rules, bilingual) so a decision can be explained.

    Args:
        ctx: The run context carrying the process dependencies.
    """
    rules = load_rules()
    return RulesView(
        version=rules.version,
        overrides=[
            TierRuleView(code=o.code, tier=Tier.HUMAN_REVIEW, zh=o.reason.zh, en=o.reason.en) for o in rules.overrides
        ],
        tiers=[
            TierRuleView(code=r.code, tier=r.tier, zh=r.reason.zh, en=r.reason.en)
            for r in (*rules.tiers, rules.default_tier)
        ],
    )


class ModelView(BaseModel):
    """The propensity model in force, from its model card."""

    source: str = Field(description="'model' or 'scorecard'")
    version: str | None = Field(default=None, description="Artifact version when a model is used")
    created_at: str | None = None
    metrics: Metrics | None = Field(default=None, description="Held-out AUC, ECE and Brier")
    training_cases: int | None = None
    features: int | None = Field(default=None, description="Number of input features")


def describe_model(ctx: RunContext[Deps]) -> ModelView:
    """Describe the propensity model the rules use (version, held-out metrics, training size) from its model card.

    Args:
        ctx: The run context carrying the process dependencies.
    """
    rules = load_rules()
    if rules.propensity.source == "scorecard":
        return ModelView(source="scorecard")
    card = load_model(rules.propensity.model_version).card
    return ModelView(
        source="model",
        version=card.version,
        created_at=card.created_at.isoformat(timespec="seconds"),
        metrics=card.metrics,
        training_cases=sum(d.cases for d in card.data if d.role == "train"),
        features=len(card.features),
    )


TOOLS: list[Tool[Deps]] = [
    Tool(triage, takes_ctx=True, docstring_format="google", require_parameter_descriptions=True),
    Tool(describe_rules, takes_ctx=True, docstring_format="google"),
    Tool(describe_model, takes_ctx=True, docstring_format="google"),
]
"""The triage agent's tools, in the order the agent sees them."""
