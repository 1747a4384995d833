"""Per-run context of the negotiation graph, reached through ``Runtime[Context]``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from core import clock as wall_clock
from core.deps import Deps
from core.settings import Role


@dataclass(kw_only=True)
class Context:
    """Dependencies and identity for one turn."""

    deps: Deps
    """Database, cipher, case repository, guard and gateway."""
    role: Role = "collector"
    """The staff role negotiating: its row of the authority matrix bounds every offer."""
    actor: str = "system"
    """Who started the turn, written to the audit trail."""
    clock: Callable[[], dt.datetime] = field(default=wall_clock.read)
    """Source of the current time (injectable for tests and evals)."""
