"""Copilot tools that act or draft.

Offers inside the authority matrix, reminders through compliance review, review of pasted text, knowledge search with
citations, contract terms, legal documents, promises to pay and hand-offs.

Offers beyond the caller's authority and legal documents are stored pending and returned with an :class:`Approval`:
the graph then pauses with ``interrupt()`` until a supervisor decides.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field

from agents.case_workflow.gating import gate_action
from agents.case_workflow.planner import plan_next_action
from agents.case_workflow.reminder import ReminderError, fill_reminder
from agents.compliance.node import OutgoingDraft, review_draft
from agents.compliance.service import invoke as review_transcript
from agents.copilot import labels as L
from agents.copilot.case_tools import NEGOTIATORS, CaseRef
from agents.copilot.toolkit import (
    ALL_ROLES,
    CASE_ID_PATTERN,
    Approval,
    Described,
    Source,
    Tool,
    ToolContext,
    ToolError,
    bilingual,
)
from agents.extraction.legal import NoExtractionError, draft_for_case
from agents.extraction.store import ExtractionStore
from agents.negotiation.nodes import case_facts as salutation_facts
from agents.negotiation.templates import UnfilledPlaceholderError, drafting_config, fill_text, money, scripts
from core.settings import Role
from tools.arrears import amount_due
from tools.compliance.parse import TranscriptError, parse_transcript
from tools.legal.drafting import DraftingError
from tools.negotiation.approvals import NegotiationStore
from tools.negotiation.authority import authority_role, default_matrix
from tools.negotiation.models import OfferTerms
from tools.negotiation.offers import PlanRequest, check_terms, instalment_offer, position, settlement_offer
from tools.negotiation.promises import PromiseStore, PromiseTerms, validate_promise
from tools.triage.tool import triage_casefile

CENT = Decimal("0.01")
DRAFT_ROLES: frozenset[Role] = frozenset({"collector", "supervisor", "compliance", "system"})

# ---- offers -------------------------------------------------------------------------------------


class OfferInput(CaseRef):
    """What kind of offer, and what the debtor pays when named."""

    kind: Literal["settlement", "instalment", "max"] = "max"
    percent: Decimal | None = Field(default=None, gt=0, le=100, description="Share of the outstanding the debtor pays")
    amount: Decimal | None = Field(default=None, gt=0, le=Decimal("1e10"), description="Yuan the debtor pays at once")
    months: int | None = Field(default=None, ge=1, le=600, description="Instalments wanted")


class OfferLine(BaseModel):
    """One offer, inside the matrix for the role it is made under."""

    kind: Literal["settlement", "instalment"]
    amount_due: str
    due_on: str
    discount: str
    penalty_waived: str
    down_payment: str = "0.00"
    months: int = 0
    monthly_payment: str = "0.00"
    plan_rate_pct: str = ""


class OfferOut(BaseModel):
    """Offers, or the terms asked for and what the matrix says of them."""

    case_id: str
    role: Literal["collector", "supervisor"]
    outstanding_total: str
    penalty: str
    offers: list[OfferLine] = Field(default_factory=list)
    asked: dict[str, str] | None = Field(default=None, description="The terms asked for (settlement at X% / amount)")
    within_authority: bool = True
    supervisor_covers: bool = True
    breaches: list[dict[str, str]] = Field(default_factory=list)
    approval_id: int | None = None
    notes: list[str] = Field(default_factory=list)
    matrix_version: str


def _line(offer: Any) -> OfferLine:
    return OfferLine(
        kind=offer.kind, amount_due=money(offer.amount_due), due_on=offer.due_on.isoformat(),
        discount=money(offer.discount), penalty_waived=money(offer.penalty_waived),
        down_payment=money(offer.down_payment), months=offer.months, monthly_payment=money(offer.monthly_payment),
        plan_rate_pct=offer.plan_rate_pct,
    )  # fmt: skip


def _offer(ctx: ToolContext, inp: OfferInput) -> OfferOut:
    case = ctx.case(inp.case_id)
    role = authority_role(ctx.role)
    matrix = default_matrix()
    pos = position(case)
    today = ctx.today()
    out = OfferOut(case_id=case.id, role=role, outstanding_total=money(pos.total), penalty=money(pos.penalty),
                   matrix_version=matrix.version)  # fmt: skip
    if inp.kind == "settlement" and (inp.percent is not None or inp.amount is not None):
        pay = inp.amount if inp.amount is not None else (pos.total * (inp.percent or Decimal(100)) / 100)
        pay = pay.quantize(CENT, rounding=ROUND_HALF_UP)
        if pay >= pos.total:
            out.notes.append(
                f"所报金额不低于欠款合计 {money(pos.total)} 元，无需减免 / the amount covers the whole balance"
            )
            out.asked = {"amount_due": money(pay)}
            return out
        reduction = pos.total - pay
        waived = min(pos.penalty, reduction)
        terms = OfferTerms(kind="settlement", discount=reduction - waived, penalty_waived=waived)
        check = check_terms(case, terms, role, matrix)
        due_on = today + dt.timedelta(days=matrix.settlement_window_days)
        out.asked = {"amount_due": money(pay), "discount": money(terms.discount), "penalty_waived": money(waived),
                     "share_pct": f"{(pay / pos.total * 100).quantize(Decimal('0.1'))}",
                     "due_on": due_on.isoformat()}  # fmt: skip
        out.within_authority, out.supervisor_covers = check.within_authority, check.supervisor_covers
        out.breaches = [b.model_dump() for b in check.breaches]
        if check.within_authority:
            out.offers.append(OfferLine(kind="settlement", amount_due=money(pay), due_on=due_on.isoformat(),
                                        discount=money(terms.discount), penalty_waived=money(waived)))  # fmt: skip
        elif check.supervisor_covers:
            record = NegotiationStore(ctx.deps.sessions).request_approval(
                case.id, check, requested_by=ctx.actor, thread_id=ctx.thread_id
            )
            out.approval_id = record.id
        best = settlement_offer(case, role, today, matrix)
        if best is not None and not check.within_authority:
            out.offers.append(_line(best))
            out.notes.append(
                "附：本人授权范围内可给出的最优结清方案 / Below: the best settlement within this role's authority"
            )
        return out
    if inp.kind in ("settlement", "max"):
        best = settlement_offer(case, role, today, matrix)
        if best is not None:
            out.offers.append(_line(best))
        elif inp.kind == "settlement":
            out.notes.append("本人授权范围内没有可减免的部分：结清即全额还款 / no concession within this authority")
    if inp.kind in ("instalment", "max"):
        wish = PlanRequest(months=inp.months) if inp.months else None
        if inp.amount is not None and inp.kind == "instalment":
            wish = PlanRequest(months=inp.months, monthly_budget=inp.amount)
        plan = instalment_offer(case, role, today, wish, matrix)
        if plan is not None:
            out.offers.append(_line(plan))
            if inp.months and plan.months < inp.months:
                out.notes.append(f"期数按授权与最低月供限为 {plan.months} 期 / months clamped to {plan.months}")
    return out


async def _offer_async(ctx: ToolContext, inp: OfferInput) -> OfferOut:
    return await asyncio.to_thread(_offer, ctx, inp)


def _describe_offer(out: OfferOut) -> Described:
    zh = [
        f"{out.case_id} 欠款合计 {out.outstanding_total} 元（罚息 {out.penalty} 元），"
        f"在{'主管' if out.role == 'supervisor' else '坐席'}授权范围内："
    ]
    en = [
        f"{out.case_id}: {out.outstanding_total} yuan outstanding (penalty {out.penalty} yuan), "
        f"under {out.role} authority:"
    ]
    if out.asked is not None and "discount" in out.asked:
        a = out.asked
        if out.within_authority:
            zh.append(f"按 {a['share_pct']}% 一次性结清：应还 {a['amount_due']} 元（减免罚息 {a['penalty_waived']} 元、"
                      f"本息 {a['discount']} 元），{a['due_on']} 前还清，在授权范围内。")  # fmt: skip
            en.append(f"Settlement at {a['share_pct']}%: {a['amount_due']} yuan (penalty waived {a['penalty_waived']}, "
                      f"principal and interest forgiven {a['discount']}) by {a['due_on']}, "
                      "within authority.")  # fmt: skip
        elif out.approval_id is not None:
            zh.append(
                f"按 {a['share_pct']}% 结清（应还 {a['amount_due']} 元）超出本人授权范围，"
                f"已提交主管审批（审批单 {out.approval_id}）。"
            )
            en.append(f"Settlement at {a['share_pct']}% ({a['amount_due']} yuan) is beyond this role's authority; "
                      f"sent to a supervisor (approval {out.approval_id}).")  # fmt: skip
        else:
            zh.append(
                f"按 {a['share_pct']}% 结清（应还 {a['amount_due']} 元）不在授权矩阵内（主管也无此授权），"
                "不能提出；可转人工。"
            )
            en.append(f"Settlement at {a['share_pct']}% ({a['amount_due']} yuan) is beyond the matrix, "
                      "a supervisor's authority included: it cannot be offered; "
                      "hand the case to a person.")  # fmt: skip
    elif out.asked is not None:
        zh.append(f"应还 {out.asked['amount_due']} 元不低于欠款合计，按全额还款处理。")
        en.append(f"{out.asked['amount_due']} yuan covers the balance: that is full payment.")
    for o in out.offers:
        if o.kind == "settlement":
            zh.append(
                f"结清方案：{o.due_on} 前一次性还 {o.amount_due} 元"
                f"（减免罚息 {o.penalty_waived} 元、本息 {o.discount} 元）。"
            )
            en.append(f"Settlement: {o.amount_due} yuan by {o.due_on} (penalty waived {o.penalty_waived}, "
                      f"principal and interest forgiven {o.discount}).")  # fmt: skip
        else:
            zh.append(f"分期方案：首付 {o.down_payment} 元（{o.due_on} 前），"
                      f"其后 {o.months} 期每期 {o.monthly_payment} 元"
                      f"（年利率 {o.plan_rate_pct}，减免罚息 {o.penalty_waived} 元）。")  # fmt: skip
            en.append(f"Instalment plan: {o.down_payment} yuan down by {o.due_on}, then {o.months} payments of "
                      f"{o.monthly_payment} yuan ({o.plan_rate_pct} a year, "
                      f"penalty waived {o.penalty_waived}).")  # fmt: skip
    for note in out.notes:
        z, _, e = note.partition(" / ")
        zh.append(z + "。")
        en.append((e or z) + ".")
    return Described(zh="\n".join(zh), en="\n".join(en))


def _offer_approval(out: OfferOut) -> Approval | None:
    if out.approval_id is None or out.asked is None:
        return None
    a = out.asked
    return Approval(
        kind="offer", case_id=out.case_id, record_id=str(out.approval_id),
        summary_zh=f"{out.case_id}：按 {a['share_pct']}% 结清，应还 {a['amount_due']} 元"
        f"（欠款 {out.outstanding_total} 元），超出坐席授权范围。",
        summary_en=f"{out.case_id}: settle at {a['share_pct']}% for {a['amount_due']} yuan "
        f"(of {out.outstanding_total}), beyond the collector's authority.",
        details={"asked": a, "breaches": out.breaches, "outstanding_total": out.outstanding_total},
        editable=["amount"],
    )  # fmt: skip


OFFER = Tool(
    name="offer", title_zh="协商方案", title_en="make an offer",
    description="Settlement or instalment offers inside the caller's authority matrix. kind=max gives the best of "
    "both; settlement with percent (share paid) or amount checks those terms and asks a supervisor when beyond "
    "authority.",
    input=OfferInput, output=OfferOut, roles=NEGOTIATORS, run=_offer_async, describe=_describe_offer,
    approval=_offer_approval,
)  # fmt: skip


# ---- reminders ----------------------------------------------------------------------------------


class ReminderInput(CaseRef):
    """Which case and channel."""

    channel: Literal["sms", "call", "wechat", "app"] = "sms"


class ReminderOut(BaseModel):
    """A reminder filled from an approved script, and its compliance review."""

    case_id: str
    channel: str
    script: str
    text: str
    send_at: str
    verdict: Literal["pass", "fail"]
    sendable: bool
    findings: list[dict[str, str]] = Field(default_factory=list)
    reason: str | None = None
    semantic_layer: str | None = None


def _call_script(case: Any) -> tuple[str, str]:
    due = amount_due(case.loan, case.as_of)
    config = drafting_config()
    values = {"客户称呼": salutation_facts(case).salutation,
              "金额": money(due.arrears if due.missed_instalments else due.instalment),
              "逾期天数": str(case.loan.days_past_due), "还款渠道": config.repayment_channel,
              "机构名称": config.institution, "客服电话": config.service_phone}  # fmt: skip
    entry = "call-first-overdue"
    try:
        return f"{config.pack}/{entry}", fill_text(scripts()[entry], values)
    except UnfilledPlaceholderError as exc:
        raise ToolError(bilingual("无法填写通话脚本", "cannot fill the call script", exc)) from None


async def _reminder(ctx: ToolContext, inp: ReminderInput) -> ReminderOut:
    case = await asyncio.to_thread(ctx.case, inp.case_id)
    triage = await asyncio.to_thread(triage_casefile, case)
    action = plan_next_action(triage, now=ctx.clock(), utc_offset_min=case.debtor.utc_offset_min)
    action = action.model_copy(update={"action": "send_reminder", "channel": inp.channel})
    window = triage.contact_window
    action = gate_action(action, case, max(window.start_hour, 8) if window else 8)
    if action.blocked and action.gate is not None:
        raise ToolError(f"合规闸门拒绝联系，未起草 / the gate refused the contact, nothing drafted: "
                        f"{action.gate.reason_zh} / {action.gate.reason_en}", code="gate_refused")  # fmt: skip
    if inp.channel == "call":
        script, text = _call_script(case)
    else:
        try:
            script, text, _due = fill_reminder(case, action.not_before)
        except ReminderError as exc:
            raise ToolError(bilingual("未起草提醒", "no reminder drafted", exc), code="no_reminder") from None
    channel = "call" if inp.channel == "call" else inp.channel
    draft = OutgoingDraft(channel=channel, text=text, speaker="agent" if channel == "call" else "bot",
                          send_at=action.not_before, standalone=channel != "call")  # fmt: skip
    review = await review_draft(ctx.deps, case.id, draft, now=ctx.clock(), case=case)
    await asyncio.to_thread(
        ctx.deps.cases.append_audit, case.id, actor=ctx.actor, action="reminder_drafted",
        detail={"script": script, "channel": channel, "send_at": action.not_before.isoformat(),
                "verdict": review.verdict, "sendable": review.sendable},
    )  # fmt: skip
    return ReminderOut(
        case_id=case.id, channel=channel, script=script, text=text,
        send_at=action.not_before.strftime("%Y-%m-%d %H:%M"), verdict=review.verdict, sendable=review.sendable,
        reason=review.reason,
        findings=[{"category": f.category.value, "rule_id": f.rule_id, "quote": f.quote} for f in review.findings],
        semantic_layer=review.semantic_layer.status if review.semantic_layer else None,
    )  # fmt: skip


def _describe_reminder(out: ReminderOut) -> Described:
    verdict_zh = "合规审查通过，可发送" if out.sendable else f"合规审查未通过，不得发送：{out.reason or ''}"
    verdict_en = (
        "passed compliance review: sendable" if out.sendable else f"failed compliance review: {out.reason or ''}"
    )
    return Described(
        zh=f"{out.case_id} {L.channel_zh(out.channel)}提醒草稿（批准话术 {out.script}，计划 {out.send_at} 发送）：\n"
        f"「{out.text}」\n{verdict_zh}。",
        en=f"{out.case_id} {out.channel} reminder draft (approved script {out.script}, to go at {out.send_at}):\n"
        f'"{out.text}"\nIt {verdict_en}.',
        sources=[Source(title="批准话术库 Approved scripts", article=out.script.split("/")[-1], ref=out.script)],
    )


DRAFT_REMINDER = Tool(
    name="draft_reminder", title_zh="起草还款提醒", title_en="draft a reminder",
    description="A reminder SMS (or call script) filled from the approved script pack with amounts from the "
    "arrears tool, scheduled by the contact gate and reviewed for compliance; only a sendable draft may go out.",
    input=ReminderInput, output=ReminderOut, roles=NEGOTIATORS, run=_reminder, describe=_describe_reminder,
)  # fmt: skip


# ---- review -------------------------------------------------------------------------------------


class ReviewInput(BaseModel):
    """Text to review: a message, a draft, or a transcript (``坐席：…`` / ``客户：…`` lines)."""

    text: str = Field(min_length=1, max_length=8000)
    channel: Literal["call", "sms", "wechat", "app"] = "sms"
    case_id: str | None = Field(default=None, pattern=CASE_ID_PATTERN)


class ReviewOut(BaseModel):
    """The verdict and each finding with its rule."""

    verdict: Literal["pass", "fail"]
    turns: int
    findings: list[dict[str, Any]]
    semantic_layer: str
    notes: list[str] = Field(default_factory=list)


_SPEAKER_LINE = re.compile(
    r"^\s*(?:\d{4}-\d{2}-\d{2}[T ][\d:]+\S*\s+)?"
    r"(坐席|客户|机器人|第三方|催收员|债务人|agent|debtor|bot|third[_ ]party)\s*[:：]",
    re.I | re.M,
)


async def _review(ctx: ToolContext, inp: ReviewInput) -> ReviewOut:
    if inp.case_id is not None:
        await asyncio.to_thread(ctx.require_case, inp.case_id)
    text = inp.text.strip()
    if not _SPEAKER_LINE.search(text):
        text = f"坐席：{text}"  # a single message or draft is the collector's words
    try:
        transcript = parse_transcript(text, channel=inp.channel, case_id=inp.case_id)
    except TranscriptError as exc:
        raise ToolError(bilingual("无法读取这段文本", "cannot read this text", exc), code="invalid_arguments") from None
    if len(transcript.turns) == 1:
        transcript = transcript.model_copy(update={"complete": False})
    result, _ = await review_transcript(ctx.deps, transcript)
    return ReviewOut(
        verdict=result.verdict, turns=len(transcript.turns), semantic_layer=result.semantic_layer.status,
        notes=result.notes,
        findings=[{"category": f.category.value, "rule_id": f.rule_id, "severity": f.severity.value, "turn": f.turn,
                   "quote": f.quote, "source": f.source, "citation": f.citation.model_dump()} for f in result.findings],
    )  # fmt: skip


CATEGORY_ZH = {
    "threat": "威胁恐吓", "abuse": "侮辱谩骂", "third_party_disclosure": "向第三人披露", "impersonation": "冒充公检法",
    "false_legal_claim": "虚假法律后果", "harassment_frequency": "频繁骚扰", "quiet_hours": "禁止时段",
    "privacy_leak": "泄露隐私", "unauthorized_fee": "不当收费", "missing_identification": "未表明身份",
    "induce_borrowing": "诱导借贷", "exposure": "曝光威胁",
}  # fmt: skip


def _describe_review(out: ReviewOut) -> Described:
    sources = [Source(title=f["citation"]["document"], article=f["citation"]["title"], ref=f["citation"]["rule"],
                      quote=f["quote"]) for f in out.findings]  # fmt: skip
    if out.verdict == "pass":
        zh, en = f"审查通过：{out.turns} 段话中未发现违规。", f"Passed: no violation found in {out.turns} turn(s)."
    else:
        zh = f"审查未通过，发现 {len(out.findings)} 处问题：" + "；".join(
            f"第 {f['turn'] + 1} 段「{f['quote']}」（{CATEGORY_ZH.get(f['category'], f['category'])}）"
            for f in out.findings
        )
        en = f"Failed: {len(out.findings)} finding(s): " + "; ".join(
            f'turn {f["turn"] + 1} "{f["quote"]}" ({f["category"]})' for f in out.findings
        )
    if out.semantic_layer != "ran":
        zh += "（仅规则层审查，未使用模型语义层）"
        en += " (rule layer only; the model's semantic layer did not run)"
    return Described(zh=zh, en=en, sources=sources)


REVIEW_TEXT = Tool(
    name="review_text", title_zh="合规审查", title_en="review text for compliance",
    description="Compliance review of any pasted message, draft or transcript: ten categories of violation, each "
    "with the rule it breaks.",
    input=ReviewInput, output=ReviewOut, roles=ALL_ROLES, run=_review, describe=_describe_review,
)  # fmt: skip


# ---- knowledge search ---------------------------------------------------------------------------


class SearchInput(BaseModel):
    """A question for the regulation or script packs."""

    query: str = Field(min_length=1, max_length=500)
    collection: Literal["regulations", "scripts"] = "regulations"
    limit: int = Field(default=3, ge=1, le=10)


class SearchOut(BaseModel):
    """Ranked passages with their citations."""

    query: str
    collection: str
    hits: list[dict[str, Any]]


def _search(ctx: ToolContext, inp: SearchInput) -> SearchOut:
    from retrieval.models import SearchFilters

    if ctx.retrieval is None:
        raise ToolError("知识库不可用 / the knowledge base is not available", code="unavailable")
    service = ctx.retrieval()
    hits = service.search(inp.query, inp.collection, filters=SearchFilters(tenant=ctx.tenant), limit=inp.limit)
    return SearchOut(
        query=inp.query, collection=inp.collection,
        hits=[{"rank": h.rank, "title": h.citation.title, "article": h.citation.article,
               "chunk_id": h.citation.chunk_id, "heading": h.heading, "text": h.text[:400], "verified": h.verified}
              for h in hits],
    )  # fmt: skip


async def _search_async(ctx: ToolContext, inp: SearchInput) -> SearchOut:
    return await asyncio.to_thread(_search, ctx, inp)


def _first_sentence(text: str, heading: str = "") -> str:
    text = re.sub(r"\s+", " ", text).strip()
    if heading and text.startswith(heading):
        text = text[len(heading) :].lstrip(" ：:")
    match = re.match(r"(.{12,160}?[。；;.!?！？])", text)
    return match.group(1) if match else text[:160]


def _describe_search(out: SearchOut) -> Described:
    if not out.hits:
        return Described(
            zh=f"知识库中没有找到与「{out.query}」相关的条文。", en=f"Nothing in the knowledge base on '{out.query}'."
        )
    sources = [Source(title=h["title"], article=h["article"], ref=h["chunk_id"],
                      quote=_first_sentence(h["text"], h.get("heading", ""))) for h in out.hits]  # fmt: skip
    zh = [f"关于「{out.query}」，相关规定："]
    en = [f"On '{out.query}', the relevant provisions:"]
    for i, (h, src) in enumerate(zip(out.hits, sources, strict=True), 1):
        caveat = "（条号未核实）" if not h["verified"] else ""
        zh.append(f"{src.label()}{caveat}：{src.quote} [{i}]")
        en.append(f"{src.label()}{' (article not verified)' if not h['verified'] else ''}: {src.quote} [{i}]")
    return Described(zh="\n".join(zh), en="\n".join(en), sources=sources)


SEARCH = Tool(
    name="search_knowledge", title_zh="法规与话术检索", title_en="search regulations and scripts",
    description="Search the regulation pack (laws, regulatory rules, industry standards) or the approved script pack; "
    "every passage comes with its title and article.",
    input=SearchInput, output=SearchOut, roles=ALL_ROLES, run=_search_async, describe=_describe_search,
)  # fmt: skip


# ---- contract terms -----------------------------------------------------------------------------


class ContractOut(BaseModel):
    """Key terms of the case's contract, each with where it was read."""

    case_id: str
    extraction_id: str
    file_name: str
    terms: dict[str, dict[str, Any]]
    findings: list[str] = Field(default_factory=list)


