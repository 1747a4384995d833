"""A scriptable fake of SGLang's OpenAI-compatible server on 127.0.0.1 (real sockets, real HTTP).

Replies are queued per test with ``push``; when the queue is empty the ``default`` reply answers. A ``Reply``
is rendered as one JSON body, or as SSE chunks when the request asked for ``stream: true``, in the shapes
SGLang returns with ``--reasoning-parser deepseek-r1 --tool-call-parser deepseekv3``.

    with FakeSGLang() as server:
        server.push(Reply(content="好的"), Status(429, retry_after=0), Hang(5))
        base_url = server.base_url  # http://127.0.0.1:PORT/v1
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODEL = "deepseek-ai/DeepSeek-V3"


@dataclass
class Reply:
    """A normal answer: content, optional reasoning and tool calls, usage with cached tokens."""

    content: str | None = "好的。"
    reasoning: str | None = None
    tool_calls: list[dict[str, Any]] | None = None
    """``[{"name": ..., "arguments": {...}}]``; ids and the JSON-string arguments are filled in."""
    cached_tokens: int = 0
    finish_reason: str | None = None
    chunk_size: int = 4
    """Characters per streamed content delta."""
    delay_s: float = 0.0
    """Think time before answering."""


@dataclass
class Status:
    """An HTTP error, e.g. 429 with ``Retry-After`` or a 500."""

    code: int
    retry_after: float | None = None
    body: str = '{"object": "error", "message": "server busy", "code": 429}'


@dataclass
class Hang:
    """Accept the request and say nothing for ``seconds`` (past the client's timeout)."""

    seconds: float


@dataclass
class Raw:
    """Send these bytes as a 200 body (malformed JSON, wrong shapes)."""

    body: bytes
    content_type: str = "application/json"


Script = Reply | Status | Hang | Raw


@dataclass
class Received:
    """A request as the server saw it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body decoded."""
        return json.loads(self.body) if self.body else None


def _tool_calls(calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "id": f"call_{i}_{c['name']}",
            "type": "function",
            "function": {"name": c["name"], "arguments": json.dumps(c.get("arguments", {}), ensure_ascii=False)},
        }
        for i, c in enumerate(calls)
    ]


def _usage(request_body: bytes, reply: Reply) -> dict[str, Any]:
    prompt = max(1, len(request_body) // 4)
    completion = max(1, len((reply.content or "") + (reply.reasoning or "")) // 2)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": min(reply.cached_tokens, prompt)},
    }


def completion_body(request_body: bytes, reply: Reply) -> dict[str, Any]:
    """The non-streamed ``chat.completion`` object for ``reply``."""
    message: dict[str, Any] = {"role": "assistant", "content": reply.content, "reasoning_content": reply.reasoning}
    finish = reply.finish_reason or "stop"
    if reply.tool_calls:
        message["tool_calls"] = _tool_calls(reply.tool_calls)
        finish = reply.finish_reason or "tool_calls"
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": MODEL,
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish, "matched_stop": 1}],
        "usage": _usage(request_body, reply),
    }


def stream_chunks(request_body: bytes, reply: Reply) -> list[dict[str, Any]]:
    """The ``chat.completion.chunk`` objects for ``reply``: reasoning, content, tool calls, finish, usage."""

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {
            "id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": int(time.time()), "model": MODEL,
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
        }  # fmt: skip

    out = [chunk({"role": "assistant", "content": ""})]
    step = max(1, reply.chunk_size)
    for text, key in ((reply.reasoning, "reasoning_content"), (reply.content, "content")):
        for i in range(0, len(text or ""), step):
            out.append(chunk({key: (text or "")[i : i + step]}))
    finish = reply.finish_reason or "stop"
    for i, call in enumerate(_tool_calls(reply.tool_calls or [])):
        args = call["function"]["arguments"]
        head = {"index": i, "id": call["id"], "type": "function", "function": {"name": call["function"]["name"]}}
        head["function"]["arguments"] = ""
        out.append(chunk({"tool_calls": [head]}))
        for j in range(0, len(args), 8):
            out.append(chunk({"tool_calls": [{"index": i, "function": {"arguments": args[j : j + 8]}}]}))
        finish = reply.finish_reason or "tool_calls"
    out.append(chunk({}, finish))
    last = chunk({})
    last["choices"] = []
    last["usage"] = _usage(request_body, reply)
    out.append(last)
    return out


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence the default stderr log
        return

    def _send(
        self, code: int, body: bytes, content_type: str = "application/json", extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.server.fake.received.append(Received("GET", self.path, dict(self.headers), b""))
        if self.path == "/health":
            self._send(200, b"")
        elif self.path == "/v1/models":
            body = {"object": "list", "data": [{"id": MODEL, "object": "model", "owned_by": "sglang", "root": MODEL}]}
            self._send(200, json.dumps(body).encode())
        else:
            self._send(404, b'{"detail": "Not Found"}')

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        fake = self.server.fake
        fake.received.append(Received("POST", self.path, dict(self.headers), body))
        if self.path != "/v1/chat/completions":
            self._send(404, b'{"detail": "Not Found"}')
            return
        script = fake.next_script()
        if isinstance(script, Hang):
            fake.stopping.wait(script.seconds)
            self.close_connection = True
            return
        if isinstance(script, Status):
            extra = {"Retry-After": str(script.retry_after)} if script.retry_after is not None else None
            self._send(script.code, script.body.encode(), extra=extra)
            return
        if isinstance(script, Raw):
            self._send(200, script.body, script.content_type)
            return
        with fake.lock:
            fake.in_flight += 1
            fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
        try:
            self._answer(script, body)
        finally:
            with fake.lock:
                fake.in_flight -= 1

    def _answer(self, script: Reply, body: bytes) -> None:
        if script.delay_s:
            time.sleep(script.delay_s)
        try:
            wants_stream = bool(json.loads(body).get("stream"))
        except (ValueError, AttributeError):
            self._send(400, b'{"object": "error", "message": "body is not JSON"}')
            return
        if not wants_stream:
            self._send(200, json.dumps(completion_body(body, script), ensure_ascii=False).encode())
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        events = [f"data: {json.dumps(c, ensure_ascii=False)}\n\n" for c in stream_chunks(body, script)]
        for event in [*events, "data: [DONE]\n\n"]:
            data = event.encode()
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.write(b"0\r\n\r\n")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the default backlog of 5 resets connections under 64 concurrent clients
    fake: FakeSGLang


@dataclass
class FakeSGLang:
    """The fake server; use as a context manager."""

    default: Script = field(default_factory=Reply)
    received: list[Received] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._queue: deque[Script] = deque()
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1``."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def push(self, *scripts: Script) -> None:
        """Queue replies for the next requests, in order."""
        with self._lock:
            self._queue.extend(scripts)

    def next_script(self) -> Script:
        """The next queued reply, or the default."""
        with self._lock:
            return self._queue.popleft() if self._queue else self.default

    def chat_bodies(self) -> list[bytes]:
        """Raw bodies of every chat request received."""
        return [r.body for r in self.received if r.path == "/v1/chat/completions"]

    def __enter__(self) -> FakeSGLang:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


if __name__ == "__main__":  # a standalone server for benchmarks: prints its base URL, serves until killed
    import sys

    with FakeSGLang(default=Reply(content="好的，建议先确认还款日期。", cached_tokens=64)) as fake:
        sys.stdout.write(fake.base_url + "\n")
        sys.stdout.flush()
        fake.stopping.wait()
