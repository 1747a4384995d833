"""The model gateway: every model call in Qingshou goes through here, redacted, retried and recorded."""

from __future__ import annotations

from core.gateway.client import ModelGateway
from core.gateway.config import GatewayConfig
from core.gateway.context import call_context
from core.gateway.errors import (
    CircuitOpenError,
    GatewayError,
    ModelCallError,
    ModelUnavailableError,
    PIIRefusedError,
    StructuredOutputError,
)
from core.gateway.records import CallRecord, MemoryRecordSink, SqlRecordSink
from core.gateway.types import ChatMessage, ChatResult, StreamEvent, ToolCall, ToolSpec

__all__ = [
    "CallRecord",
    "ChatMessage",
    "ChatResult",
    "CircuitOpenError",
    "GatewayConfig",
    "GatewayError",
    "MemoryRecordSink",
    "ModelCallError",
    "ModelGateway",
    "ModelUnavailableError",
    "PIIRefusedError",
    "SqlRecordSink",
    "StreamEvent",
    "StructuredOutputError",
    "ToolCall",
    "ToolSpec",
    "call_context",
]