_TERM_ZH = {"contract_no": "合同编号", "principal": "借款本金", "annual_rate": "年利率",
            "term_months": "借款期限（月）", "start_date": "起始日", "maturity_date": "到期日",
            "repayment_method": "还款方式", "repayment_day": "还款日", "penalty": "逾期罚息",
            "dispute": "争议解决", "signing_date": "签订日期", "acceleration": "提前到期"}  # fmt: skip


def _contract(ctx: ToolContext, inp: CaseRef) -> ContractOut:
    ctx.require_case(inp.case_id)
    store = ExtractionStore(ctx.deps.sessions, ctx.deps.cipher)
    extraction_id = store.latest_for_case(inp.case_id)
    if extraction_id is None:
        raise ToolError(f"案件 {inp.case_id} 还没有合同抽取结果："
                        "请先上传合同（POST /v1/agents/extraction:invoke，store=true）"
                        f" / case {inp.case_id} has no stored contract extraction yet",
                        code="no_extraction")  # fmt: skip
    result, _vault = store.load(extraction_id)
    terms: dict[str, dict[str, Any]] = {}
    for name in _TERM_ZH:
        sourced = getattr(result.terms, name, None)
        if sourced is None:
            continue
        value = sourced.value
        shown = value.model_dump(mode="json") if isinstance(value, BaseModel) else str(value)
        terms[name] = {"value": shown, "span": sourced.span.model_dump(mode="json")}
    return ContractOut(case_id=inp.case_id, extraction_id=extraction_id, file_name=result.file_name, terms=terms,
                       findings=[f"{f.code}: {f.message}" if hasattr(f, "code") else str(f)
                                 for f in result.findings])  # fmt: skip


