"""PII guard: recognisers for mainland-China identities, reversible pseudonyms and masks (Presidio based)."""

from __future__ import annotations

from functools import lru_cache

from core.privacy.entities import JRT_CLASS, EntityType, PIIEntity, RedactionResult
from core.privacy.guard import PIIGuard, RedactionError
from core.privacy.known import KnownPII
from core.privacy.vault import PseudonymVault

__all__ = [
    "JRT_CLASS",
    "EntityType",
    "KnownPII",
    "PIIEntity",
    "PIIGuard",
    "PseudonymVault",
    "RedactionError",
    "RedactionResult",
    "get_guard",
]


@lru_cache(maxsize=1)
def get_guard() -> PIIGuard:
    """The process-wide guard (one vault, so pseudonyms stay stable across requests of a thread)."""
    return PIIGuard()
