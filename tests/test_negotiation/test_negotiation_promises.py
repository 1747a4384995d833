import datetime as dt
from decimal import Decimal

import pytest

from core.db import schema as s
from core.deps import Deps
from core.repository import CaseNotFoundError
from tools.negotiation.promises import PromiseStore, PromiseTerms, validate_promise

TODAY = dt.date(2026, 11, 3)


def pay(deps: Deps, case_id: str, on: dt.date, fen: int) -> None:
    loan_id = deps.cases.get_case(case_id).loan.id
    with deps.sessions.begin() as session:
        session.add(s.RepaymentEvent(loan_id=loan_id, paid_on=on, amount_fen=fen, channel="app"))


def test_validate_promise_against_the_case(deps: Deps) -> None:
    case = deps.cases.get_case("C000006")
    ok = validate_promise(PromiseTerms(amount=Decimal("3000"), due_on=TODAY + dt.timedelta(days=5)), case, TODAY, 30)
    assert ok.valid and not ok.problems
    too_much = case.loan.outstanding_total + 1
    bad = validate_promise(PromiseTerms(amount=too_much, due_on=TODAY - dt.timedelta(days=1)), case, TODAY, 30)
    assert not bad.valid and len(bad.problems) == 2
    far = validate_promise(PromiseTerms(amount=Decimal("1"), due_on=TODAY + dt.timedelta(days=31)), case, TODAY, 30)
    assert far.problems == ["日期超过 30 天 / date beyond 30 days"]
    missing = validate_promise(PromiseTerms(amount=None, due_on=None), case, TODAY, 30)
    assert len(missing.problems) == 2


def test_promises_are_kept_or_broken_by_repayments(deps: Deps) -> None:
    store = PromiseStore(deps.sessions)
    kept = store.record("C000006", amount=Decimal("3000.00"), due_on=dt.date(2026, 11, 13), made_on=TODAY, actor="t")
    broken = store.record("C000006", amount=Decimal("500.00"), due_on=dt.date(2026, 11, 20), made_on=TODAY, actor="t")
    waiting = store.record("C000006", amount=Decimal("100.00"), due_on=dt.date(2026, 11, 30), made_on=TODAY, actor="t")
    pay(deps, "C000006", dt.date(2026, 11, 2), 999_999)  # before the promise: does not count
    pay(deps, "C000006", dt.date(2026, 11, 10), 200_000)
    pay(deps, "C000006", dt.date(2026, 11, 12), 100_000)  # 2000 + 1000 = 3000: the first promise is kept
    assert (
        store.evaluate("C000006", dt.date(2026, 11, 12)) == [store.for_case("C000006")[0]]
        and store.for_case("C000006")[0].status == "kept"
    )
    changed = store.evaluate("C000006", dt.date(2026, 11, 21))  # nothing left for the second one, now past due
    assert [(c.id, c.status) for c in changed] == [(broken.id, "broken")]
    statuses = {p.id: p.status for p in store.for_case("C000006")}
    assert statuses == {kept.id: "kept", broken.id: "broken", waiting.id: "pending"}
    case = deps.cases.get_case("C000006")
    assert {p.status for p in case.promises} >= {"kept", "broken", "pending"}
    assert [a.action for a in case.audit].count("promise_recorded") == 3
    with pytest.raises(CaseNotFoundError):
        store.record("C999999", amount=Decimal("1"), due_on=TODAY, made_on=TODAY, actor="t")