async def _contract_async(ctx: ToolContext, inp: CaseRef) -> ContractOut:
    return await asyncio.to_thread(_contract, ctx, inp)


def _short(value: Any) -> str:
    if isinstance(value, dict):
        return "，".join(f"{k}={v}" for k, v in value.items() if v not in (None, "", []))[:120]
    return str(value)[:120]


def _describe_contract(out: ContractOut) -> Described:
    zh = [f"{out.case_id} 合同（{out.file_name}）要点："]
    en = [f"{out.case_id} contract ({out.file_name}), key terms:"]
    for name, t in out.terms.items():
        span = t["span"]
        where = f"第 {span.get('page', '?')} 页，字符 {span.get('start', '?')}-{span.get('end', '?')}"
        zh.append(f"{_TERM_ZH[name]}：{_short(t['value'])}（{where}）")
        en.append(
            f"{name}: {_short(t['value'])} (page {span.get('page', '?')}, "
            f"chars {span.get('start', '?')}-{span.get('end', '?')})"
        )
    for f in out.findings:
        zh.append(f"核查提示：{f}")
        en.append(f"Check: {f}")
    return Described(zh="\n".join(zh), en="\n".join(en))


CONTRACT_TERMS = Tool(
    name="contract_terms", title_zh="合同要点", title_en="read contract terms",
    description="Key terms of the case's stored contract extraction (rate, term, penalty, jurisdiction...), each "
    "with its source span, and the checks that flagged something.",
    input=CaseRef, output=ContractOut, roles=ALL_ROLES, run=_contract_async, describe=_describe_contract,
)  # fmt: skip


