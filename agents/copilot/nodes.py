"""Nodes of the copilot graph: begin a turn, plan (model or rules), run tools, wait for a decision, answer.

Two drivers share one loop. With a model (the gateway's tool calling, or a chat model injected in the context) the
model plans and writes the answer, which is then checked against the turn's tool outputs. Without one the
deterministic planner emits the same tool calls and the answer is composed from the outputs. Either way every tool
call goes through :func:`agents.copilot.toolkit.call_tool` with the caller's role and tenant.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.runnables import RunnableConfig
from langgraph.config import get_config
from langgraph.runtime import Runtime
from langgraph.types import interrupt

from agents.copilot.catalogue import TOOLS
from agents.copilot.compose import compose, model_answer
from agents.copilot.planner import Memory, Plan, PlannedCall, Planner, memory_after
from agents.copilot.state import CopilotState
from agents.copilot.toolkit import PII_ROLES, Approval, Described, ToolContext, ToolOutcome, call_tool
from core import clock as wall_clock
from core.db.copilot import InterruptStore
from core.deps import Deps
from core.gateway.errors import ModelCallError, ModelUnavailableError
from core.settings import Role
from prompts.copilot import COPILOT_SYSTEM

log = logging.getLogger("qingshou.copilot")
NO_MODEL_NOTE = "未配置模型：由规则规划器调用工具并按模板作答 / no model configured: the rules planner called the tools"
MAX_TOOL_CHARS = 6000


@dataclass(kw_only=True)
class Context:
    """Who runs the turn and with what (reached through ``Runtime[Context]``)."""

    deps: Deps
    role: Role = "collector"
    tenant: str | None = None
    clock: Callable[[], dt.datetime] = field(default=wall_clock.read)
    retrieval: Callable[[], Any] | None = None
    model: BaseChatModel | None = None
    """A chat model to drive the loop; when None the gateway's model is used if one is configured."""
    max_steps: int = 6
    """Planner steps per turn before the run answers with what it has."""


def _thread_id(config: RunnableConfig | None = None) -> str | None:
    """The run's thread id (from the config LangGraph gives the running node)."""
    if config is None:
        try:
            config = get_config()
        except RuntimeError:
            return None
    value = (config.get("configurable") or {}).get("thread_id")
    return str(value) if value is not None else None


def tool_context(ctx: Context, thread_id: str | None) -> ToolContext:
    """The tools' view of the run's context."""
    return ToolContext(deps=ctx.deps, role=ctx.role, tenant=ctx.tenant, thread_id=thread_id, clock=ctx.clock,
                       retrieval=ctx.retrieval)  # fmt: skip


def _last_human(messages: Sequence[BaseMessage]) -> str:
    for m in reversed(messages):
        if isinstance(m, HumanMessage):
            return m.content if isinstance(m.content, str) else " ".join(str(p) for p in m.content)
    return ""


def _today(ctx: Context) -> dt.date:
    return ctx.clock().astimezone(dt.timezone(dt.timedelta(hours=8))).date()


def _model(ctx: Context, thread_id: str | None) -> BaseChatModel | None:
    if ctx.model is not None:
        return ctx.model
    if not ctx.deps.gateway.available:
        return None
    from core.gateway.lc_model import GatewayChatModel

    return GatewayChatModel(gateway=ctx.deps.gateway, role="copilot", thread_id=thread_id)


# ---- begin --------------------------------------------------------------------------------------


def begin(state: CopilotState) -> dict[str, Any]:
    """A new turn: this turn's outcomes, steps and answer start empty (earlier turns stay in the messages)."""
    return {"outcomes": [], "steps": 0, "pending": [], "answer": None, "notes": [], "plan_kind": "tools",
            "plan_reason": "", "turn": state.turn + 1}  # fmt: skip


# ---- plan ---------------------------------------------------------------------------------------


def _tool_calls(calls: list[PlannedCall]) -> list[dict[str, Any]]:
    return [{"name": c.name, "args": c.args, "id": f"call_{uuid.uuid4().hex[:12]}", "type": "tool_call"} for c in calls]


def _rules_plan(state: CopilotState, ctx: Context, notes: list[str]) -> dict[str, Any]:
    if state.steps > 0:
        return {"steps": state.steps + 1}
    text = _last_human(state.messages)
    plan: Plan = Planner(_today(ctx)).plan(text, state.memory)
    update: dict[str, Any] = {"steps": 1, "plan_kind": plan.kind, "plan_reason": plan.reason, "driver": "rules",
                              "notes": [*notes, NO_MODEL_NOTE] if not notes else notes}  # fmt: skip
    if plan.kind == "tools" and plan.calls:
        update["messages"] = [AIMessage(content="", tool_calls=_tool_calls(plan.calls))]
    return update


