"""Copilot tools that read cases.

Facts and history, portfolio queries, comparison, triage, next action, the contact gate and valuation. Every person in
an output is masked: outputs are kept in checkpointed state and shown to any role.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import typing
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import select

from agents.case_workflow.cards import CaseCard, case_card
from agents.case_workflow.gating import gate_action
from agents.case_workflow.planner import NextAction, plan_next_action
from agents.copilot import labels as L
from agents.copilot.toolkit import (
    ALL_ROLES,
    CASE_ID_PATTERN,
    Approval,
    Described,
    Source,
    Tool,
    ToolContext,
    ToolError,
)
from agents.valuation.service import compute, explain
from agents.valuation.state import ValuationRequest
from core.db import schema as s
from core.domain import CaseFile, Channel
from core.masking import mask_name, mask_phone
from core.repository import fen_to_yuan
from core.settings import Role
from retrieval.rule_params import rule_params
from tools.compliance.citations import cite
from tools.compliance.gate import PlannedContact, check_contact
from tools.compliance.rules import in_window
from tools.triage.pipeline import iter_portfolio
from tools.triage.rules import load_rules
from tools.triage.tool import triage_case
from tools.valuation.models import PackageValuation

NEGOTIATORS: frozenset[Role] = frozenset({"collector", "supervisor", "system"})
TRIAGE_ROLES: frozenset[Role] = frozenset({"collector", "supervisor", "qa", "system"})
VALUATION_ROLES: frozenset[Role] = frozenset({"supervisor", "qa", "system"})
Section = Literal[
    "overview", "loan", "repayments", "contacts", "promises", "guarantors", "collateral", "flags", "audit"
]
SECTIONS: tuple[str, ...] = typing.get_args(Section)
CN_TZ = dt.timezone(dt.timedelta(hours=8))


class CaseRef(BaseModel):
    """One case."""

    case_id: str = Field(pattern=CASE_ID_PATTERN, description="Case id, e.g. C000123")


# ---- case facts ---------------------------------------------------------------------------------


class CaseFactsInput(CaseRef):
    """Which parts of the case to show."""

    sections: list[Section] = Field(default_factory=lambda: list[Section](["overview"]), max_length=9)


class PersonLine(BaseModel):
    """A guarantor or contact person, masked."""

    name: str
    relation: str
    phone: str | None = None


class CaseFacts(BaseModel):
    """The case's facts and the history asked for (people masked)."""

    card: CaseCard
    sections: list[Section]
    last_contact_local: str = Field(default="无", description="The last contact in Beijing time, as shown")
    loan: dict[str, Any] | None = None
    repayments: list[dict[str, Any]] | None = None
    repayments_total: str | None = None
    contacts: list[dict[str, Any]] | None = None
    promises: list[dict[str, Any]] | None = None
    guarantors: list[PersonLine] | None = None
    collateral: list[dict[str, Any]] | None = None
    audit: list[dict[str, Any]] | None = None


def _facts(case: CaseFile, sections: list[Section]) -> CaseFacts:
    want = set(sections) or {"overview"}
    loan = case.loan
    card = case_card(case)
    out = CaseFacts(
        card=card,
        last_contact_local=L.cn_time(card.last_contact_at),
        sections=sorted(want, key=SECTIONS.index),
    )
    if "loan" in want:
        out.loan = {
            "contract_no_tail": loan.contract_no[-4:], "product": loan.product.value,
            "principal": f"{loan.principal:.2f}", "annual_rate_pct": f"{loan.annual_rate * 100:.2f}",
            "term_months": loan.term_months,
            "disbursement_date": loan.disbursement_date.isoformat(), "repayment_method": loan.repayment_method.value,
        }  # fmt: skip
    if "repayments" in want:
        rows = sorted(case.repayments, key=lambda r: r.paid_on, reverse=True)
        out.repayments = [
            {"paid_on": r.paid_on.isoformat(), "amount": f"{r.amount:.2f}", "channel": r.channel} for r in rows
        ]
        out.repayments_total = f"{sum((r.amount for r in rows), Decimal(0)):.2f}"
    if "contacts" in want:
        rows_c = sorted(case.contacts, key=lambda a: a.at, reverse=True)[:10]
        out.contacts = [
            {"at": a.at.astimezone(CN_TZ).strftime("%Y-%m-%d %H:%M"), "channel": a.channel.value,
             "outcome": a.outcome.value, "callee": a.callee}
            for a in rows_c
        ]  # fmt: skip
    if "promises" in want:
        out.promises = [
            {"made_on": p.made_on.isoformat(), "due_on": p.due_on.isoformat(), "amount": f"{p.amount:.2f}",
             "status": p.status.value}
            for p in sorted(case.promises, key=lambda p: p.made_on, reverse=True)
        ]  # fmt: skip
    if "guarantors" in want:
        out.guarantors = [PersonLine(name=mask_name(g.name), relation=g.relation, phone=mask_phone(g.phone))
                          for g in case.guarantors]  # fmt: skip
    if "collateral" in want:
        out.collateral = [
            {"city": c.city, "district": c.district, "area_sqm": c.area_sqm, "build_year": c.build_year,
             "appraisal": f"{c.appraisal:.2f}", "appraisal_date": c.appraisal_date.isoformat()}
            for c in case.collateral
        ]  # fmt: skip
    if "audit" in want:
        out.audit = [
            {"at": a.at.astimezone(CN_TZ).strftime("%Y-%m-%d %H:%M"), "actor": a.actor, "action": a.action}
            for a in sorted(case.audit, key=lambda a: a.at, reverse=True)[:10]
        ]  # fmt: skip
    return out


