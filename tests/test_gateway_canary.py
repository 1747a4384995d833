"""Refuse, don't leak: canary identities in cases, contracts and messages never reach the server, logs or records.

Every agent path is an entry in ``PATHS``; add new agents there so they are covered by the same assertions.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from decimal import Decimal

import pytest
from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel
from pydantic_ai import Agent
from sqlalchemy import create_engine, select
from sqlalchemy.orm import sessionmaker

from core import domain
from core.gateway import ChatMessage, GatewayConfig, ModelGateway, SqlRecordSink, call_context
from core.gateway.lc_model import GatewayChatModel
from core.gateway.pai_model import gateway_model
from core.gateway.prompting import PromptParts, assemble, render_case_facts
from core.gateway.records import ModelCall
from core.privacy import KnownPII, PIIGuard
from core.privacy.checksums import luhn_check_digit, resident_id_check_char
from tests.fakes.sglang import FakeSGLang, Reply

# Canaries: valid-looking identities that appear nowhere else. Names have no cue word in some places on purpose:
# only the case's known values can catch them there.
DEBTOR = "钟离雪鸢"
GUARANTOR = "闻人青禾"
CONTACT = "上官墨"
MOBILE = "13798765432"
MOBILE_SPACED = "137 9876 5432"
GUARANTOR_PHONE = "18655501234"
CONTACT_PHONE = "15044447777"
ADDRESS = "江苏省南京市鼓楼区中山北路188号7栋1单元902室"
EMAIL = "xueyuan.zhongli@example.com"


GUARANTOR_ID = "31010419800101123" + resident_id_check_char("31010419800101123")
RESIDENT_ID = "32010219850315283" + resident_id_check_char("32010219850315283")
CARD = "622202123456789012" + luhn_check_digit("622202123456789012")
CANARIES = [DEBTOR, GUARANTOR, CONTACT, MOBILE, "9876 5432", GUARANTOR_PHONE, CONTACT_PHONE, RESIDENT_ID,
            GUARANTOR_ID, ADDRESS, "中山北路188号", CARD, EMAIL]  # fmt: skip


def canary_case() -> domain.CaseFile:
    debtor = domain.Debtor(
        id="D9", name=DEBTOR, resident_id=RESIDENT_ID, phones=[MOBILE], address=ADDRESS,
        birth_date=dt.date(1985, 3, 15), gender="F", province="江苏", city="南京", city_tier=1,
        income_band="mid", employment="employed",
        contacts=[domain.EmergencyContact(name=CONTACT, relation="同事", phone=CONTACT_PHONE)],
    )  # fmt: skip
    loan = domain.Loan(
        id="L9", contract_no="HT2023010100012345", product=domain.Product.CONSUMER_LOAN, principal=Decimal("50000"),
        annual_rate=Decimal("0.144"), term_months=24, disbursement_date=dt.date(2023, 1, 1),
        repayment_method=domain.RepaymentMethod.EQUAL_INSTALMENT, outstanding_principal=Decimal("30000"),
        outstanding_interest=Decimal("1200"), outstanding_penalty=Decimal("300"), days_past_due=95,
        bucket=domain.Bucket.M4,
    )  # fmt: skip
    return domain.CaseFile(
        id="C000999", tenant="default", status="open", queue=None, strategy=None, tier=None,
        legal_status=domain.LegalStatus.NONE, flags=[], opened_on=dt.date(2024, 1, 1), as_of=dt.date(2024, 6, 1),
        notes=f"{DEBTOR}称下周还款；备用号码{MOBILE_SPACED}，邮箱{EMAIL}，还款卡{CARD}。合同HT2023010100012345。",
        debtor=debtor, loan=loan,
        guarantors=[domain.Guarantor(name=GUARANTOR, resident_id=GUARANTOR_ID, phone=GUARANTOR_PHONE, relation="配偶")],
    )  # fmt: skip


def case_messages(case: domain.CaseFile) -> list[ChatMessage]:
    question = f"{DEBTOR}今天说{GUARANTOR}会替她还，{CONTACT}的电话{CONTACT_PHONE}打不通，给个方案。"
    return assemble(PromptParts(case_facts=render_case_facts(case), question=question))


class Plan(BaseModel):
    months: int


Path = Callable[[ModelGateway, domain.CaseFile, FakeSGLang], Awaitable[object]]


async def via_chat(gw: ModelGateway, case: domain.CaseFile, server: FakeSGLang) -> object:
    return await gw.chat("drafting", case_messages(case), known_pii=KnownPII.from_case(case), thread_id=case.id)


async def via_structured(gw: ModelGateway, case: domain.CaseFile, server: FakeSGLang) -> object:
    server.push(Reply(content='{"months": "x"}'), Reply(content='{"months": 3}'))
    return await gw.structured(
        "drafting", case_messages(case), Plan, known_pii=KnownPII.from_case(case), thread_id=case.id
    )


async def via_stream(gw: ModelGateway, case: domain.CaseFile, server: FakeSGLang) -> object:
    return [
        e
        async for e in gw.stream("drafting", case_messages(case), known_pii=KnownPII.from_case(case), thread_id=case.id)
    ]


async def via_langchain(gw: ModelGateway, case: domain.CaseFile, server: FakeSGLang) -> object:
    model = GatewayChatModel(gateway=gw, role="triage_review", thread_id=case.id, known_pii=KnownPII.from_case(case))
    messages = [m.content or "" for m in case_messages(case)]
    return await model.ainvoke([SystemMessage(messages[0]), *(HumanMessage(m) for m in messages[1:])])


async def via_pydantic_ai(gw: ModelGateway, case: domain.CaseFile, server: FakeSGLang) -> object:
    messages = case_messages(case)
    agent = Agent(gateway_model(gw, "negotiation"), instructions=messages[0].content or "")
    with call_context(thread_id=case.id, known=KnownPII.from_case(case)):
        result = await agent.run("\n".join(m.content or "" for m in messages[1:]))
    return result.output


async def via_pydantic_ai_stream(gw: ModelGateway, case: domain.CaseFile, server: FakeSGLang) -> object:
    agent = Agent(gateway_model(gw, "negotiation"))
    with call_context(thread_id=case.id, known=KnownPII.from_case(case)):
        async with agent.run_stream("\n".join(m.content or "" for m in case_messages(case))) as run:
            return await run.get_output()


PATHS: dict[str, Path] = {
    "gateway.chat": via_chat,
    "gateway.structured": via_structured,
    "gateway.stream": via_stream,
    "langchain.GatewayChatModel": via_langchain,
    "pydantic_ai.Agent": via_pydantic_ai,
    "pydantic_ai.Agent.run_stream": via_pydantic_ai_stream,
}


@pytest.mark.parametrize("name", list(PATHS))
async def test_no_canary_leaves_the_process(name: str, tmp_path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    engine = create_engine(f"sqlite:///{tmp_path / 'calls.db'}")
    ModelCall.__table__.create(engine)
    sessions = sessionmaker(engine)
    case = canary_case()
    with FakeSGLang(default=Reply(content="建议联系<PERSON_1>。", reasoning=f"想到{MOBILE}")) as server:
        gw = ModelGateway(
            GatewayConfig(base_url=server.base_url, timeout_s=5), guard=PIIGuard(), sink=SqlRecordSink(sessions)
        )
        await PATHS[name](gw, case, server)
        await gw.aclose()
    bodies = [b.decode("utf-8") for b in server.chat_bodies()]
    assert bodies, "the path made no model call"
    with sessions() as session:
        stored = [
            repr({c.name: getattr(r, c.name) for c in ModelCall.__table__.columns})
            for r in session.scalars(select(ModelCall))
        ]
    assert stored, "no call record was stored"
    haystacks = {"request body": "\n".join(bodies), "log": caplog.text, "call records": "\n".join(stored)}
    for where, text in haystacks.items():
        for canary in CANARIES:
            assert canary not in text, f"{name}: {canary!r} leaked into the {where}"
    assert "<PERSON_1>" in bodies[0] and "<CN_RESIDENT_ID_1>" in bodies[0]
    assert "HT2023010100012345" in bodies[0]  # contract numbers are not personal data and stay readable
    engine.dispose()


async def test_reveal_restores_for_allowed_roles_only() -> None:
    case = canary_case()
    with FakeSGLang(default=Reply(content="请联系<PERSON_1>，电话<CN_MOBILE_1>。")) as server:
        gw = ModelGateway(GatewayConfig(base_url=server.base_url), guard=PIIGuard())
        result = await via_chat(gw, case, server)
        await gw.aclose()
    assert isinstance(result.content, str)  # type: ignore[attr-defined]
    shown = gw.reveal(result.content, case.id, may_see_pii=True)  # type: ignore[attr-defined]
    masked = gw.reveal(result.content, case.id, may_see_pii=False)  # type: ignore[attr-defined]
    assert DEBTOR in shown and MOBILE in shown
    assert DEBTOR not in masked and "137****5432" in masked
