"""The staff copilot over HTTP.

Chat turns on a checkpointed thread (streamed), the thread's conversation, and the supervisor's decisions on runs
waiting at an ``interrupt()``.

A turn streams server-sent events as they happen: ``thread``, ``tool_start`` / ``tool_end`` for each tool call,
``token`` for model tokens (a draft: the checked answer follows), ``interrupt`` when the run waits for a supervisor,
``message`` with the answer (text, sources, notes, ``model_used``), then ``done``; ``error`` if the run fails.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import StreamingResponse
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage
from langgraph.types import Command
from pydantic import BaseModel, Field

from agents.copilot.labels import all_labels
from agents.copilot.nodes import Context, DecisionError, check_decision, edited_offer_check, tool_context
from agents.copilot.state import Answer
from agents.copilot.toolkit import Approval
from core.db.copilot import CopilotInterrupt, InterruptError, InterruptStore
from core.db.threads import Thread, ThreadStore
from core.settings import Role
from server.deps import BoundTenant, CurrentRole, require_roles
from server.sse import sse
from server.tenancy import ListTenant, Scope, TenantScope

router = APIRouter(tags=["copilot"])
log = logging.getLogger("qingshou.server.chat")
GRAPH = "copilot"
SupervisorRole = Annotated[Role, Depends(require_roles("supervisor"))]
ApprovalReader = Annotated[Role, Depends(require_roles("supervisor", "compliance"))]


class ChatRequest(BaseModel):
    """A message typed by a staff member."""

    message: str = Field(min_length=1, max_length=4000, description="The request, in Chinese or English")
    thread_id: str | None = Field(default=None, max_length=40, description="Continue this conversation")


class ChatTurn(BaseModel):
    """A whole turn (``?stream=false``)."""

    thread_id: str
    answer: Answer | None
    events: list[dict[str, Any]]
    interrupts: list[dict[str, Any]]


class MessageOut(BaseModel):
    """One message of a conversation."""

    role: Literal["user", "assistant"]
    text: str


class ThreadConversation(BaseModel):
    """A copilot thread: its messages, the current case and what it waits for."""

    thread_id: str
    created_at: dt.datetime
    case_id: str | None
    messages: list[MessageOut]
    answer: Answer | None
    interrupts: list[dict[str, Any]]


class DecisionBody(BaseModel):
    """A supervisor's decision on a waiting run."""

    action: Literal["approve", "reject", "edit"]
    note: str = Field(default="", max_length=2000, description="Why, for the audit trail")
    edits: dict[str, Any] = Field(default_factory=dict, description="For 'edit': the fields the interrupt allows")


class ApprovalOut(BaseModel):
    """A decision a copilot run waits for (or took)."""

    id: str
    thread_id: str
    case_id: str
    kind: str
    record_id: str
    summary_zh: str
    summary_en: str
    details: dict[str, Any]
    editable: list[str]
    status: str
    requested_by: str
    created_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    decision: dict[str, Any] | None
    can_decide: bool = Field(default=False, description="Whether the caller's role may decide it (supervisors only)")


class ResumeOut(BaseModel):
    """What the run did once resumed."""

    thread_id: str
    approval: ApprovalOut
    answer: Answer | None
    interrupts: list[dict[str, Any]]


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    return value if value is None or value.tzinfo else value.replace(tzinfo=dt.UTC)


def _approval_out(row: CopilotInterrupt, role: Role | None = None) -> ApprovalOut:
    return ApprovalOut(
        can_decide=role == "supervisor" and row.status == "pending",
        id=row.id, thread_id=row.thread_id, case_id=row.case_id, kind=row.kind, record_id=row.record_id,
        summary_zh=row.summary_zh, summary_en=row.summary_en, details=row.details, editable=row.editable,
        status=row.status, requested_by=row.requested_by, created_at=_aware(row.created_at) or row.created_at,
        decided_by=row.decided_by, decided_at=_aware(row.decided_at), decision=row.decision,
    )  # fmt: skip


def _context(request: Request, role: Role, tenant: str | None) -> Context:
    deps = request.app.state.deps
    return Context(deps=deps, role=role, tenant=tenant, retrieval=request.app.state.retrieval_service,
                   model=getattr(request.app.state, "copilot_model", None))  # fmt: skip


def _thread(request: Request, thread_id: str, scope: TenantScope) -> Thread:
    thread = ThreadStore(request.app.state.deps.sessions).get(thread_id)
    if thread is None or thread.graph != GRAPH or not scope.sees_thread(thread):
        raise HTTPException(404, detail=f"unknown thread: {thread_id}")
    return thread


