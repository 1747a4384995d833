"""Case workflow graph: load, triage, (plan, reminder draft, compliance review || valuation when due), brief.

An automated reminder is drafted only for ``owner: auto`` actions and reaches ``outgoing`` with its review beside it.
"""

from __future__ import annotations

from typing import Literal

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from agents.case_workflow import nodes
from agents.case_workflow.brief import brief
from agents.case_workflow.context import Context
from agents.case_workflow.reminder import draft_reminder
from agents.case_workflow.state import InputState, State
from agents.valuation.node import needs_valuation


def _after_load(state: State) -> Literal["triage", "__end__"]:
    return "__end__" if state.error else "triage"


def _after_triage(state: State) -> list[Literal["plan_next_action", "valuation"]]:
    """Valuation runs beside planning for legal-bound and high-balance cases."""
    if state.card is not None and needs_valuation(state.triage, state.card):
        return ["plan_next_action", "valuation"]
    return ["plan_next_action"]


def build_graph() -> StateGraph[State, Context, InputState, State]:
    """Wire the nodes and edges (uncompiled)."""
    builder = StateGraph(State, input_schema=InputState, context_schema=Context)
    builder.add_node("load_case", nodes.load_case)
    builder.add_node("triage", nodes.triage)
    builder.add_node("plan_next_action", nodes.plan_next_action)
    builder.add_node("draft_reminder", draft_reminder)
    builder.add_node("review_outgoing", nodes.review_outgoing)
    builder.add_node("valuation", nodes.valuation)
    builder.add_node("brief", brief, defer=True)
    builder.add_edge(START, "load_case")
    builder.add_conditional_edges("load_case", _after_load)
    builder.add_conditional_edges("triage", _after_triage, ["plan_next_action", "valuation"])
    builder.add_edge("plan_next_action", "draft_reminder")
    builder.add_edge("draft_reminder", "review_outgoing")
    builder.add_edge("review_outgoing", "brief")
    builder.add_edge("valuation", "brief")
    builder.add_edge("brief", END)
    return builder


def compile_graph(
    checkpointer: BaseCheckpointSaver[str] | None = None,
) -> CompiledStateGraph[State, Context, InputState, State]:
    """Compile with a checkpointer (the server's SQLite saver) or none (LangGraph platform supplies one)."""
    return build_graph().compile(checkpointer=checkpointer, name="case_workflow")


graph = compile_graph()
