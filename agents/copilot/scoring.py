"""Scoring a planner against labelled staff requests: tool choice and slots (used by the ``copilot`` eval suite).

A request's label names the kind (tools, help, clarify, refuse) and, for tools, the calls with the slots the text
determines. Tool choice is right when the kind matches and, for tools, the set of tool names is the same. A slot is
right when the planned value equals the label after normalisation (numbers as numbers, case ids upper-case, lists
in order); ``query`` and ``reason`` are free text and not compared, and ``text`` (review_text) is compared by
containment.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, Field

from agents.copilot.planner import Memory, Plan, Planner, memory_after

FREE_TEXT = frozenset({"query", "reason"})


class RequestItem(BaseModel):
    """One labelled request."""

    id: str
    lang: str = "zh"
    text: str
    history: list[str] = Field(default_factory=list)
    expect: dict[str, Any]


class ItemScore(BaseModel):
    """How the planner did on one request."""

    id: str
    lang: str
    text: str
    expected_kind: str
    planned_kind: str
    expected_tools: list[str]
    planned_tools: list[str]
    tool_ok: bool
    slots_total: int
    slots_ok: int
    slot_misses: list[str] = Field(default_factory=list)
    planned: list[dict[str, Any]] = Field(default_factory=list)


def _norm(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value)).normalize()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_norm(v) for v in value]
    if isinstance(value, str):
        text = value.strip()
        try:
            return (
                Decimal(text).normalize()
                if re.fullmatch(r"-?\d+(\.\d+)?", text)
                else text.upper()
                if re.fullmatch(r"[Cc]\d{6,7}", text)
                else text
            )
        except InvalidOperation:
            return text
    return value


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def slot_ok(name: str, expected: Any, planned: Any) -> bool:
    """Whether one planned slot matches its label."""
    if name in FREE_TEXT:
        return planned is not None
    if name == "text":
        if not isinstance(planned, str) or not isinstance(expected, str):
            return False
        e, p = _squash(expected), _squash(planned)
        return bool(p) and (e in p or p in e) and min(len(e), len(p)) >= 0.8 * max(len(e), len(p))
    if name == "sections" and isinstance(expected, list) and isinstance(planned, list):
        return sorted(map(str, expected)) == sorted(map(str, planned))
    return bool(_norm(expected) == _norm(planned))


def plan_with_history(planner: Planner, item: RequestItem) -> Plan:
    """Plan the item's message after its history (each earlier message planned in turn, building the memory)."""
    memory = Memory()
    for earlier in item.history:
        memory = memory_after(memory, earlier, planner.plan(earlier, memory))
    return planner.plan(item.text, memory)


def score_item(planner: Planner, item: RequestItem) -> ItemScore:
    """Plan one request and compare it with its label."""
    return score_plan(plan_with_history(planner, item), item)


def score_plan(plan: Plan, item: RequestItem) -> ItemScore:
    """Compare a plan with the request's label."""
    expected_kind = str(item.expect.get("kind", "tools"))
    expected_calls = list(item.expect.get("tools") or [])
    expected_names = sorted({c["name"] for c in expected_calls})
    planned_names = sorted({c.name for c in plan.calls}) if plan.kind == "tools" else []
    tool_ok = plan.kind == expected_kind and (expected_kind != "tools" or expected_names == planned_names)
    total = ok = 0
    misses: list[str] = []
    for call in expected_calls:
        args = call.get("args") or {}
        matches = [c for c in plan.calls if c.name == call["name"]] if plan.kind == "tools" else []
        for slot, value in args.items():
            total += 1
            got = matches[0].args.get(slot) if matches else None
            if matches and slot_ok(slot, value, got):
                ok += 1
            else:
                misses.append(f"{call['name']}.{slot}: expected {value!r}, got {got!r}")
    return ItemScore(
        id=item.id, lang=item.lang, text=item.text, expected_kind=expected_kind, planned_kind=plan.kind,
        expected_tools=expected_names, planned_tools=planned_names, tool_ok=tool_ok, slots_total=total,
        slots_ok=ok, slot_misses=misses, planned=[c.model_dump() for c in plan.calls],
    )  # fmt: skip
