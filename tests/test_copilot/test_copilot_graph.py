"""The copilot graph with the rules driver: tools, follow-ups, memory between cases, roles, tenants, interrupts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.db.copilot import InterruptStore
from core.deps import Deps
from retrieval.factory import build_service
from retrieval.store.edge import EdgeStore
from tests.conftest import split_tenants
from tests.test_copilot.conftest import OFFER_CASE, Chat
from tests.test_retrieval.conftest import HashEmbedder
from tools.negotiation.approvals import NegotiationStore


async def test_facts_and_a_follow_up_on_the_same_case(chat: Chat) -> None:
    first = await chat.ask("C000123 上次什么时候还款？")
    assert first.tools == ["case_facts"] and "C000123" in first.zh and "还款" in first.zh
    assert first.model_used is False and any("no model configured" in n for n in first.notes)
    second = await chat.ask("那他的担保人呢？")
    assert "C000123" in second.zh and "担保人" in second.zh
    assert "Case C000123" in second.text  # Chinese first, English alongside


async def test_no_number_of_an_earlier_case_reaches_a_later_answer(deps: Deps) -> None:
    """Regression: on one thread the answer for C000123 ended with C000018's valuation."""
    chat = Chat(deps, role="supervisor")
    earlier = await chat.ask("C000018 值多少钱")
    assert earlier.tools == ["value_case"]
    valuation = re.findall(r"\d+\.\d{2}", earlier.zh)
    assert valuation
    later = await chat.ask("分析案件 C000123")
    assert later.tools == ["triage"] and "C000123" in later.text
    assert "C000018" not in later.text
    leaked = [v for v in valuation if v in later.text]
    assert leaked == [], leaked
    follow = await chat.ask("那C000124呢？")
    assert "C000124" in follow.text and "C000123" not in follow.text and "C000018" not in follow.text


async def test_every_figure_in_an_answer_comes_from_a_tool(deps: Deps) -> None:
    chat = Chat(deps, role="supervisor")
    for text in ["列出风险最高的10个案件", "C000123 最多能给多少减免？", "C000124 下一步怎么做",
                 "比较 C000123 和 C000124", "C000050 值多少钱", "C000123 分12期",
                 "现在能给C000123打电话吗"]:  # fmt: skip
        answer = await chat.ask(text)
        assert answer.kind == "tools" and answer.removed == [], (text, answer.removed, answer.text)


async def test_roles_are_enforced_like_the_routes(deps: Deps) -> None:
    collector = await Chat(deps, role="collector").ask("C000123 值多少钱")
    assert "无权" in collector.zh and "may not" in collector.en
    qa = await Chat(deps, role="qa").ask("按70%给C000123做结清方案")
    assert "无权" in qa.zh
    assert "C000123" in (await Chat(deps, role="qa").ask("C000123 值多少钱")).zh


async def test_another_tenants_case_reads_as_unknown(deps: Deps) -> None:
    split_tenants(deps)
    bound = Chat(deps, role="supervisor", tenant="bank-a")
    hidden = await bound.ask("C000200 上次什么时候还款？")
    missing = await bound.ask("C099999 上次什么时候还款？")
    assert hidden.zh.replace("C000200", "X") == missing.zh.replace("C099999", "X")
    assert "unknown case" in hidden.en
    listed = await bound.ask("列出余额最高的100个案件")
    assert "C000200" not in listed.text and "C000151" not in listed.text and "C000001" in listed.text


async def test_step_limit_stops_the_loop(deps: Deps) -> None:
    answer = await Chat(deps, max_steps=0).ask("C000123 上次什么时候还款？")
    assert answer.tools == []
    assert any("step limit" in n for n in answer.notes)


async def test_search_answers_carry_numbered_citations(deps: Deps, tmp_path: Path) -> None:
    service = build_service(deps.settings, store=EdgeStore(tmp_path / "edge"), embedder=HashEmbedder())
    try:
        chat = Chat(deps, retrieval=lambda: service)
        answer = await chat.ask("《个人信息保护法》对催收有什么要求？")
        assert answer.tools == ["search_knowledge"] and answer.sources
        assert "[1]" in answer.zh and "来源 Sources:" in answer.text
        assert all(s.title for s in answer.sources)
    finally:
        service.close()


async def test_offer_beyond_authority_waits_for_a_supervisor_and_is_approved(chat: Chat, deps: Deps) -> None:
    waiting = await chat.ask(f"按70%给{OFFER_CASE}做结清方案")
    assert "超出本人授权范围" in waiting.zh and waiting.pending
    [pending] = await chat.interrupts()
    assert (
        pending["kind"] == "offer"
        and pending["case_id"] == OFFER_CASE
        and pending["actions"] == ["approve", "reject", "edit"]
    )
    row = InterruptStore(deps.sessions).get(pending["interrupt_id"])
    assert row.status == "pending" and row.thread_id == chat.thread_id
    approval_id = int(pending["record_id"])
    assert NegotiationStore(deps.sessions).get_approval(approval_id).status == "pending"
    done = await chat.resume({"action": "approve", "note": "客户困难属实"})
    assert "主管已批准" in done.zh and await chat.interrupts() == []
    assert NegotiationStore(deps.sessions).get_approval(approval_id).status == "approved"
    assert InterruptStore(deps.sessions).get(pending["interrupt_id"]).status == "approved"
    actions = [a.action for a in deps.cases.get_case(OFFER_CASE).audit]
    assert {"offer_approval_requested", "offer_approved", "copilot_decision"} <= set(actions)


async def test_offer_rejected_and_edited(deps: Deps) -> None:
    chat = Chat(deps)
    await chat.ask(f"按70%给{OFFER_CASE}做结清方案")
    rejected = await chat.resume({"action": "reject", "note": "比例太低"})
    assert "驳回" in rejected.zh
    chat2 = Chat(deps)
    await chat2.ask(f"按70%给{OFFER_CASE}做结清方案")
    [pending] = await chat2.interrupts()
    total = float(pending["details"]["outstanding_total"])
    edited = await chat2.resume({"action": "edit", "edits": {"amount": round(total * 0.85, 2)}, "note": ""})
    assert "修改后的方案" in edited.zh
    assert InterruptStore(deps.sessions).get(pending["interrupt_id"]).status == "edited"


async def test_a_contact_the_gate_refers_waits_for_a_person(deps: Deps) -> None:
    chat = Chat(deps)
    answer = await chat.ask("现在能给C000014打电话吗")  # C000014 is disputed
    assert "不可联系" in answer.zh and answer.pending
    [pending] = await chat.interrupts()
    assert pending["kind"] == "contact_referral" and pending["editable"] == ["channel", "local_hour"]
    done = await chat.resume({"action": "approve", "note": "主管亲自处理"})
    assert "人工处理" in done.zh
    handoffs = NegotiationStore(deps.sessions).handoffs(case_id="C000014")
    assert handoffs and handoffs[-1].reasons == ["contact_referral"]


async def test_a_decision_must_be_a_valid_one(chat: Chat) -> None:
    from agents.copilot.nodes import DecisionError

    await chat.ask(f"按70%给{OFFER_CASE}做结清方案")
    with pytest.raises(DecisionError):
        await chat.resume({"action": "maybe"})
    assert len(await chat.interrupts()) == 1  # still waiting
