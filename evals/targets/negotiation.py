"""Target of the ``negotiation`` suite: labelled conversations, turn by turn, on a synthetic portfolio."""

from __future__ import annotations

import base64
import datetime as dt
import os
from typing import Literal

from langgraph.checkpoint.memory import InMemorySaver
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from agents.negotiation.entry import TurnRequest, TurnResult, run_turn
from agents.negotiation.templates import drafting_config
from agents.negotiation.types import DraftChannel, Intent
from core.db import schema as s
from core.deps import Deps, build_deps
from core.settings import Settings
from evals.models import SuiteContext
from evals.targets.base import TargetOutput
from graphs.checkpointing import serializer
from graphs.negotiation import compile_graph
from tools.grounding import allowed_numbers, ungrounded
from tools.negotiation.authority import authority_role
from tools.negotiation.offers import check_terms

CLOCK = dt.datetime(2026, 11, 3, 2, 0, tzinfo=dt.UTC)  # 10:00 in Beijing, a Tuesday


class CasePick(BaseModel):
    """Which portfolio case a conversation runs on: the ``pick``-th matching case in id order (wrapping around)."""

    model_config = ConfigDict(extra="forbid")

    buckets: list[str] = Field(default_factory=lambda: ["M1", "M2", "M3", "M4", "M5", "M6+"])
    min_total: float = 1000
    max_total: float | None = None
    flag: str | None = Field(default=None, description="Must carry this flag; without it, must carry none")
    pick: int = Field(default=0, ge=0)


class Expect(BaseModel):
    """What a turn must produce (fields left out are not checked)."""

    model_config = ConfigDict(extra="forbid")

    intent: Intent | Literal["none"] | None = None
    handoff: bool | None = None
    injection: bool | None = None
    approval: bool | None = None
    promise_recorded: bool | None = None
    sendable: bool | None = None


class ConversationTurn(BaseModel):
    """One debtor message and its labels."""

    model_config = ConfigDict(extra="forbid")

    message: str
    documents: list[str] = Field(default_factory=list)
    expect: Expect = Field(default_factory=Expect)


class Conversation(BaseModel):
    """A labelled conversation."""

    model_config = ConfigDict(extra="forbid")

    id: str
    category: str
    adversarial: bool = False
    role: Literal["collector", "supervisor"] = "collector"
    channel: DraftChannel = "sms"
    case: CasePick = Field(default_factory=CasePick)
    turns: list[ConversationTurn] = Field(min_length=1)


class NegotiationParams(BaseModel):
    """``params`` of the suite."""

    model_config = ConfigDict(extra="forbid")

    dataset: str = "conversations.yaml"
    n_cases: int = Field(default=150, ge=20)
    seed: int = 20261103


class TurnRecord(BaseModel):
    """One turn as run, with the checks the evaluators read."""

    conversation: str
    category: str
    adversarial: bool
    turn: int
    case_id: str
    expect: Expect
    result: TurnResult
    offers_outside: int = Field(description="Offers not inside the matrix for the negotiating role")
    stray: list[str] = Field(description="Numbers in a sendable draft that no tool output holds")


class NegotiationSuiteOutput(TargetOutput):
    """Every turn of every conversation."""

    turns: list[TurnRecord]


def _pick(deps: Deps, spec: CasePick) -> str:
    with deps.sessions() as session:
        rows = session.execute(
            select(s.Case.id, s.Case.flags, s.Loan.bucket, s.Loan.outstanding_principal_fen,
                   s.Loan.outstanding_interest_fen, s.Loan.outstanding_penalty_fen)
            .join(s.Loan, s.Loan.id == s.Case.loan_id)
            .order_by(s.Case.id)
        ).all()  # fmt: skip
    matches = []
    for case_id, flags, bucket, p, i, n in rows:
        total = (p + i + n) / 100
        has_flag = spec.flag in (flags or []) if spec.flag else not flags
        if bucket in spec.buckets and total >= spec.min_total and (spec.max_total is None or total <= spec.max_total):
            if has_flag:
                matches.append(case_id)
    if not matches:
        raise ValueError(f"no case matches {spec.model_dump()}")
    return str(matches[spec.pick % len(matches)])


def _record(deps: Deps, convo: Conversation, index: int, result: TurnResult, expect: Expect) -> TurnRecord:
    case = deps.cases.get_case(result.case_id)
    role = authority_role(convo.role)
    approved = result.approvals is not None and result.approvals.offered is not None
    # A supervisor-level offer counts as inside the matrix only when a supervisor approved it for this case.
    outside = sum(
        1
        for o in result.offers
        if not check_terms(case, o.terms(), o.role if approved and o.role == "supervisor" else role).within_authority
    )
    stray: list[str] = []
    draft = result.draft
    if draft is not None and draft.sendable and draft.text:
        config = drafting_config().model_dump(exclude={"scripts"})
        facts = {"outstanding_total": case.loan.outstanding_total, "dpd": case.loan.days_past_due}
        stray = ungrounded(draft.text, allowed_numbers([facts, *result.offers, result.promise, config]))
    return TurnRecord(
        conversation=convo.id, category=convo.category, adversarial=convo.adversarial, turn=index,
        case_id=result.case_id, expect=expect, result=result, offers_outside=outside, stray=stray,
    )  # fmt: skip


async def _run(deps: Deps, conversations: list[Conversation]) -> list[TurnRecord]:
    graph = compile_graph(InMemorySaver(serde=serializer()))
    records: list[TurnRecord] = []
    for convo in conversations:
        case_id = _pick(deps, convo.case)
        for index, spec in enumerate(convo.turns):
            request = TurnRequest(case_id=case_id, message=spec.message, channel=convo.channel,
                                  documents=spec.documents)  # fmt: skip
            result = await run_turn(
                deps, graph, request, thread_id=f"eval-{convo.id}", role=convo.role, actor="eval", clock=lambda: CLOCK
            )
            records.append(_record(deps, convo, index, result, spec.expect))
    return records


def run_negotiation(context: SuiteContext) -> NegotiationSuiteOutput:
    """Target: generate the portfolio, play every conversation on its own thread, check each turn."""
    import asyncio

    from core.synth import synthesize

    params = NegotiationParams.model_validate(context.config.params)
    conversations = [Conversation.model_validate(row) for row in context.datasets[params.dataset]]
    settings = Settings(
        _env_file=None, var_dir=context.workdir, data_key=base64.b64encode(os.urandom(32)).decode(),
        api_keys="eval-system-key-0000001:system", llm_base_url=None,
    )  # fmt: skip
    deps = build_deps(settings)
    try:
        synthesize(deps.engine, deps.cipher, params.n_cases, params.seed, workers=0)
        records = asyncio.run(_run(deps, conversations))
    finally:
        deps.close()
    return NegotiationSuiteOutput(
        turns=records,
        facts={
            "conversations": len(conversations),
            "turns": len(records),
            "adversarial_conversations": sum(1 for c in conversations if c.adversarial),
            "portfolio_cases": params.n_cases,
            "seed": params.seed,
        },
    )
