"""Assembly of SGLang/OpenAI SSE chunks into deltas and one final result (tool-call arguments joined by index)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from core.gateway.errors import ModelCallError
from core.gateway.types import ChatResult, FunctionCall, StreamEvent, ToolCall, Usage


async def sse_payloads(lines: AsyncIterator[str]) -> AsyncIterator[dict[str, Any]]:
    """The JSON objects of ``data:`` lines, stopping at ``[DONE]``.

    Raises:
        ModelCallError: A data line is not JSON.
    """
    done = False
    async for line in lines:  # read to the end even after [DONE], so the response closes cleanly
        if done or not line.startswith("data:"):
            continue
        data = line[5:].strip()
        if data == "[DONE]":
            done = True
            continue
        try:
            payload = json.loads(data)
        except json.JSONDecodeError as exc:
            raise ModelCallError("model server streamed a chunk that is not JSON") from exc
        if isinstance(payload, dict):
            yield payload


class StreamAssembler:
    """Turns chunks into events and remembers enough to build the final :class:`ChatResult`."""

    def __init__(self) -> None:
        self.content: list[str] = []
        self.reasoning: list[str] = []
        self.calls: dict[int, dict[str, str]] = {}
        self.finish_reason: str | None = None
        self.model = ""
        self.usage = Usage()

    def feed(self, chunk: dict[str, Any]) -> list[StreamEvent]:
        """Events for one chunk."""
        self.model = chunk.get("model") or self.model
        if isinstance(chunk.get("usage"), dict):
            self.usage = Usage.model_validate(chunk["usage"])
        events = []
        for choice in chunk.get("choices") or []:
            delta = choice.get("delta") or {}
            if text := delta.get("reasoning_content"):
                self.reasoning.append(text)
                events.append(StreamEvent(kind="reasoning", text=text))
            if text := delta.get("content"):
                self.content.append(text)
                events.append(StreamEvent(kind="content", text=text))
            for call in delta.get("tool_calls") or []:
                slot = self.calls.setdefault(int(call.get("index", 0)), {"id": "", "name": "", "arguments": ""})
                slot["id"] = call.get("id") or slot["id"]
                function = call.get("function") or {}
                slot["name"] = function.get("name") or slot["name"]
                slot["arguments"] += function.get("arguments") or ""
            self.finish_reason = choice.get("finish_reason") or self.finish_reason
        return events

    def result(self) -> ChatResult:
        """The whole answer."""
        calls = [
            ToolCall(id=c["id"] or f"call_{i}", function=FunctionCall(name=c["name"], arguments=c["arguments"] or "{}"))
            for i, c in sorted(self.calls.items())
        ]
        return ChatResult(
            content="".join(self.content), tool_calls=calls, finish_reason=self.finish_reason, model=self.model,
            usage=self.usage, reasoning_content="".join(self.reasoning) or None,
        )  # fmt: skip
