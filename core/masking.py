"""Display masking of PII for logs, traces and roles that may not see it (e.g. ``138****5678``)."""

from __future__ import annotations


def mask_phone(phone: str) -> str:
    """Keep the first 3 and last 4 digits of a phone number: ``138****5678``."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) < 8:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


def mask_resident_id(resident_id: str) -> str:
    """Keep the region's first 3 and the last 4 characters: ``110***********123X``."""
    if len(resident_id) < 8:
        return "*" * len(resident_id)
    return f"{resident_id[:3]}{'*' * (len(resident_id) - 7)}{resident_id[-4:]}"


def mask_name(name: str) -> str:
    """Keep the surname only: ``张**``."""
    if not name:
        return name
    return name[0] + "*" * (len(name) - 1)


def mask_address(address: str) -> str:
    """Keep the first six characters (province and city), mask the rest."""
    return address[:6] + "*" * max(0, len(address) - 6)
