import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from agents.negotiation.entry import TurnRequest, TurnResult, run_turn_sqlite
from agents.negotiation.templates import fill
from core.deps import Deps, build_deps
from core.settings import Role
from tests.conftest import make_settings
from tests.fakes.sglang import FakeSGLang, Reply
from tests.test_negotiation.test_negotiation_graph import FIXED
from tools.negotiation.approvals import ApprovalRecord, Decision, NegotiationStore
from tools.negotiation.approved import ApprovedTermsError, approved_offer, covers, decided
from tools.negotiation.models import OfferTerms
from tools.negotiation.offers import check_terms

D = Decimal
TODAY = dt.date(2026, 11, 3)
LUMP = "一次性还十万行不行"  # C000003 (M6+, 144587.91 owed): beyond a collector's 15%, inside a supervisor's 30%


async def turn(deps: Deps, db: Path, case_id: str, message: str, thread: str, role: Role = "collector") -> TurnResult:
    request = TurnRequest(case_id=case_id, message=message)
    return await run_turn_sqlite(deps, db, request, thread_id=thread, role=role, actor="test", clock=lambda: FIXED)


def decide(deps: Deps, approval_id: int | None, approve: bool) -> None:
    assert approval_id is not None
    NegotiationStore(deps.sessions).decide(approval_id, Decision(approve=approve, note="t"), decided_by="sup")


