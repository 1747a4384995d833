"""Claims calculation (capped, to the cent, line by line) and DOCX rendering of the three legal documents."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from jinja2 import UndefinedError

from core.capitals import parse_capitals
from core.deps import Deps
from core.domain import Loan
from core.synth.contracts import draw_truth, truth_from_case
from core.synth.contracts.render import render_lines
from tools.extraction.document import document_from_text
from tools.extraction.identities import pseudonymise
from tools.extraction.rules import extract_rules
from tools.extraction.schema import ContractTerms, Penalty, Rate, Sourced, Span
from tools.legal.claims import ClaimsError, applied_cap, calculate_claims, regime_for
from tools.legal.documents import KINDS, docx_text, mark_final, paragraphs, render_docx
from tools.legal.drafting import build_context

LEDGER = dt.date(2025, 6, 1)


def _terms(seed: int = 9) -> ContractTerms:
    truth = draw_truth(random.Random(seed), 1, "consumer_loan")
    terms, _ = extract_rules(document_from_text("\n".join(render_lines(truth, 0))))
    return terms


def _loan(**changes: object) -> Loan:
    values: dict[str, object] = {
        "id": "L1", "contract_no": "QH1", "product": "consumer_loan", "principal": Decimal("100000"),
        "annual_rate": Decimal("0.12"), "term_months": 24, "disbursement_date": dt.date(2023, 1, 5),
        "repayment_method": "equal_instalment", "outstanding_principal": Decimal("80000.00"),
        "outstanding_interest": Decimal("1200.00"), "outstanding_penalty": Decimal("300.00"),
        "days_past_due": 95, "bucket": "M4",
    }  # fmt: skip
    values.update(changes)
    return Loan.model_validate(values)


def _with_rate(terms: ContractTerms, annual: str, markup: str | None = "0.5") -> ContractTerms:
    span = Span(page=None, start=0, end=1, quote="x")
    rate = Rate(stated_percent=Decimal(annual) * 100, basis="annual", annual=Decimal(annual))
    penalty = Sourced[Penalty](value=Penalty(markup=Decimal(markup)), span=span, origin="rules") if markup else None
    return terms.model_copy(
        update={"annual_rate": Sourced[Rate](value=rate, span=span, origin="rules"), "penalty": penalty}
    )


def test_accrual_to_the_cent_and_lines_add_up() -> None:
    terms = _with_rate(_terms(), "0.12")
    claims = calculate_claims(terms, _loan(), case_id="C1", ledger_date=LEDGER, claim_date=dt.date(2025, 7, 1))
    by = {line.item: line for line in claims.lines}
    # 80000 x 18% / 360 x 30 = 1200.00 exactly
    assert by["penalty_accrued"].amount == Decimal("1200.00") and by["penalty_accrued"].days == 30
    assert by["penalty_accrued"].formula == "80000.00 × 18% ÷ 360 × 30天 = 1200.00"
    assert claims.total == Decimal("82700.00") == sum(line.amount for line in claims.lines)
    assert parse_capitals(claims.total_capitals) == claims.total
    assert claims.default_date == LEDGER - dt.timedelta(days=95)
    assert claims.cap.regime == "financial_institution" and not claims.verified  # data marked unverified


def test_rates_over_the_cap_are_cut_back_pro_rata() -> None:
    terms = _with_rate(_terms(), "0.30", markup="0.5")  # 30% contract, 45% penalty: both over 24%
    claims = calculate_claims(terms, _loan(), case_id="C1", ledger_date=LEDGER, claim_date=dt.date(2025, 6, 11))
    by = {line.item: line for line in claims.lines}
    assert by["interest"].capped and by["interest"].amount == Decimal("960.00")  # 1200 x 24/30
    assert by["penalty"].amount == Decimal("160.00")  # 300 x 24/45
    assert by["penalty_accrued"].applied_annual == Decimal("0.24")
    assert by["penalty_accrued"].amount == Decimal("533.33")  # 80000 x 24% / 360 x 10 = 533.333
    assert "不予主张" in by["interest"].note
    assert by["principal"].amount == Decimal("80000.00") and not by["principal"].capped


def test_private_lending_uses_four_times_lpr_at_formation() -> None:
    terms = _with_rate(_terms(), "0.20").model_copy(update={"lender": None})
    assert regime_for(None) == "private_lending" and regime_for("青禾银行股份有限公司") == "financial_institution"
    cap = applied_cap("private_lending", dt.date(2023, 7, 1))
    assert cap.annual == Decimal("0.142")  # 4 x 3.55%
    claims = calculate_claims(terms, _loan(), case_id="C1", ledger_date=LEDGER, claim_date=LEDGER)
    assert claims.cap.regime == "private_lending" and {line.item for line in claims.lines} == {
        "principal", "interest", "penalty"
    }  # fmt: skip
    assert next(line for line in claims.lines if line.item == "interest").capped


def test_bad_claim_requests_are_refused() -> None:
    terms = _terms()
    with pytest.raises(ClaimsError, match="before the ledger date"):
        calculate_claims(terms, _loan(), case_id="C1", ledger_date=LEDGER, claim_date=dt.date(2025, 5, 1))
    with pytest.raises(ClaimsError, match="no interest rate"):
        calculate_claims(
            terms.model_copy(update={"annual_rate": None}), _loan(), case_id="C1", ledger_date=LEDGER,
            claim_date=LEDGER,
        )  # fmt: skip
    with pytest.raises(ClaimsError, match="no signing or start date"):
        applied_cap("private_lending", None)


def test_no_penalty_clause_uses_contract_rate_with_a_warning() -> None:
    terms = _with_rate(_terms(), "0.12", markup=None)
    claims = calculate_claims(terms, _loan(), case_id="C1", ledger_date=LEDGER, claim_date=dt.date(2025, 6, 2))
    assert claims.warnings and claims.lines[-1].applied_annual == Decimal("0.12")


def test_paragraph_rule_joins_lines_and_splits_on_blank() -> None:
    assert paragraphs("甲{{ x }}\n乙\n\n丙", {"x": "1"}) == ["甲1乙", "丙"]
    with pytest.raises(UndefinedError, match="'y' is undefined"):
        paragraphs("{{ y }}", {})


@pytest.mark.parametrize("kind", KINDS)
def test_every_template_renders_with_claims_and_banner(kind: str, deps: Deps) -> None:
    case = deps.cases.get_case("C000001")
    truth = truth_from_case(case)
    raw, _ = extract_rules(document_from_text("\n".join(render_lines(truth, 0))))
    terms, vault = pseudonymise(raw, case)
    claims = calculate_claims(terms, case.loan, case_id=case.id, ledger_date=case.as_of, claim_date=case.as_of)
    context, _ = build_context(case, terms, vault, claims, draft_date=dt.date(2025, 6, 2))
    content = render_docx(kind, context, claims)  # type: ignore[arg-type]
    text = docx_text(content)
    assert "DRAFT" in text and f"{claims.total:f}" in text and claims.total_capitals in text
    assert case.debtor.name in text and case.debtor.resident_id in text and "<PERSON_" not in text
    assert "{{" not in text and "{%" not in text and truth.contract_no in text
    at = dt.datetime(2025, 6, 3, tzinfo=dt.UTC)
    final = mark_final(content, approver="api:supervisor", at=at)
    assert "APPROVED" in docx_text(final) and "DRAFT" not in docx_text(final)
    with pytest.raises(ValueError, match="no draft banner"):
        mark_final(final, approver="x", at=at)
