"""Compliance endpoints: review a transcript, gate a planned contact, report on stored reviews."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from agents.compliance.service import invoke, period_bounds, report
from core.deps import Deps
from core.domain import ContactAttempt
from core.settings import Role
from server.deps import DepsDep, require_roles
from server.tenancy import ListTenant, Scope, only_tenant
from tools.compliance.gate import GateDecision, PlannedContact, check_contact
from tools.compliance.models import ReviewChannel, ReviewResult, Transcript
from tools.compliance.parse import MAX_INPUT_CHARS, TranscriptError, transcript_from_data, transcript_from_lines
from tools.compliance.report import ComplianceReport, build_report
from tools.compliance.report_html import render_html
from tools.compliance.review import UnknownJurisdictionError
from tools.compliance.store import ReviewStore

router = APIRouter(tags=["compliance"])

ReviewRole = Annotated[Role, Depends(require_roles("collector", "supervisor", "compliance", "qa", "system"))]
ReportRole = Annotated[Role, Depends(require_roles("supervisor", "compliance", "qa", "system"))]
MAX_BODY_BYTES = MAX_INPUT_CHARS * 4
Jurisdiction = Literal["CN", "US"]


class ReviewResponse(ReviewResult):
    """A review, and the stored review's id when ``save`` was asked."""

    review_id: str | None = None


class GateRequest(BaseModel):
    """A planned contact on a case; the history defaults to the case's own contact attempts."""

    case_id: str = Field(min_length=1, max_length=16)
    plan: PlannedContact
    history: list[ContactAttempt] | None = Field(default=None, description="Earlier attempts; the case's when omitted")
    jurisdiction: Jurisdiction = "CN"


def _unprocessable(message: str) -> HTTPException:
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=message)


async def _read_transcript(request: Request, channel: ReviewChannel) -> Transcript:
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > MAX_BODY_BYTES:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, detail=f"body over {MAX_BODY_BYTES} bytes")
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, detail=f"body over {MAX_BODY_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _unprocessable("body is not UTF-8") from None
    try:
        if request.headers.get("content-type", "").startswith("text/plain"):
            return transcript_from_lines(text, channel=channel)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _unprocessable(f"invalid JSON: {exc.msg} at line {exc.lineno}") from None
        return transcript_from_data(data)
    except TranscriptError as exc:
        raise _unprocessable(str(exc)) from None


def _tenant_report(deps: Deps, tenant: str, team: str | None, start: dt.date, end: dt.date) -> ComplianceReport:
    """The report over reviews of ``tenant``'s cases only (a review naming no case belongs to no tenant)."""
    lo, hi = period_bounds(start, end)
    rows = ReviewStore(deps.sessions, deps.guard).query(team=team, start=lo, end=hi)
    kept = only_tenant(deps.cases, rows, lambda r: r.case_id, tenant)
    return build_report(kept, team=team, start=start, end=end)


@router.post("/v1/agents/compliance:invoke", response_model=ReviewResponse)
async def invoke_compliance(
    request: Request,
    deps: DepsDep,
    scope: Scope,
    _role: ReviewRole,
    jurisdiction: Jurisdiction = "CN",
    save: bool = False,
    channel: Annotated[ReviewChannel, Query(description="Channel of a text/plain body")] = "call",
) -> ReviewResponse:
    """Review a transcript (JSON, or text/plain lines 坐席：/客户：): verdict, findings with citations, masked PII."""
    transcript = await _read_transcript(request, channel)
    if transcript.case_id:
        await run_in_threadpool(scope.require_case, transcript.case_id)
    try:
        result, review_id = await invoke(deps, transcript, jurisdiction=jurisdiction, save=save, source="api")
    except (UnknownJurisdictionError, ValueError) as exc:
        raise _unprocessable(str(exc)) from None
    return ReviewResponse(**result.model_dump(), review_id=review_id)


@router.post("/v1/compliance/gate", response_model=GateDecision)
async def gate(body: GateRequest, scope: Scope, _role: ReviewRole) -> GateDecision:
    """May this contact be made now? Flags, quiet hours, third parties, call frequency (CN or US Reg F)."""
    case = await run_in_threadpool(scope.get_case, body.case_id)
    history = body.history if body.history is not None else case.contacts
    return check_contact(body.plan, history, case=case, jurisdiction=body.jurisdiction)


@router.get("/v1/compliance/reports", response_model=ComplianceReport)
async def compliance_report(
    deps: DepsDep,
    _role: ReportRole,
    tenant: ListTenant,
    start: Annotated[dt.date, Query(alias="from", description="First day")],
    end: Annotated[dt.date, Query(alias="to", description="Last day included")],
    team: str | None = None,
    format: Literal["json", "html"] = "json",
) -> ComplianceReport | HTMLResponse:
    """Violations per team and period, by category and rule, with masked examples (JSON or HTML).

    With a tenant (the key's own when it is bound) only reviews of that tenant's cases count.
    """
    try:
        if tenant is None:
            result = await run_in_threadpool(report, deps, team=team, start=start, end=end)
        else:
            result = await run_in_threadpool(_tenant_report, deps, tenant, team, start, end)
    except ValueError as exc:
        raise _unprocessable(str(exc)) from None
    if format == "html":
        return HTMLResponse(render_html(result))
    return result
