"""Draft a legal document from a case and its stored contract extraction: checks, template context, DOCX."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from core.capitals import to_capitals
from core.domain import CaseFile
from tools.extraction.identities import IdentityVault
from tools.extraction.schema import ContractTerms, ExtractionResult, Party, Sourced
from tools.legal.claims import ClaimsCalculation, calculate_claims
from tools.legal.documents import DocumentKind, render_docx

METHODS_ZH = {
    "equal_instalment": "等额本息",
    "equal_principal": "等额本金",
    "interest_first": "按月付息、到期还本",
    "bullet": "到期一次性还本付息",
    "minimum_payment": "最低还款额",
}
FALLBACK_COURT = "被告住所地有管辖权的人民法院"


class DraftingError(ValueError):
    """The document cannot be drafted from this case and contract; the message says what to fix."""


class Draft(BaseModel):
    """A drafted document before it is stored: the DOCX, its claims and what a reviewer should look at."""

    kind: DocumentKind
    case_id: str
    extraction_id: str | None
    claim_date: dt.date
    content: bytes = Field(repr=False, description="DOCX bytes; names people: store encrypted, never log")
    claims: ClaimsCalculation
    warnings: list[str] = Field(default_factory=list)


def date_zh(day: dt.date) -> str:
    """2024年3月5日."""
    return f"{day.year}年{day.month}月{day.day}日"


def _pct(rate: Decimal) -> str:
    return f"{(rate * 100).quantize(Decimal('0.0001')).normalize():f}%"


def _reveal(vault: IdentityVault, value: str | None) -> str | None:
    if value is None:
        return None
    return vault.reveal(value) if value.startswith("<") else value


def _party(vault: IdentityVault, item: Sourced[Party]) -> dict[str, str]:
    name, id_number = _reveal(vault, item.value.name), _reveal(vault, item.value.id_number)
    if name is None:
        raise DraftingError(f"the stored extraction has no identity behind {item.value.name}")
    return {"name": name, "resident_id": id_number or "________________"}


def check_contract(case: CaseFile, terms: ContractTerms, vault: IdentityVault) -> None:
    """The contract must be this case's loan, with the debtor as borrower, and go to court (not arbitration).

    Raises:
        DraftingError: with what does not match.
    """
    if terms.contract_no is not None and terms.contract_no.value != case.loan.contract_no:
        raise DraftingError(
            f"the stored contract number {terms.contract_no.value} is not the case's loan contract "
            f"{case.loan.contract_no}: extract the right contract with --case {case.id} --store"
        )
    if terms.borrower is None or _reveal(vault, terms.borrower.value.name) != case.debtor.name:
        raise DraftingError("the contract's borrower is missing or is not the case's debtor")
    if terms.lender is None:
        raise DraftingError("the extraction has no lender: the plaintiff cannot be named")
    if terms.dispute is not None and terms.dispute.value.forum == "arbitration":
        raise DraftingError(
            f"the contract sends disputes to arbitration ({terms.dispute.value.venue}): a court filing is not "
            "available; prepare an arbitration application instead"
        )


def _rate_text(terms: ContractTerms) -> str:
    rate = terms.annual_rate.value if terms.annual_rate else None
    if rate is None:
        return "未约定"
    if rate.basis == "annual":
        return _pct(rate.annual)
    unit = "日" if rate.basis == "daily" else "月"
    return f"{_pct(rate.annual)}（{unit}利率{rate.stated_percent.normalize():f}%）"


def _penalty_text(terms: ContractTerms) -> str:
    penalty = terms.penalty.value if terms.penalty else None
    if penalty is None:
        return "未约定"
    if penalty.rate is not None:
        return f"按年利率{_pct(penalty.rate.annual)}计收"
    return f"在合同利率基础上加收{_pct(penalty.markup or Decimal(0))}"


def build_context(
    case: CaseFile, terms: ContractTerms, vault: IdentityVault, claims: ClaimsCalculation, *, draft_date: dt.date
) -> tuple[dict[str, Any], list[str]]:
    """The template variables, and warnings for the reviewer (court not named, dates missing...)."""
    warnings = list(claims.warnings)
    court = FALLBACK_COURT
    if terms.dispute is not None:
        court = terms.dispute.value.venue
    else:
        warnings.append("合同未约定管辖法院：受诉法院待人工确定 / no court in the contract: set it by hand")
    guarantors = [_party(vault, g) for g in terms.guarantors]
    principal = terms.principal.value.amount if terms.principal else case.loan.principal
    start = terms.start_date.value if terms.start_date else case.loan.disbursement_date
    maturity = terms.maturity_date.value if terms.maturity_date else None
    signing = terms.signing_date.value if terms.signing_date else start
    by_item = {line.item: line for line in claims.lines}
    accrued = by_item.get("penalty_accrued")
    penalty_line = by_item["penalty"]
    penalty_rate = accrued.applied_annual if accrued else penalty_line.applied_annual
    debtor = case.debtor
    context: dict[str, Any] = {
        "lender": terms.lender.value if terms.lender else "",
        "court": court,
        "debtor": {
            "name": debtor.name,
            "gender_zh": {"M": "男", "F": "女"}.get(debtor.gender, debtor.gender),
            "birth_date_zh": date_zh(debtor.birth_date),
            "resident_id": debtor.resident_id,
            "address": debtor.address,
        },
        "service_address": _reveal(vault, terms.service_address.value) if terms.service_address else None,
        "guarantors": guarantors,
        "guarantor_names": "、".join(g["name"] for g in guarantors),
        "contract_title": "借款合同",
        "contract_no": claims.contract_no,
        "principal": f"{principal:.2f}",
        "principal_capitals": to_capitals(principal.quantize(Decimal("0.01"))),
        "rate_pct": _rate_text(terms),
        "penalty_text": _penalty_text(terms),
        "penalty_rate_pct": _pct(penalty_rate) if penalty_rate is not None else "合同约定",
        "term_months": terms.term_months.value if terms.term_months else case.loan.term_months,
        "start_date_zh": date_zh(start),
        "maturity_date_zh": date_zh(maturity) if maturity else "合同约定的到期日",
        "repayment_method_zh": METHODS_ZH.get(terms.repayment_method.value, "合同约定方式")
        if terms.repayment_method
        else "合同约定方式",
        "collateral": terms.collateral.value if terms.collateral else None,
        "signing_date_zh": date_zh(signing),
        "default_date_zh": date_zh(claims.default_date),
        "claim_date_zh": date_zh(claims.claim_date),
        "draft_date_zh": date_zh(draft_date),
        "claims": {"total": f"{claims.total:f}", "total_capitals": claims.total_capitals},
        "claims_by": {
            "principal": f"{by_item['principal'].amount:f}",
            "interest": f"{by_item['interest'].amount:f}",
            "penalty_total": f"{penalty_line.amount + (accrued.amount if accrued else 0):f}",
        },
        "cap_basis": claims.cap.basis,
        "cap_rule": claims.cap.rule,
        "verified": claims.verified,
        "copies": 1 + len(guarantors),
    }
    return context, warnings


def draft(
    case: CaseFile,
    extraction: ExtractionResult,
    vault: IdentityVault,
    kind: DocumentKind,
    *,
    claim_date: dt.date | None = None,
    draft_date: dt.date | None = None,
) -> Draft:
    """Draft ``kind`` for ``case`` from its stored extraction.

    Args:
        case: The case (debtor, loan ledger as of ``case.as_of``).
        extraction: The stored extraction of the case's contract.
        vault: The raw identities behind the extraction's pseudonyms.
        kind: complaint, preservation or payment-order.
        claim_date: Date interest is counted to; the case's ledger date by default.
        draft_date: Date printed on the document; today by default.

    Raises:
        DraftingError: the contract does not fit the case or the forum.
        ClaimsError: the claims cannot be calculated.
    """
    terms = extraction.terms
    check_contract(case, terms, vault)
    claims = calculate_claims(
        terms, case.loan, case_id=case.id, ledger_date=case.as_of, claim_date=claim_date or case.as_of
    )
    context, warnings = build_context(case, terms, vault, claims, draft_date=draft_date or dt.date.today())
    return Draft(
        kind=kind,
        case_id=case.id,
        extraction_id=extraction.extraction_id,
        claim_date=claims.claim_date,
        content=render_docx(kind, context, claims),
        claims=claims,
        warnings=warnings,
    )