async def _case_facts(ctx: ToolContext, inp: CaseFactsInput) -> CaseFacts:
    case = await asyncio.to_thread(ctx.case, inp.case_id)
    return _facts(case, list(inp.sections))


def card_line(card: CaseCard) -> tuple[str, str]:
    """One line about a case, in Chinese and English."""
    zh = (f"案件 {card.case_id}：{L.product_zh(card.product)}，{card.bucket}，逾期 {card.days_past_due} 天，"
          f"欠款合计 {card.outstanding_total} 元（本金 {card.outstanding_principal}、利息 {card.outstanding_interest}、"
          f"罚息 {card.outstanding_penalty}），{card.city}，分案 {L.tier_zh(card.tier)}。")  # fmt: skip
    en = (f"Case {card.case_id}: {L.product_en(card.product)}, {card.bucket}, {card.days_past_due} days past due, "
          f"{card.outstanding_total} yuan outstanding (principal {card.outstanding_principal}, interest "
          f"{card.outstanding_interest}, penalty {card.outstanding_penalty}), {card.city}, "
          f"tier {L.tier_en(card.tier)}.")  # fmt: skip
    return zh, en


def _describe_facts(out: CaseFacts) -> Described:
    zh, en = card_line(out.card)
    zh_l, en_l = [zh], [en]
    c = out.card
    if "overview" in out.sections or "flags" in out.sections:
        flags_zh = "、".join(L.flag_zh(f) for f in c.flags) or "无"
        flags_en = ", ".join(c.flags) or "none"
        zh_l.append(f"标记：{flags_zh}；最近联系 {out.last_contact_local}；最近还款 {c.last_payment_on or '无'}；"
                    f"待履行承诺 {c.open_promises} 笔。")  # fmt: skip
        en_l.append(f"Flags: {flags_en}; last contact {out.last_contact_local}; last payment "
                    f"{c.last_payment_on or 'none'}; {c.open_promises} open promise(s).")  # fmt: skip
    if out.loan is not None:
        lo = out.loan
        zh_l.append(f"贷款：本金 {lo['principal']} 元，年利率 {lo['annual_rate_pct']}%，期限 {lo['term_months']} 个月，"
                    f"放款日 {lo['disbursement_date']}，{L.method_zh(lo['repayment_method'])}。")  # fmt: skip
        en_l.append(f"Loan: principal {lo['principal']} yuan at {lo['annual_rate_pct']}% a year, {lo['term_months']} "
                    f"months from {lo['disbursement_date']}, {lo['repayment_method']}.")  # fmt: skip
    if out.repayments is not None:
        if out.repayments:
            last = out.repayments[0]
            zh_l.append(f"还款记录 {len(out.repayments)} 笔，合计 {out.repayments_total} 元；"
                        f"最近一次 {last['paid_on']} 还款 {last['amount']} 元"
                        f"（{L.channel_zh(last['channel'])}）。")  # fmt: skip
            en_l.append(f"{len(out.repayments)} repayment(s), {out.repayments_total} yuan in all; the last on "
                        f"{last['paid_on']}: {last['amount']} yuan ({last['channel']}).")  # fmt: skip
        else:
            zh_l.append("没有还款记录。")
            en_l.append("No repayments on record.")
    if out.contacts is not None:
        if out.contacts:
            items = "；".join(
                f"{a['at']} {L.channel_zh(a['channel'])} {L.outcome_zh(a['outcome'])}" for a in out.contacts[:5]
            )
            zh_l.append(f"最近联系（最多 5 条）：{items}。")
            en_l.append(
                "Recent contacts: "
                + "; ".join(f"{a['at']} {a['channel']} {a['outcome']}" for a in out.contacts[:5])
                + "."
            )
        else:
            zh_l.append("没有联系记录。")
            en_l.append("No contact attempts on record.")
    if out.promises is not None:
        if out.promises:
            zh_l.append("还款承诺：" + "；".join(f"{p['made_on']} 承诺 {p['due_on']} 还 {p['amount']} 元"
                                            f"（{L.promise_zh(p['status'])}）"
                                            for p in out.promises[:5]) + "。")  # fmt: skip
            en_l.append("Promises: " + "; ".join(f"made {p['made_on']}, {p['amount']} yuan due {p['due_on']} "
                                              f"({p['status']})"
                                              for p in out.promises[:5]) + ".")  # fmt: skip
        else:
            zh_l.append("没有还款承诺。")
            en_l.append("No promises to pay.")
    if out.guarantors is not None:
        if out.guarantors:
            zh_l.append("担保人：" + "；".join(f"{g.name}（{g.relation}，{g.phone}）" for g in out.guarantors) + "。")
            en_l.append("Guarantors: " + "; ".join(f"{g.name} ({g.relation}, {g.phone})" for g in out.guarantors) + ".")
        else:
            zh_l.append("该案件没有担保人。")
            en_l.append("The case has no guarantor.")
    if out.collateral is not None:
        if out.collateral:
            zh_l.append("抵押物：" + "；".join(f"{k['city']}{k['district']} {k['area_sqm']} 平方米"
                                           f"（{k['build_year']} 年建），"
                                           f"评估价 {k['appraisal']} 元（{k['appraisal_date']}）"
                                           for k in out.collateral) + "。")  # fmt: skip
            en_l.append("Collateral: " + "; ".join(f"{k['area_sqm']} m² in {k['city']} {k['district']} (built "
                                                f"{k['build_year']}), appraised {k['appraisal']} yuan "
                                                f"on {k['appraisal_date']}"
                                                for k in out.collateral) + ".")  # fmt: skip
        else:
            zh_l.append("该案件没有抵押物。")
            en_l.append("The case has no collateral.")
    if out.audit is not None:
        zh_l.append(
            "最近操作："
            + "；".join(f"{a['at']} {L.action_zh(a['action'])}（{a['actor']}）" for a in out.audit[:5])
            + "。"
        )
        en_l.append(
            "Recent actions: " + "; ".join(f"{a['at']} {a['action']} ({a['actor']})" for a in out.audit[:5]) + "."
        )
    return Described(zh="\n".join(zh_l), en="\n".join(en_l))


