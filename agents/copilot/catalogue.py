"""Every copilot tool, by name: the one list the planner, the model driver, the tool node and the docs read."""

from __future__ import annotations

from typing import Any

from agents.copilot.action_tools import (
    CONTRACT_TERMS,
    DRAFT_LEGAL,
    DRAFT_REMINDER,
    HAND_OFF,
    OFFER,
    RECORD_PROMISE,
    REVIEW_TEXT,
    SEARCH,
)
from agents.copilot.case_tools import (
    CASE_FACTS,
    COMPARE_CASES,
    CONTACT_GATE,
    LIST_CASES,
    NEXT_ACTION,
    TRIAGE,
    VALUE_CASE,
    VALUE_PACKAGE,
)
from agents.copilot.toolkit import Tool

TOOLS: dict[str, Tool[Any, Any]] = {
    tool.name: tool
    for tool in (
        CASE_FACTS, LIST_CASES, COMPARE_CASES, TRIAGE, NEXT_ACTION, CONTACT_GATE, VALUE_CASE, VALUE_PACKAGE, OFFER,
        DRAFT_REMINDER, REVIEW_TEXT, SEARCH, CONTRACT_TERMS, DRAFT_LEGAL, RECORD_PROMISE, HAND_OFF,
    )
}  # fmt: skip


def tool_schemas(role: str | None = None) -> list[dict[str, Any]]:
    """OpenAI function specs of the tools (those ``role`` may call, when given)."""
    return [t.schema() for t in TOOLS.values() if role is None or role in t.roles]
