"""Checkpoint storage for the graphs: SQLite under ``var/`` with a serializer that only revives our types."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

from agents.case_workflow.state import InputState as CaseInput
from agents.case_workflow.state import State as CaseState
from agents.copilot.state import CopilotInput, CopilotState
from agents.negotiation.state import InputState as NegotiationInput
from agents.negotiation.state import State as NegotiationState
from core.settings import Settings
from graphs.serde_types import reachable_types

# Only these types are revived from a checkpoint; anything else stays a plain value. Derived from the graphs'
# state classes, so a field added to any model they hold is covered without editing this list.
CHECKPOINT_TYPES: tuple[type, ...] = reachable_types(
    CaseState, CaseInput, NegotiationState, NegotiationInput, CopilotState, CopilotInput
)


def serializer() -> JsonPlusSerializer:
    """The checkpoint serializer with an explicit allowlist of revivable types."""
    return JsonPlusSerializer(allowed_msgpack_modules=CHECKPOINT_TYPES)


@asynccontextmanager
async def open_saver(settings: Settings) -> AsyncIterator[BaseCheckpointSaver[str]]:
    """The process's checkpointer: SQLite under ``var/`` by default, PostgreSQL when ``checkpoint_url`` is set."""
    if settings.checkpoint_url:
        from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver

        url = settings.checkpoint_url.replace("postgresql+psycopg://", "postgresql://", 1)
        async with AsyncPostgresSaver.from_conn_string(url, serde=serializer()) as pg_saver:
            await pg_saver.setup()
            yield pg_saver
        return
    import aiosqlite
    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

    settings.checkpoint_file.parent.mkdir(parents=True, exist_ok=True)
    async with aiosqlite.connect(settings.checkpoint_file) as conn:
        saver = AsyncSqliteSaver(conn, serde=serializer())
        await saver.setup()
        yield saver