CASE_FACTS = Tool(
    name="case_facts", title_zh="查看案件", title_en="read a case",
    description="Facts and history of one case: overview, loan, repayments, contacts, promises, guarantors, "
    "collateral, flags, audit. People are masked.",
    input=CaseFactsInput, output=CaseFacts, roles=ALL_ROLES, run=_case_facts, describe=_describe_facts,
)  # fmt: skip


# ---- portfolio queries --------------------------------------------------------------------------


class ListCasesInput(BaseModel):
    """Filter, sort and cut the portfolio."""

    sort_by: Literal["risk", "balance", "dpd"] = Field(
        default="risk", description="risk = 1 - 90-day repayment propensity"
    )
    descending: bool = True
    limit: int = Field(default=10, ge=1, le=100)
    bucket: str | None = Field(default=None, pattern=r"^M[0-6]\+?$")
    tier: str | None = Field(default=None, max_length=24)
    city: str | None = Field(default=None, max_length=16)
    product: Literal["consumer_loan", "credit_card", "property_backed"] | None = None
    min_dpd: int | None = Field(default=None, ge=0, le=100_000)
    max_dpd: int | None = Field(default=None, ge=0, le=100_000)
    min_balance: Decimal | None = Field(default=None, ge=0, le=Decimal("1e12"))
    max_balance: Decimal | None = Field(default=None, ge=0, le=Decimal("1e12"))


class CaseListRow(BaseModel):
    """One case of a portfolio query."""

    case_id: str
    bucket: str
    days_past_due: int
    outstanding_total: str
    product: str
    city: str
    tier: str | None
    risk: float | None = Field(default=None, description="1 - 90-day repayment propensity (sort_by risk only)")


class CaseList(BaseModel):
    """The matching cases, sorted and cut."""

    matched: int
    sort_by: str
    descending: bool
    filters: dict[str, Any]
    rows: list[CaseListRow]
    risk_source: str | None = None


def _risk_scores(ctx: ToolContext, ids: set[str]) -> tuple[dict[str, float], str]:
    """1 - propensity for the given cases, from the triage model (vectorised over the portfolio)."""
    risk: dict[str, float] = {}
    source = "scorecard"
    for _raw, batch in iter_portfolio(ctx.deps.engine, load_rules()):
        source = batch.source
        prop = batch.propensity
        for case_id, value in zip(prop.index, prop.to_numpy(), strict=True):
            if case_id in ids:
                risk[str(case_id)] = round(1.0 - float(value), 4)
    return risk, source


