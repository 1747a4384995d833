"""A LangChain chat model for LangGraph nodes whose every call goes through the gateway (and its guard)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import ConfigDict

from core.gateway.client import ModelGateway
from core.gateway.types import ChatMessage, FunctionCall, ToolCall, ToolSpec
from core.gateway.types import ChatResult as GatewayResult
from core.privacy.known import KnownPII


def to_gateway_messages(messages: Sequence[BaseMessage]) -> list[ChatMessage]:
    """LangChain messages as gateway messages (text content only; tool calls kept)."""
    out = []
    for m in messages:
        text = m.content if isinstance(m.content, str) else "".join(
            p.get("text", "") if isinstance(p, dict) else str(p) for p in m.content
        )  # fmt: skip
        if isinstance(m, SystemMessage):
            out.append(ChatMessage(role="system", content=text))
        elif isinstance(m, AIMessage):
            calls = [
                ToolCall(
                    id=c.get("id") or f"call_{i}", function=FunctionCall(name=c["name"], arguments=_dumps(c["args"]))
                )
                for i, c in enumerate(m.tool_calls)
            ]
            out.append(ChatMessage(role="assistant", content=text or None, tool_calls=calls or None))
        elif isinstance(m, ToolMessage):
            out.append(ChatMessage(role="tool", content=text, tool_call_id=m.tool_call_id))
        elif isinstance(m, HumanMessage):
            out.append(ChatMessage(role="user", content=text))
        else:
            raise ValueError(f"unsupported message type {type(m).__name__}")
    return out


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def to_ai_message(result: GatewayResult) -> AIMessage:
    """A gateway answer as an ``AIMessage``; the reasoning is left out on purpose (audit record only)."""
    usage = UsageMetadata(
        input_tokens=result.usage.prompt_tokens,
        output_tokens=result.usage.completion_tokens,
        total_tokens=result.usage.total_tokens,
        input_token_details={"cache_read": result.usage.cached_tokens},
    )
    return AIMessage(
        content=result.content,
        tool_calls=[
            {"name": c.function.name, "args": c.args(), "id": c.id, "type": "tool_call"} for c in result.tool_calls
        ],
        usage_metadata=usage,
        response_metadata={"model_name": result.model, "finish_reason": result.finish_reason},
    )


class GatewayChatModel(BaseChatModel):
    """``BaseChatModel`` over :class:`ModelGateway`: redaction, retries and the call record always apply."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    gateway: ModelGateway
    role: str
    """Gateway role: picks the model and labels the call record."""
    thread_id: str | None = None
    """Conversation whose pseudonyms to use (stable ``<PERSON_1>`` across the thread)."""
    known_pii: KnownPII | None = None
    """The case's own identities, redacted whatever the context."""
    temperature: float | None = None

    @property
    def _llm_type(self) -> str:
        return "qingshou-gateway"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"role": self.role}

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: str | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Bind tools (LangChain tools, pydantic models, functions or OpenAI dicts)."""
        specs = []
        for tool in tools:
            fn = convert_to_openai_tool(tool)["function"]
            specs.append(
                ToolSpec(name=fn["name"], description=fn.get("description", ""), parameters=fn.get("parameters", {}))
            )
        return self.bind(tools=specs, **kwargs)

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        result = await self.gateway.chat(
            self.role, to_gateway_messages(messages), tools=kwargs.get("tools"), known_pii=self.known_pii,
            thread_id=self.thread_id, temperature=self.temperature,
        )  # fmt: skip
        return ChatResult(generations=[ChatGeneration(message=to_ai_message(result))])

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        """Content deltas as they arrive (LangGraph's ``messages`` stream mode), then the tool calls and usage.

        The deltas still carry the thread's pseudonyms; callers reveal the finished answer per role.
        """
        async for event in self.gateway.stream(
            self.role, to_gateway_messages(messages), tools=kwargs.get("tools"), known_pii=self.known_pii,
            thread_id=self.thread_id, temperature=self.temperature,
        ):  # fmt: skip
            if event.kind == "content" and event.text:
                chunk = ChatGenerationChunk(message=AIMessageChunk(content=event.text))
                if run_manager is not None:
                    await run_manager.on_llm_new_token(event.text, chunk=chunk)
                yield chunk
            elif event.kind == "done" and event.result is not None:
                final = to_ai_message(event.result)
                yield ChatGenerationChunk(
                    message=AIMessageChunk(
                        content="",
                        tool_call_chunks=[
                            {
                                "name": c["name"],
                                "args": _dumps(c["args"]),
                                "id": c["id"],
                                "index": i,
                                "type": "tool_call_chunk",
                            }
                            for i, c in enumerate(final.tool_calls)
                        ],
                        usage_metadata=final.usage_metadata,
                        response_metadata=final.response_metadata,
                    )
                )

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        # Sync callers get their own event loop in a worker thread, with a client of its own.
        async def run() -> GatewayResult:
            async with self.gateway.new_http_client() as client:
                return await self.gateway.chat(
                    self.role, to_gateway_messages(messages), tools=kwargs.get("tools"), known_pii=self.known_pii,
                    thread_id=self.thread_id, temperature=self.temperature, client=client,
                )  # fmt: skip

        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            result = pool.submit(asyncio.run, run()).result()
        return ChatResult(generations=[ChatGeneration(message=to_ai_message(result))])
