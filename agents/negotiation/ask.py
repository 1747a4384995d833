"""The debtor's own ask against authority and earlier supervisor decisions: covered, rejected, pending or new."""

from __future__ import annotations

from pydantic import BaseModel, Field

from agents.negotiation.types import ApprovalUse, Finding
from core.domain import CaseFile
from tools.negotiation.approvals import NegotiationStore
from tools.negotiation.approved import Decided, covers
from tools.negotiation.authority import AuthorityRole
from tools.negotiation.models import OfferCheck, OfferTerms
from tools.negotiation.offers import PlanRequest, check_terms


class AskOutcome(BaseModel):
    """What the debtor's ask leads to this turn."""

    ask_check: OfferCheck
    approval_id: int | None = Field(default=None, description="Pending approval the ask waits on (new or reused)")
    use: ApprovalUse
    findings: list[Finding] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    wish: PlanRequest = Field(default_factory=PlanRequest, description="Plan shape for the in-matrix offer")


def settle_ask(
    store: NegotiationStore,
    case: CaseFile,
    terms: OfferTerms,
    role: AuthorityRole,
    prior: Decided,
    *,
    actor: str,
    thread_id: str,
) -> AskOutcome:
    """Check ``terms`` against ``role``'s authority, then against the case's approvals.

    Within authority: the plan follows the asked months. Beyond it: covered by an approval still in force (checked
    against the supervisor's row, no new request); a repeat of rejected terms (no new request, flagged); already
    waiting on an identical pending approval (reused); otherwise a new pending approval.
    """
    check = check_terms(case, terms, role)
    use = ApprovalUse(offered=prior.approval_id, problems=list(prior.problems))
    if check.within_authority:
        wish = PlanRequest(months=terms.months or None) if terms.kind == "instalment" else PlanRequest()
        return AskOutcome(ask_check=check, use=use, wish=wish)
    if prior.approved_offer is not None and covers(prior.approved_offer.terms(), terms):
        use.ask_covered = prior.approval_id
        note = f"债务人的要求已由审批 #{prior.approval_id} 覆盖 / ask covered by approval #{prior.approval_id}"
        return AskOutcome(ask_check=check_terms(case, terms, "supervisor"), use=use, notes=[note])
    limits = ", ".join(b.limit for b in check.breaches)
    rejected = next((rid for rid, old in reversed(prior.rejected) if covers(terms, old)), None)
    if rejected is not None:
        use.ask_rejected = rejected
        finding = Finding(kind="authority", source="message", detail=f"{limits}; 已被主管驳回 / rejected #{rejected}")
        note = f"同样的要求已被主管驳回（#{rejected}），不再提交审批 / same terms were rejected (#{rejected})"
        return AskOutcome(ask_check=check, use=use, findings=[finding], notes=[note])
    pending = next(
        (a.id for a in store.approvals(status="pending", case_id=case.id) if a.terms == terms),
        None,
    )
    if pending is not None:
        use.pending_reused = pending
        approval_id = pending
    else:
        approval_id = store.request_approval(case.id, check, requested_by=actor, thread_id=thread_id).id
    finding = Finding(kind="authority", source="message", detail=limits)
    return AskOutcome(ask_check=check, approval_id=approval_id, use=use, findings=[finding])