def _list_cases(ctx: ToolContext, inp: ListCasesInput) -> CaseList:
    total = s.Loan.outstanding_principal_fen + s.Loan.outstanding_interest_fen + s.Loan.outstanding_penalty_fen
    stmt = (
        select(s.Case.id, s.Loan.bucket, s.Loan.days_past_due, total, s.Loan.product, s.Debtor.city, s.Case.tier)
        .join(s.Loan, s.Loan.id == s.Case.loan_id)
        .join(s.Debtor, s.Debtor.id == s.Case.debtor_id)
    )
    conditions = [
        (ctx.tenant, s.Case.tenant == ctx.tenant),
        (inp.bucket, s.Loan.bucket == inp.bucket),
        (inp.tier, s.Case.tier == inp.tier),
        (inp.city, s.Debtor.city == (inp.city or "").removesuffix("市")),
        (inp.product, s.Loan.product == inp.product),
        (inp.min_dpd, s.Loan.days_past_due >= (inp.min_dpd or 0)),
        (inp.max_dpd, s.Loan.days_past_due <= (inp.max_dpd or 0)),
        (inp.min_balance, total >= int((inp.min_balance or 0) * 100)),
        (inp.max_balance, total <= int((inp.max_balance or 0) * 100)),
    ]
    for value, cond in conditions:
        if value is not None:
            stmt = stmt.where(cond)
    with ctx.deps.sessions() as session:
        rows = [
            CaseListRow(case_id=r[0], bucket=r[1], days_past_due=r[2], outstanding_total=f"{fen_to_yuan(r[3]):.2f}",
                        product=r[4], city=r[5], tier=r[6])
            for r in session.execute(stmt)
        ]  # fmt: skip
    risk_source = None
    if inp.sort_by == "risk" and rows:
        risk, risk_source = _risk_scores(ctx, {r.case_id for r in rows})
        for r in rows:
            r.risk = risk.get(r.case_id)
        key: Any = lambda r: (r.risk if r.risk is not None else -1.0, Decimal(r.outstanding_total))  # noqa: E731
    elif inp.sort_by == "balance":
        key = lambda r: Decimal(r.outstanding_total)  # noqa: E731
    else:
        key = lambda r: (r.days_past_due, Decimal(r.outstanding_total))  # noqa: E731
    rows.sort(key=key, reverse=inp.descending)
    filters = inp.model_dump(mode="json", exclude_none=True, exclude={"sort_by", "descending", "limit"})
    return CaseList(matched=len(rows), sort_by=inp.sort_by, descending=inp.descending, filters=filters,
                    rows=rows[: inp.limit], risk_source=risk_source)  # fmt: skip


async def _list_cases_async(ctx: ToolContext, inp: ListCasesInput) -> CaseList:
    return await asyncio.to_thread(_list_cases, ctx, inp)


def _describe_list(out: CaseList) -> Described:
    sort_zh = {"risk": "风险", "balance": "欠款余额", "dpd": "逾期天数"}[out.sort_by]
    order_zh = "从高到低" if out.descending else "从低到高"
    order_en = "highest first" if out.descending else "lowest first"
    filt = "，".join(f"{k}={v}" for k, v in out.filters.items()) or "全部案件"
    if not out.rows:
        return Described(zh=f"没有符合条件（{filt}）的案件。", en=f"No case matches ({filt or 'all cases'}).")
    zh = [f"符合条件（{filt}）的案件 {out.matched} 件，按{sort_zh}{order_zh}列出前 {len(out.rows)} 件："]
    en = [f"{out.matched} case(s) match ({filt}); the first {len(out.rows)} by {out.sort_by}, {order_en}:"]
    for i, r in enumerate(out.rows, 1):
        risk_zh = f"，风险 {r.risk:.0%}" if r.risk is not None else ""
        risk_en = f", risk {r.risk:.0%}" if r.risk is not None else ""
        zh.append(f"{i}. {r.case_id} {r.bucket} 逾期 {r.days_past_due} 天，欠款 {r.outstanding_total} 元，"
                  f"{L.product_zh(r.product)}，{r.city}，{L.tier_zh(r.tier)}{risk_zh}")  # fmt: skip
        en.append(f"{i}. {r.case_id} {r.bucket}, {r.days_past_due} DPD, {r.outstanding_total} yuan, "
                  f"{L.product_en(r.product)}, {r.city}, {L.tier_en(r.tier)}{risk_en}")  # fmt: skip
    if out.risk_source:
        zh.append(f"风险 = 1 - 90 天还款倾向（{out.risk_source}）。")
        en.append(f"Risk = 1 - 90-day repayment propensity ({out.risk_source}).")
    return Described(zh="\n".join(zh), en="\n".join(en))


LIST_CASES = Tool(
    name="list_cases", title_zh="查询案件组合", title_en="query the portfolio",
    description="Filter the caller's cases (bucket, tier, city, product, DPD and balance ranges), sort by risk, "
    "balance or days past due, and return the top N.",
    input=ListCasesInput, output=CaseList, roles=ALL_ROLES, run=_list_cases_async, describe=_describe_list,
)  # fmt: skip


# ---- compare ------------------------------------------------------------------------------------


class CompareInput(BaseModel):
    """Two or more cases."""

    case_ids: list[str] = Field(min_length=2, max_length=5)


class Comparison(BaseModel):
    """The cases side by side."""

    cards: list[CaseCard]


