"""Render a contract's ground truth as text lines in one of the template styles (Jinja2 files in ``styles/``)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import jinja2
import yaml

from core.capitals import to_capitals
from core.synth.contracts.spec import METHODS, ContractTruth

STYLES_DIR = Path(__file__).resolve().parent / "styles"
_CN_DIGITS = "〇一二三四五六七八九"


def money(value: Decimal) -> str:
    """Figures with thousands separators and two decimals: 100,000.00."""
    return f"{value:,.2f}"


def percent(value: Decimal) -> str:
    """A fraction as a percentage: 0.5 is 50%."""
    return f"{(value * 100).normalize():f}%"


def cn_date(day: dt.date) -> str:
    """2023年3月15日."""
    return f"{day.year}年{day.month}月{day.day}日"


def _cn_small(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def cn_numeral_date(day: dt.date) -> str:
    """二〇二三年三月十五日."""
    year = "".join(_CN_DIGITS[int(d)] for d in str(day.year))
    return f"{year}年{_cn_small(day.month)}月{_cn_small(day.day)}日"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(STYLES_DIR), undefined=jinja2.StrictUndefined, autoescape=False
    )
    env.filters.update(
        capitals=to_capitals, money=money, percent=percent, cn_date=cn_date, cn_numeral_date=cn_numeral_date,
        iso=lambda d: d.isoformat(),
    )  # fmt: skip
    return env


@lru_cache(maxsize=1)
def _boilerplate() -> list[str]:
    return list(yaml.safe_load((STYLES_DIR / "boilerplate.yaml").read_text(encoding="utf-8")))


def render_lines(truth: ContractTruth, seed: int = 0) -> list[str]:
    """The contract as non-empty lines (one paragraph each), in ``truth.style``."""
    pool = _boilerplate()
    rng = random.Random(seed)
    boilerplate = [rng.choice(pool) for _ in range(truth.boilerplate_paragraphs)]
    template = _environment().get_template(f"{truth.style}.j2")
    text = template.render(t=truth, boilerplate=boilerplate, method_cn=METHODS.get(truth.repayment_method, ""))
    return [line.strip() for line in text.splitlines() if line.strip()]