# ---- legal documents ----------------------------------------------------------------------------


class LegalInput(CaseRef):
    """Which document."""

    kind: Literal["complaint", "preservation", "payment_order"] = "complaint"


class LegalOut(BaseModel):
    """A drafted document, stored pending a supervisor's approval."""

    case_id: str
    document_id: str
    kind: str
    status: str
    claim_total: str
    claim_date: str
    warnings: list[str] = Field(default_factory=list)


KIND_ZH = {"complaint": "民事起诉状", "preservation": "财产保全申请书", "payment-order": "支付令申请书"}


def _legal(ctx: ToolContext, inp: LegalInput) -> LegalOut:
    ctx.require_case(inp.case_id)
    kind: Any = "payment-order" if inp.kind == "payment_order" else inp.kind
    try:
        drafted = draft_for_case(ctx.deps, inp.case_id, kind, actor=ctx.actor)
    except NoExtractionError:
        raise ToolError(f"案件 {inp.case_id} 没有合同抽取结果，无法起草：请先上传合同 / "
                        f"case {inp.case_id} has no stored contract extraction to draft from",
                        code="no_extraction") from None  # fmt: skip
    except DraftingError as exc:
        raise ToolError(bilingual("无法起草", "cannot draft", exc), code="drafting") from None
    r = drafted.record
    return LegalOut(case_id=r.case_id, document_id=r.id, kind=r.kind, status=r.status,
                    claim_total=money(r.claims.total), claim_date=r.claim_date.isoformat(),
                    warnings=drafted.warnings)  # fmt: skip


