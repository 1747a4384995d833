"""Run one debtor turn on a negotiation thread: mask the input, invoke the checkpointed graph, shape the result."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiosqlite
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from langgraph.graph.state import CompiledStateGraph
from pydantic import BaseModel, Field

from agents.negotiation.context import Context
from agents.negotiation.state import InputState, State
from agents.negotiation.types import (
    ApprovalUse,
    DebtorReading,
    Draft,
    DraftChannel,
    Finding,
    HandoffInfo,
    PromiseOutcome,
)
from core.deps import Deps
from core.privacy import KnownPII
from core.settings import Role
from tools.negotiation.models import Offer, OfferCheck

MAX_MESSAGE_CHARS = 4000
MAX_DOCUMENT_CHARS = 50_000


class TurnRequest(BaseModel):
    """One debtor turn to negotiate."""

    case_id: str = Field(pattern=r"^C\d{6,7}$", description="Case, e.g. C000123")
    message: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS, description="The debtor's message")
    channel: DraftChannel = Field(default="sms", description="Channel of the reply: sms, wechat, app or call")
    documents: list[str] = Field(
        default_factory=list, max_length=5, description="Text of documents the debtor uploaded (screened only)"
    )
    thread_id: str | None = Field(default=None, min_length=1, max_length=64, description="Thread to continue")


class TurnResult(BaseModel):
    """The outcome of one turn (masked)."""

    thread_id: str
    case_id: str
    reading: DebtorReading | None
    offers: list[Offer]
    ask_check: OfferCheck | None
    approval_id: int | None
    approvals: ApprovalUse | None = Field(default=None, description="Supervisor decisions used this turn")
    promise: PromiseOutcome | None
    handoff: HandoffInfo | None
    draft: Draft | None
    findings: list[Finding]
    notes: list[str]
    model_used: bool
    turns: int = Field(description="Messages in the thread so far")
    error: str | None = None


def masked_input(deps: Deps, request: TurnRequest) -> InputState:
    """The turn with the message and documents masked (the case's own identities and every recognised entity).

    Raises:
        CaseNotFoundError: unknown case.
    """
    for document in request.documents:
        if len(document) > MAX_DOCUMENT_CHARS:
            raise ValueError(f"a document has more than {MAX_DOCUMENT_CHARS} characters")
    known = KnownPII.from_case(deps.cases.get_case(request.case_id))
    return InputState(
        case_id=request.case_id,
        message=deps.guard.mask_text(request.message, known),
        channel=request.channel,
        documents=[deps.guard.mask_text(d, known) for d in request.documents],
    )


def _result(thread_id: str, values: dict[str, Any]) -> TurnResult:
    state = State(**values)
    return TurnResult(
        thread_id=thread_id,
        case_id=state.case_id,
        reading=state.reading,
        offers=state.offers,
        ask_check=state.ask_check,
        approval_id=state.approval_id,
        approvals=state.approvals,
        promise=state.promise,
        handoff=state.handoff,
        draft=state.draft,
        findings=state.findings,
        notes=state.notes,
        model_used=state.model_used,
        turns=len(state.turns),
        error=state.error,
    )


async def run_turn(
    deps: Deps,
    graph: CompiledStateGraph[State, Context, InputState, State],
    request: TurnRequest,
    *,
    thread_id: str,
    role: Role,
    actor: str,
    clock: Callable[[], dt.datetime] | None = None,
) -> TurnResult:
    """Invoke the compiled (checkpointed) graph for one turn on ``thread_id``."""
    config: RunnableConfig = {"configurable": {"thread_id": thread_id}}
    context = Context(deps=deps, role=role, actor=actor)
    if clock is not None:
        context.clock = clock
    await graph.ainvoke(masked_input(deps, request), config=config, context=context)
    snapshot = await graph.aget_state(config)
    return _result(thread_id, snapshot.values)


async def run_turn_sqlite(
    deps: Deps,
    checkpoint_file: Path,
    request: TurnRequest,
    *,
    thread_id: str,
    role: Role,
    actor: str,
    clock: Callable[[], dt.datetime] | None = None,
) -> TurnResult:
    """Like :func:`run_turn`, opening the SQLite checkpointer at ``checkpoint_file`` for the turn."""
    from graphs.checkpointing import serializer
    from graphs.negotiation import compile_graph

    checkpoint_file.parent.mkdir(parents=True, exist_ok=True)
    async with aiosqlite.connect(checkpoint_file) as conn:
        graph = compile_graph(AsyncSqliteSaver(conn, serde=serializer()))
        return await run_turn(deps, graph, request, thread_id=thread_id, role=role, actor=actor, clock=clock)