async def _compare(ctx: ToolContext, inp: CompareInput) -> Comparison:
    cards = []
    for case_id in inp.case_ids:
        if not re.fullmatch(CASE_ID_PATTERN, case_id):
            raise ToolError(f"案件号不正确 / not a case id: {case_id}", code="invalid_arguments")
        cards.append(case_card(await asyncio.to_thread(ctx.case, case_id)))
    return Comparison(cards=cards)


def _describe_compare(out: Comparison) -> Described:
    zh = ["案件对比："] + [card_line(c)[0] for c in out.cards]
    en = ["Side by side:"] + [card_line(c)[1] for c in out.cards]
    top = max(out.cards, key=lambda c: Decimal(c.outstanding_total))
    zh.append(f"欠款最多的是 {top.case_id}（{top.outstanding_total} 元）。")
    en.append(f"The largest balance is {top.case_id} ({top.outstanding_total} yuan).")
    return Described(zh="\n".join(zh), en="\n".join(en))


COMPARE_CASES = Tool(
    name="compare_cases", title_zh="案件对比", title_en="compare cases",
    description="Two to five cases side by side: bucket, DPD, balances, product, city, tier.",
    input=CompareInput, output=Comparison, roles=ALL_ROLES, run=_compare, describe=_describe_compare,
)  # fmt: skip


# ---- triage -------------------------------------------------------------------------------------


class TriageSummary(BaseModel):
    """Where the case goes and why."""

    case_id: str
    tier: str
    queue: str
    strategy: str
    channel: str
    window: str | None
    propensity: float
    reasons_zh: list[str]
    reasons_en: list[str]
    borderline: bool
    model_used: bool
    propensity_source: str


def _triage(ctx: ToolContext, inp: CaseRef) -> TriageSummary:
    ctx.require_case(inp.case_id)
    gateway = ctx.deps.gateway if ctx.deps.gateway.available else None
    result = triage_case(ctx.deps.cases, inp.case_id, actor=ctx.actor, gateway=gateway)
    w = result.contact_window
    return TriageSummary(
        case_id=result.case_id, tier=result.tier.value, queue=result.queue, strategy=result.strategy,
        channel=result.channel, window=f"{w.start_hour:02d}:00-{w.end_hour:02d}:00" if w else None,
        propensity=round(result.propensity, 4), reasons_zh=[r.zh for r in result.reasons[:4]],
        reasons_en=[r.en for r in result.reasons[:4]], borderline=result.borderline, model_used=result.model_used,
        propensity_source=result.propensity_source,
    )  # fmt: skip


async def _triage_async(ctx: ToolContext, inp: CaseRef) -> TriageSummary:
    return await asyncio.to_thread(_triage, ctx, inp)


def _describe_triage(out: TriageSummary) -> Described:
    window = out.window or "—"
    zh = (f"{out.case_id} 分入「{L.tier_zh(out.tier)}」，队列 {L.queue_zh(out.queue)}，"
          f"策略 {L.strategy_zh(out.strategy)}，"
          f"渠道 {L.channel_zh(out.channel)}，联系时段 {window}，90 天还款倾向 {out.propensity:.0%}。"
          f"理由：{'；'.join(out.reasons_zh)}。")  # fmt: skip
    en = (f"{out.case_id}: tier {L.tier_en(out.tier)}, queue {out.queue}, strategy {out.strategy}, channel "
          f"{out.channel}, window {window}, 90-day repayment propensity {out.propensity:.0%}. "
          f"Reasons: {'; '.join(out.reasons_en)}.")  # fmt: skip
    return Described(zh=zh, en=en)


TRIAGE = Tool(
    name="triage", title_zh="智能分案", title_en="triage a case",
    description="Risk tier, queue, strategy, channel and contact window of one case, with reasons; "
    "recorded on the case.",
    input=CaseRef, output=TriageSummary, roles=TRIAGE_ROLES, run=_triage_async, describe=_describe_triage,
)  # fmt: skip


# ---- next action --------------------------------------------------------------------------------


class NextActionOut(BaseModel):
    """The planned, gated next action."""

    case_id: str
    tier: str
    action: NextAction


def _next_action(ctx: ToolContext, inp: CaseRef) -> NextActionOut:
    from tools.triage.tool import triage_casefile

    case = ctx.case(inp.case_id)
    triage = triage_casefile(case)
    action = plan_next_action(triage, now=ctx.clock(), utc_offset_min=case.debtor.utc_offset_min)
    window = triage.contact_window
    action = gate_action(action, case, max(window.start_hour, 8) if window else 8)
    ctx.deps.cases.append_audit(inp.case_id, actor=ctx.actor, action="next_action_planned",
                                detail=action.model_dump(mode="json"))  # fmt: skip
    return NextActionOut(case_id=inp.case_id, tier=triage.tier.value, action=action)


async def _next_action_async(ctx: ToolContext, inp: CaseRef) -> NextActionOut:
    return await asyncio.to_thread(_next_action, ctx, inp)


def _gate_source(gate: Any) -> list[Source]:
    if gate is None or gate.citation is None:
        return []
    c = gate.citation
    return [Source(title=c.document, article=c.title, ref=c.rule)]


