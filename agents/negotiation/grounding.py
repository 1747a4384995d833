"""The grounding guard for drafts: every amount, date, rate and count must equal a tool output for this case."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from tools.grounding import allowed_numbers, ungrounded
from tools.negotiation.cn_numbers import digits_for_numerals

_CJK_EDGE = re.compile(r"(?<=[^\x00-\x7f])(?=[\d-])|(?<=\d)(?=[^\x00-\x7f])")
_CN_DATE = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")


def leaves(value: Any) -> list[Any]:
    """Every scalar inside a JSON-like value."""
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in leaves(v)]
    if isinstance(value, list | tuple):
        return [leaf for v in value for leaf in leaves(v)]
    return [value]


def allowed_for(outputs: Iterable[Any]) -> set[str]:
    """Canonical numbers of tool outputs (pydantic models, dicts, lists or scalars)."""
    values: list[Any] = []
    for output in outputs:
        dumped = output.model_dump(mode="json") if hasattr(output, "model_dump") else output
        values.extend(leaves(dumped))
    return allowed_numbers(values)


def _iso_dates(text: str, allowed: set[str]) -> str:
    """Write 11月18日 / 2026年11月18日 as ISO dates, taking the year from an allowed date with that month and day."""

    def repl(match: re.Match[str]) -> str:
        year, month, day = match.group(1), int(match.group(2)), int(match.group(3))
        if year:
            try:
                return dt.date(int(year), month, day).isoformat()
            except ValueError:
                return match.group(0)
        for token in sorted(allowed):
            if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", token):
                y, m, d = (int(p) for p in token.split("-"))
                if (m, d) == (month, day):
                    return dt.date(y, m, d).isoformat()
        return match.group(0)

    return _CN_DATE.sub(repl, text)


def stray_numbers(text: str, allowed: set[str]) -> list[str]:
    """Numbers in a draft that no tool produced, after writing Chinese numerals in digits and dates as ISO."""
    allowed_iso = {_normal_iso(a) for a in allowed}
    normalised = _iso_dates(digits_for_numerals(text), allowed_iso)
    # tools.grounding skips digits glued to a word character, and CJK characters are word characters: 还款3000元
    # would hide its number. Space every digit run off from the non-ASCII text around it first.
    normalised = _CJK_EDGE.sub(" ", normalised)
    return ungrounded(normalised, allowed | allowed_iso)


def _normal_iso(token: str) -> str:
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", token):
        y, m, d = (int(p) for p in token.split("-"))
        return dt.date(y, m, d).isoformat()
    return token
