"""``POST /v1/redact``: the PII guard over HTTP."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, status

from core.privacy import KnownPII, RedactionError, get_guard
from core.privacy.api import RedactRequest, RedactResponse
from server.deps import CurrentRole
from server.tenancy import Scope

router = APIRouter(prefix="/v1", tags=["privacy"])


@router.post("/redact", response_model=RedactResponse, response_model_by_alias=True)
def redact(request: Request, body: RedactRequest, scope: Scope, role: CurrentRole) -> RedactResponse:
    """Redact personal data from a text (any authenticated role; nothing is revealed, only taken out).

    A key bound to a tenant may reuse only the pseudonyms of a thread it can see: otherwise the numbering of another
    tenant's pseudonyms would tell it whether a phone number or ID already occurs in that thread.
    """
    if body.thread_id and scope.tenant is not None:
        thread = request.app.state.threads.get(body.thread_id)
        if thread is None or not scope.sees_thread(thread):
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"unknown thread: {body.thread_id}")
    known = None
    if body.case_id:
        if not scope.sees(body.case_id):
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"unknown case: {body.case_id}")
        known = KnownPII.from_case(scope.get_case(body.case_id))
    try:
        result = get_guard().redact(body.text, thread_id=body.thread_id, known=known, mode=body.mode)
    except RedactionError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from exc
    return RedactResponse(text=result.text, entities=result.entities)
