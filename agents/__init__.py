"""LangGraph agents, one folder each: state, nodes and output schemas."""