async def _legal_async(ctx: ToolContext, inp: LegalInput) -> LegalOut:
    return await asyncio.to_thread(_legal, ctx, inp)


def _describe_legal(out: LegalOut) -> Described:
    kind = KIND_ZH.get(out.kind, out.kind)
    zh = (
        f"已为 {out.case_id} 起草{kind}（文书 {out.document_id}），"
        f"诉请合计 {out.claim_total} 元（计至 {out.claim_date}），待主管审批后方可使用。"
    )
    en = (f"Drafted a {out.kind} for {out.case_id} (document {out.document_id}): claims of {out.claim_total} yuan to "
          f"{out.claim_date}; it is final only after a supervisor approves it.")  # fmt: skip
    if out.warnings:
        zh += "\n提示：" + "；".join(out.warnings)
        en += "\nWarnings: " + "; ".join(out.warnings)
    return Described(zh=zh, en=en)


def _legal_approval(out: LegalOut) -> Approval | None:
    if out.status != "pending":
        return None
    return Approval(
        kind="legal_document", case_id=out.case_id, record_id=out.document_id,
        summary_zh=f"{out.case_id}：{KIND_ZH.get(out.kind, out.kind)}，诉请合计 {out.claim_total} 元，待审批。",
        summary_en=f"{out.case_id}: {out.kind} claiming {out.claim_total} yuan, awaiting approval.",
        details={"document_id": out.document_id, "kind": out.kind, "claim_total": out.claim_total,
                 "warnings": out.warnings},
    )  # fmt: skip