def _describe_next(out: NextActionOut) -> Described:
    a = out.action
    when = a.not_before.strftime("%Y-%m-%d %H:%M")
    if a.blocked and a.gate is not None:
        return Described(
            zh=f"{out.case_id} 计划「{a.summary_zh}」，但合规闸门拒绝联系："
            f"{a.gate.reason_zh}（{a.gate.rule_id}），需要人工决定。",
            en=f"{out.case_id}: planned '{a.summary_en}', but the compliance gate refused the contact: "
            f"{a.gate.reason_en} ({a.gate.rule_id}); a person must decide.",
            sources=_gate_source(a.gate),
        )
    return Described(
        zh=f"{out.case_id} 下一步：{a.summary_zh}（{L.channel_zh(a.channel)}，债务人当地时间不早于 {when}）。",
        en=f"{out.case_id} next: {a.summary_en} ({a.channel}, not before {when} the debtor's local time).",
        sources=_gate_source(a.gate),
    )


def _referral(out: NextActionOut) -> Approval | None:
    a = out.action
    if not (a.blocked and a.requires_approval and a.gate is not None):
        return None
    return Approval(
        kind="contact_referral", case_id=out.case_id, record_id="",
        summary_zh=f"{out.case_id}：闸门拒绝「{a.summary_zh}」（{a.gate.reason_zh}），是否由人工处理此联系？",
        summary_en=f"{out.case_id}: the gate refused '{a.summary_en}' ({a.gate.reason_en}); should a person handle it?",
        details={"action": a.action, "channel": a.channel, "rule_id": a.gate.rule_id, "reason_zh": a.gate.reason_zh},
        editable=["channel", "local_hour"],
    )  # fmt: skip


NEXT_ACTION = Tool(
    name="next_action", title_zh="下一步行动", title_en="plan the next action",
    description="The playbook's next action for one case, scheduled inside its contact window and checked by the "
    "compliance gate. A refused contact is referred to a person.",
    input=CaseRef, output=NextActionOut, roles=ALL_ROLES, run=_next_action_async, describe=_describe_next,
    approval=_referral,
)  # fmt: skip


# ---- contact gate -------------------------------------------------------------------------------


class GateInput(BaseModel):
    """A contact someone wants to make."""

    case_id: str | None = Field(
        default=None, pattern=CASE_ID_PATTERN, description="The case; none for a general question"
    )
    channel: Literal["call", "sms", "wechat", "app", "visit", "letter"] = "call"
    local_hour: int | None = Field(
        default=None, ge=0, le=23, description="Hour in the debtor's local time; now if None"
    )
    callee: Literal["debtor", "guarantor", "contact", "third_party"] = "debtor"
    debtor_agreed_time: bool = False


class GateAnswer(BaseModel):
    """Allowed or refused, with the rule behind it."""

    case_id: str | None
    allowed: bool
    rule_id: str | None
    reason_zh: str
    reason_en: str
    local_time: str
    checked: list[str]
    citation: dict[str, Any] | None = None
    note: str | None = None


def _at(ctx: ToolContext, offset_min: int, hour: int | None) -> dt.datetime:
    tz = dt.timezone(dt.timedelta(minutes=offset_min))
    now = ctx.clock().astimezone(tz)
    return now if hour is None else now.replace(hour=hour, minute=0, second=0, microsecond=0)


def _gate(ctx: ToolContext, inp: GateInput) -> GateAnswer:
    if inp.case_id is not None:
        case = ctx.case(inp.case_id)
        plan = PlannedContact(channel=Channel(inp.channel), at=_at(ctx, case.debtor.utc_offset_min, inp.local_hour),
                              callee=inp.callee, debtor_agreed_time=inp.debtor_agreed_time)  # fmt: skip
        d = check_contact(plan, case.contacts, case=case)
        return GateAnswer(case_id=inp.case_id, allowed=d.allowed, rule_id=d.rule_id, reason_zh=d.reason_zh,
                          reason_en=d.reason_en, local_time=d.debtor_local_time[:16].replace("T", " "),
                          checked=d.checked, citation=d.citation.model_dump() if d.citation else None)  # fmt: skip
    # No case: only the rules that need none (quiet hours, unrelated third parties) can be checked.
    at = _at(ctx, 480, inp.local_hour)
    params = rule_params()
    quiet = params.get("cn.quiet_hours")
    start, end = str(quiet.value["start"]), str(quiet.value["end"])
    checked = [quiet.key]
    note = "未指定案件：仅检查了禁止时段与第三人规则，频次与案件标记未检查。 / No case given: only quiet hours and " \
           "third-party rules were checked, not frequency or case flags."  # fmt: skip
    local = at.strftime("%Y-%m-%d %H:%M")
    if inp.channel != "letter" and not inp.debtor_agreed_time and in_window(at, start, end):
        c = cite(quiet.rules[0])
        return GateAnswer(case_id=None, allowed=False, rule_id=quiet.key, local_time=local, checked=checked, note=note,
                          reason_zh=f"{at:%H:%M} 处于 {start}-{end} 禁止催收时段（北京时间）。",
                          reason_en=f"{at:%H:%M} is inside the {start}-{end} quiet hours (Beijing time).",
                          citation=c.model_dump() if c else None)  # fmt: skip
    if inp.callee == "third_party":
        param = params.get("cn.no_unrelated_third_parties")
        c = cite(param.rules[0])
        return GateAnswer(case_id=None, allowed=False, rule_id=param.key, local_time=local,
                          checked=[*checked, param.key], note=note, reason_zh="不得联系与债务无关的第三人。",
                          reason_en="Unrelated third parties may not be contacted.",
                          citation=c.model_dump() if c else None)  # fmt: skip
    return GateAnswer(case_id=None, allowed=True, rule_id=None, local_time=local, checked=checked, note=note,
                      reason_zh=f"{at:%H:%M} 不在 {start}-{end} 禁止时段内。",
                      reason_en=f"{at:%H:%M} is outside the {start}-{end} quiet hours.")  # fmt: skip


