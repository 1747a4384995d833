"""Compiled LangGraph graphs (registered in langgraph.json)."""