DRAFT_LEGAL = Tool(
    name="draft_legal", title_zh="起草法律文书", title_en="draft a legal document",
    description="Draft a 民事起诉状 (complaint), 财产保全申请书 (preservation) or 支付令申请书 (payment_order) "
    "from the case's stored contract extraction; it waits for a supervisor's approval.",
    input=LegalInput, output=LegalOut, roles=DRAFT_ROLES, run=_legal_async, describe=_describe_legal,
    approval=_legal_approval,
)  # fmt: skip


# ---- promises -----------------------------------------------------------------------------------


class PromiseInput(CaseRef):
    """What the debtor promised."""

    amount: Decimal = Field(gt=0, le=Decimal("1e10"))
    due_on: dt.date


class PromiseOut(BaseModel):
    """The stored promise, or why it was not stored."""

    case_id: str
    recorded: bool
    promise_id: int | None = None
    amount: str
    due_on: str
    problems: list[str] = Field(default_factory=list)


def _promise(ctx: ToolContext, inp: PromiseInput) -> PromiseOut:
    case = ctx.case(inp.case_id)
    today = ctx.today()
    amount = inp.amount.quantize(CENT)
    check = validate_promise(PromiseTerms(amount=amount, due_on=inp.due_on), case, today,
                             default_matrix().promise_horizon_days)  # fmt: skip
    if not check.valid:
        return PromiseOut(case_id=case.id, recorded=False, amount=money(amount), due_on=inp.due_on.isoformat(),
                          problems=check.problems)  # fmt: skip
    record = PromiseStore(ctx.deps.sessions).record(
        case.id, amount=amount, due_on=inp.due_on, made_on=today, actor=ctx.actor
    )
    return PromiseOut(case_id=case.id, recorded=True, promise_id=record.id, amount=money(record.amount),
                      due_on=record.due_on.isoformat())  # fmt: skip


