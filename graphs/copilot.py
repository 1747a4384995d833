"""The case copilot: one graph that answers any staff request through the typed tools.

``begin`` opens a turn; ``plan`` (the model through the gateway, or the rules planner) asks for tool calls; ``tools``
runs them with the caller's role and tenant; when a tool needs a person (an offer beyond authority, a legal
document, a contact the gate refers), ``hold`` answers with what is known and ``approval`` pauses the run with
``interrupt()`` until a supervisor resumes it with ``Command(resume=...)``; ``answer`` writes the turn's answer from
this turn's tool outputs only. The loop stops at the context's step limit.
"""

from __future__ import annotations

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from agents.copilot import nodes
from agents.copilot.nodes import Context
from agents.copilot.state import CopilotInput, CopilotState


def build_graph() -> StateGraph[CopilotState, Context, CopilotInput, CopilotState]:
    """Wire the nodes and edges (uncompiled)."""
    builder = StateGraph(CopilotState, input_schema=CopilotInput, context_schema=Context)
    builder.add_node("begin", nodes.begin)
    builder.add_node("plan", nodes.plan)
    builder.add_node("tools", nodes.tools)
    builder.add_node("hold", nodes.hold)
    builder.add_node("approval", nodes.approval)
    builder.add_node("answer", nodes.answer)
    builder.add_edge(START, "begin")
    builder.add_edge("begin", "plan")
    builder.add_conditional_edges("plan", nodes.after_plan, ["tools", "answer"])
    builder.add_conditional_edges("tools", nodes.after_tools, ["hold", "plan"])
    builder.add_edge("hold", "approval")
    builder.add_conditional_edges("approval", nodes.after_approval, ["approval", "plan"])
    builder.add_edge("answer", END)
    return builder


def compile_graph(
    checkpointer: BaseCheckpointSaver[str] | None = None,
) -> CompiledStateGraph[CopilotState, Context, CopilotInput, CopilotState]:
    """Compile with a checkpointer (the server's SQLite saver) or none (LangGraph platform supplies one)."""
    return build_graph().compile(checkpointer=checkpointer, name="copilot")


graph = compile_graph()
