"""Plan the next action for a triaged case: the playbook in ``actions.yaml`` plus the next allowed time slot."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field

from tools.compliance.gate import GateDecision
from tools.triage.models import ContactWindow, TriageResult

PLAYBOOK = Path(__file__).with_name("actions.yaml")

# Collection is never allowed 22:00-08:00 local time (CBA 2026 guideline; NIFA 2025 standard).
QUIET_START, QUIET_END = 22, 8


class PlaybookEntry(BaseModel):
    """One row of the playbook."""

    action: str
    owner: Literal["auto", "queue"]
    requires_approval: bool
    zh: str
    en: str


class Playbook(BaseModel):
    """The whole playbook file."""

    version: str
    actions: dict[str, PlaybookEntry]


class NextAction(BaseModel):
    """What happens next on the case, and when."""

    action: str = Field(description="Machine name of the action, e.g. schedule_call")
    tier: str
    owner: str = Field(description="'auto' or the queue that owns the action")
    channel: str
    not_before: dt.datetime = Field(description="Earliest start, in the debtor's local time (with offset)")
    not_after: dt.datetime = Field(description="End of the allowed window, same day, local time")
    requires_approval: bool
    summary_zh: str
    summary_en: str
    playbook_version: str
    gate: GateDecision | None = Field(
        default=None, description="The compliance gate's decision on this contact (None for internal actions)"
    )
    blocked: bool = Field(default=False, description="True when the gate refused and no allowed slot was found")


@lru_cache(maxsize=1)
def load_playbook(path: Path = PLAYBOOK) -> Playbook:
    """Parse and validate the playbook file."""
    return Playbook.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def next_slot(now: dt.datetime, start_hour: int, end_hour: int) -> tuple[dt.datetime, dt.datetime]:
    """The next ``[start, end)`` window at or after ``now`` (an aware local time), clipped to 08:00-22:00."""
    start_hour, end_hour = max(start_hour, QUIET_END), min(end_hour, QUIET_START)
    if start_hour >= end_hour:
        start_hour, end_hour = QUIET_END, QUIET_START
    day = now.replace(minute=0, second=0, microsecond=0)
    for offset in range(2):
        base = day + dt.timedelta(days=offset)
        start, end = base.replace(hour=start_hour), base.replace(hour=end_hour)
        if now < end:
            return max(start, now.replace(second=0, microsecond=0)), end
    raise AssertionError("a window always exists within two days")


def plan_next_action(triage: TriageResult, *, now: dt.datetime, utc_offset_min: int) -> NextAction:
    """Turn a triage decision into the next action, scheduled in the debtor's local contact window."""
    return plan_action(
        triage.tier.value,
        triage.queue,
        triage.channel,
        triage.contact_window,
        now=now,
        utc_offset_min=utc_offset_min,
    )


def plan_action(
    tier: str,
    queue: str,
    channel: str,
    window: ContactWindow | None,
    *,
    now: dt.datetime,
    utc_offset_min: int,
) -> NextAction:
    """The playbook's action for ``tier``, in the next slot of ``window`` (08:00-22:00 when None), local time.

    The batch path (``agents/case_workflow/outbox.py``) calls this with a vectorised triage's columns.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    entry = load_playbook().actions[tier]
    local_now = now.astimezone(dt.timezone(dt.timedelta(minutes=utc_offset_min)))
    start_hour, end_hour = (window.start_hour, window.end_hour) if window else (QUIET_END, QUIET_START)
    not_before, not_after = next_slot(local_now, start_hour, end_hour)
    return NextAction(
        action=entry.action,
        tier=tier,
        owner="auto" if entry.owner == "auto" else queue,
        channel=channel,
        not_before=not_before,
        not_after=not_after,
        requires_approval=entry.requires_approval,
        summary_zh=entry.zh,
        summary_en=entry.en,
        playbook_version=load_playbook().version,
    )
