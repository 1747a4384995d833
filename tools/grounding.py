"""Grounding guard: every number in model-written text must equal a number a tool produced."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from pydantic import BaseModel

from tools.cn_numbers import digits_for_numerals

# Numbers as people write them: 1,234.56 / 12.5% / 2026-11-04 / 19:00 / ￥3000 / 3 个月.
# Boundaries are ASCII letters/digits only: Chinese text sits right against numbers ("逾期45天").
_NUMBER = re.compile(r"(?<![A-Za-z0-9_.])-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![A-Za-z0-9_.])-?\d+(?:\.\d+)?")
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
_TIME = re.compile(r"(?<![0-9])\d{1,2}:\d{2}(?![0-9])")
_PLACEHOLDER = re.compile(r"<[A-Z_]+_\d+>")  # pseudonyms such as <PERSON_1> are not numbers
_CN_DATE = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_ISO = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
SMALL_COUNTS = frozenset({"1", "2", "3"})
"""Counting words ("一次", "两天", "三个工作日") are not claims about the case."""


def _canonical(token: str) -> str | None:
    try:
        value = Decimal(token.replace(",", ""))
    except InvalidOperation:
        return None
    return format(value.normalize(), "f")


def numbers_in(text: str) -> list[str]:
    """Numeric tokens of ``text`` in canonical form; dates and clock times count as whole tokens."""
    text = _PLACEHOLDER.sub(" ", text)
    found: list[str] = []
    for pattern in (_DATE, _TIME):
        for match in pattern.finditer(text):
            found.append(match.group(0))
        text = pattern.sub(" ", text)
    for match in _NUMBER.finditer(text):
        canonical = _canonical(match.group(0))
        if canonical is not None:
            found.append(canonical)
    return found


def allowed_numbers(values: Iterable[object]) -> set[str]:
    """Canonical forms of tool outputs (numbers, numeric strings, dates, times, numbers inside strings).

    Dicts and lists (e.g. a ``model_dump(mode="json")``) are walked down to their leaves.
    """
    allowed: set[str] = set()
    for value in values:
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, BaseModel):
            allowed |= allowed_numbers([value.model_dump(mode="json")])
            continue
        if isinstance(value, dict):
            allowed |= allowed_numbers(value.values())
            continue
        if isinstance(value, list | tuple):
            allowed |= allowed_numbers(value)
            continue
        if isinstance(value, int | float | Decimal):
            allowed.add(format(Decimal(str(value)).normalize(), "f"))
            if isinstance(value, float) and 0 <= value <= 1:  # a probability may be written as a percentage
                allowed.add(format((Decimal(str(value)) * 100).quantize(Decimal(1)).normalize(), "f"))
            continue
        allowed.update(numbers_in(str(value)))
    return allowed


def _normal_iso(token: str) -> str:
    if _ISO.fullmatch(token):
        y, m, d = (int(p) for p in token.split("-"))
        return dt.date(y, m, d).isoformat()
    return token


def _iso_dates(text: str, allowed: set[str]) -> str:
    """Write 11月18日 / 2026年11月18日 as ISO dates, taking a missing year from an allowed date with that day."""

    def repl(match: re.Match[str]) -> str:
        year, month, day = match.group(1), int(match.group(2)), int(match.group(3))
        if year:
            try:
                return dt.date(int(year), month, day).isoformat()
            except ValueError:
                return match.group(0)
        for token in sorted(allowed):
            if _ISO.fullmatch(token):
                y, m, d = (int(p) for p in token.split("-"))
                if (m, d) == (month, day):
                    return dt.date(y, m, d).isoformat()
        return match.group(0)

    return _CN_DATE.sub(repl, text)


def ungrounded(text: str, allowed: set[str]) -> list[str]:
    """Numbers in ``text`` that no tool produced.

    Chinese numerals are read as digits (三千 is 3000, 十二期 is 12) and Chinese dates as ISO dates first, so a number
    cannot slip past the check by being written out; small counting words (1-3) are allowed.
    """
    allowed = allowed | {_normal_iso(a) for a in allowed}
    normalised = _iso_dates(digits_for_numerals(text), allowed)
    return [n for n in numbers_in(normalised) if n not in allowed and n not in SMALL_COUNTS]
