"""A case's own identities (debtor, guarantors, contacts) matched exactly, whatever the context."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from core.domain import CaseFile
from core.privacy.entities import EntityType
from core.privacy.recognizers import RegexRecognizer, Span


class KnownPII(BaseModel):
    """Names and numbers known to belong to the people of one case; passed per request to the guard."""

    names: list[str] = Field(default_factory=list, description="Debtor, guarantor and contact names.")
    phones: list[str] = Field(default_factory=list, description="Mobile and landline numbers.")
    resident_ids: list[str] = Field(default_factory=list, description="Resident ID numbers.")
    addresses: list[str] = Field(default_factory=list, description="Postal addresses.")
    emails: list[str] = Field(default_factory=list, description="E-mail addresses.")
    bank_cards: list[str] = Field(default_factory=list, description="Bank card numbers.")

    @classmethod
    def from_case(cls, case: CaseFile) -> KnownPII:
        """Every identity value in a decrypted case file."""
        debtor = case.debtor
        return cls(
            names=[debtor.name, *(c.name for c in debtor.contacts), *(g.name for g in case.guarantors)],
            phones=[*debtor.phones, *(c.phone for c in debtor.contacts), *(g.phone for g in case.guarantors)],
            resident_ids=[debtor.resident_id, *(g.resident_id for g in case.guarantors)],
            addresses=[debtor.address],
        )

    def merged(self, other: KnownPII | None) -> KnownPII:
        """This set plus ``other``'s values."""
        if other is None:
            return self
        return KnownPII(**{k: [*getattr(self, k), *getattr(other, k)] for k in type(self).model_fields})

    def is_empty(self) -> bool:
        """Whether there is nothing to look for."""
        return not any(getattr(self, k) for k in type(self).model_fields)


def _digits_pattern(value: str) -> str | None:
    digits = re.sub(r"\D", "", value)
    if len(digits) < 7:
        return None
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    body = r"[\s-]?".join(re.escape(d) for d in digits)
    return r"(?<![0-9])(?:(?:\+|00)?86[\s-]?)?" + body + r"(?![0-9])"


class KnownValueRecognizer(RegexRecognizer):
    """Ad-hoc recogniser for one request: the case's own values, names exactly, numbers with any separators."""

    SCORE = 1.0

    def __init__(self, entity: EntityType, pattern: re.Pattern[str]) -> None:
        self.ENTITY = entity
        self.PATTERN = pattern
        super().__init__()
        self.name = f"Known{entity.value.title().replace('_', '')}Recognizer"

    def validate(self, match: re.Match[str]) -> Span | None:
        """Every exact hit counts."""
        return match.start(), match.end(), self.SCORE


def _mobile_or_landline(value: str) -> EntityType:
    digits = re.sub(r"\D", "", value)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return EntityType.MOBILE if len(digits) == 11 and digits.startswith("1") else EntityType.LANDLINE


def known_recognizers(known: KnownPII) -> list[KnownValueRecognizer]:
    """One ad-hoc recogniser per entity type that has known values."""
    groups: dict[EntityType, list[str]] = {}
    for name in known.names:
        if len(name.strip()) >= 2:
            groups.setdefault(EntityType.PERSON, []).append(re.escape(name.strip()))
    for phone in known.phones:
        if (pattern := _digits_pattern(phone)) is not None:
            groups.setdefault(_mobile_or_landline(phone), []).append(pattern)
    for rid in known.resident_ids:
        if rid.strip():
            groups.setdefault(EntityType.RESIDENT_ID, []).append(r"(?<![0-9])" + re.escape(rid.strip()) + r"(?![0-9])")
    for card in known.bank_cards:
        if (pattern := _digits_pattern(card)) is not None:
            groups.setdefault(EntityType.BANK_CARD, []).append(pattern)
    for address in known.addresses:
        if len(address.strip()) >= 4:
            groups.setdefault(EntityType.ADDRESS, []).append(re.escape(address.strip()))
    for email in known.emails:
        if email.strip():
            groups.setdefault(EntityType.EMAIL, []).append(re.escape(email.strip()))
    out = []
    for entity, parts in groups.items():
        parts = sorted(set(parts), key=len, reverse=True)
        out.append(KnownValueRecognizer(entity, re.compile("|".join(parts), re.IGNORECASE)))
    return out