def _trimmed(messages: Sequence[BaseMessage], keep: int = 24) -> list[BaseMessage]:
    """The last messages, never starting with a tool result whose call was cut off."""
    out = list(messages[-keep:])
    while out and isinstance(out[0], ToolMessage):
        out.pop(0)
    return out


async def plan(state: CopilotState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Decide the next tool calls (or that the turn can be answered)."""
    ctx = runtime.context
    thread_id = _thread_id()
    model = _model(ctx, thread_id)
    if model is None or (state.steps > 0 and state.driver == "rules"):
        return _rules_plan(state, ctx, state.notes if state.steps > 0 else [])
    schemas = [t.schema() for t in TOOLS.values() if ctx.role in t.roles]
    system = COPILOT_SYSTEM.format(role=ctx.role, today=_today(ctx).isoformat(), case_id=state.memory.case_id or "—")
    try:
        ai = await model.bind_tools(schemas).ainvoke([SystemMessage(content=system), *_trimmed(state.messages)])
    except (ModelUnavailableError, ModelCallError) as exc:
        log.warning("copilot model unavailable, rules planner used: %s", type(exc).__name__)
        note = (
            f"模型不可用，改用规则规划器 / the model was unavailable ({type(exc).__name__}); the rules planner answered"
        )
        return _rules_plan(state, ctx, [note]) | {"driver": "rules"}
    if not isinstance(ai, AIMessage):
        ai = AIMessage(content=str(getattr(ai, "content", "")))
    known = [c for c in ai.tool_calls if c["name"] in TOOLS]
    notes = list(state.notes)
    if len(known) < len(ai.tool_calls):
        dropped = sorted({c["name"] for c in ai.tool_calls if c["name"] not in TOOLS})
        notes.append(f"模型调用了不存在的工具，已忽略 / the model called unknown tools, ignored: {', '.join(dropped)}")
        ai = AIMessage(content=ai.content, tool_calls=known, id=ai.id)
    return {"messages": [ai], "steps": state.steps + 1, "driver": "model", "notes": notes}


def after_plan(state: CopilotState, runtime: Runtime[Context]) -> str:
    """Run tools while the planner asks for them and the step limit allows; then answer."""
    last = state.messages[-1] if state.messages else None
    if isinstance(last, AIMessage) and last.tool_calls and state.steps <= runtime.context.max_steps:
        return "tools"
    return "answer"


# ---- tools --------------------------------------------------------------------------------------


def _tool_message(outcome: ToolOutcome) -> ToolMessage:
    body: dict[str, Any] = {"ok": outcome.ok}
    if outcome.ok:
        body["output"] = outcome.output
        if outcome.described is not None:
            body["summary_zh"] = outcome.described.zh
            body["sources"] = [s.label() for s in outcome.described.sources]
        if outcome.approval is not None:
            body["waiting_for_approval"] = outcome.approval.summary_zh
    else:
        body["error"] = outcome.error
    content = json.dumps(body, ensure_ascii=False, default=str)
    if len(content) > MAX_TOOL_CHARS:
        body.pop("output", None)
        content = json.dumps(body, ensure_ascii=False, default=str)[:MAX_TOOL_CHARS]
    return ToolMessage(content=content, tool_call_id=outcome.call_id, name=outcome.name,
                       status="success" if outcome.ok else "error")  # fmt: skip


def _register(ctx: Context, thread_id: str | None, outcome: ToolOutcome) -> Approval | None:
    approval = outcome.approval
    if approval is None or thread_id is None:
        return None
    if approval.kind == "contact_referral":
        approval = approval.model_copy(update={"record_id": outcome.call_id})
    tenant = ctx.deps.cases.tenant_of(approval.case_id) or "default"
    row = InterruptStore(ctx.deps.sessions).create(
        thread_id=thread_id, case_id=approval.case_id, tenant=tenant, kind=approval.kind, record_id=approval.record_id,
        summary_zh=approval.summary_zh, summary_en=approval.summary_en, details=approval.details,
        editable=approval.editable, requested_by=f"copilot:{ctx.role}",
    )  # fmt: skip
    return approval.model_copy(update={"id": row.id})


async def tools(state: CopilotState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Run the last message's tool calls (in parallel), streaming a start and an end event for each."""
    ctx = runtime.context
    thread_id = _thread_id()
    last = state.messages[-1]
    assert isinstance(last, AIMessage)
    tctx = tool_context(ctx, thread_id)
    writer = runtime.stream_writer

    async def one(call: Any) -> ToolOutcome:
        tool = TOOLS[call["name"]]
        writer({"event": "tool_start", "tool": tool.name, "title_zh": tool.title_zh, "title_en": tool.title_en,
                "call_id": call["id"], "args": call["args"]})  # fmt: skip
        outcome = await call_tool(tool, dict(call["args"]), tctx, call["id"])
        writer({"event": "tool_end", "tool": tool.name, "call_id": call["id"], "ok": outcome.ok,
                "error": outcome.error})  # fmt: skip
        return outcome

    outcomes = list(await asyncio.gather(*(one(c) for c in last.tool_calls)))
    pending = [a for o in outcomes if (a := await asyncio.to_thread(_register, ctx, thread_id, o)) is not None]
    # The conversation moves to the cases it talked about, even when a tool found nothing (no stored contract...);
    # not to ids that do not exist or that the caller may not see.
    executed = [
        PlannedCall(name=o.name, args=o.args)
        for o in outcomes
        if o.code not in ("unknown_case", "invalid_arguments", "forbidden")
    ]
    memory = state.memory
    if executed:
        memory = memory_after(memory, _last_human(state.messages), Plan(kind="tools", calls=executed))
    return {"messages": [_tool_message(o) for o in outcomes], "outcomes": [*state.outcomes, *outcomes],
            "pending": [*state.pending, *pending], "memory": memory}  # fmt: skip


def after_tools(state: CopilotState) -> str:
    """Wait for a person when a tool asked for one; otherwise plan again."""
    return "hold" if state.pending else "plan"


def hold(state: CopilotState) -> dict[str, Any]:
    """Before the run pauses: an answer with what is known so far and what waits for a decision."""
    result = compose("tools", state.outcomes, pending=state.pending, notes=state.notes)
    return {"answer": result, "messages": [AIMessage(content=result.text)]}


# ---- approval (human in the loop) ---------------------------------------------------------------

ACTIONS = ("approve", "reject", "edit")


class DecisionError(ValueError):
    """A resume value that is not a decision this interrupt accepts."""


def check_decision(approval: Approval, decision: Any) -> dict[str, Any]:
    """The decision as a dict, or :class:`DecisionError` (checked by the API before it resumes, and again here)."""
    if not isinstance(decision, dict) or decision.get("action") not in ACTIONS:
        raise DecisionError(f"a decision is {{'action': one of {', '.join(ACTIONS)}, 'note': ..., 'edits': {{...}}}}")
    if decision["action"] == "edit":
        edits = decision.get("edits") or {}
        if not approval.editable:
            raise DecisionError(f"a {approval.kind} cannot be edited here; approve or reject it")
        unknown = sorted(set(edits) - set(approval.editable))
        if not edits or unknown:
            raise DecisionError(f"edits may change only: {', '.join(approval.editable)}")
    note = decision.get("note", "")
    if not isinstance(note, str) or len(note) > 2000:
        raise DecisionError("note must be a string of at most 2000 characters")
    return {"action": decision["action"], "note": note, "edits": dict(decision.get("edits") or {})}


def _apply_offer(tctx: ToolContext, approval: Approval, decision: dict[str, Any]) -> Described:
    from tools.negotiation.approvals import ApprovalError, Decision, NegotiationStore

    store = NegotiationStore(tctx.deps.sessions)
    record_id = int(approval.record_id)
    action, note = decision["action"], decision["note"]
    asked = approval.details.get("asked", {})
    if action == "edit":
        amount = Decimal(str(decision["edits"]["amount"])).quantize(Decimal("0.01"))
        check = edited_offer_check(tctx, approval, amount)
        if not check.within_authority:
            raise DecisionError(f"the edited amount {amount} is beyond a supervisor's authority too")
        note = f"改为 {amount} 元 / edited to {amount} yuan. {note}".strip()
    try:
        store.decide(record_id, Decision(approve=action != "reject", note=note), decided_by=tctx.actor)
    except ApprovalError as exc:
        log.info("offer approval %s already decided: %s", record_id, exc)
    if action == "reject":
        return Described(zh=f"主管已驳回 {approval.case_id} 的方案（应还 {asked.get('amount_due')} 元）。{note}",
                         en=f"The supervisor rejected the offer on {approval.case_id} "
                            f"({asked.get('amount_due')} yuan). {note}")  # fmt: skip
    if action == "edit":
        amount_text = f"{Decimal(str(decision['edits']['amount'])):.2f}"
        tctx.deps.cases.append_audit(approval.case_id, actor=tctx.actor, action="offer_edited",
                                     detail={"approval_id": record_id, "amount_due": amount_text})  # fmt: skip
        return Described(zh=f"主管已批准修改后的方案：{approval.case_id} 一次性结清应还 {amount_text} 元。",
                         en=f"The supervisor approved an edited offer: {approval.case_id} "
                            f"settles for {amount_text} yuan.")  # fmt: skip
    return Described(zh=f"主管已批准：{approval.case_id} 一次性结清应还 {asked.get('amount_due')} 元，"
                        f"{asked.get('due_on')} 前还清。",
                     en=f"The supervisor approved: {approval.case_id} settles for {asked.get('amount_due')} yuan "
                        f"by {asked.get('due_on')}.")  # fmt: skip


def edited_offer_check(tctx: ToolContext, approval: Approval, amount: Decimal) -> Any:
    """The authority check of a settlement at ``amount`` under a supervisor's authority."""
    from tools.negotiation.models import OfferTerms
    from tools.negotiation.offers import check_terms, position

    case = tctx.case(approval.case_id)
    pos = position(case)
    reduction = max(pos.total - amount, Decimal(0))
    waived = min(pos.penalty, reduction)
    terms = OfferTerms(kind="settlement", discount=reduction - waived, penalty_waived=waived)
    return check_terms(case, terms, "supervisor")


def _apply_legal(tctx: ToolContext, approval: Approval, decision: dict[str, Any]) -> Described:
    from tools.legal.store import LegalDocumentError, LegalDocumentStore

    store = LegalDocumentStore(tctx.deps.sessions, tctx.deps.cipher)
    approve = decision["action"] == "approve"
    try:
        store.decide(approval.record_id, approve=approve, actor=tctx.actor, note=decision["note"])
    except LegalDocumentError as exc:
        log.info("legal document %s already decided: %s", approval.record_id, exc)
    if approve:
        return Described(zh=f"主管已批准法律文书 {approval.record_id}（{approval.case_id}），可正式使用。",
                         en=f"The supervisor approved legal document {approval.record_id} ({approval.case_id}); "
                            "it is final.")  # fmt: skip
    return Described(zh=f"主管已驳回法律文书 {approval.record_id}（{approval.case_id}）。{decision['note']}",
                     en=f"The supervisor rejected legal document {approval.record_id} ({approval.case_id}). "
                        f"{decision['note']}")  # fmt: skip


async def _apply_referral(tctx: ToolContext, approval: Approval, decision: dict[str, Any]) -> Described:
    from tools.negotiation.approvals import NegotiationStore

    action = decision["action"]
    if action == "edit":
        from agents.copilot.case_tools import CONTACT_GATE

        args = {"case_id": approval.case_id, **decision["edits"]}
        outcome = await call_tool(CONTACT_GATE, args, tctx, f"edit-{approval.id}")
        tctx.deps.cases.append_audit(approval.case_id, actor=tctx.actor, action="contact_referral_edited",
                                     detail={"interrupt_id": approval.id, "edits": decision["edits"],
                                             "allowed": bool(outcome.output
                                                             and outcome.output.get("allowed"))})  # fmt: skip
        if outcome.described is None:
            return Described(
                zh=f"修改后的联系无法检查：{outcome.error}",
                en=f"The edited contact could not be checked: {outcome.error}",
            )
        return Described(zh=f"主管修改了联系方式，闸门重新检查：{outcome.described.zh}",
                         en=f"The supervisor changed the contact; the gate checked it again: {outcome.described.en}",
                         sources=outcome.described.sources)  # fmt: skip
    if action == "approve":
        record = await asyncio.to_thread(
            NegotiationStore(tctx.deps.sessions).hand_off, approval.case_id, reasons=["contact_referral"],
            summary=f"{approval.summary_zh} {decision['note']}".strip(), created_by=tctx.actor,
            thread_id=tctx.thread_id,
        )  # fmt: skip
        return Described(zh=f"主管同意由人工处理 {approval.case_id} 的这次联系（转交单 {record.id}），"
                         "系统不会自动联系。",
                         en=f"The supervisor agreed that a person handles this contact on {approval.case_id} "
                         f"(hand-off {record.id}); nothing is sent automatically.")  # fmt: skip
    tctx.deps.cases.append_audit(approval.case_id, actor=tctx.actor, action="contact_referral_rejected",
                                 detail={"interrupt_id": approval.id, "note": decision["note"]})  # fmt: skip
    return Described(
        zh=f"主管决定不联系：{approval.case_id} 的这次联系保持拒绝。",
        en=f"The supervisor decided against the contact on {approval.case_id}.",
    )


async def apply_decision(tctx: ToolContext, approval: Approval, decision: dict[str, Any]) -> ToolOutcome:
    """Carry out a supervisor's decision and record it (audit trail and the interrupt row)."""
    if approval.kind == "offer":
        described = await asyncio.to_thread(_apply_offer, tctx, approval, decision)
    elif approval.kind == "legal_document":
        described = await asyncio.to_thread(_apply_legal, tctx, approval, decision)
    else:
        described = await _apply_referral(tctx, approval, decision)
    status = {"approve": "approved", "reject": "rejected", "edit": "edited"}[decision["action"]]
    await asyncio.to_thread(InterruptStore(tctx.deps.sessions).close, approval.id, status=status,
                            decided_by=tctx.actor, decision=decision)  # fmt: skip
    await asyncio.to_thread(
        tctx.deps.cases.append_audit, approval.case_id, actor=tctx.actor, action="copilot_decision",
        detail={"interrupt_id": approval.id, "kind": approval.kind, "record_id": approval.record_id,
                "decision": status},
    )  # fmt: skip
    return ToolOutcome(call_id=f"decision-{approval.id}", name="decision", args={"interrupt_id": approval.id,
                       "action": decision["action"], **decision["edits"]}, ok=True,
                       output={"status": status, "case_id": approval.case_id, "details": approval.details},
                       described=described)  # fmt: skip


async def approval(state: CopilotState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Pause for the first pending decision (``interrupt``); on resume carry it out and go on."""
    item = state.pending[0]
    payload = {"interrupt_id": item.id, "kind": item.kind, "case_id": item.case_id, "record_id": item.record_id,
               "summary_zh": item.summary_zh, "summary_en": item.summary_en, "details": item.details,
               "editable": item.editable, "actions": list(ACTIONS)}  # fmt: skip
    decision = check_decision(item, interrupt(payload))
    tctx = tool_context(runtime.context, _thread_id())
    if runtime.context.role != "supervisor":
        raise DecisionError("only a supervisor may decide")
    outcome = await apply_decision(tctx, item, decision)
    update: dict[str, Any] = {"pending": state.pending[1:], "outcomes": [*state.outcomes, outcome]}
    if state.driver == "model" and outcome.described is not None:
        update["messages"] = [
            SystemMessage(content=f"[supervisor decision] {outcome.described.zh} / {outcome.described.en}")
        ]
    return update


def after_approval(state: CopilotState) -> str:
    """More decisions to wait for, or plan again."""
    return "approval" if state.pending else "plan"


# ---- answer -------------------------------------------------------------------------------------


def _content(message: BaseMessage) -> str:
    return message.content if isinstance(message.content, str) else " ".join(str(p) for p in message.content)


async def answer(state: CopilotState, runtime: Runtime[Context]) -> dict[str, Any]:
    """The turn's answer from this turn's outputs; a model's text is checked and its unsupported figures removed."""
    ctx = runtime.context
    thread_id = _thread_id()
    notes = list(state.notes)
    if state.steps > ctx.max_steps:
        notes.append(f"已达到每轮 {ctx.max_steps} 步的上限 / stopped at the step limit of {ctx.max_steps}")
    last = state.messages[-1] if state.messages else None
    model_text = (
        _content(last) if state.driver == "model" and isinstance(last, AIMessage) and not last.tool_calls else ""
    )
    if state.driver == "model" and model_text.strip():
        result = model_answer(model_text, state.outcomes, pending=state.pending, notes=notes)
        if thread_id is not None:
            revealed = ctx.deps.gateway.reveal(result.text, thread_id, may_see_pii=ctx.role in PII_ROLES)
            result = result.model_copy(update={"text": revealed, "zh": revealed})
        message = AIMessage(content=result.text, id=last.id if last is not None else None)
    else:
        result = compose(state.plan_kind, state.outcomes, reason=state.plan_reason, pending=state.pending, notes=notes)
        message = AIMessage(content=result.text)
    return {"answer": result, "messages": [message]}


def memory_of(state: CopilotState) -> Memory:
    """The conversation memory (for tests and the API)."""
    return state.memory
