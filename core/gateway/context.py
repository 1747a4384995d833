"""Per-call context (role, thread, the case's known identities) that the guarded transport reads."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from core.privacy.known import KnownPII


@dataclass(frozen=True)
class CallContext:
    """Who is calling and about whom: set around any model call, including LangGraph and pydantic-ai ones."""

    role: str | None = None
    thread_id: str | None = None
    known: KnownPII | None = None


_CURRENT: ContextVar[CallContext] = ContextVar("qingshou_call_context", default=CallContext())  # noqa: B039


def current_context() -> CallContext:
    """The context of the running call (empty outside any ``call_context``)."""
    return _CURRENT.get()


@contextmanager
def call_context(
    *, role: str | None = None, thread_id: str | None = None, known: KnownPII | None = None
) -> Iterator[CallContext]:
    """Set the call context for the block; unset fields inherit from an enclosing context."""
    outer = _CURRENT.get()
    ctx = CallContext(
        role=role or outer.role,
        thread_id=thread_id or outer.thread_id,
        known=known.merged(outer.known) if known is not None else outer.known,
    )
    token = _CURRENT.set(ctx)
    try:
        yield ctx
    finally:
        _CURRENT.reset(token)
