"""Tools of the triage agent: typed functions over the injected :class:`core.deps.Deps`."""

from __future__ import annotations

from pydantic import BaseModel, Field
from pydantic_ai import RunContext, Tool

from core.deps import Deps
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
    """Triage one case: tier, queue, strategy, channel, contact window and bilingual reasons; records the assignment.

    Args:
        ctx: The run context carrying the process dependencies.
        case_id: The case id, e.g. C000123.
    """
    request = TriageRequest(case_id=case_id)
    return triage_case(ctx.deps.cases, request.case_id)


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


TOOLS: list[Tool[Deps]] = [
    Tool(triage, takes_ctx=True, docstring_format="google", require_parameter_descriptions=True),
    Tool(describe_rules, takes_ctx=True, docstring_format="google"),
]
"""The triage agent's tools, in the order the agent sees them."""
