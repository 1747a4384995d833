"""Tools of the valuation agent: typed functions over the injected :class:`core.deps.Deps`."""

from __future__ import annotations

from pydantic import BaseModel, Field
from pydantic_ai import RunContext, Tool

from core.deps import Deps
from tools.valuation.models import CaseValuation, PackageLine, PackageValuation
from tools.valuation.policy import load_policy
from tools.valuation.tool import value_case, value_package


class PolicyView(BaseModel):
    """The valuation assumptions in force (costs, liquidation, defaults)."""

    version: str = Field(description="Version of the policy file")
    commission_rate: float = Field(description="Share of recoveries paid as commission")
    servicing_per_month_unsecured: float = Field(description="Servicing cost per active month, unsecured, yuan")
    servicing_per_month_secured: float = Field(description="Servicing cost per active month, secured, yuan")
    legal_fixed: float = Field(description="Fixed legal cost of a litigated case, yuan")
    base_haircut: float = Field(description="Judicial sale discount to market value in a normal market")
    default_discount_rate: float = Field(description="Annual discount rate used when none is given")
    default_paths: int = Field(description="Monte Carlo paths per case")


def value_one_case(ctx: RunContext[Deps], case_id: str, discount_rate: float | None = None) -> CaseValuation:
    """Value one case: repayment curve, simulated 12-month recovery (P10/P50/P90), cost, NPV and collateral.

    Args:
        ctx: The run context carrying the process dependencies.
        case_id: The case id, e.g. C000123.
        discount_rate: Annual discount rate for the NPV, between 0 and 1; the policy default when omitted.
    """
    return value_case(ctx.deps.cases, ctx.deps.engine, case_id, discount_rate=discount_rate)


def price_package(ctx: RunContext[Deps], case_ids: list[str], discount_rate: float | None = None) -> PackageValuation:
    """Price a transfer package: NPV of simulated recoveries minus costs and a bid range.

    Args:
        ctx: The run context carrying the process dependencies.
        case_ids: The package's case ids (each once); claims are their outstanding balances.
        discount_rate: The buyer's annual required return, between 0 and 1; the policy default when omitted.
    """
    lines = [PackageLine(case_id=c) for c in case_ids]
    return value_package(ctx.deps.engine, lines, discount_rate=discount_rate)


def describe_policy(ctx: RunContext[Deps]) -> PolicyView:
    """Show the valuation assumptions (costs, liquidation haircut, discount rate) so a result can be explained.

    Args:
        ctx: The run context carrying the process dependencies.
    """
    p = load_policy()
    return PolicyView(
        version=p.version,
        commission_rate=p.costs.commission_rate,
        servicing_per_month_unsecured=p.costs.servicing_per_month_yuan.unsecured,
        servicing_per_month_secured=p.costs.servicing_per_month_yuan.secured,
        legal_fixed=p.costs.legal_fixed_yuan,
        base_haircut=p.collateral.base_haircut,
        default_discount_rate=p.monte_carlo.discount_rate,
        default_paths=p.monte_carlo.paths,
    )


TOOLS: list[Tool[Deps]] = [
    Tool(value_one_case, takes_ctx=True, docstring_format="google", require_parameter_descriptions=True),
    Tool(price_package, takes_ctx=True, docstring_format="google", require_parameter_descriptions=True),
    Tool(describe_policy, takes_ctx=True, docstring_format="google"),
]
"""The valuation agent's tools, in the order the agent sees them."""
