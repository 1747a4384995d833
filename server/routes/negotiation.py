"""Negotiation endpoints: one debtor turn on a thread, supervisor approvals, open hand-offs."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from pydantic import BaseModel, Field

from agents.negotiation.entry import TurnRequest, TurnResult, run_turn, run_turn_sqlite
from core.db.threads import ThreadStore
from core.settings import Role
from server.deps import DepsDep, require_roles
from server.tenancy import ListTenant, Scope, TenantScope, only_tenant
from tools.negotiation.approvals import ApprovalError, ApprovalRecord, Decision, HandoffRecord, NegotiationStore

router = APIRouter(tags=["negotiation"])

NegotiatorRole = Annotated[Role, Depends(require_roles("collector", "supervisor", "system"))]
SupervisorRole = Annotated[Role, Depends(require_roles("supervisor"))]
ReaderRole = Annotated[Role, Depends(require_roles("supervisor", "compliance", "qa", "system"))]
GRAPH = "negotiation"
ApprovalId = Annotated[int, Path(ge=1, le=2**53, description="Approval id")]


class DecisionBody(BaseModel):
    """A supervisor's note on an approval decision."""

    note: str = Field(default="", max_length=2000, description="Why, for the audit trail")


def _thread_id(request: Request, body: TurnRequest, role: Role, scope: TenantScope) -> str:
    store = ThreadStore(request.app.state.deps.sessions)
    if body.thread_id is None:
        return store.create(graph=GRAPH, created_by=role, case_id=body.case_id).id
    thread = store.get(body.thread_id)
    if thread is None or thread.graph != GRAPH or not scope.sees_thread(thread):
        raise HTTPException(404, detail=f"unknown negotiation thread: {body.thread_id}")
    if thread.case_id not in (None, body.case_id):
        raise HTTPException(409, detail=f"thread {body.thread_id} negotiates case {thread.case_id}")
    return thread.id


@router.post("/v1/agents/negotiation:invoke", response_model=TurnResult)
async def invoke_negotiation(
    body: TurnRequest, request: Request, deps: DepsDep, scope: Scope, role: NegotiatorRole
) -> TurnResult:
    """Negotiate one debtor turn: reading, offers inside the matrix, a reviewed draft, hand-off when due."""
    if not scope.sees(body.case_id):
        raise HTTPException(404, detail=f"unknown case: {body.case_id}")
    thread_id = _thread_id(request, body, role, scope)
    try:
        graph = getattr(request.app.state, "negotiation", None)
        if graph is not None:
            return await run_turn(deps, graph, body, thread_id=thread_id, role=role, actor=f"api:{role}")
        return await run_turn_sqlite(
            deps, deps.settings.checkpoint_file, body, thread_id=thread_id, role=role, actor=f"api:{role}"
        )
    except ValueError as exc:
        raise HTTPException(422, detail=str(exc)) from None


@router.get("/v1/negotiation/approvals", response_model=list[ApprovalRecord])
def list_approvals(
    deps: DepsDep,
    _role: ReaderRole,
    tenant: ListTenant,
    status: Annotated[Literal["pending", "approved", "rejected"] | None, Query()] = "pending",
    case_id: Annotated[str | None, Query(pattern=r"^C\d{6,7}$")] = None,
) -> list[ApprovalRecord]:
    """Approval requests (pending ones by default; a tenant-bound key sees its tenant's only)."""
    rows = NegotiationStore(deps.sessions).approvals(status=status, case_id=case_id)
    return rows if tenant is None else only_tenant(deps.cases, rows, lambda r: r.case_id, tenant)


def _decide(
    deps: DepsDep, scope: TenantScope, approval_id: int, approve: bool, note: str, role: Role
) -> ApprovalRecord:
    store = NegotiationStore(deps.sessions)
    try:
        record = store.get_approval(approval_id)
    except ApprovalError as exc:
        raise HTTPException(404, detail=str(exc)) from None
    if not scope.sees(record.case_id):
        # Worded as the store words an unknown id, so another tenant's approvals cannot be told apart from none.
        raise HTTPException(404, detail=f"unknown approval: {approval_id}")
    try:
        return store.decide(approval_id, Decision(approve=approve, note=note), decided_by=f"api:{role}")
    except ApprovalError as exc:
        raise HTTPException(409, detail=str(exc)) from None


@router.post("/v1/negotiation/approvals/{approval_id}:approve", response_model=ApprovalRecord)
def approve(
    approval_id: ApprovalId, deps: DepsDep, scope: Scope, role: SupervisorRole, body: DecisionBody | None = None
) -> ApprovalRecord:
    """Approve an offer beyond authority (supervisors only)."""
    return _decide(deps, scope, approval_id, True, body.note if body else "", role)


@router.post("/v1/negotiation/approvals/{approval_id}:reject", response_model=ApprovalRecord)
def reject(
    approval_id: ApprovalId, deps: DepsDep, scope: Scope, role: SupervisorRole, body: DecisionBody | None = None
) -> ApprovalRecord:
    """Reject an offer beyond authority (supervisors only)."""
    return _decide(deps, scope, approval_id, False, body.note if body else "", role)


@router.get("/v1/negotiation/handoffs", response_model=list[HandoffRecord])
def list_handoffs(
    deps: DepsDep,
    _role: ReaderRole,
    tenant: ListTenant,
    case_id: Annotated[str | None, Query(pattern=r"^C\d{6,7}$")] = None,
) -> list[HandoffRecord]:
    """Open hand-offs waiting for a person (a tenant-bound key sees its tenant's only)."""
    rows = NegotiationStore(deps.sessions).handoffs(case_id=case_id)
    return rows if tenant is None else only_tenant(deps.cases, rows, lambda r: r.case_id, tenant)
