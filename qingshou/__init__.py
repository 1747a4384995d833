"""Qingshou (清收): an agentic copilot for recovering non-performing personal loans."""

__version__ = "0.1.0"
