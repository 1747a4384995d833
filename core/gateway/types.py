"""Typed shapes of chat calls: messages, tools, SGLang/OpenAI responses, results and stream events."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class FunctionCall(BaseModel):
    """A function the model wants called; ``arguments`` is a JSON string, as the server sends it."""

    name: str
    arguments: str = "{}"


class ToolCall(BaseModel):
    """One tool call in the shape SGLang's ``deepseekv3`` parser returns."""

    id: str
    type: Literal["function"] = "function"
    function: FunctionCall

    def args(self) -> dict[str, Any]:
        """The arguments decoded; empty when the model sent invalid JSON."""
        try:
            value = json.loads(self.function.arguments or "{}")
        except json.JSONDecodeError:
            return {}
        return value if isinstance(value, dict) else {}


class ChatMessage(BaseModel):
    """A chat message as sent to the server."""

    role: Literal["system", "user", "assistant", "tool"]
    content: str | None = None
    tool_calls: list[ToolCall] | None = None
    tool_call_id: str | None = None
    name: str | None = None

    def wire(self) -> dict[str, Any]:
        """The JSON object for the request body (unset fields left out)."""
        return self.model_dump(exclude_none=True)


class ToolSpec(BaseModel):
    """A tool the model may call: name, description and the JSON schema of its arguments."""

    name: str
    description: str
    parameters: dict[str, Any] = Field(default_factory=lambda: {"type": "object", "properties": {}})

    def wire(self) -> dict[str, Any]:
        """OpenAI ``tools`` entry."""
        return {"type": "function", "function": self.model_dump()}


class PromptTokensDetails(BaseModel):
    """Prompt token breakdown; SGLang reports prefix-cache hits here."""

    cached_tokens: int | None = None


class Usage(BaseModel):
    """Token counts of one call."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    prompt_tokens_details: PromptTokensDetails | None = None

    @property
    def cached_tokens(self) -> int:
        """Prompt tokens served from the prefix cache."""
        details = self.prompt_tokens_details
        return (details.cached_tokens or 0) if details else 0


class ResponseMessage(BaseModel):
    """``choices[0].message`` of a completion."""

    model_config = ConfigDict(extra="ignore")
    role: str = "assistant"
    content: str | None = None
    reasoning_content: str | None = None
    tool_calls: list[ToolCall] | None = None


class Choice(BaseModel):
    """One choice of a completion."""

    model_config = ConfigDict(extra="ignore")
    index: int = 0
    message: ResponseMessage
    finish_reason: str | None = None


class ChatCompletion(BaseModel):
    """A non-streamed ``/v1/chat/completions`` response."""

    model_config = ConfigDict(extra="ignore")
    id: str = ""
    model: str = ""
    choices: list[Choice] = Field(min_length=1)
    usage: Usage | None = None


class ChatResult(BaseModel):
    """What a caller gets back. ``content`` still holds the thread's pseudonyms; see ``ModelGateway.reveal``."""

    content: str = ""
    tool_calls: list[ToolCall] = Field(default_factory=list)
    finish_reason: str | None = None
    model: str = ""
    usage: Usage = Field(default_factory=Usage)
    reasoning_content: str | None = Field(default=None, exclude=True, repr=False)
    """The model's reasoning: for the audit record only, never for a debtor or a draft (excluded from dumps)."""

    @classmethod
    def from_completion(cls, completion: ChatCompletion) -> ChatResult:
        """Flatten the first choice of a completion."""
        choice = completion.choices[0]
        return cls(
            content=choice.message.content or "",
            tool_calls=choice.message.tool_calls or [],
            finish_reason=choice.finish_reason,
            model=completion.model,
            usage=completion.usage or Usage(),
            reasoning_content=choice.message.reasoning_content,
        )


class StreamEvent(BaseModel):
    """One event of a streamed answer."""

    kind: Literal["content", "reasoning", "done"]
    text: str = ""
    """A content delta (``content``) or a reasoning delta (``reasoning``, audit only)."""
    result: ChatResult | None = None
    """On ``done``: the whole answer, tool calls assembled from their deltas."""
