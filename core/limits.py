"""Input limits shared by the tools that enforce them and the synthetic data that must stay within them."""

from __future__ import annotations

MAX_CONTRACT_CHARS = 100_000
"""Longest contract text (in characters) that extraction accepts."""
