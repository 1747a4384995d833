"""The staff chat endpoint behind the page: reads a request and runs the right graph, streaming."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from agents.case_workflow.cards import case_card
from agents.case_workflow.context import Context
from agents.case_workflow.state import State
from agents.chat.intent import HELP_TEXT, Intent, IntentKind, parse_intent
from agents.chat.reply import analysis_reply
from core.deps import Deps
from core.repository import CaseNotFoundError
from core.settings import Role
from server.deps import PII_ROLES, CurrentRole, DepsDep
from server.sse import sse
from server.tenancy import Scope

router = APIRouter(prefix="/v1/chat", tags=["chat"])


class ChatRequest(BaseModel):
    """A message typed by a staff member."""

    message: str = Field(min_length=1, max_length=4000)
    thread_id: str | None = None


def _state(values: Any) -> State:
    return values if isinstance(values, State) else State(**values)


Event = tuple[str, Any]


async def _events(request: Request, deps: Deps, role: Role, body: ChatRequest, intent: Intent) -> AsyncIterator[Event]:
    yield ("intent", intent)
    if intent.kind in (IntentKind.HELP, IntentKind.UNKNOWN):
        yield ("message", {"text": HELP_TEXT, "model_used": False})
        return
    assert intent.case_id is not None
    case = deps.cases.get_case(intent.case_id)
    yield ("card", case_card(case))
    if intent.kind is IntentKind.SHOW_CASE:
        return
    store = request.app.state.threads
    thread = store.get(body.thread_id) if body.thread_id else None
    if thread is None:
        thread = store.create(graph="case_workflow", created_by=role, case_id=intent.case_id)
    yield ("thread", {"thread_id": thread.id})
    graph = request.app.state.workflow
    config = {"configurable": {"thread_id": thread.id}}
    payload = {"case_id": intent.case_id, "request": body.message}
    async for update in graph.astream(
        payload, config=config, context=Context(deps=deps, actor=role), stream_mode="updates"
    ):
        for node, values in update.items():
            yield ("update", {"node": node, "values": values})
    state = _state((await graph.aget_state(config)).values)
    if state.error or state.card is None or state.triage is None:
        yield ("message", {"text": state.error or "run stopped early", "model_used": False})
        return
    text = analysis_reply(state.card, state.triage, state.next_action)
    if state.valuation is not None:
        narrative = state.valuation.narrative
        text += f"\n\n估值 / Valuation:\n{narrative.summary_zh}\n{narrative.summary_en}"
    if state.brief is not None:
        brief = f"{state.brief.summary_zh}\n{state.brief.summary_en}"
        text = deps.gateway.reveal(brief, thread.id, may_see_pii=role in PII_ROLES) + "\n\n" + text
    yield ("message", {"text": text, "model_used": state.model_used, "notes": state.notes})


@router.post("", response_model=None)
async def chat(
    body: ChatRequest,
    request: Request,
    deps: DepsDep,
    role: CurrentRole,
    scope: Scope,
    stream: Annotated[bool, Query()] = True,
) -> StreamingResponse | dict[str, Any]:
    """Answer a staff request; streams SSE events (intent, card, thread, update..., message) by default."""
    intent = parse_intent(body.message)
    if intent.case_id and not scope.sees(intent.case_id):
        raise CaseNotFoundError(intent.case_id)
    if body.thread_id:
        thread = request.app.state.threads.get(body.thread_id)
        if thread is None or not scope.sees_thread(thread):
            raise HTTPException(404, detail=f"unknown thread: {body.thread_id}")
    events = _events(request, deps, role, body, intent)
    if stream:
        frames = (sse(name, data) async for name, data in events)
        return StreamingResponse(frames, media_type="text/event-stream")
    return {"events": [{"event": name, "data": jsonable_encoder(data)} async for name, data in events]}
