"""Gateway against a local fake SGLang server: shapes, faults, retries, breaker, timeouts and records."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator

import pytest
from pydantic import BaseModel

from core.gateway import (
    ChatMessage,
    CircuitOpenError,
    GatewayConfig,
    MemoryRecordSink,
    ModelCallError,
    ModelGateway,
    ModelUnavailableError,
    PIIRefusedError,
    StructuredOutputError,
    ToolSpec,
)
from core.privacy import PIIGuard
from tests.fakes.sglang import FakeSGLang, Hang, Raw, Reply, Status

GUARD = PIIGuard()


class Offer(BaseModel):
    amount_yuan: int
    months: int


@pytest.fixture
def server() -> Iterator[FakeSGLang]:
    with FakeSGLang() as fake:
        yield fake


@pytest.fixture
async def gateway(server: FakeSGLang) -> AsyncIterator[ModelGateway]:
    config = GatewayConfig(
        base_url=server.base_url, timeout_s=0.4, backoff_base_s=0.01, backoff_max_s=0.05, max_retries=2,
        breaker_failures=50,
    )  # fmt: skip
    gw = ModelGateway(config, guard=GUARD, sink=MemoryRecordSink())
    yield gw
    await gw.aclose()


def user(text: str) -> list[ChatMessage]:
    return [ChatMessage(role="system", content="你是催收助手。"), ChatMessage(role="user", content=text)]


def records(gw: ModelGateway) -> MemoryRecordSink:
    assert isinstance(gw.sink, MemoryRecordSink)
    return gw.sink


async def test_plain_answer_with_reasoning_and_cached_usage(server: FakeSGLang, gateway: ModelGateway) -> None:
    server.push(Reply(content="建议分三期。", reasoning="先看余额", cached_tokens=12))
    result = await gateway.chat("drafting", user("怎么办"))
    assert result.content == "建议分三期。" and result.finish_reason == "stop"
    assert result.reasoning_content == "先看余额"
    assert "reasoning_content" not in result.model_dump()
    assert result.usage.cached_tokens == 12
    rec = records(gateway).records[-1]
    assert (rec.role, rec.outcome, rec.cached_tokens, rec.reasoning) == ("drafting", "ok", 12, "先看余额")
    assert rec.prompt_tokens > 0 and rec.completion_tokens > 0 and rec.latency_ms > 0


async def test_tool_calls_in_deepseekv3_shape(server: FakeSGLang, gateway: ModelGateway) -> None:
    server.push(Reply(content=None, tool_calls=[{"name": "get_balance", "arguments": {"case_id": "C000123"}}]))
    tool = ToolSpec(name="get_balance", description="余额", parameters={"type": "object", "properties": {}})
    result = await gateway.chat("drafting", user("余额多少"), tools=[tool])
    assert result.finish_reason == "tool_calls"
    assert [(c.function.name, c.args()) for c in result.tool_calls] == [("get_balance", {"case_id": "C000123"})]
    assert server.received[-1].json()["tools"][0]["function"]["name"] == "get_balance"


async def test_streamed_chunks_assemble(server: FakeSGLang, gateway: ModelGateway) -> None:
    server.push(
        Reply(content="您好，请尽快还款。", reasoning="礼貌", tool_calls=[{"name": "log", "arguments": {"n": 1}}])
    )
    events = [e async for e in gateway.stream("drafting", user("写一句"))]
    assert "".join(e.text for e in events if e.kind == "content") == "您好，请尽快还款。"
    done = events[-1]
    assert done.kind == "done" and done.result is not None
    assert done.result.content == "您好，请尽快还款。" and done.result.tool_calls[0].args() == {"n": 1}
    assert done.result.usage.prompt_tokens > 0
    assert records(gateway).records[-1].stream is True


async def test_429_then_500_are_retried(server: FakeSGLang, gateway: ModelGateway) -> None:
    server.push(Status(429, retry_after=0), Status(500, body="{}"), Reply(content="ok"))
    result = await gateway.chat("drafting", user("hi"))
    assert result.content == "ok"
    assert records(gateway).records[-1].attempts == 3


async def test_persistent_500_is_unavailable(server: FakeSGLang, gateway: ModelGateway) -> None:
    server.default = Status(500, body="{}")
    with pytest.raises(ModelUnavailableError, match="HTTP 500"):
        await gateway.chat("drafting", user("hi"))
    assert records(gateway).records[-1].outcome == "http_error"


async def test_hang_past_timeout(server: FakeSGLang, gateway: ModelGateway) -> None:
    server.default = Hang(5)
    started = time.perf_counter()
    with pytest.raises(ModelUnavailableError, match="timed out"):
        await gateway.chat("drafting", user("hi"))
    assert time.perf_counter() - started < 4
    assert records(gateway).records[-1].outcome == "timeout"


async def test_malformed_json(server: FakeSGLang, gateway: ModelGateway) -> None:
    server.push(Raw(b'{"choices": [{"message": '))
    with pytest.raises(ModelCallError, match="not a chat completion"):
        await gateway.chat("drafting", user("hi"))
    assert records(gateway).records[-1].outcome == "malformed_response"


async def test_schema_breaking_json_is_repaired(server: FakeSGLang, gateway: ModelGateway) -> None:
    server.push(Reply(content='{"amount_yuan": "很多"}'), Reply(content='{"amount_yuan": 3000, "months": 3}'))
    offer = await gateway.structured("drafting", user("方案"), Offer)
    assert offer == Offer(amount_yuan=3000, months=3)
    sent = server.received[-1].json()
    assert sent["response_format"]["type"] == "json_schema"
    assert sent["response_format"]["json_schema"]["schema"]["required"] == ["amount_yuan", "months"]
    assert "months" in sent["messages"][-1]["content"]  # the repair turn names the missing field


async def test_schema_breaking_json_gives_up(server: FakeSGLang, gateway: ModelGateway) -> None:
    server.default = Reply(content="不是JSON")
    with pytest.raises(StructuredOutputError):
        await gateway.structured("drafting", user("方案"), Offer, max_repairs=1)
    assert len(server.chat_bodies()) == 2


async def test_4xx_is_a_call_error(server: FakeSGLang, gateway: ModelGateway) -> None:
    server.push(Status(400, body='{"message": "bad"}'))
    with pytest.raises(ModelCallError, match="HTTP 400"):
        await gateway.chat("drafting", user("hi"))


async def test_connection_refused_is_unavailable() -> None:
    with FakeSGLang() as fake:
        url = fake.base_url
    gw = ModelGateway(GatewayConfig(base_url=url, max_retries=1, backoff_base_s=0.01), guard=GUARD)
    with pytest.raises(ModelUnavailableError, match="unreachable"):
        await gw.chat("drafting", user("hi"))
    await gw.aclose()


async def test_circuit_breaker_opens_and_recovers(server: FakeSGLang) -> None:
    config = GatewayConfig(base_url=server.base_url, max_retries=0, breaker_failures=2, breaker_reset_s=0.3)
    gw = ModelGateway(config, guard=GUARD)
    server.default = Status(503, body="{}")
    for _ in range(2):
        with pytest.raises(ModelUnavailableError):
            await gw.chat("drafting", user("hi"))
    before = len(server.chat_bodies())
    with pytest.raises(CircuitOpenError):
        await gw.chat("drafting", user("hi"))
    assert len(server.chat_bodies()) == before  # refused without reaching the server
    await asyncio.sleep(0.35)
    server.default = Reply(content="back")
    assert (await gw.chat("drafting", user("hi"))).content == "back"
    assert gw.breaker.state == "closed"
    await gw.aclose()


async def test_concurrency_limit(server: FakeSGLang) -> None:
    gw = ModelGateway(GatewayConfig(base_url=server.base_url, max_concurrency=2), guard=GUARD)
    server.default = Reply(content="ok", delay_s=0.05)
    results = await asyncio.gather(*(gw.chat("drafting", user(f"q{i}")) for i in range(8)))
    assert [r.content for r in results] == ["ok"] * 8
    assert server.max_in_flight == 2
    transport = gw.http_client._transport  # noqa: SLF001 - checking the limiter's resting state
    assert transport._slots._value == 2  # type: ignore[attr-defined]  # noqa: SLF001
    await gw.aclose()


async def test_no_model_configured_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QINGSHOU_LLM_BASE_URL", raising=False)
    gw = ModelGateway(GatewayConfig(base_url=None), guard=GUARD)
    assert gw.available is False
    with pytest.raises(ModelUnavailableError, match="QINGSHOU_LLM_BASE_URL"):
        await gw.chat("drafting", user("hi"))


async def test_unredactable_body_is_refused(server: FakeSGLang, gateway: ModelGateway) -> None:
    with pytest.raises(PIIRefusedError, match="not JSON"):
        await gateway.http_client.post(f"{server.base_url}/chat/completions", content=b"13812345678 not json")
    assert server.chat_bodies() == []
    assert records(gateway).records[-1].outcome == "refused_pii"


def test_role_models_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QINGSHOU_LLM_BASE_URL", "http://sglang-v3:30000/v1")
    monkeypatch.setenv("QINGSHOU_LLM_MODEL_TRIAGE_REVIEW", "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B")
    monkeypatch.setenv("QINGSHOU_LLM_BASE_URL_TRIAGE_REVIEW", "http://sglang-distill:30000/v1/")
    config = GatewayConfig()
    review = config.target("triage_review")
    drafting = config.target("drafting")
    assert review is not None and drafting is not None
    assert (review.base_url, review.model) == (
        "http://sglang-distill:30000/v1",
        "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B",
    )
    assert (drafting.base_url, drafting.model) == ("http://sglang-v3:30000/v1", "deepseek-ai/DeepSeek-V3")
    monkeypatch.setenv("QINGSHOU_LLM_BASE_URL", "sglang:30000")
    with pytest.raises(ValueError, match="http"):
        GatewayConfig()