def _answer(values: dict[str, Any]) -> Answer | None:
    answer = values.get("answer")
    if answer is None or isinstance(answer, Answer):
        return answer
    return Answer.model_validate(answer)


async def _events(graph: Any, payload: Any, config: dict[str, Any], context: Context) -> AsyncIterator[tuple[str, Any]]:
    """The run's events as (name, data), in the order they happen."""
    try:
        async for mode, chunk in graph.astream(payload, config=config, context=context,
                                               stream_mode=["custom", "messages", "updates"]):  # fmt: skip
            if mode == "custom" and isinstance(chunk, dict) and "event" in chunk:
                yield (str(chunk["event"]), {k: v for k, v in chunk.items() if k != "event"})
            elif mode == "messages":
                message, meta = chunk
                if isinstance(message, AIMessageChunk) and message.content and meta.get("langgraph_node") == "plan":
                    yield ("token", {"text": message.content})
            elif mode == "updates" and isinstance(chunk, dict) and "__interrupt__" in chunk:
                for item in chunk["__interrupt__"]:
                    yield ("interrupt", item.value)
        snapshot = await graph.aget_state(config)
        answer = _answer(snapshot.values)
        if answer is not None:
            yield ("message", answer.model_dump(mode="json"))
        memory = (snapshot.values or {}).get("memory")
        yield ("done", {"thread_id": config["configurable"]["thread_id"], "waiting": bool(snapshot.interrupts),
                        "case_id": getattr(memory, "case_id", None)})  # fmt: skip
    except Exception as exc:  # the stream has started: report the failure as an event, never a broken stream
        log.exception("copilot run failed")
        yield ("error", {"detail": f"运行失败 / the run failed: {type(exc).__name__}"})


@router.post("/v1/chat", response_model=None, responses={200: {"description": "SSE stream, or a ChatTurn JSON body"}})
async def chat(
    body: ChatRequest,
    request: Request,
    role: CurrentRole,
    scope: Scope,
    stream: Annotated[bool, Query()] = True,
) -> StreamingResponse | ChatTurn:
    """One copilot turn on a conversation (a new thread unless ``thread_id`` is given), streamed by default."""
    store = ThreadStore(request.app.state.deps.sessions)
    if body.thread_id:
        thread = _thread(request, body.thread_id, scope)
        snapshot = await request.app.state.copilot.aget_state({"configurable": {"thread_id": thread.id}})
        if snapshot.interrupts:
            raise HTTPException(409, detail=f"thread {thread.id} is waiting for a supervisor's decision")
    else:
        thread = store.create(graph=GRAPH, created_by=role, tenant=scope.tenant)
    config = {"configurable": {"thread_id": thread.id}}
    payload = {"messages": [HumanMessage(content=body.message)]}
    events = _events(request.app.state.copilot, payload, config, _context(request, role, scope.tenant))

    async def with_thread() -> AsyncIterator[tuple[str, Any]]:
        yield ("thread", {"thread_id": thread.id})
        async for event in events:
            yield event

    if stream:
        return StreamingResponse((sse(n, d) async for n, d in with_thread()), media_type="text/event-stream")
    collected = [{"event": n, "data": jsonable_encoder(d)} async for n, d in with_thread()]
    if any(e["event"] == "error" for e in collected):
        raise HTTPException(503, detail=next(e["data"]["detail"] for e in collected if e["event"] == "error"))
    answer = next((Answer.model_validate(e["data"]) for e in collected if e["event"] == "message"), None)
    return ChatTurn(thread_id=thread.id, answer=answer, events=collected,
                    interrupts=[e["data"] for e in collected if e["event"] == "interrupt"])  # fmt: skip


def _text(message: BaseMessage) -> str:
    return message.content if isinstance(message.content, str) else " ".join(str(p) for p in message.content)


@router.get("/v1/chat/threads/{thread_id}", response_model=ThreadConversation)
async def conversation(thread_id: str, request: Request, _role: CurrentRole, scope: Scope) -> ThreadConversation:
    """The conversation so far: staff messages and answers (tool traffic left out), the current case, waits."""
    thread = _thread(request, thread_id, scope)
    snapshot = await request.app.state.copilot.aget_state({"configurable": {"thread_id": thread_id}})
    values = snapshot.values or {}
    messages = []
    for m in values.get("messages", []):
        if isinstance(m, HumanMessage):
            messages.append(MessageOut(role="user", text=_text(m)))
        elif isinstance(m, AIMessage) and not m.tool_calls and _text(m).strip():
            messages.append(MessageOut(role="assistant", text=_text(m)))
    memory = values.get("memory")
    return ThreadConversation(
        thread_id=thread_id, created_at=_aware(thread.created_at) or thread.created_at,
        case_id=getattr(memory, "case_id", None), messages=messages, answer=_answer(values),
        interrupts=[i.value for i in snapshot.interrupts],
    )  # fmt: skip


