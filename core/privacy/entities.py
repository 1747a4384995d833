"""PII entity types, their JR/T 0171-2020 classes, and the typed results the guard returns."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

JrtClass = Literal["C3", "C2", "C1"]


class EntityType(StrEnum):
    """Entity types the guard recognises; the value is the pseudonym prefix (``<CN_MOBILE_1>``)."""

    RESIDENT_ID = "CN_RESIDENT_ID"
    MOBILE = "CN_MOBILE"
    LANDLINE = "CN_LANDLINE"
    BANK_CARD = "BANK_CARD"
    EMAIL = "EMAIL_ADDRESS"
    PERSON = "PERSON"
    ADDRESS = "CN_ADDRESS"
    CREDENTIAL = "CREDENTIAL"


# JR/T 0171-2020 (个人金融信息保护技术规范): C3 is authentication data (passwords, card verification codes),
# C2 identifies a person or their accounts (identity documents, card numbers, phone, address, name),
# C1 is an institution's internal data about the account. Everything the guard redacts is C2 or C3.
JRT_CLASS: dict[EntityType, JrtClass] = {
    EntityType.RESIDENT_ID: "C2",
    EntityType.MOBILE: "C2",
    EntityType.LANDLINE: "C2",
    EntityType.BANK_CARD: "C2",
    EntityType.EMAIL: "C2",
    EntityType.PERSON: "C2",
    EntityType.ADDRESS: "C2",
    EntityType.CREDENTIAL: "C3",
}


class PIIEntity(BaseModel):
    """One piece of personal information found in a text (offsets into the original text)."""

    type: EntityType = Field(description="Entity type, e.g. CN_MOBILE.")
    start: int = Field(ge=0, description="Offset of the first character.")
    end: int = Field(ge=0, description="Offset one past the last character.")
    score: float = Field(ge=0, le=1, description="Recogniser confidence.")
    jrt_class: JrtClass = Field(
        serialization_alias="class", description="JR/T 0171-2020 class (C3 most sensitive, then C2, C1)."
    )


class RedactionResult(BaseModel):
    """A redacted text and what was taken out of it."""

    text: str = Field(description="The text with every entity replaced by a pseudonym or a mask.")
    entities: list[PIIEntity] = Field(description="What was found, with offsets into the original text.")
