"""``ModelGateway``: chat, streaming, tool calls and schema-checked structured output over the guarded transport."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator, Sequence
from typing import Any, TypeVar

import httpx2
from pydantic import BaseModel, ValidationError

from core.gateway.breaker import CircuitBreaker
from core.gateway.config import GatewayConfig, Target
from core.gateway.context import call_context
from core.gateway.errors import ModelCallError, ModelUnavailableError, StructuredOutputError
from core.gateway.records import MemoryRecordSink, RecordSink
from core.gateway.stream import StreamAssembler, sse_payloads
from core.gateway.transport import KEEP_REASONING_HEADER, ROLE_HEADER, GuardedTransport
from core.gateway.types import ChatCompletion, ChatMessage, ChatResult, StreamEvent, ToolSpec
from core.privacy.guard import PIIGuard
from core.privacy.known import KnownPII
from prompts.gateway import SCHEMA_REPAIR

log = logging.getLogger("qingshou.gateway")
T = TypeVar("T", bound=BaseModel)
_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


class ModelGateway:
    """The only way Qingshou reaches a model. Build one per process (per event loop) and pass it in.

    Args:
        config: Endpoints, models per role, retries, breaker and limits.
        guard: The PII guard (its vault keeps each thread's pseudonyms).
        sink: Where call records go (``SqlRecordSink`` in the server; in memory by default).
        inner_transport: The real HTTP transport (tests may pass their own).
    """

    def __init__(
        self,
        config: GatewayConfig,
        *,
        guard: PIIGuard,
        sink: RecordSink | None = None,
        inner_transport: httpx2.AsyncBaseTransport | None = None,
    ) -> None:
        self.config = config
        self.guard = guard
        self.sink: RecordSink = sink if sink is not None else MemoryRecordSink()
        self.breaker = CircuitBreaker(config.breaker_failures, config.breaker_reset_s)
        self._inner = inner_transport
        self._client: httpx2.AsyncClient | None = None

    @property
    def available(self) -> bool:
        """False when no model endpoint is configured: callers use their no-model answers."""
        return self.config.available

    def new_http_client(self) -> httpx2.AsyncClient:
        """A fresh client over a fresh guarded transport (same guard, breaker and sink), for another event loop."""
        transport = GuardedTransport(
            guard=self.guard, config=self.config, breaker=self.breaker, sink=self.sink, inner=self._inner
        )
        timeout = httpx2.Timeout(self.config.timeout_s, connect=self.config.connect_timeout_s)
        return httpx2.AsyncClient(transport=transport, timeout=timeout)

    @property
    def http_client(self) -> httpx2.AsyncClient:
        """The gateway's HTTP client: hand this to any OpenAI-compatible SDK so its calls are guarded too."""
        if self._client is None or self._client.is_closed:
            self._client = self.new_http_client()
        return self._client

    async def aclose(self) -> None:
        """Close the HTTP client."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def target(self, role: str) -> Target:
        """Endpoint and model for ``role``; :class:`ModelUnavailableError` when none is configured."""
        target = self.config.target(role)
        if target is None:
            raise ModelUnavailableError("no model server configured (set QINGSHOU_LLM_BASE_URL)")
        return target

    def reveal(self, text: str, thread_id: str, *, may_see_pii: bool) -> str:
        """A model answer for a reader: pseudonyms restored for roles allowed to see PII, masked otherwise."""
        return self.guard.reveal(text, thread_id, may_see_pii=may_see_pii)

    def _payload(
        self, target: Target, messages: Sequence[ChatMessage], tools: Sequence[ToolSpec] | None, **extra: Any
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {"model": target.model, "messages": [m.wire() for m in messages]}
        if tools:
            payload["tools"] = [t.wire() for t in tools]
        payload.update({k: v for k, v in extra.items() if v is not None})
        return payload

    def _headers(self, role: str, target: Target) -> dict[str, str]:
        headers = {ROLE_HEADER: role, KEEP_REASONING_HEADER: "1"}
        if target.api_key:
            headers["authorization"] = f"Bearer {target.api_key}"
        return headers

    @staticmethod
    def _check_status(response: httpx2.Response) -> None:
        if response.status_code == 429 or response.status_code >= 500:
            raise ModelUnavailableError(f"model server answered HTTP {response.status_code} after retries")
        if response.status_code >= 400:
            raise ModelCallError(f"model server refused the request: HTTP {response.status_code}")

    async def chat(
        self,
        role: str,
        messages: Sequence[ChatMessage],
        *,
        tools: Sequence[ToolSpec] | None = None,
        response_format: dict[str, Any] | None = None,
        known_pii: KnownPII | None = None,
        thread_id: str | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        client: httpx2.AsyncClient | None = None,
    ) -> ChatResult:
        """One chat completion. The answer keeps the thread's pseudonyms; reasoning is apart, for audit only.

        Raises:
            ModelUnavailableError: No server, timeouts, connection errors, 429/5xx after retries, open circuit.
            ModelCallError: A 4xx, or a body that is not a chat completion.
            PIIRefusedError: The request could not be cleaned of personal data.
        """
        target = self.target(role)
        payload = self._payload(
            target, messages, tools, response_format=response_format, temperature=temperature,
            max_tokens=max_tokens, stream=False,
        )  # fmt: skip
        http = client or self.http_client
        with call_context(role=role, thread_id=thread_id, known=known_pii):
            try:
                response = await http.post(
                    f"{target.base_url}/chat/completions", json=payload, headers=self._headers(role, target)
                )
            except httpx2.TimeoutException as exc:
                raise ModelUnavailableError("model server timed out after retries") from exc
            except httpx2.TransportError as exc:
                raise ModelUnavailableError(f"model server unreachable: {type(exc).__name__}") from exc
        self._check_status(response)
        try:
            completion = ChatCompletion.model_validate_json(response.content)
        except ValidationError as exc:
            raise ModelCallError("model server sent a body that is not a chat completion") from exc
        return ChatResult.from_completion(completion)

    async def stream(
        self,
        role: str,
        messages: Sequence[ChatMessage],
        *,
        tools: Sequence[ToolSpec] | None = None,
        known_pii: KnownPII | None = None,
        thread_id: str | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
    ) -> AsyncIterator[StreamEvent]:
        """Stream an answer: ``content`` and ``reasoning`` deltas, then ``done`` with the assembled result."""
        target = self.target(role)
        payload = self._payload(
            target, messages, tools, temperature=temperature, max_tokens=max_tokens, stream=True,
            stream_options={"include_usage": True},
        )  # fmt: skip
        assembler = StreamAssembler()
        with call_context(role=role, thread_id=thread_id, known=known_pii):
            try:
                async with self.http_client.stream(
                    "POST", f"{target.base_url}/chat/completions", json=payload, headers=self._headers(role, target)
                ) as response:
                    if response.status_code >= 400:
                        await response.aread()
                        self._check_status(response)
                    async for data in sse_payloads(response.aiter_lines()):
                        for event in assembler.feed(data):
                            yield event
            except httpx2.TimeoutException as exc:
                raise ModelUnavailableError("model server timed out") from exc
            except httpx2.TransportError as exc:
                raise ModelUnavailableError(f"model server unreachable: {type(exc).__name__}") from exc
        yield StreamEvent(kind="done", result=assembler.result())

    async def structured(
        self,
        role: str,
        messages: Sequence[ChatMessage],
        output_type: type[T],
        *,
        max_repairs: int | None = None,
        known_pii: KnownPII | None = None,
        thread_id: str | None = None,
        temperature: float | None = None,
    ) -> T:
        """An answer constrained by ``output_type``'s JSON schema (xgrammar on SGLang), validated by pydantic.

        When the answer still breaks the schema, the errors go back to the model, at most ``max_repairs`` times.

        Raises:
            StructuredOutputError: Every attempt broke the schema.
        """
        schema = output_type.model_json_schema()
        response_format = {
            "type": "json_schema",
            "json_schema": {"name": output_type.__name__, "schema": schema, "strict": True},
        }
        history = list(messages)
        repairs = self.config.max_repairs if max_repairs is None else max_repairs
        last_error = ""
        for attempt in range(repairs + 1):
            result = await self.chat(
                role, history, response_format=response_format, known_pii=known_pii, thread_id=thread_id,
                temperature=temperature,
            )  # fmt: skip
            text = result.content
            if fence := _FENCE.match(text):
                text = fence.group(1)
            try:
                return output_type.model_validate_json(text)
            except ValidationError as exc:
                last_error = "; ".join(f"{'.'.join(map(str, e['loc'])) or '<root>'}: {e['msg']}" for e in exc.errors())
                log.info("structured output broke the schema role=%s attempt=%d", role, attempt + 1)
            history += [
                ChatMessage(role="assistant", content=result.content),
                ChatMessage(
                    role="user",
                    content=SCHEMA_REPAIR.format(errors=last_error, schema=json.dumps(schema, ensure_ascii=False)),
                ),
            ]
        raise StructuredOutputError(f"answer broke the {output_type.__name__} schema {repairs + 1} times: {last_error}")