async def _gate_async(ctx: ToolContext, inp: GateInput) -> GateAnswer:
    return await asyncio.to_thread(_gate, ctx, inp)


def _describe_gate(out: GateAnswer) -> Described:
    who = out.case_id or "一般情况"
    verdict_zh = "可以联系" if out.allowed else "不可联系"
    verdict_en = "allowed" if out.allowed else "not allowed"
    zh = f"{who}（当地时间 {out.local_time}）：{verdict_zh}。{out.reason_zh}"
    en = f"{out.case_id or 'In general'} (local time {out.local_time}): {verdict_en}. {out.reason_en}"
    if out.note:
        zh_note, _, en_note = out.note.partition(" / ")
        zh, en = f"{zh}\n{zh_note}", f"{en}\n{en_note}"
    sources = []
    if out.citation:
        sources.append(Source(title=str(out.citation.get("document", "")), article=str(out.citation.get("title", "")),
                              ref=str(out.citation.get("rule", ""))))  # fmt: skip
    return Described(zh=zh, en=en, sources=sources)


def _gate_referral(out: GateAnswer) -> Approval | None:
    if out.allowed or out.case_id is None or not (out.rule_id or "").startswith("policy."):
        return None
    return Approval(
        kind="contact_referral", case_id=out.case_id, record_id="",
        summary_zh=f"{out.case_id}：闸门拒绝联系（{out.reason_zh}），是否由人工处理此联系？",
        summary_en=f"{out.case_id}: the gate refused the contact ({out.reason_en}); should a person handle it?",
        details={"rule_id": out.rule_id, "reason_zh": out.reason_zh, "local_time": out.local_time},
        editable=["channel", "local_hour"],
    )  # fmt: skip


CONTACT_GATE = Tool(
    name="contact_gate", title_zh="联系合规闸门", title_en="check a contact",
    description="May I contact now (or at an hour, by a channel, this person)? Quiet hours, frequency, third "
    "parties and case flags, with the rule's citation. Without a case only the time and third-party rules apply.",
    input=GateInput, output=GateAnswer, roles=ALL_ROLES, run=_gate_async, describe=_describe_gate,
    approval=_gate_referral,
)  # fmt: skip


# ---- valuation ----------------------------------------------------------------------------------


class CaseValue(BaseModel):
    """Valuation of one case."""

    case_id: str
    outstanding_total: str
    expected_recovery: str
    recovery_p10: str
    recovery_p50: str
    recovery_p90: str
    recovery_rate: float
    p_repay_90d: float
    expected_cost: str
    expected_npv: str
    collateral: list[dict[str, Any]]
    narrative_zh: str
    narrative_en: str
    model_used: bool


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


async def _value_case(ctx: ToolContext, inp: CaseRef) -> CaseValue:
    await asyncio.to_thread(ctx.require_case, inp.case_id)
    valuation = await asyncio.to_thread(compute, ctx.deps, ValuationRequest(case_id=inp.case_id))
    result = await explain(ctx.deps, valuation)
    v = result.case
    assert v is not None
    return CaseValue(
        case_id=v.case_id, outstanding_total=_money(v.outstanding_total), expected_recovery=_money(v.expected_recovery),
        recovery_p10=_money(v.recovery.p10), recovery_p50=_money(v.recovery.p50), recovery_p90=_money(v.recovery.p90),
        recovery_rate=round(v.recovery_rate, 4), p_repay_90d=round(v.p_repay_90d, 4),
        expected_cost=_money(v.expected_cost), expected_npv=_money(v.expected_npv),
        collateral=[{"city": c.city, "district": c.district, "area_sqm": c.area_sqm, "value": _money(c.value),
                     "value_low": _money(c.value_low), "value_high": _money(c.value_high),
                     "liquidation_value": _money(c.liquidation_value)} for c in v.collateral],
        narrative_zh=result.narrative.summary_zh, narrative_en=result.narrative.summary_en,
        model_used=result.model_used,
    )  # fmt: skip