@router.get("/v1/copilot/labels")
def labels() -> dict[str, dict[str, str]]:
    """Chinese labels of the codes the page shows (tiers, queues, products, channels, ...)."""
    return all_labels()


@router.get("/v1/copilot/approvals", response_model=list[ApprovalOut])
def list_approvals(
    request: Request,
    role: ApprovalReader,
    tenant: ListTenant,
    status: Annotated[Literal["pending", "approved", "rejected", "edited"] | None, Query()] = "pending",
) -> list[ApprovalOut]:
    """Decisions copilot runs wait for (pending by default); a tenant-bound key sees its tenant's only."""
    rows = InterruptStore(request.app.state.deps.sessions).list(status=status, tenant=tenant)
    return [_approval_out(r, role) for r in rows]


def _interrupt(request: Request, interrupt_id: str, scope: TenantScope) -> CopilotInterrupt:
    try:
        row = InterruptStore(request.app.state.deps.sessions).get(interrupt_id)
    except InterruptError:
        raise HTTPException(404, detail=f"unknown approval: {interrupt_id}") from None
    if scope.tenant is not None and row.tenant != scope.tenant:
        raise HTTPException(404, detail=f"unknown approval: {interrupt_id}")
    return row


def _validate(
    request: Request, row: CopilotInterrupt, body: DecisionBody, role: Role, tenant: str | None
) -> dict[str, Any]:
    approval = Approval(kind=row.kind, id=row.id, case_id=row.case_id, record_id=row.record_id,
                        summary_zh=row.summary_zh, summary_en=row.summary_en, details=row.details,
                        editable=row.editable)  # fmt: skip
    try:
        decision = check_decision(approval, body.model_dump())
    except DecisionError as exc:
        raise HTTPException(422, detail=str(exc)) from None
    if decision["action"] == "edit" and row.kind == "offer":
        try:
            amount = Decimal(str(decision["edits"]["amount"]))
        except (InvalidOperation, KeyError):
            raise HTTPException(422, detail="edits.amount must be a number of yuan") from None
        if not Decimal(0) < amount < Decimal("1e10"):
            raise HTTPException(422, detail="edits.amount must be above zero")
        check = edited_offer_check(tool_context(_context(request, role, tenant), row.thread_id), approval, amount)
        if not check.within_authority:
            raise HTTPException(422, detail=f"edited amount {amount} is beyond a supervisor's authority too")
    if decision["action"] == "edit" and row.kind == "contact_referral":
        edits = decision["edits"]
        if "channel" in edits and edits["channel"] not in ("call", "sms", "wechat", "app", "visit", "letter"):
            raise HTTPException(422, detail="edits.channel must be call, sms, wechat, app, visit or letter")
        if "local_hour" in edits and (not isinstance(edits["local_hour"], int) or not 0 <= edits["local_hour"] <= 23):
            raise HTTPException(422, detail="edits.local_hour must be an hour 0-23")
    return decision


@router.post("/v1/copilot/approvals/{interrupt_id}:resume", response_model=ResumeOut)
async def resume(
    interrupt_id: str, body: DecisionBody, request: Request, role: SupervisorRole, scope: Scope, bound: BoundTenant
) -> ResumeOut:
    """Decide on a waiting run (approve, reject or edit) and resume it with ``Command(resume=...)``."""
    row = _interrupt(request, interrupt_id, scope)
    if row.status != "pending":
        raise HTTPException(409, detail=f"approval {interrupt_id} is already {row.status}")
    graph = request.app.state.copilot
    config = {"configurable": {"thread_id": row.thread_id}}
    snapshot = await graph.aget_state(config)
    waiting = [i for i in snapshot.interrupts if isinstance(i.value, dict) and i.value.get("interrupt_id") == row.id]
    if not waiting:
        raise HTTPException(409, detail=f"the run of approval {interrupt_id} is not waiting for it")
    decision = _validate(request, row, body, role, bound)
    context = _context(request, role, bound)
    await graph.ainvoke(Command(resume=decision), config=config, context=context)
    after = await graph.aget_state(config)
    updated = InterruptStore(request.app.state.deps.sessions).get(interrupt_id)
    return ResumeOut(thread_id=row.thread_id, approval=_approval_out(updated), answer=_answer(after.values or {}),
                     interrupts=[i.value for i in after.interrupts])  # fmt: skip
