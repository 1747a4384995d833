"""Dates as debtors say them: 明天, 下周五, 15号, 11月20日, 月底, 下个月10号, 三天后, 2026-11-20."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from tools.cn_numbers import CN_NUMERAL, cn_to_int

_N = rf"(\d{{1,4}}|[{CN_NUMERAL}]{{1,4}})"
_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": 5}
_ISO = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?")
_MONTH_DAY = re.compile(rf"(下个?月|本月|这个月|{_N}月)\s*{_N}\s*[日号]")
_DAY = re.compile(rf"(?<![月\d{CN_NUMERAL}]){_N}\s*[号日](?!子|常|本)")
_WEEK = re.compile(r"(下下|下|这|本)?\s*(?:个)?(?:周|星期|礼拜)([一二三四五六日天末])")
_RELATIVE = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3}
_IN_DAYS = re.compile(rf"{_N}\s*(?:天|日)(?:后|之后|以后|内|之内)")
_IN_WEEKS = re.compile(rf"{_N}\s*(?:周|个星期|个礼拜)(?:后|之后|以后|内|之内)")
_MONTH_END = re.compile(r"(下个?月|本月|这个月)?\s*月底|(下个?月|本月|这个月)底")
_MONTH_MID = re.compile(r"(下个?月|本月|这个月)?\s*月中")


def _num(token: str) -> int:
    return int(token) if token.isdigit() else cn_to_int(token)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _next_month(today: dt.date, offset: int = 1) -> tuple[int, int]:
    index = today.month - 1 + offset
    return today.year + index // 12, index % 12 + 1


def _safe(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _month_scope(word: str | None, today: dt.date) -> tuple[int, int]:
    return _next_month(today) if word and word.startswith("下") else (today.year, today.month)


def _absolute(text: str, today: dt.date) -> dt.date | None:
    if m := _ISO.search(text):
        return _safe(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := _MONTH_DAY.search(text):
        word, month_token, day = m.group(1), m.group(2), _num(m.group(3))
        if month_token is not None:
            month = _num(month_token)
            year = today.year if month >= today.month else today.year + 1
        else:
            year, month = _month_scope(word, today)
        return _safe(year, month, day)
    return None


def _relative(text: str, today: dt.date) -> dt.date | None:
    for word, days in sorted(_RELATIVE.items(), key=lambda kv: -len(kv[0])):
        if word in text:
            return today + dt.timedelta(days=days)
    if m := _WEEK.search(text):
        prefix, target = m.group(1) or "", _WEEKDAY[m.group(2)]
        monday = today - dt.timedelta(days=today.weekday())
        weeks = {"下下": 2, "下": 1}.get(prefix, 0)
        day = monday + dt.timedelta(weeks=weeks, days=target)
        if not prefix and day < today:  # a bare 周五 already past this week means next week's
            day += dt.timedelta(weeks=1)
        return day
    if m := _IN_DAYS.search(text):
        return today + dt.timedelta(days=_num(m.group(1)))
    if m := _IN_WEEKS.search(text):
        return today + dt.timedelta(weeks=_num(m.group(1)))
    return None


def _month_words(text: str, today: dt.date) -> dt.date | None:
    if m := _MONTH_END.search(text):
        year, month = _month_scope(m.group(1) or m.group(2), today)
        return _month_end(year, month)
    if m := _MONTH_MID.search(text):
        year, month = _month_scope(m.group(1), today)
        day = dt.date(year, month, 15)
        return day if day >= today else _safe(*_next_month(today), 15)
    if m := _DAY.search(text):
        day_number = _num(m.group(1))
        if not 1 <= day_number <= 31:
            return None
        year, month = today.year, today.month
        candidate = _safe(year, month, day_number)
        if candidate is None or candidate < today:  # 15号 already past this month means next month's
            year, month = _next_month(today)
            candidate = _safe(year, month, day_number)
        return candidate
    return None


def parse_cn_date(text: str, today: dt.date) -> dt.date | None:
    """The first date ``text`` names, relative to ``today`` (None when it names none or an impossible one).

    Args:
        text: What the debtor wrote.
        today: The date the message was received (in the debtor's time zone).
    """
    for reader in (_absolute, _relative, _month_words):
        found = reader(text, today)
        if found is not None:
            return found
    return None
