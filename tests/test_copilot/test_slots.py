"""Slots as staff type them: amounts, shares, months, dates, hours, counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from agents.copilot import slots

TODAY = dt.date(2026, 12, 3)  # a Thursday


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("3.5万", 35000), ("35000", None), ("一次性还35000", 35000), ("三万五", 35000), ("35,000元", 35000),
        ("5千", 5000), ("1.2w", 12000), ("35k", 35000), ("￥8000", 8000), ("两万块", 20000), ("还三千五", 3500),
        ("pay 35000 yuan", 35000), ("settle for 20,000", 20000), ("客户承诺1月20日还5000元", 5000),
        ("逾期30天的案件", None), ("列出前10个", None), ("C000123 按70%结清", None), ("一万二", 12000),
    ],
)  # fmt: skip
def test_amounts(text: str, amount: int | None) -> None:
    found = slots.amounts(text)
    assert (found[0] if found else None) == (Decimal(amount) if amount is not None else None)


@pytest.mark.parametrize(
    ("text", "share"),
    [("按70%给C000123做结清方案", 70), ("七折", 70), ("八五折", 85), ("打7.5折", 75), ("减免30%", 70),
     ("settle at 60%", 60), ("30% off", 70), ("百分之六十", 60), ("C000123 一次性还35000", None)],
)  # fmt: skip
def test_share_paid(text: str, share: int | None) -> None:
    assert slots.share_paid(text) == (Decimal(share) if share is not None else None)


@pytest.mark.parametrize(
    ("text", "day"),
    [("1月20日", "2027-01-20"), ("下周五", "2026-12-11"), ("2027-01-20", "2027-01-20"), ("明天", "2026-12-04"),
     ("月底", "2026-12-31"), ("15号", "2026-12-15"), ("Jan 20", "2027-01-20"), ("next Friday", "2026-12-11"),
     ("20th of January", "2027-01-20"), ("tomorrow", "2026-12-04"), ("C000123 还款", None)],
)  # fmt: skip
def test_dates(text: str, day: str | None) -> None:
    found = slots.date_in(text, TODAY)
    assert (found.isoformat() if found else None) == day


@pytest.mark.parametrize(("text", "hour"), [("晚上10点后", 22), ("早上7点", 7), ("下午三点", 15), ("9pm", 21),
                                            ("21:30", 21), ("中午12点", 12), ("C000123", None)])  # fmt: skip
def test_hours(text: str, hour: int | None) -> None:
    assert slots.local_hour(text) == hour


@pytest.mark.parametrize(("text", "n"), [("列出风险最高的10个案件", 10), ("逾期天数最长的5个", 5), ("前十个", 10),
                                         ("balance top 20 in 上海", 20), ("show me 15 cases", 15),
                                         ("逾期30天以上", None)])  # fmt: skip
def test_top_n(text: str, n: int | None) -> None:
    assert slots.top_n(text) == n


@pytest.mark.parametrize(("text", "months"), [("分12期", 12), ("分一年", 12), ("分期一年", 12), ("24 months", 24),
                                              ("分两年还", 24), ("一次性", None)])  # fmt: skip
def test_months(text: str, months: int | None) -> None:
    assert slots.months(text) == months


def test_case_ids_are_normalised_and_unique() -> None:
    assert slots.case_ids("比较 c000123、C000124 和 C000123") == ["C000123", "C000124"]
    assert slots.case_ids("合同号 QS-HT-2024-000123 和 AC0001234") == []
