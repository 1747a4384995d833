"""Typed failures of model calls, so callers can fall back to their no-model answers."""

from __future__ import annotations


class GatewayError(RuntimeError):
    """Base of every gateway failure."""


class ModelUnavailableError(GatewayError):
    """No model can answer now: none configured, the server is down, overloaded or timing out."""


class CircuitOpenError(ModelUnavailableError):
    """Too many recent failures: calls are refused without reaching the server until the breaker resets."""


class ModelCallError(GatewayError):
    """The server answered, but not with something usable (4xx, malformed JSON, wrong shape)."""


class StructuredOutputError(ModelCallError):
    """The answer still broke the output schema after every repair attempt."""


class PIIRefusedError(GatewayError):
    """An outgoing request still held personal information (or could not be inspected) and was not sent."""
