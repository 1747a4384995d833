"""Reversible pseudonyms per conversation thread (``<PERSON_1>``), and masks for logs and lower roles."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from core.masking import mask_address, mask_name, mask_phone, mask_resident_id
from core.privacy.entities import EntityType

TOKEN_RE = re.compile(r"<(?P<type>[A-Z][A-Z_]*?)_(?P<n>\d+)>")


def normalise(entity: EntityType, value: str) -> str:
    """The form under which two spellings of one value share a pseudonym (``138 1234 5678`` = ``13812345678``)."""
    if entity in (EntityType.MOBILE, EntityType.LANDLINE, EntityType.BANK_CARD, EntityType.CREDENTIAL):
        digits = re.sub(r"\D", "", value)
        if entity is EntityType.MOBILE and len(digits) == 13 and digits.startswith("86"):
            digits = digits[2:]
        if entity is EntityType.MOBILE and len(digits) == 15 and digits.startswith("0086"):
            digits = digits[4:]
        return digits
    if entity in (EntityType.RESIDENT_ID, EntityType.EMAIL):
        return value.strip().upper()
    return value.strip()


def mask(entity: EntityType, value: str) -> str:
    """Display mask of a value: ``138****5678``, ``110***********123X``, ``张**``, ``a***@example.com``."""
    if entity in (EntityType.MOBILE, EntityType.LANDLINE):
        return mask_phone(normalise(entity, value))
    if entity is EntityType.RESIDENT_ID:
        return mask_resident_id(value.strip())
    if entity is EntityType.BANK_CARD:
        digits = normalise(entity, value)
        return digits[:6] + "*" * (len(digits) - 10) + digits[-4:]
    if entity is EntityType.PERSON:
        return mask_name(value.strip())
    if entity is EntityType.ADDRESS:
        return mask_address(value.strip())
    if entity is EntityType.EMAIL:
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    return "*" * len(value)


@dataclass
class ThreadVault:
    """Pseudonyms of one thread: value to token and back, numbered per entity type."""

    by_value: dict[tuple[EntityType, str], str] = field(default_factory=dict)
    by_token: dict[str, tuple[EntityType, str]] = field(default_factory=dict)
    counters: dict[EntityType, int] = field(default_factory=dict)

    def token(self, entity: EntityType, value: str) -> str:
        """The thread's pseudonym for ``value``, minting the next number on first sight."""
        key = (entity, normalise(entity, value))
        existing = self.by_value.get(key)
        if existing is not None:
            return existing
        n = self.counters.get(entity, 0) + 1
        self.counters[entity] = n
        token = f"<{entity.value}_{n}>"
        self.by_value[key] = token
        self.by_token[token] = (entity, value)
        return token


class PseudonymVault:
    """Every thread's pseudonyms, in memory, the least recently used threads dropped past ``max_threads``.

    The vault holds raw values, so it lives only in process memory: it is never logged, traced or persisted.
    """

    def __init__(self, max_threads: int = 10_000) -> None:
        if max_threads < 1:
            raise ValueError("max_threads must be at least 1")
        self._threads: OrderedDict[str, ThreadVault] = OrderedDict()
        self._max = max_threads
        self._lock = threading.Lock()

    def token(self, thread_id: str, entity: EntityType, value: str) -> str:
        """Pseudonym of ``value`` in ``thread_id`` (stable for the life of the thread)."""
        with self._lock:
            vault = self._threads.get(thread_id)
            if vault is None:
                vault = self._threads[thread_id] = ThreadVault()
                while len(self._threads) > self._max:
                    self._threads.popitem(last=False)
            else:
                self._threads.move_to_end(thread_id)
            return vault.token(entity, value)

    def _replace(self, text: str, thread_id: str, *, reveal: bool) -> str:
        with self._lock:
            vault = self._threads.get(thread_id)
            if vault is None:
                return text
            entries = dict(vault.by_token)

        def sub(match: re.Match[str]) -> str:
            hit = entries.get(match.group())
            if hit is None:
                return match.group()
            entity, value = hit
            return value if reveal else mask(entity, value)

        return TOKEN_RE.sub(sub, text)

    def restore(self, text: str, thread_id: str) -> str:
        """Put the real values back in place of this thread's pseudonyms (for roles allowed to see PII)."""
        return self._replace(text, thread_id, reveal=True)

    def masked(self, text: str, thread_id: str) -> str:
        """Replace this thread's pseudonyms with masks (for logs, traces and lower roles)."""
        return self._replace(text, thread_id, reveal=False)

    def forget(self, thread_id: str) -> None:
        """Drop a thread's pseudonyms (e.g. when a case is closed)."""
        with self._lock:
            self._threads.pop(thread_id, None)
