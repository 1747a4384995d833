"""Threads of the case workflow: create, run (optionally streamed as SSE), inspect."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from agents.case_workflow.context import Context
from core.db.threads import Thread, ThreadStore
from server.deps import CurrentRole, DepsDep
from server.sse import stream_run
from server.tenancy import Scope, TenantScope

router = APIRouter(prefix="/v1/threads", tags=["threads"])

CASE_ID_PATTERN = r"^C\d{6,7}$"


class ThreadCreate(BaseModel):
    """Optional metadata for a new thread."""

    case_id: str | None = Field(default=None, pattern=CASE_ID_PATTERN)


class ThreadPublic(BaseModel):
    """A thread."""

    thread_id: str
    graph: str
    created_at: dt.datetime
    created_by: str
    case_id: str | None


class RunCreate(BaseModel):
    """Input of a workflow run."""

    case_id: str = Field(pattern=CASE_ID_PATTERN, description="Case to work on, e.g. C000123")
    request: str = Field(default="", max_length=2000, description="The staff request, for the audit trail")


class ThreadState(ThreadPublic):
    """A thread and the latest state of its graph."""

    values: dict[str, Any]
    next: list[str]
    checkpoint_id: str | None


def _public(thread: Thread) -> ThreadPublic:
    return ThreadPublic(
        thread_id=thread.id,
        graph=thread.graph,
        created_at=thread.created_at,
        created_by=thread.created_by,
        case_id=thread.case_id,
    )


def _thread(request: Request, thread_id: str, scope: TenantScope) -> Thread:
    store: ThreadStore = request.app.state.threads
    thread = store.get(thread_id)
    if thread is None or not scope.sees_thread(thread):
        raise HTTPException(404, detail=f"unknown thread: {thread_id}")
    return thread


@router.post("", response_model=ThreadPublic, status_code=201)
def create_thread(request: Request, role: CurrentRole, scope: Scope, body: ThreadCreate | None = None) -> ThreadPublic:
    """Create a case-workflow thread (for a case the caller may see, when one is named)."""
    if body is not None and body.case_id is not None:
        scope.require_case(body.case_id)
    store: ThreadStore = request.app.state.threads
    return _public(store.create(graph="case_workflow", created_by=role, case_id=body.case_id if body else None))


@router.post("/{thread_id}/runs", response_model=None)
async def run_thread(
    thread_id: str,
    body: RunCreate,
    request: Request,
    deps: DepsDep,
    role: CurrentRole,
    scope: Scope,
    stream: Annotated[bool, Query()] = False,
) -> StreamingResponse | dict[str, Any]:
    """Run the case workflow on the thread; ``?stream=true`` streams graph updates as server-sent events."""
    thread = _thread(request, thread_id, scope)
    scope.require_case(body.case_id)
    if thread.case_id != body.case_id:
        request.app.state.threads.set_case(thread_id, body.case_id)
    graph = request.app.state.workflow
    config = {"configurable": {"thread_id": thread_id}}
    context = Context(deps=deps, actor=role)
    payload = {"case_id": body.case_id, "request": body.request}
    if stream:
        return StreamingResponse(stream_run(graph, payload, config, context), media_type="text/event-stream")
    await graph.ainvoke(payload, config=config, context=context)
    snapshot = await graph.aget_state(config)
    return {"thread_id": thread_id, "values": jsonable_encoder(snapshot.values)}


@router.get("/{thread_id}", response_model=ThreadState)
async def get_thread(thread_id: str, request: Request, _role: CurrentRole, scope: Scope) -> ThreadState:
    """The thread and the latest checkpointed state of its graph."""
    thread = _thread(request, thread_id, scope)
    snapshot = await request.app.state.workflow.aget_state({"configurable": {"thread_id": thread_id}})
    return ThreadState(
        **_public(thread).model_dump(),
        values=jsonable_encoder(snapshot.values),
        next=list(snapshot.next),
        checkpoint_id=(snapshot.config or {}).get("configurable", {}).get("checkpoint_id"),
    )
