"""Deterministic reading of staff requests ("分析案件 C000123", "triage case C000123")."""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel

CASE_ID = re.compile(r"(?<![A-Za-z0-9])[Cc]\s*(\d{6,7})(?!\d)")
_ANALYSE = re.compile(r"分析|分案|评估|处理|下一步|triage|analy[sz]e|assess|work\s*on|next\s*action", re.IGNORECASE)
_SHOW = re.compile(r"查看|显示|看看|案件详情|卡片|show|open|view|card|details?", re.IGNORECASE)
_HELP = re.compile(r"帮助|怎么用|help|\?|？", re.IGNORECASE)


class IntentKind(StrEnum):
    """What the staff member asked for."""

    ANALYSE_CASE = "analyse_case"
    SHOW_CASE = "show_case"
    HELP = "help"
    UNKNOWN = "unknown"


class Intent(BaseModel):
    """A parsed request."""

    kind: IntentKind
    case_id: str | None = None


HELP_TEXT = (
    "我可以分析案件并给出分案与下一步行动，例如：“分析案件 C000123”或“查看 C000123”。\n"
    "I can triage a case and plan its next action, e.g. 'triage case C000123' or 'show C000123'."
)


def parse_intent(message: str) -> Intent:
    """Read a request; a bare case id means "analyse it"."""
    text = message.strip()
    match = CASE_ID.search(text)
    case_id = f"C{match.group(1)}" if match else None
    if case_id is None:
        return Intent(kind=IntentKind.HELP if not text or _HELP.search(text) else IntentKind.UNKNOWN)
    if _SHOW.search(text) and not _ANALYSE.search(text):
        return Intent(kind=IntentKind.SHOW_CASE, case_id=case_id)
    return Intent(kind=IntentKind.ANALYSE_CASE, case_id=case_id)
