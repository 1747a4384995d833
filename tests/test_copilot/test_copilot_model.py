"""The model driver end to end: the gateway's tool calling against a fake SGLang that replays its response shapes."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from core.deps import Deps, build_deps
from server.app import create_app
from tests.conftest import API_KEYS, make_settings
from tests.fakes.sglang import FakeSGLang, Reply
from tests.test_copilot.conftest import OFFER_CASE, Chat


@pytest.fixture
def fake() -> Iterator[FakeSGLang]:
    with FakeSGLang(default=Reply(content="好的。")) as server:
        yield server


@pytest.fixture
async def model_deps(var_dir: Path, fake: FakeSGLang) -> AsyncIterator[Deps]:
    deps = build_deps(make_settings(var_dir, llm_base_url=fake.base_url, llm_timeout_s=5))
    yield deps
    await deps.aclose()


def _requests(fake: FakeSGLang) -> list[dict[str, object]]:
    return [json.loads(b) for b in fake.chat_bodies()]


async def test_model_plans_tools_waits_for_approval_and_its_numbers_are_checked(
    model_deps: Deps, fake: FakeSGLang
) -> None:
    fake.push(Reply(content=None, tool_calls=[
        {"name": "offer", "arguments": {"case_id": OFFER_CASE, "kind": "settlement", "percent": 70}}]))  # fmt: skip
    chat = Chat(model_deps)
    waiting = await chat.ask(f"按70%给{OFFER_CASE}做结清方案")
    assert waiting.pending and "超出本人授权范围" in waiting.zh
    first = _requests(fake)[0]
    names = {t["function"]["name"] for t in first["tools"]}  # type: ignore[index]
    assert "offer" in names and "value_case" not in names  # a collector is offered only the tools it may call
    [pending] = await chat.interrupts()
    amount = pending["details"]["asked"]["amount_due"]
    fake.push(Reply(content=f"主管已批准：{OFFER_CASE} 一次性结清应还 {amount} 元；另可再减 99999 元。"))
    done = await chat.resume({"action": "approve", "note": ""})
    assert done.model_used and amount in done.text
    assert "99999" in done.removed and "99999" not in done.text and any("removed" in n for n in done.notes)
    second = _requests(fake)[-1]
    sent = json.dumps(second["messages"], ensure_ascii=False)
    assert '"role": "tool"' in sent and "supervisor decision" in sent  # the model saw the tool result and the decision


async def test_model_answer_with_another_cases_id_is_scrubbed(model_deps: Deps, fake: FakeSGLang) -> None:
    fake.push(Reply(content=None, tool_calls=[{"name": "case_facts",
                                               "arguments": {"case_id": "C000123", "sections": ["repayments"]}}]),
              Reply(content="C000123 最近一次还款见上；C000018 的估值是 2700000 元。"))  # fmt: skip
    answer = await Chat(model_deps).ask("C000123 上次什么时候还款？")
    assert "C000018" not in answer.text and "2700000" not in answer.text
    assert set(answer.removed) >= {"C000018", "2700000"}


async def test_unknown_tool_and_a_model_outage_fall_back(model_deps: Deps, fake: FakeSGLang) -> None:
    from tests.fakes.sglang import Status

    fake.push(Status(500), Status(500), Status(500), Status(500))
    answer = await Chat(model_deps).ask("C000123 上次什么时候还款？")
    assert answer.model_used is False and answer.tools == ["case_facts"]
    assert any("unavailable" in n for n in answer.notes)


async def test_pii_is_redacted_on_the_wire_and_revealed_by_role(model_deps: Deps, fake: FakeSGLang) -> None:
    text = "借款人王建国说他下周五会还款，电话13912345678"
    fake.default = Reply(content="已知悉：<PERSON_1> 承诺下周五还款。")
    for role, shown in (("supervisor", True), ("collector", False)):
        answer = await Chat(model_deps, role=role).ask(text)
        assert ("王建国" in answer.text) is shown, (role, answer.text)
    wire = b"\n".join(fake.chat_bodies()).decode("utf-8")
    assert "王建国" not in wire and "13912345678" not in wire and "<PERSON_1>" in wire


def test_chat_streams_model_tokens_then_the_checked_answer(var_dir: Path, fake: FakeSGLang) -> None:
    model_deps = build_deps(make_settings(var_dir, llm_base_url=fake.base_url, llm_timeout_s=5))
    fake.push(Reply(content=None, tool_calls=[{"name": "case_facts", "arguments": {"case_id": "C000123"}}]),
              Reply(content="C000123 目前处于逾期状态，详见案件卡片。", chunk_size=3))  # fmt: skip
    with TestClient(create_app(deps=model_deps)) as client:
        headers = {"X-API-Key": API_KEYS["collector"]}
        with client.stream("POST", "/v1/chat", json={"message": "C000123 情况怎么样"}, headers=headers) as r:
            body = "".join(r.iter_text())
    names = [line[7:] for line in body.splitlines() if line.startswith("event: ")]
    assert names[:3] == ["thread", "tool_start", "tool_end"]
    assert names.count("token") >= 3 and names[-2:] == ["message", "done"]
    message = json.loads(body.split("event: message\ndata: ")[1].split("\n")[0])
    assert message["model_used"] is True and "C000123" in message["text"]
    model_deps.close()
