"""Evaluators of the valuation suite: portfolio recovery vs truth, collateral MAPE, Monte Carlo vs closed form."""

from __future__ import annotations

import numpy as np

from evals.models import EvalScore
from evals.targets.valuation import ValuationSuiteOutput


class MissingOutputError(ValueError):
    """The target produced nothing for this evaluator to score."""


def portfolio_recovery_error(output: ValuationSuiteOutput) -> EvalScore:
    """Worst relative error of the predicted 12-month portfolio recovery against the generator's truth."""
    if not output.portfolios:
        raise MissingOutputError("the target valued no portfolio")
    errors = [abs(p.predicted / p.truth - 1.0) for p in output.portfolios]
    lines = [
        f"seed {p.seed} ({p.cases:,} cases): predicted {p.predicted:,.0f} (closed form {p.analytic:,.0f}) vs truth "
        f"{p.truth:,.0f} yuan, {p.predicted / p.truth - 1:+.2%}"
        for p in output.portfolios
    ]
    return EvalScore(key="portfolio_recovery_error", score=max(errors), comment="\n".join(lines))


def collateral_mape(output: ValuationSuiteOutput) -> EvalScore:
    """Mean absolute percentage error of the comparables value against the flats' true market value."""
    if not output.collateral_errors:
        raise MissingOutputError("the target valued no pledged flat")
    errors = np.asarray(output.collateral_errors)
    n = len(errors)
    return EvalScore(
        key="collateral_mape",
        score=float(errors.mean()),
        comment=(
            f"{n} flats; median APE {np.median(errors):.2%}, P90 {np.quantile(errors, 0.9):.2%}; 90% interval "
            f"covers the true value for {output.interval_hits / n:.1%}; the bank's stored appraisal has MAPE "
            f"{np.mean(output.appraisal_errors):.2%} on the same flats"
        ),
    )


def mc_vs_analytic(output: ValuationSuiteOutput) -> EvalScore:
    """Relative gap between the simulated mean recovery of one case and its closed-form expectation."""
    if not output.mc_case or output.analytic_mean <= 0:
        raise MissingOutputError("the target ran no Monte Carlo check")
    gap = abs(output.mc_mean / output.analytic_mean - 1.0)
    return EvalScore(
        key="mc_vs_analytic",
        score=gap,
        comment=f"case {output.mc_case}: simulated {output.mc_mean:,.2f} vs closed form {output.analytic_mean:,.2f}",
    )
