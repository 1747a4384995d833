"""Chinese numerals and money amounts as people write them: 三千, 三千五, 一万二, 1.5万, 3,000元, ￥3000."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_DIGITS = {"零": 0, "〇": 0, "一": 1, "幺": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}  # fmt: skip
_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG = {"万": 10_000, "萬": 10_000, "亿": 100_000_000}
CN_NUMERAL = "零〇一幺二两俩三四五六七八九十拾百佰千仟万萬亿"
_CN_RUN = re.compile(f"[{CN_NUMERAL}]+")
_MIXED = re.compile(r"(\d+(?:\.\d+)?)\s*([千万萬亿])")
_AMOUNT = re.compile(
    rf"(?:[￥¥]\s*)?(\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|[{CN_NUMERAL}]+)\s*(?:[千万萬]\s*)?"
    r"(?:元|块钱|块|圆|rmb|RMB)"
)
_YUAN_SIGN = re.compile(r"[￥¥]\s*(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)")


def _section(text: str) -> int:
    """Value of a run below 万 (e.g. 三千五百, 十五, 三千五)."""
    total, digit, last_unit = 0, None, 1
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch] if digit is None else digit * 10 + _DIGITS[ch]
        elif ch in _UNITS:
            unit = _UNITS[ch]
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
        else:
            raise ValueError(f"not a Chinese numeral: {ch!r}")
    if digit is not None:
        # 三千五 means 3500: a trailing digit after a unit is one unit lower (only when no 零 was written).
        total += digit * (last_unit // 10) if last_unit >= 100 and "零" not in text else digit
    return total


def cn_to_int(text: str) -> int:
    """Integer value of a Chinese numeral: 三千五 → 3500, 一万二 → 12000, 两千零五 → 2005, 十五 → 15, 二零二六 → 2026.

    Raises:
        ValueError: ``text`` is not a Chinese numeral.
    """
    if not text or any(ch not in CN_NUMERAL for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if all(ch in _DIGITS for ch in text) and len(text) > 1:  # digit by digit: 二零二六
        return int("".join(str(_DIGITS[ch]) for ch in text))
    for big_char, big in sorted(_BIG.items(), key=lambda kv: -kv[1]):
        if big_char in text:
            head, _, tail = text.partition(big_char)
            high = cn_to_int(head) if head else 1
            if tail and all(ch in _DIGITS for ch in tail) and len(tail) == 1 and "零" not in tail:
                return high * big + _DIGITS[tail] * (big // 10)  # 一万二 → 12000
            return high * big + (cn_to_int(tail) if tail else 0)
    return _section(text)


def parse_number(token: str) -> Decimal:
    """A number written with digits, Chinese numerals or both (1.5万, 3千, 三千五, 3,000).

    Raises:
        ValueError: ``token`` is not a number.
    """
    token = token.strip().replace(",", "")
    mixed = _MIXED.fullmatch(token)
    if mixed:
        unit = {"千": 1000, "万": 10_000, "萬": 10_000, "亿": 100_000_000}[mixed.group(2)]
        return Decimal(mixed.group(1)) * unit
    try:
        return Decimal(token)
    except InvalidOperation:
        return Decimal(cn_to_int(token))


def amounts_in(text: str) -> list[Decimal]:
    """Money amounts in ``text`` (with 元/块/￥ or 万 written), in order of appearance."""
    found: list[tuple[int, Decimal]] = []
    for match in _AMOUNT.finditer(text):
        raw = match.group(0)
        raw = raw.replace("￥", "").replace("¥", "")
        raw = re.sub(r"(元|块钱|块|圆|rmb|RMB)$", "", raw.strip()).strip().replace(" ", "")
        try:
            found.append((match.start(), parse_number(raw)))
        except ValueError:
            continue
    covered = [m.span() for m in _AMOUNT.finditer(text)]
    for match in _YUAN_SIGN.finditer(text):
        if not any(a <= match.start() < b for a, b in covered):
            found.append((match.start(), parse_number(match.group(1))))
    for match in re.finditer(rf"(\d+(?:\.\d+)?|[{CN_NUMERAL}]+)万", text):
        if not any(a <= match.start() < b for a, b in covered):
            try:
                found.append((match.start(), parse_number(match.group(0))))
            except ValueError:
                continue
    return [value for _, value in sorted(found)]


def digits_for_numerals(text: str) -> str:
    """``text`` with every run of Chinese numerals of two or more characters (or with a unit) written in digits.

    Used before the grounding check, so a model cannot slip an amount past it as 三千五 instead of 3500.
    Single characters without a unit (一, 两) are words more often than numbers and are left alone.
    """

    def repl(match: re.Match[str]) -> str:
        run = match.group(0)
        if (len(run) == 1 and run != "十") or run[0] in "百佰千仟万萬亿":
            return run  # 一, 两 alone are words; 万一, 千万 are words too
        try:
            return str(cn_to_int(run))
        except ValueError:
            return run

    text = re.sub(r"(\d+(?:\.\d+)?)\s*万", lambda m: format(Decimal(m.group(1)) * 10_000, "f"), text)
    return _CN_RUN.sub(repl, text)