def _describe_value(out: CaseValue) -> Described:
    zh = [f"{out.case_id} 估值：欠款 {out.outstanding_total} 元，12 个月预期回收 {out.expected_recovery} 元"
          f"（P10 {out.recovery_p10} / P50 {out.recovery_p50} / P90 {out.recovery_p90}），"
          f"回收率 {out.recovery_rate:.1%}，90 天还款概率 {out.p_repay_90d:.0%}，"
          f"预期成本 {out.expected_cost} 元，净现值 {out.expected_npv} 元。"]  # fmt: skip
    en = [f"{out.case_id} valuation: {out.outstanding_total} yuan outstanding, expected 12-month recovery "
          f"{out.expected_recovery} yuan (P10 {out.recovery_p10} / P50 {out.recovery_p50} / P90 {out.recovery_p90}), "
          f"recovery rate {out.recovery_rate:.1%}, 90-day repayment probability {out.p_repay_90d:.0%}, expected cost "
          f"{out.expected_cost} yuan, NPV {out.expected_npv} yuan."]  # fmt: skip
    for c in out.collateral:
        zh.append(f"抵押物（{c['city']}{c['district']} {c['area_sqm']} 平方米）市场价约 {c['value']} 元"
                  f"（{c['value_low']}-{c['value_high']}），司法拍卖变现约 {c['liquidation_value']} 元。")  # fmt: skip
        en.append(f"Collateral ({c['area_sqm']} m² in {c['city']} {c['district']}): market value about {c['value']} "
                  f"yuan ({c['value_low']}-{c['value_high']}), "
                  f"about {c['liquidation_value']} yuan in a forced sale.")  # fmt: skip
    if not out.collateral:
        zh.append("该案件没有抵押物。")
        en.append("The case has no collateral.")
    return Described(zh="\n".join(zh), en="\n".join(en))


VALUE_CASE = Tool(
    name="value_case", title_zh="案件估值", title_en="value a case",
    description="Repayment curve, Monte Carlo recovery (P10/P50/P90), costs, NPV and collateral value from "
    "comparables for one case.",
    input=CaseRef, output=CaseValue, roles=VALUATION_ROLES, run=_value_case, describe=_describe_value,
)  # fmt: skip


class PackageInput(BaseModel):
    """The cases of a package."""

    case_ids: list[str] = Field(min_length=2, max_length=500)


class PackageValue(BaseModel):
    """Pricing of a package."""

    cases: int
    claim_total: str
    expected_recovery: str
    expected_npv: str
    bid_low: str
    bid_high: str
    bid_low_pct: float
    bid_high_pct: float


async def _value_package(ctx: ToolContext, inp: PackageInput) -> PackageValue:
    for case_id in inp.case_ids:
        await asyncio.to_thread(ctx.require_case, case_id)
    v = await asyncio.to_thread(compute, ctx.deps, ValuationRequest(case_ids=list(inp.case_ids)))
    if not isinstance(v, PackageValuation):
        raise ToolError("估值结果不是资产包 / not a package valuation", code="internal")
    return PackageValue(
        cases=v.cases, claim_total=_money(v.claim_total), expected_recovery=_money(v.expected_recovery),
        expected_npv=_money(v.expected_npv), bid_low=_money(v.bid_low), bid_high=_money(v.bid_high),
        bid_low_pct=round(v.bid_low_pct, 4), bid_high_pct=round(v.bid_high_pct, 4),
    )  # fmt: skip


def _describe_package(out: PackageValue) -> Described:
    return Described(
        zh=f"资产包 {out.cases} 户，债权合计 {out.claim_total} 元，预期回收 {out.expected_recovery} 元，净现值 "
        f"{out.expected_npv} 元；建议报价 {out.bid_low} 至 {out.bid_high} 元"
        f"（债权的 {out.bid_low_pct:.1%} 至 {out.bid_high_pct:.1%}）。",
        en=f"Package of {out.cases} cases, {out.claim_total} yuan of claims, expected recovery {out.expected_recovery} "
        f"yuan, NPV {out.expected_npv} yuan; bid range {out.bid_low} to {out.bid_high} yuan "
        f"({out.bid_low_pct:.1%} to {out.bid_high_pct:.1%} of the claims).",
    )


VALUE_PACKAGE = Tool(
    name="value_package", title_zh="资产包定价", title_en="price a package",
    description="Price several cases as a transfer package: expected recovery, NPV and a bid range.",
    input=PackageInput, output=PackageValue, roles=VALUATION_ROLES, run=_value_package, describe=_describe_package,
)  # fmt: skip

__all__ = ["CASE_FACTS", "LIST_CASES", "COMPARE_CASES", "TRIAGE", "NEXT_ACTION", "CONTACT_GATE", "VALUE_CASE",
           "VALUE_PACKAGE", "NEGOTIATORS", "card_line"]  # fmt: skip
