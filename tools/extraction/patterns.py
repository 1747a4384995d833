"""Deterministic readers of the figures contracts are made of: amounts, capitals, dates and rates."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from tools.extraction.schema import Rate, RateBasis

_CN_NUM = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "Ｏ": 0}
CN_DATE = r"[〇零○一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日"
DATE = rf"(?:\d{{4}}年\d{{1,2}}月\d{{1,2}}日|\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}|{CN_DATE})"
DATE_RE = re.compile(DATE)
AMOUNT = r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?"
FIGURES_RE = re.compile(rf"(?:[￥¥]\s*({AMOUNT})|人民币\s*({AMOUNT})\s*元|({AMOUNT})\s*元)")
_CAP_DIGIT = "[零壹贰叁肆伍陆柒捌玖]"
CAPITALS_RE = re.compile(
    rf"[壹贰叁肆伍陆柒捌玖拾][零壹贰叁肆伍陆柒捌玖拾佰仟万亿]*[元圆](?:{_CAP_DIGIT}[角分])*[整正]?"
    rf"|[壹贰叁肆伍陆柒捌玖][角分](?:{_CAP_DIGIT}分)?"
)
RATE_RE = re.compile(r"(年化|年|月|日)(?:化)?利率(?:为|是)?\s*[:：]?\s*(\d+(?:\.\d+)?)\s*[%％]")
WAN_RATE_RE = re.compile(r"(年|月|日)(?:利率)?万分之([一二三四五六七八九十]|\d+(?:\.\d+)?)")
_BASIS: dict[str, RateBasis] = {"年": "annual", "年化": "annual", "月": "monthly", "日": "daily"}
_FACTOR = {"annual": 1, "monthly": 12, "daily": 360}


def _cn_small(text: str) -> int:
    if "十" not in text:
        return _CN_NUM[text]
    tens, _, ones = text.partition("十")
    return (_CN_NUM[tens] if tens else 1) * 10 + (_CN_NUM[ones] if ones else 0)


def parse_date(text: str) -> dt.date:
    """Read 2023年3月15日, 2023-03-15, 2023/3/15, 2023.3.15 or 二〇二三年三月十五日.

    Raises:
        ValueError: not a date in one of those forms, or not a real calendar day.
    """
    text = text.strip()
    if match := re.fullmatch(r"(\d{4})(?:年|-|/|\.)(\d{1,2})(?:月|-|/|\.)(\d{1,2})日?", text):
        return dt.date(*(int(g) for g in match.groups()))
    if match := re.fullmatch(r"(\S{4})年(\S{1,3})月(\S{1,3})日", text):
        year = int("".join(str(_CN_NUM[c]) for c in match.group(1)))
        return dt.date(year, _cn_small(match.group(2)), _cn_small(match.group(3)))
    raise ValueError(f"not a date: {text!r}")


def parse_amount(text: str) -> Decimal:
    """Figures such as 100,000.00 as ``Decimal`` yuan with two places."""
    return Decimal(text.replace(",", "")).quantize(Decimal("0.01"))


def make_rate(stated: Decimal, basis: RateBasis, *, apr: bool = False) -> Rate:
    """A stated rate (percent) on its basis, with its annual equivalent (360-day year for daily rates)."""
    annual = (stated * _FACTOR[basis] / 100).normalize()
    return Rate(stated_percent=stated.normalize(), basis=basis, kind="apr" if apr else "simple", annual=annual)


def rate_from_match(match: re.Match[str]) -> Rate:
    """A :data:`RATE_RE` or :data:`WAN_RATE_RE` match as a :class:`Rate`."""
    word, number = match.group(1), match.group(2)
    if match.re is WAN_RATE_RE:
        value = Decimal(_cn_small(number)) if not number[0].isdigit() else Decimal(number)
        return make_rate(value / 100, _BASIS[word])
    return make_rate(Decimal(number), _BASIS[word], apr=word == "年化")
