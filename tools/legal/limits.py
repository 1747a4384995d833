"""Checks on extracted terms: legal interest limits (4x one-year LPR, 24%/36%), capitals vs figures, dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel

from retrieval.rule_params import rule_params
from tools.extraction.schema import ContractTerms, Finding
from tools.legal.lpr import LprUnknownError, lpr_on

LIMITS_FILE = Path(__file__).resolve().parent / "data" / "limits.yaml"


class RateCap(BaseModel):
    """The interest cap that applies to a contract formed on a date."""

    annual: Decimal | None
    """The protected annual rate as a fraction; None when it cannot be known (LPR missing)."""
    void_above: Decimal | None = None
    basis: str
    rule: str
    verified: bool
    note: str = ""


class _PrivateLending(BaseModel):
    rule_param: str
    rule: str
    revision_2020_effective: dt.date
    legacy_protected_annual: Decimal
    legacy_void_above_annual: Decimal
    legacy_source: str
    legacy_verified: bool


class _Financial(BaseModel):
    total_cost_cap_annual: Decimal
    source: str
    verified: bool


class Limits(BaseModel):
    """The limits data file."""

    private_lending: _PrivateLending
    financial_institution: _Financial


@lru_cache(maxsize=1)
def load_limits(path: Path = LIMITS_FILE) -> Limits:
    """Read the limits data file."""
    return Limits.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def private_lending_cap(formed_on: dt.date) -> RateCap:
    """The private-lending cap for a contract formed on ``formed_on``.

    From the 2020 revision on: a multiple (from the rule params) of the one-year LPR at formation. Before it: the
    2015 provisions' 24% protected / 36% void thresholds.
    """
    limits = load_limits().private_lending
    if formed_on < limits.revision_2020_effective:
        return RateCap(
            annual=limits.legacy_protected_annual, void_above=limits.legacy_void_above_annual,
            basis="24%/36% (2015 provisions)", rule=limits.legacy_source, verified=limits.legacy_verified,
        )  # fmt: skip
    param = rule_params().get(limits.rule_param)
    multiple = Decimal(str(param.value["multiple_of_one_year_lpr"]))
    try:
        lpr = lpr_on(formed_on)
    except LprUnknownError as exc:
        return RateCap(annual=None, basis=f"{multiple}x one-year LPR", rule=limits.rule, verified=False, note=str(exc))
    return RateCap(
        annual=(multiple * lpr.rate).normalize(),
        basis=f"{multiple}x one-year LPR {lpr.rate * 100:.2f}% (announced {lpr.announced.isoformat()})",
        rule=limits.rule,
        verified=param.verified and lpr.verified,
    )


def formation_date(terms: ContractTerms) -> dt.date | None:
    """The contract's formation date: signing date, else the start date."""
    for field in (terms.signing_date, terms.start_date):
        if field is not None:
            return field.value
    return None


def _rate_findings(terms: ContractTerms) -> list[Finding]:
    formed = formation_date(terms)
    if terms.annual_rate is None or formed is None:
        return [Finding(code="rate_not_checked", severity="info", message="no rate or no contract date to check")]
    rate = terms.annual_rate.value.annual
    penalty = terms.penalty.value.annual(rate) if terms.penalty else None
    cap = private_lending_cap(formed)
    out: list[Finding] = []
    if cap.annual is None:
        out.append(Finding(code="cap_unknown", severity="warning", field="annual_rate", rule=cap.rule,
                           verified=False, message=f"cannot check the interest cap: {cap.note}"))  # fmt: skip
    else:
        for field, value in (("annual_rate", rate), ("penalty", penalty)):
            if value is None or value <= cap.annual:
                continue
            void = cap.void_above is not None and value > cap.void_above
            out.append(Finding(
                code="rate_above_void_threshold" if void else "rate_above_cap", severity="error" if void else "warning",
                field=field, rule=cap.rule, verified=cap.verified,
                message=f"{field} {value * 100:.4g}% a year is above the protected {cap.annual * 100:.4g}% "
                f"({cap.basis}); the excess is not enforceable in a private-lending claim",
            ))  # fmt: skip
    fin = load_limits().financial_institution
    total = max(rate, penalty or rate)
    if total > fin.total_cost_cap_annual:
        out.append(Finding(
            code="cost_above_24pct", severity="warning",
            field="penalty" if penalty and penalty > rate else "annual_rate",
            rule=fin.source, verified=fin.verified,
            message=f"annual cost {total * 100:.4g}% exceeds {fin.total_cost_cap_annual * 100:.0f}%: courts commonly "
            "refuse the excess for loans by financial institutions (claim at most the cap)",
        ))  # fmt: skip
    return out


def _date_findings(terms: ContractTerms) -> list[Finding]:
    from core.synth.contracts.spec import add_months

    out: list[Finding] = []
    start, end = terms.start_date, terms.maturity_date
    if start and end and start.value >= end.value:
        out.append(Finding(code="dates_out_of_order", severity="error", field="maturity_date",
                           message="maturity date is not after the start date"))  # fmt: skip
    if start and end and terms.term_months and add_months(start.value, terms.term_months.value) != end.value:
        message = f"start plus {terms.term_months.value} months is not the maturity date"
        out.append(Finding(code="term_mismatch", severity="warning", field="term_months", message=message))
    if terms.signing_date and start and terms.signing_date.value > start.value:
        out.append(Finding(code="signed_after_start", severity="warning", field="signing_date",
                           message="the contract was signed after the loan term started"))  # fmt: skip
    return out


def check_terms(terms: ContractTerms) -> list[Finding]:
    """Every check on a contract's terms; an empty list means nothing to flag."""
    out: list[Finding] = []
    figures, capitals = terms.principal, terms.principal_capitals
    if figures and capitals and figures.value.amount != capitals.value.amount:
        out.append(Finding(
            code="principal_mismatch", severity="error", field="principal",
            message=f"principal in figures {figures.value.amount} and in capitals {capitals.value.text} "
            f"({capitals.value.amount}) disagree",
        ))  # fmt: skip
    return out + _date_findings(terms) + _rate_findings(terms)
