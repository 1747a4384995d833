import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from core.deps import Deps
from core.domain import Bucket, CaseFile
from tools.negotiation.approvals import ApprovalError, Decision, NegotiationStore
from tools.negotiation.authority import AUTHORITY_FILE, AuthorityError, default_matrix, load_matrix
from tools.negotiation.models import OfferTerms
from tools.negotiation.offers import (
    PlanRequest,
    check_terms,
    instalment_offer,
    limits_for,
    max_discount,
    max_penalty_waiver,
    position,
    settlement_offer,
)
from tools.negotiation.schedule import add_months, equal_instalment_schedule, level_payment

D = Decimal
TODAY = dt.date(2026, 11, 3)


def test_equal_instalment_against_hand_computed_values() -> None:
    # P = 10,000.00 at 12% a year (1% a month) over 12 months: P*r*(1+r)^n/((1+r)^n-1) = 888.4879 -> 888.49.
    s = equal_instalment_schedule(D("10000.00"), D("0.12"), 12, dt.date(2026, 1, 31))
    assert s.level_payment == D("888.49")
    first, second, last = s.instalments[0], s.instalments[1], s.instalments[-1]
    assert (first.interest, first.principal, first.balance_after) == (D("100.00"), D("788.49"), D("9211.51"))
    # 9211.51 * 1% = 92.1151 -> 92.12 (half up)
    assert (second.interest, second.principal, second.balance_after) == (D("92.12"), D("796.37"), D("8415.14"))
    # The last instalment absorbs rounding: 879.67 principal + 8.80 interest = 888.47.
    assert (last.principal, last.interest, last.payment, last.balance_after) == (
        D("879.67"), D("8.80"), D("888.47"), D("0.00"),
    )  # fmt: skip
    assert sum(r.principal for r in s.instalments) == D("10000.00")
    assert s.total_interest == D("661.86") and s.total_paid == D("10661.86")
    assert [r.due_on for r in s.instalments[:3]] == [dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31)]


def test_zero_rate_schedule_and_bad_input() -> None:
    s = equal_instalment_schedule(D("1000.00"), D("0"), 3, dt.date(2026, 1, 15))
    assert [r.payment for r in s.instalments] == [D("333.33"), D("333.33"), D("333.34")]
    assert level_payment(D("1200.00"), D("0.06"), 1) == D("1206.00")
    with pytest.raises(ValueError):
        equal_instalment_schedule(D("100.001"), D("0.1"), 3, TODAY)
    with pytest.raises(ValueError):
        level_payment(D("100"), D("0.1"), 0)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)


def test_matrix_covers_every_cell_and_refuses_gaps(tmp_path: Path) -> None:
    matrix = default_matrix()
    for bucket in Bucket:
        for amount in (D("0"), D("49999.99"), D("50000"), D("10000000")):
            for role in ("collector", "supervisor"):
                assert matrix.limits(bucket, amount, role) is not None  # type: ignore[arg-type]
    raw = yaml.safe_load(AUTHORITY_FILE.read_text(encoding="utf-8"))
    raw["rules"] = raw["rules"][1:]
    broken = tmp_path / "m.yaml"
    broken.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(AuthorityError, match="no rule covers M0/small/collector"):
        load_matrix(broken)
    raw = yaml.safe_load(AUTHORITY_FILE.read_text(encoding="utf-8"))
    raw["rules"].append(raw["rules"][0])
    broken.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(AuthorityError, match="both cover"):
        load_matrix(broken)


def test_supervisor_authority_is_never_narrower_than_collector() -> None:
    matrix = default_matrix()
    for bucket in Bucket:
        for amount in (D("1000"), D("100000"), D("900000")):
            c, s = matrix.limits(bucket, amount, "collector"), matrix.limits(bucket, amount, "supervisor")
            assert s.max_discount >= c.max_discount and s.waivable_penalty >= c.waivable_penalty
            assert s.max_instalments >= c.max_instalments and s.min_down_payment <= c.min_down_payment


def cases(deps: Deps, n: int = 300) -> list[CaseFile]:
    return [deps.cases.get_case(f"C{i:06d}") for i in range(1, n + 1)]


def test_every_calculated_offer_is_inside_the_matrix_and_exact(deps: Deps) -> None:
    checked = 0
    for case in cases(deps):
        for role in ("collector", "supervisor"):
            for wish in (PlanRequest(), PlanRequest(months=6), PlanRequest(monthly_budget=D("800"))):
                offer = instalment_offer(case, role, TODAY, wish)  # type: ignore[arg-type]
                if offer is None:
                    assert case.loan.outstanding_total == 0
                    continue
                assert check_terms(case, offer.terms(), role).within_authority  # type: ignore[arg-type]
                if offer.schedule is not None:
                    assert offer.down_payment + sum(r.principal for r in offer.schedule.instalments) == offer.amount_due
                    assert offer.amount_due + offer.penalty_waived == case.loan.outstanding_total
                checked += 1
            settle = settlement_offer(case, role, TODAY)  # type: ignore[arg-type]
            if settle is not None:
                assert check_terms(case, settle.terms(), role).within_authority  # type: ignore[arg-type]
                assert settle.amount_due + settle.discount + settle.penalty_waived == case.loan.outstanding_total
    assert checked > 1000


def test_check_terms_reports_breaches_and_supervisor_cover(deps: Deps) -> None:
    case = next(c for c in cases(deps, 120) if c.loan.bucket == Bucket.M6_PLUS and c.loan.outstanding_total > 1000)
    pos = position(case)
    collector = limits_for(case, "collector")
    supervisor = limits_for(case, "supervisor")
    over_collector = max_discount(pos, collector) + D("0.01")
    check = check_terms(case, OfferTerms(kind="settlement", discount=over_collector), "collector")
    assert not check.within_authority and [b.limit for b in check.breaches] == ["max_discount"]
    assert check.supervisor_covers is (over_collector <= max_discount(pos, supervisor))
    everything = OfferTerms(kind="settlement", discount=pos.principal + pos.interest, penalty_waived=pos.penalty)
    full = check_terms(case, everything, "supervisor")
    assert not full.within_authority and not full.supervisor_covers
    months = check_terms(
        case,
        OfferTerms(kind="instalment", months=supervisor.max_instalments + 1, down_payment=pos.total),
        "supervisor",
    )
    assert [b.limit for b in months.breaches] == ["max_instalments"]
    assert max_penalty_waiver(pos, collector) <= pos.penalty


def test_approvals_survive_a_new_store_and_are_decided_once(deps: Deps) -> None:
    case = deps.cases.get_case("C000003")
    check = check_terms(case, OfferTerms(kind="settlement", discount=position(case).principal), "collector")
    store = NegotiationStore(deps.sessions)
    record = store.request_approval(case.id, check, requested_by="test", thread_id="t-1")
    again = NegotiationStore(deps.sessions)  # a new store (as after a restart) reads the same row
    assert [a.id for a in again.approvals(status="pending")] == [record.id]
    decided = again.decide(record.id, Decision(approve=False, note="too much"), decided_by="sup")
    assert decided.status == "rejected" and decided.decided_by == "sup" and decided.terms == check.terms
    with pytest.raises(ApprovalError, match="already rejected"):
        again.decide(record.id, Decision(approve=True), decided_by="sup")
    with pytest.raises(ApprovalError, match="unknown"):
        again.get_approval(999)
    audit = [a.action for a in deps.cases.get_case(case.id).audit]
    assert "offer_approval_requested" in audit and "offer_rejected" in audit
