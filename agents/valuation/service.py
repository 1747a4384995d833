"""Run the valuation agent: the tools compute, the narrative explains (a model when configured, else a template)."""

from __future__ import annotations

from agents.valuation.narrative import NO_MODEL_NOTE, case_template, model_narrative, package_template
from agents.valuation.state import ValuationRequest, ValuationResult
from core.deps import Deps
from core.privacy import KnownPII
from tools.valuation.models import CaseValuation, PackageValuation
from tools.valuation.tool import Valuator, value_case, value_package


def compute(
    deps: Deps, request: ValuationRequest, valuator: Valuator | None = None
) -> CaseValuation | PackageValuation:
    """The tool output for a request (blocking; run it in a thread from async code).

    Raises:
        CaseNotFoundError: An unknown case id.
        PackageError: A package that cannot be valued.
        RecoveryModelError: The model artifact is missing or incompatible.
    """
    valuator = valuator or Valuator.default()
    options = {"paths": request.paths, "seed": request.seed, "discount_rate": request.discount_rate}
    if request.case_id is not None:
        return value_case(deps.cases, deps.engine, request.case_id, valuator, **options)
    return value_package(deps.engine, request.package_lines(), valuator, **options)  # type: ignore[arg-type]


def template_result(valuation: CaseValuation | PackageValuation, notes: list[str]) -> ValuationResult:
    """The result with the deterministic bilingual narrative."""
    if isinstance(valuation, PackageValuation):
        return ValuationResult(kind="package", package=valuation, narrative=package_template(valuation),
                               model_used=False, notes=notes)  # fmt: skip
    return ValuationResult(kind="case", case=valuation, narrative=case_template(valuation), model_used=False,
                           notes=notes)  # fmt: skip


async def explain(deps: Deps, valuation: CaseValuation | PackageValuation) -> ValuationResult:
    """Wrap a tool output with its narrative: the model's if configured and grounded, the template otherwise."""
    if not deps.gateway.available:
        return template_result(valuation, [NO_MODEL_NOTE])
    known = None
    if isinstance(valuation, CaseValuation):
        known = KnownPII.from_case(deps.cases.get_case(valuation.case_id))
    narrative, note = await model_narrative(deps, valuation, known)
    if narrative is None:
        return template_result(valuation, [note] if note else [])
    result = template_result(valuation, [])
    return result.model_copy(update={"narrative": narrative, "model_used": True})
