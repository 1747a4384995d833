"""Request and response models of the redaction endpoint and command (shared by the server and the CLI)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from core.privacy.entities import PIIEntity

MAX_TEXT_CHARS = 1_000_000


class RedactRequest(BaseModel):
    """Text to redact."""

    text: str = Field(max_length=MAX_TEXT_CHARS, description="The text; at most one million characters.")
    thread_id: str | None = Field(
        default=None, min_length=1, max_length=128, description="Thread whose pseudonyms to reuse."
    )
    case_id: str | None = Field(
        default=None, min_length=1, max_length=16, description="Also redact this case's own identities."
    )
    mode: Literal["pseudonym", "mask"] = Field(default="pseudonym", description="Pseudonyms or display masks.")


class RedactResponse(BaseModel):
    """The redacted text and the entities found (offsets into the original text)."""

    text: str
    entities: list[PIIEntity]
