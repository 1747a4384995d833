"""Prompt templates, one module per agent, static-first so the serving engine's prefix cache can reuse them."""