async def test_approved_settlement_becomes_the_offer_in_the_thread_and_for_the_case(deps: Deps, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    first = await turn(deps, db, "C000003", LUMP, "a")
    assert first.approval_id is not None and first.offers[0].amount_due != D("100000.00")
    decide(deps, first.approval_id, approve=True)
    # same thread, a turn with no ask of its own: the approved terms are stated
    later = await turn(deps, db, "C000003", "审批结果出来了吗", "a")
    offer = later.offers[0]
    assert later.approvals and later.approvals.offered == first.approval_id
    assert (offer.kind, offer.role, offer.amount_due) == ("settlement", "supervisor", D("100000.00"))
    case = deps.cases.get_case("C000003")
    assert check_terms(case, offer.terms(), "supervisor").within_authority
    assert not check_terms(case, offer.terms(), "collector").within_authority
    assert all(check_terms(case, o.terms(), "collector").within_authority for o in later.offers[1:])
    assert later.draft and later.draft.sendable
    assert later.draft.template_id == "approved-scripts-zh/negotiation-partial-waiver"
    due = f"{offer.due_on.month}月{offer.due_on.day}日"
    assert f"{due}前一次性结清本金100000.00元" in (later.draft.text or "")
    # another thread on the same case: the same ask is covered, nothing new is queued and nobody is needed
    other = await turn(deps, db, "C000003", LUMP, "b")
    assert other.approvals and other.approvals.ask_covered == first.approval_id and other.approval_id is None
    assert other.ask_check and other.ask_check.within_authority and other.ask_check.role == "supervisor"
    assert other.handoff is None and other.offers[0].amount_due == D("100000.00")
    assert other.draft and other.draft.sendable and "100000.00" in (other.draft.text or "")
    assert len(NegotiationStore(deps.sessions).approvals(case_id="C000003")) == 1


async def test_rejected_terms_are_not_offered_or_queued_again(deps: Deps, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    first = await turn(deps, db, "C000003", LUMP, "a")
    decide(deps, first.approval_id, approve=False)
    store = NegotiationStore(deps.sessions)
    case = deps.cases.get_case("C000003")
    for message in (LUMP, "一次性还九万行不行"):  # the same, and a more generous ask
        again = await turn(deps, db, "C000003", message, f"t-{message}")
        assert again.approval_id is None and again.approvals and again.approvals.ask_rejected == first.approval_id
        assert again.approvals.offered is None
        assert all(check_terms(case, o.terms(), "collector").within_authority for o in again.offers)
        text = again.draft.text if again.draft else None
        assert text and "100000.00" not in text and "90000.00" not in text
        assert any(f.kind == "authority" and f"#{first.approval_id}" in f.detail for f in again.findings)
        assert again.handoff and f"#{first.approval_id}" in again.handoff.summary
    assert store.approvals(status="pending", case_id="C000003") == []
    # a less generous ask that is still beyond authority is a new question for the supervisor
    smaller = await turn(deps, db, "C000003", "一次性还十二万行不行", "c")
    assert smaller.approval_id is not None and smaller.approval_id != first.approval_id


async def test_approved_plan_with_down_payment_is_drafted_from_the_calculator(deps: Deps, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    first = await turn(deps, db, "C000006", "能不能分24期", "a")  # M2: a collector may give 12 months, a supervisor 24
    assert first.approval_id is not None and first.offers[0].months == 12
    repeat = await turn(deps, db, "C000006", "能不能分24期", "a")
    assert repeat.approval_id == first.approval_id and repeat.approvals and repeat.approvals.pending_reused
    decide(deps, first.approval_id, approve=True)
    later = await turn(deps, db, "C000006", "审批结果出来了吗", "a")
    plan = later.offers[0]
    assert (plan.kind, plan.role, plan.months) == ("instalment", "supervisor", 24)
    assert plan.schedule is not None and len(plan.schedule.instalments) == 24
    assert sum(i.principal for i in plan.schedule.instalments) == plan.schedule.principal
    assert plan.schedule.principal == plan.amount_due - plan.down_payment
    text = later.draft.text if later.draft else None
    assert later.draft and later.draft.sendable and text
    assert later.draft.template_id == "approved-scripts-zh/negotiation-installment-down-payment"
    for number in (plan.down_payment, plan.schedule.principal, plan.monthly_payment):
        assert f"{number}元" in text
    assert "24期" in text


def record(approval_id: int, status: str, terms: OfferTerms) -> ApprovalRecord:
    return ApprovalRecord(
        id=approval_id, case_id="C000003", thread_id=None, created_at=FIXED, requested_by="t", terms=terms,
        breaches=[], supervisor_covers=True, matrix_version="x", status=status,  # type: ignore[arg-type]
    )  # fmt: skip


def test_covers_compares_every_term() -> None:
    plan = OfferTerms(kind="instalment", penalty_waived=D(10), down_payment=D(100), months=24)
    assert covers(plan, plan.model_copy(update={"months": 12, "down_payment": D(200)}))
    assert not covers(plan, plan.model_copy(update={"months": 36}))
    assert not covers(plan, plan.model_copy(update={"down_payment": D(50)}))
    assert not covers(plan, OfferTerms(kind="settlement"))
    lump = OfferTerms(kind="settlement", discount=D(500), penalty_waived=D(10))
    assert covers(lump, lump.model_copy(update={"discount": D(400)}))
    assert not covers(lump, lump.model_copy(update={"penalty_waived": D(11)}))


def test_approved_terms_are_revalidated_against_the_supervisor_row(deps: Deps) -> None:
    case = deps.cases.get_case("C000003")
    base = case.loan.outstanding_principal + case.loan.outstanding_interest
    too_much = OfferTerms(kind="settlement", discount=(base * D("0.5")).quantize(D("0.01")))
    with pytest.raises(ApprovedTermsError, match="max_discount"):
        approved_offer(case, too_much, TODAY, approval_id=9)
    fine = OfferTerms(kind="settlement", discount=(base * D("0.25")).quantize(D("0.01")))
    out = decided(case, [record(1, "approved", fine), record(2, "approved", too_much)], TODAY)
    # the newest approval no longer fits, so the older one is used and the problem is reported
    assert out.approval_id == 1 and out.approved_offer and out.approved_offer.discount == fine.discount
    assert out.problems and "#2" in out.problems[0]
    withdrawn = decided(case, [record(1, "approved", fine), record(2, "rejected", fine)], TODAY)
    assert withdrawn.approved_offer is None and "superseded" in withdrawn.problems[0]


def test_plan_without_down_payment_uses_the_script_without_one(deps: Deps) -> None:
    from agents.negotiation.nodes import case_facts
    from tools.negotiation.offers import instalment_offer

    case = deps.cases.get_case("C000006")
    plan = instalment_offer(case, "collector", TODAY)
    assert plan is not None
    with_down = fill("plan", "sms", case_facts(case), plan, None)
    assert with_down.template_id.endswith("negotiation-installment-down-payment") and "首付款" in with_down.text
    no_down = plan.model_copy(update={"down_payment": D("0.00")})
    without = fill("plan", "sms", case_facts(case), no_down, None)
    assert without.template_id.endswith("/negotiation-installment") and "首付款" not in without.text


async def test_model_draft_must_state_the_approved_terms_not_its_own(var_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    rules = build_deps(make_settings(var_dir))
    first = await turn(rules, db, "C000003", LUMP, "a")
    decide(rules, first.approval_id, approve=True)
    rules.close()
    reading = Reply(content=json.dumps({"intents": [], "emotion": "calm", "vulnerabilities": [], "injection": False}))
    clean = Reply(content=json.dumps({"findings": []}))
    with FakeSGLang() as server:
        deps = build_deps(make_settings(var_dir, llm_base_url=server.base_url, llm_timeout_s=3))
        due = FIXED.date() + dt.timedelta(days=15)
        good = f"主管已同意：请在{due.month}月{due.day}日前一次性结清100000.00元。"
        server.push(reading, Reply(content=json.dumps({"text": good}, ensure_ascii=False)), clean)
        kept = await turn(deps, db, "C000003", "审批结果出来了吗", "b")
        bad = "主管已同意：一次性还80000.00元就可以结清。"
        server.push(reading, Reply(content=json.dumps({"text": bad}, ensure_ascii=False)), clean, clean)
        rewritten = await turn(deps, db, "C000003", "审批结果出来了吗", "c")
        await deps.aclose()
    assert kept.model_used and kept.draft and kept.draft.from_model and kept.draft.text == good
    assert kept.offers[0].amount_due == D("100000.00") and kept.draft.sendable
    assert rewritten.draft and not rewritten.draft.from_model and rewritten.draft.sendable
    assert "100000.00" in (rewritten.draft.text or "") and "80000.00" not in (rewritten.draft.text or "")
    assert any(f.kind == "grounding" and "80000" in f.detail for f in rewritten.findings), rewritten.findings
