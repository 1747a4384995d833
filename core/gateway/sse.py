"""Reads model responses as they pass the transport: usage, reasoning, malformed bodies; strips reasoning."""

from __future__ import annotations

import json
from typing import Any


class ResponseObserver:
    """Watches one response (whole JSON or SSE chunks); removes ``reasoning_content`` unless told to keep it.

    Reasoning is captured for the audit record either way, so a framework (LangGraph, pydantic-ai) never gets
    it and cannot put it in a draft or a message to a debtor.
    """

    def __init__(self, *, keep_reasoning: bool, stream: bool) -> None:
        self.keep_reasoning = keep_reasoning
        self.stream = stream
        self.malformed = False
        self._parts: list[str] = []
        self._usage: dict[str, Any] = {}
        self._buffer = b""

    @staticmethod
    def request_facts(body: bytes) -> tuple[str, bool]:
        """Model name and stream flag of a (JSON) request body."""
        try:
            payload = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            return "", False
        if not isinstance(payload, dict):
            return "", False
        return str(payload.get("model", "")), bool(payload.get("stream", False))

    @property
    def reasoning(self) -> str:
        """Reasoning content seen so far."""
        return "".join(self._parts)

    def tokens(self) -> tuple[int, int, int]:
        """Prompt, completion and cached prompt tokens from ``usage``."""
        usage = self._usage
        details = usage.get("prompt_tokens_details") or {}
        cached = details.get("cached_tokens") if isinstance(details, dict) else 0
        return int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0), int(cached or 0)

    def _take(self, payload: dict[str, Any], key: str) -> bool:
        if isinstance(payload.get("usage"), dict):
            self._usage = payload["usage"]
        changed = False
        for choice in payload.get("choices") or []:
            part = choice.get(key) if isinstance(choice, dict) else None
            if isinstance(part, dict) and part.get("reasoning_content"):
                self._parts.append(str(part["reasoning_content"]))
                if not self.keep_reasoning:
                    part.pop("reasoning_content")
                    changed = True
        return changed

    def feed_whole(self, body: bytes) -> bytes:
        """Observe a non-streamed body; return it, reasoning removed when asked."""
        try:
            payload = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            self.malformed = True
            return body
        if not isinstance(payload, dict):
            self.malformed = True
            return body
        if "choices" not in payload and "error" not in payload and "data" not in payload:
            self.malformed = True
        changed = self._take(payload, "message")
        return json.dumps(payload, ensure_ascii=False).encode() if changed else body

    def _event(self, event: bytes) -> bytes:
        lines = event.split(b"\n")
        out = []
        for line in lines:
            stripped = line.rstrip(b"\r")
            if stripped.startswith(b"data:"):
                data = stripped[5:].strip()
                if data and data != b"[DONE]":
                    try:
                        payload = json.loads(data)
                    except (UnicodeDecodeError, json.JSONDecodeError):
                        self.malformed = True
                    else:
                        if isinstance(payload, dict) and self._take(payload, "delta"):
                            stripped = b"data: " + json.dumps(payload, ensure_ascii=False).encode()
            out.append(stripped)
        return b"\n".join(out)

    def feed_chunk(self, chunk: bytes) -> bytes:
        """Observe a piece of an SSE stream; return the complete events it closes."""
        self._buffer += chunk.replace(b"\r\n", b"\n")
        *events, self._buffer = self._buffer.split(b"\n\n")
        return b"".join(self._event(e) + b"\n\n" for e in events)

    def flush(self) -> bytes:
        """Whatever is left at the end of the stream."""
        rest, self._buffer = self._buffer, b""
        return self._event(rest) if rest.strip() else rest
