"""Server-sent events from LangGraph runs."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi.encoders import jsonable_encoder


def sse(event: str, data: Any) -> str:
    """One SSE frame."""
    return f"event: {event}\ndata: {json.dumps(jsonable_encoder(data), ensure_ascii=False)}\n\n"


async def stream_run(graph: Any, payload: dict[str, Any], config: dict[str, Any], context: Any) -> AsyncIterator[str]:
    """Stream a graph run as ``update`` events (one per node) and a final ``end`` event with the state."""
    async for update in graph.astream(payload, config=config, context=context, stream_mode="updates"):
        for node, values in update.items():
            yield sse("update", {"node": node, "values": values})
    snapshot = await graph.aget_state(config)
    yield sse("end", {"values": snapshot.values})
