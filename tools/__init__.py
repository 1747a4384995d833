"""Typed, tested tools: every number an agent shows comes from here."""
