"""Output schema of the briefing step."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ActionBrief(BaseModel):
    """A model-written brief for staff (words only)."""

    summary_zh: str = Field(max_length=600, description="中文简报，最多三句")
    summary_en: str = Field(max_length=900, description="English brief, at most three sentences")
