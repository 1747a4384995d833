"""Negotiation graph, one debtor turn per run: load case -> read debtor -> negotiate -> hand off -> draft reply."""

from __future__ import annotations

from typing import Literal

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from agents.negotiation import nodes
from agents.negotiation.context import Context
from agents.negotiation.state import InputState, State


def _after_load(state: State) -> Literal["read_debtor", "__end__"]:
    return "__end__" if state.error else "read_debtor"


def build_graph() -> StateGraph[State, Context, InputState, State]:
    """Wire the nodes and edges (uncompiled)."""
    builder = StateGraph(State, input_schema=InputState, context_schema=Context)
    builder.add_node("load_case", nodes.load_case)
    builder.add_node("read_debtor", nodes.read_debtor)
    builder.add_node("negotiate", nodes.negotiate)
    builder.add_node("hand_off", nodes.hand_off)
    builder.add_node("draft_reply", nodes.draft_reply)
    builder.add_edge(START, "load_case")
    builder.add_conditional_edges("load_case", _after_load)
    builder.add_edge("read_debtor", "negotiate")
    builder.add_edge("negotiate", "hand_off")
    builder.add_edge("hand_off", "draft_reply")
    builder.add_edge("draft_reply", END)
    return builder


def compile_graph(
    checkpointer: BaseCheckpointSaver[str] | None = None,
) -> CompiledStateGraph[State, Context, InputState, State]:
    """Compile with a checkpointer (SQLite under var/) or none (LangGraph platform supplies one)."""
    return build_graph().compile(checkpointer=checkpointer, name="negotiation")


graph = compile_graph()
