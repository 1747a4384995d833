"""The one choke point: an httpx2 transport that redacts, refuses, retries, limits, breaks and records.

Every model call - the gateway's own, LangGraph's chat model, pydantic-ai's OpenAI client - goes through
:class:`GuardedTransport`, so redaction and the call record cannot be skipped by any caller.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import time
from collections.abc import AsyncIterator

import httpx2

from core.gateway.breaker import CircuitBreaker
from core.gateway.config import GatewayConfig
from core.gateway.context import current_context
from core.gateway.errors import CircuitOpenError, PIIRefusedError
from core.gateway.records import CallRecord, Outcome, RecordSink
from core.gateway.redaction import redact_body
from core.gateway.sse import ResponseObserver
from core.privacy.guard import PIIGuard

log = logging.getLogger("qingshou.gateway")

ROLE_HEADER = "x-qingshou-role"
KEEP_REASONING_HEADER = "x-qingshou-keep-reasoning"
_PRIVATE_HEADERS = (ROLE_HEADER, KEEP_REASONING_HEADER)
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


def _thread_hash(thread_id: str | None) -> str | None:
    return hashlib.sha256(thread_id.encode()).hexdigest()[:16] if thread_id else None


class GuardedTransport(httpx2.AsyncBaseTransport):
    """Wraps a real transport; see the module docstring. One per event loop, sharing breaker and sink."""

    def __init__(
        self,
        *,
        guard: PIIGuard,
        config: GatewayConfig,
        breaker: CircuitBreaker,
        sink: RecordSink,
        inner: httpx2.AsyncBaseTransport | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.guard = guard
        self.config = config
        self.breaker = breaker
        self.sink = sink
        self.inner = inner or httpx2.AsyncHTTPTransport(
            limits=httpx2.Limits(max_connections=config.max_concurrency * 2, max_keepalive_connections=64)
        )
        self._slots = asyncio.Semaphore(config.max_concurrency)
        self._rng = rng or random.Random()

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self.inner.aclose()

    def backoff(self, attempt: int, retry_after: str | None) -> float:
        """Seconds to wait before retry ``attempt`` (1-based): jittered exponential, at least ``Retry-After``."""
        delay = min(self.config.backoff_max_s, self.config.backoff_base_s * float(2 ** (attempt - 1)))
        delay *= self._rng.uniform(0.5, 1.5)
        if retry_after:
            try:
                delay = max(delay, min(float(retry_after), self.config.backoff_max_s))
            except ValueError:
                pass
        return delay

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        """Redact the body, then send with retries under the breaker and the concurrency limit."""
        ctx = current_context()
        role = request.headers.get(ROLE_HEADER) or ctx.role or "unspecified"
        keep_reasoning = request.headers.get(KEEP_REASONING_HEADER) == "1"
        headers = [
            (k, v) for k, v in request.headers.multi_items() if k.lower() not in (*_PRIVATE_HEADERS, "content-length")
        ]
        headers = [(k, v) for k, v in headers if k.lower() != "accept-encoding"] + [("accept-encoding", "identity")]
        record = CallRecord(
            role=role, model="", endpoint=f"{request.url.host}:{request.url.port or ''}{request.url.path}",
            thread_hash=_thread_hash(ctx.thread_id), outcome="ok",
        )  # fmt: skip
        body = await request.aread()
        started = time.perf_counter()
        if request.method == "POST":
            try:
                body, record.redactions = redact_body(body, self.guard, thread_id=ctx.thread_id, known=ctx.known)
            except PIIRefusedError as exc:
                self._finish(record, started, "refused_pii", error=str(exc))
                raise
            record.prompt_sha256 = hashlib.sha256(body).hexdigest()
            record.model, record.stream = ResponseObserver.request_facts(body)
        outgoing = httpx2.Request(
            request.method, request.url, headers=headers, content=body, extensions=request.extensions
        )
        await self._slots.acquire()
        try:
            response = await self._send_with_retries(outgoing, record, started)
        except BaseException:
            self._slots.release()
            raise
        observer = ResponseObserver(keep_reasoning=keep_reasoning, stream=record.stream)
        if not record.stream:
            try:
                content = observer.feed_whole(await response.aread())
            finally:
                await response.aclose()
                self._slots.release()
            self.finish_observed(record, started, observer, response.status_code)
            return self._rebuild(response, outgoing, content)
        stream = _ObservedStream(self, response, observer, record, started)
        return self._rebuild(response, outgoing, stream=stream)

    async def _send_with_retries(self, request: httpx2.Request, record: CallRecord, started: float) -> httpx2.Response:
        attempt = 0
        while True:
            attempt += 1
            record.attempts = attempt
            try:
                self.breaker.before_attempt()
            except CircuitOpenError as exc:
                self._finish(record, started, "circuit_open", error=str(exc))
                raise
            try:
                response = await self.inner.handle_async_request(request)
            except (httpx2.TimeoutException, httpx2.NetworkError, httpx2.RemoteProtocolError) as exc:
                self.breaker.failure()
                if attempt > self.config.max_retries:
                    outcome: Outcome = "timeout" if isinstance(exc, httpx2.TimeoutException) else "connection_error"
                    self._finish(record, started, outcome, error=type(exc).__name__)
                    raise
                await asyncio.sleep(self.backoff(attempt, None))
                continue
            if response.status_code not in _RETRY_STATUS:
                if response.status_code < 400:
                    self.breaker.success()
                return response
            self.breaker.failure()
            if attempt > self.config.max_retries:
                return response
            retry_after = response.headers.get("retry-after")
            await response.aread()
            await response.aclose()
            await asyncio.sleep(self.backoff(attempt, retry_after))

    @staticmethod
    def _rebuild(
        response: httpx2.Response,
        request: httpx2.Request,
        content: bytes | None = None,
        stream: httpx2.AsyncByteStream | None = None,
    ) -> httpx2.Response:
        headers = [
            (k, v)
            for k, v in response.headers.multi_items()
            if k.lower() not in ("content-length", "content-encoding", "transfer-encoding")
        ]
        if stream is not None:
            return httpx2.Response(response.status_code, headers=headers, stream=stream, request=request)
        return httpx2.Response(response.status_code, headers=headers, content=content, request=request)

    def finish_observed(self, record: CallRecord, started: float, observer: ResponseObserver, status: int) -> None:
        """Complete ``record`` from what the observer saw and store it."""
        record.prompt_tokens, record.completion_tokens, record.cached_tokens = observer.tokens()
        if observer.reasoning:
            record.reasoning = self.guard.mask_text(observer.reasoning)
        if status >= 400:
            self._finish(record, started, "http_error", status=status)
        elif observer.malformed:
            self._finish(record, started, "malformed_response", status=status)
        else:
            self._finish(record, started, "ok", status=status)

    def _finish(
        self,
        record: CallRecord,
        started: float,
        outcome: Outcome,
        *,
        status: int | None = None,
        error: str | None = None,
    ) -> None:
        record.outcome = outcome
        record.status_code = status
        record.error = error
        record.latency_ms = round((time.perf_counter() - started) * 1000, 3)
        try:
            self.sink.write(record)
        except Exception:  # a broken audit store must not hide the call's own outcome; it is logged loudly
            log.exception("could not store the model call record")
        log.info(
            "model call role=%s model=%s outcome=%s status=%s attempts=%d latency_ms=%.1f tokens=%d/%d cached=%d "
            "redactions=%d",
            record.role, record.model, outcome, status, record.attempts, record.latency_ms, record.prompt_tokens,
            record.completion_tokens, record.cached_tokens, record.redactions,
        )  # fmt: skip


class _ObservedStream(httpx2.AsyncByteStream):
    """A streamed body passed through the observer; closing it frees the slot and writes the record."""

    def __init__(
        self,
        transport: GuardedTransport,
        response: httpx2.Response,
        observer: ResponseObserver,
        record: CallRecord,
        started: float,
    ) -> None:
        self._transport = transport
        self._response = response
        self._observer = observer
        self._record = record
        self._started = started
        self._closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._response.aiter_bytes():
            out = self._observer.feed_chunk(chunk)
            if out:
                yield out
        tail = self._observer.flush()
        if tail:
            yield tail

    async def aclose(self) -> None:
        """Close the upstream response once, then release the slot and store the record."""
        if self._closed:
            return
        self._closed = True
        try:
            await self._response.aclose()
        finally:
            self._transport._slots.release()  # noqa: SLF001 - the transport's own limiter
            self._transport.finish_observed(self._record, self._started, self._observer, self._response.status_code)
