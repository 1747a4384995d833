"""State of the copilot graph: the conversation (messages, with LangGraph's reducer) and this turn's work."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages
from pydantic import BaseModel, Field

from agents.copilot.planner import Memory
from agents.copilot.toolkit import Approval, Source, ToolOutcome


class Answer(BaseModel):
    """The turn's answer as the page shows it: Chinese, then English, numbered sources, what ran without a model."""

    text: str
    zh: str
    en: str
    kind: Literal["tools", "help", "clarify", "refuse", "limit"] = "tools"
    sources: list[Source] = Field(default_factory=list)
    tools: list[str] = Field(default_factory=list)
    model_used: bool = False
    notes: list[str] = Field(default_factory=list)
    removed: list[str] = Field(
        default_factory=list, description="Figures or case ids removed: no tool output held them"
    )
    pending: list[Approval] = Field(default_factory=list, description="Decisions the run waits for")


class CopilotInput(BaseModel):
    """What a caller sends: the new message(s)."""

    messages: Annotated[list[AnyMessage], add_messages] = Field(default_factory=list)


class CopilotState(BaseModel):
    """The whole state (checkpointed per thread)."""

    messages: Annotated[list[AnyMessage], add_messages] = Field(default_factory=list)
    memory: Memory = Field(default_factory=Memory)
    turn: int = 0
    steps: int = 0
    plan_kind: str = "tools"
    plan_reason: str = ""
    driver: Literal["rules", "model"] = "rules"
    outcomes: list[ToolOutcome] = Field(default_factory=list, description="This turn's tool outcomes")
    pending: list[Approval] = Field(default_factory=list, description="Approvals the run still waits for")
    answer: Answer | None = None
    notes: list[str] = Field(default_factory=list)
    extra: dict[str, Any] = Field(default_factory=dict)
