"""Redaction of whole request bodies: every string in the JSON is redacted, then checked again."""

from __future__ import annotations

import json
from typing import Any

from core.gateway.errors import PIIRefusedError
from core.privacy.guard import PIIGuard, RedactionError
from core.privacy.known import KnownPII

# Keys whose values are protocol, not text: never rewritten (a model name or a role is not PII).
_STRUCTURAL_KEYS = frozenset({"model", "role", "type", "tool_call_id", "id", "tool_choice", "stop", "finish_reason"})


def _walk(value: Any, fn: Any) -> Any:
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, list):
        return [_walk(v, fn) for v in value]
    if isinstance(value, dict):
        return {k: (v if k in _STRUCTURAL_KEYS else _walk(v, fn)) for k, v in value.items()}
    return value


def redact_body(body: bytes, guard: PIIGuard, *, thread_id: str | None, known: KnownPII | None) -> tuple[bytes, int]:
    """The body with every string redacted to the thread's pseudonyms, and how many entities went.

    Raises:
        PIIRefusedError: The body is not JSON, redaction failed, or PII is still present afterwards.
    """
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PIIRefusedError("request body is not JSON, so it cannot be inspected for personal data") from exc
    count = 0

    def redact(text: str) -> str:
        nonlocal count
        result = guard.redact(text, thread_id=thread_id, known=known)
        count += len(result.entities)
        return result.text

    def check(text: str) -> str:
        if guard.analyze(text, known):
            raise PIIRefusedError("personal data survived redaction; the request was not sent")
        return text

    try:
        redacted = _walk(payload, redact)
        _walk(redacted, check)
    except RedactionError as exc:
        raise PIIRefusedError(f"redaction failed ({exc}); the request was not sent") from exc
    return json.dumps(redacted, ensure_ascii=False).encode("utf-8"), count