async def _promise_async(ctx: ToolContext, inp: PromiseInput) -> PromiseOut:
    return await asyncio.to_thread(_promise, ctx, inp)


def _describe_promise(out: PromiseOut) -> Described:
    if out.recorded:
        return Described(zh=f"已记录 {out.case_id} 的还款承诺：{out.due_on} 前还 {out.amount} 元"
                            f"（承诺 {out.promise_id}）。",
                         en=f"Recorded the promise on {out.case_id}: {out.amount} yuan by {out.due_on} "
                            f"(promise {out.promise_id}).")  # fmt: skip
    zh_p = "；".join(p.partition(" / ")[0] for p in out.problems)
    en_p = "; ".join(p.partition(" / ")[2] or p for p in out.problems)
    return Described(
        zh=f"未记录承诺（{out.amount} 元，{out.due_on}）：{zh_p}。",
        en=f"Promise not recorded ({out.amount} yuan, {out.due_on}): {en_p}.",
    )


RECORD_PROMISE = Tool(
    name="record_promise", title_zh="记录还款承诺", title_en="record a promise to pay",
    description="Record a promise to pay (amount in yuan, due date) on a case, after checking it against the balance "
    "and the promise horizon.",
    input=PromiseInput, output=PromiseOut, roles=NEGOTIATORS, run=_promise_async, describe=_describe_promise,
)  # fmt: skip


