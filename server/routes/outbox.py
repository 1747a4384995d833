"""The stored outbox: the bank's SMS platform pulls due reminders and acknowledges each one, sent or failed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, ConfigDict, Field

from agents.case_workflow.outbox import due_reminders
from core import clock
from core.db.outbox import (
    AlreadyAcknowledgedError,
    ClaimedElsewhereError,
    OutboxMessage,
    OutboxRecord,
    OutboxStore,
    Outcome,
    UnknownMessageError,
)
from core.settings import Role
from server.deps import BoundTenant, DepsDep, require_roles
from server.tenancy import ListTenant, Scope, TenantScope, list_tenant

router = APIRouter(prefix="/v1/outbox", tags=["outbox"])

DispatcherRole = Annotated[Role, Depends(require_roles("system", "supervisor"))]


class OutboxPage(BaseModel):
    """The reminders to send now, and how many were never handed out because their day ended or the case changed."""

    items: list[OutboxMessage]
    expired: int = Field(description="Reminders still ready after 22:00 local on their send day; never handed out")
    withdrawn: int = Field(
        description="Due reminders withdrawn by this pull: the contact gate refuses now, or the case changed"
    )


ClaimId = Field(default=None, pattern=r"^oc-[0-9a-f]{32}$", description="The claim that handed the reminder out")


class DispatchedBody(BaseModel):
    """The platform sent the reminder."""

    model_config = ConfigDict(extra="forbid")
    provider_ref: str = Field(min_length=1, max_length=128, description="The SMS platform's id of the message")
    claim_id: str | None = ClaimId


class FailedBody(BaseModel):
    """The platform could not send the reminder."""

    model_config = ConfigDict(extra="forbid")
    note: str = Field(min_length=1, max_length=2000, description="Why it was not sent")
    claim_id: str | None = ClaimId


class ClaimBody(BaseModel):
    """How many due reminders to claim, and for how long."""

    model_config = ConfigDict(extra="forbid")
    limit: int = Field(default=100, ge=1, le=1000)
    lease_s: int = Field(default=300, ge=30, le=3600, description="Seconds no other worker gets them")
    tenant: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,32}$")


def _claim(deps: DepsDep, role: Role, tenant: str | None, limit: int, lease_s: int) -> OutboxPage:
    now = clock.utc_now()
    items, withdrawn = due_reminders(deps, now=now, tenant=tenant, limit=limit, actor=f"api:{role}", lease_s=lease_s)
    expired = OutboxStore(deps.sessions, deps.cipher).expired_count(now=now, tenant=tenant)
    return OutboxPage(items=items, expired=expired, withdrawn=withdrawn)


@router.get("", response_model=OutboxPage)
def pull(
    deps: DepsDep,
    role: DispatcherRole,
    tenant: ListTenant,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    lease_s: Annotated[int, Query(ge=30, le=3600, description="Seconds no other worker gets them")] = 300,
) -> OutboxPage:
    """Claim ready reminders due now and before 22:00 local on their send day, oldest first, with their text.

    Each is held for this caller for ``lease_s`` seconds (another pull does not get it) and checked again first
    (contact gate now, the same draft from today's case); one that fails is withdrawn for good and counted in
    ``withdrawn``, so a page may hold fewer than ``limit``: pull again. Unacknowledged reminders are due again
    once their lease ends.
    """
    return _claim(deps, role, tenant, limit, lease_s)


@router.post(":claim", response_model=OutboxPage)
def claim(body: ClaimBody, deps: DepsDep, role: DispatcherRole, bound: BoundTenant) -> OutboxPage:
    """The same claim as ``GET /v1/outbox``, as a POST (for platforms that never change state with a GET)."""
    return _claim(deps, role, list_tenant(bound, body.tenant), body.limit, body.lease_s)


def _acknowledge(
    deps: DepsDep,
    scope: TenantScope,
    message_id: str,
    outcome: Outcome,
    role: Role,
    *,
    provider_ref: str | None = None,
    note: str = "",
    claim_id: str | None = None,
) -> OutboxRecord:
    store, now = OutboxStore(deps.sessions, deps.cipher), clock.utc_now()
    unknown = HTTPException(status.HTTP_404_NOT_FOUND, detail=f"unknown outbox message: {message_id}")
    try:
        record = store.get(message_id)
    except UnknownMessageError:
        raise unknown from None
    if not scope.sees(record.case_id):
        raise unknown  # another tenant's message is answered as one that does not exist
    try:
        return store.acknowledge(
            message_id, outcome, actor=f"api:{role}", now=now, provider_ref=provider_ref, note=note, claim_id=claim_id
        )
    except (AlreadyAcknowledgedError, ClaimedElsewhereError) as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from None


@router.post("/{message_id}:dispatched", response_model=OutboxRecord)
def dispatched(
    message_id: str, body: DispatchedBody, deps: DepsDep, scope: Scope, role: DispatcherRole
) -> OutboxRecord:
    """Record that the platform sent a ready reminder (once)."""
    return _acknowledge(
        deps, scope, message_id, "dispatched", role, provider_ref=body.provider_ref, claim_id=body.claim_id
    )


@router.post("/{message_id}:failed", response_model=OutboxRecord)
def failed(message_id: str, body: FailedBody, deps: DepsDep, scope: Scope, role: DispatcherRole) -> OutboxRecord:
    """Record that the platform could not send a ready reminder (once)."""
    return _acknowledge(deps, scope, message_id, "dispatch_failed", role, note=body.note, claim_id=body.claim_id)
