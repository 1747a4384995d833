"""Per-run context of the case workflow, reached through ``Runtime[Context]``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from core import clock as wall_clock
from core.deps import Deps


@dataclass(kw_only=True)
class Context:
    """Dependencies and identity for one run."""

    deps: Deps
    """Database, cipher and case repository."""
    actor: str = "system"
    """Who started the run (a role or user name), written to the audit trail."""
    clock: Callable[[], dt.datetime] = field(default=wall_clock.read)
    """Source of the current time (injectable for tests)."""
