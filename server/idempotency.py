"""``Idempotency-Key`` on every POST: a retried request does its work once and gets the first answer again.

Pure ASGI middleware (streamed answers are remembered whole and replayed at once). The key is scoped by the caller's
API key (hashed, never stored), the method and the path; the same key with another body is a 422, a key whose first
request is still running a 409. Server errors are not remembered, so a retry after a 5xx runs again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.db.idempotency import IdempotencyStore, Remembered

HEADER = b"idempotency-key"
MAX_KEY = 255
MAX_REMEMBERED = 4_000_000
"""Responses larger than this are not remembered (the key is then released)."""


def _json(status: int, detail: str) -> tuple[int, bytes]:
    return status, json.dumps({"detail": detail}, ensure_ascii=False).encode()


class IdempotencyMiddleware:
    """Remember POST responses by ``Idempotency-Key`` (the app's ``state.deps`` provides the store)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass requests through; a POST with ``Idempotency-Key`` runs once per key and is replayed after."""
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        raw_key = headers.get(HEADER)
        if raw_key is None:
            await self.app(scope, receive, send)
            return
        key = raw_key.decode("latin-1").strip()
        if not 1 <= len(key) <= MAX_KEY:
            await _send(send, *_json(422, f"Idempotency-Key must be 1 to {MAX_KEY} characters"), None)
            return
        body = await _read_body(receive)
        caller = headers.get(b"x-api-key") or headers.get(b"authorization") or b""
        key_id = hashlib.sha256(b"\0".join([caller, scope["path"].encode(), key.encode()])).hexdigest()
        fingerprint = hashlib.sha256(scope.get("query_string", b"") + b"\0" + body).hexdigest()
        deps: Any = getattr(scope["app"].state, "deps", None)
        if deps is None:
            await self.app(scope, _replay_receive(body, receive), send)
            return
        store = IdempotencyStore(deps.sessions, deps.cipher)
        state = store.begin(key_id, fingerprint, dt.datetime.now(dt.UTC))
        if isinstance(state, Remembered):
            await _send(send, state.status_code, state.body, state.content_type, replayed=True)
            return
        if state == "mismatch":
            await _send(send, *_json(422, "Idempotency-Key was used with a different request"), None)
            return
        if state == "busy":
            await _send(send, *_json(409, "a request with this Idempotency-Key is still running"), None)
            return
        await self._run_and_remember(scope, _replay_receive(body, receive), send, store, key_id)

    async def _run_and_remember(
        self, scope: Scope, receive: Receive, send: Send, store: IdempotencyStore, key_id: str
    ) -> None:
        captured: dict[str, Any] = {"status": 500, "type": None, "chunks": [], "size": 0}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                for name, value in message.get("headers", []):
                    if name.lower() == b"content-type":
                        captured["type"] = value.decode("latin-1")
            elif message["type"] == "http.response.body":
                chunk = message.get("body", b"")
                captured["size"] += len(chunk)
                if captured["size"] <= MAX_REMEMBERED:
                    captured["chunks"].append(chunk)
            await send(message)

        try:
            await self.app(scope, receive, capture)
        except BaseException:
            store.forget(key_id)
            raise
        if captured["status"] >= 500 or captured["size"] > MAX_REMEMBERED:
            store.forget(key_id)
        else:
            store.finish(key_id, captured["status"], captured["type"], b"".join(captured["chunks"]))


async def _read_body(receive: Receive) -> bytes:
    parts = []
    while True:
        message = await receive()
        if message["type"] == "http.request":
            parts.append(message.get("body", b""))
            if not message.get("more_body"):
                return b"".join(parts)
        elif message["type"] == "http.disconnect":
            return b"".join(parts)


def _replay_receive(body: bytes, receive: Receive) -> Receive:
    """The body already read, then the client's own events (a streamed answer listens for its disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _send(send: Send, status: int, body: bytes, content_type: str | None, *, replayed: bool = False) -> None:
    headers = [(b"content-type", (content_type or "application/json").encode("latin-1")),
               (b"content-length", str(len(body)).encode())]  # fmt: skip
    if replayed:
        headers.append((b"idempotent-replayed", b"true"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
