"""Find every type a checkpointed state can hold, so the serializer's allowlist never falls behind the models."""

from __future__ import annotations

import dataclasses
import enum
import typing
from typing import Any

from pydantic import BaseModel


def reachable_types(*roots: type) -> tuple[type, ...]:
    """Pydantic models, dataclasses and enums reachable from ``roots`` through their field annotations."""
    seen: dict[type, None] = {}
    stack: list[Any] = list(roots)
    while stack:
        tp = stack.pop()
        for arg in typing.get_args(tp):
            stack.append(arg)
        origin = typing.get_origin(tp)
        if origin is not None:
            continue
        if not isinstance(tp, type) or tp in seen:
            continue
        if issubclass(tp, BaseModel):
            seen[tp] = None
            stack.extend(f.annotation for f in tp.model_fields.values())
        elif dataclasses.is_dataclass(tp):
            seen[tp] = None
            stack.extend(typing.get_type_hints(tp, include_extras=False).values())
        elif issubclass(tp, enum.Enum):
            seen[tp] = None
    return tuple(seen)