# ---- hand-off -----------------------------------------------------------------------------------


class HandoffInput(CaseRef):
    """Why a person should take the case."""

    reason: str = Field(default="坐席请求转人工 / staff asked for a hand-off", min_length=1, max_length=500)


class HandoffOut(BaseModel):
    """The open hand-off."""

    case_id: str
    handoff_id: int
    reason: str


def _handoff(ctx: ToolContext, inp: HandoffInput) -> HandoffOut:
    ctx.require_case(inp.case_id)
    record = NegotiationStore(ctx.deps.sessions).hand_off(
        inp.case_id, reasons=["copilot_request"], summary=inp.reason, created_by=ctx.actor, thread_id=ctx.thread_id
    )
    return HandoffOut(case_id=inp.case_id, handoff_id=record.id, reason=inp.reason)


async def _handoff_async(ctx: ToolContext, inp: HandoffInput) -> HandoffOut:
    return await asyncio.to_thread(_handoff, ctx, inp)


def _describe_handoff(out: HandoffOut) -> Described:
    return Described(zh=f"已将 {out.case_id} 转人工处理（转交单 {out.handoff_id}）。",
                     en=f"Handed {out.case_id} to a person (hand-off {out.handoff_id}).")  # fmt: skip


HAND_OFF = Tool(
    name="hand_off", title_zh="转人工", title_en="hand off to a person",
    description="Hand the case to a person (supervisor, senior desk, legal) with the reason; automated contact stops.",
    input=HandoffInput, output=HandoffOut, roles=NEGOTIATORS, run=_handoff_async, describe=_describe_handoff,
)  # fmt: skip
