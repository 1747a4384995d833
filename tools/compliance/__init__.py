"""Compliance tools: the pre-contact gate and the review of transcripts and messages (rules, then the model).

Names are imported lazily, so that importing one submodule does not pull in the gateway. Import ``review`` and
``review_with_model`` from ``tools.compliance.review`` (the package attribute ``review`` is that module).
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Category": "tools.compliance.models",
    "Finding": "tools.compliance.models",
    "ReviewResult": "tools.compliance.models",
    "Transcript": "tools.compliance.models",
    "Turn": "tools.compliance.models",
    "GateDecision": "tools.compliance.gate",
    "PlannedContact": "tools.compliance.gate",
    "check_contact": "tools.compliance.gate",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import an exported name on first use."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'tools.compliance' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
