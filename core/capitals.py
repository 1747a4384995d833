"""RMB amounts in Chinese capitals (壹拾万元整), written and parsed exactly with ``Decimal``."""

from __future__ import annotations

from decimal import Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_DIGIT_VALUE = {c: i for i, c in enumerate(DIGITS)} | {"两": 2, "〇": 0}
_SMALL_UNITS = {"拾": 10, "佰": 100, "仟": 1000}
_GROUP_UNITS = ("", "万", "亿")
MAX_AMOUNT = Decimal("999999999999.99")
CENT = Decimal("0.01")


class CapitalsError(ValueError):
    """An amount that cannot be written, or text that is not a well-formed amount in capitals."""


def _group(value: int) -> str:
    """A number 1..9999 in capitals, with 零 for inner zeros (1005 is 壹仟零伍)."""
    out: list[str] = []
    pending_zero = False
    for unit, place in ((1000, "仟"), (100, "佰"), (10, "拾"), (1, "")):
        digit = value // unit % 10
        if digit == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        out.append(DIGITS[digit] + place)
    return "".join(out)


def to_capitals(amount: Decimal) -> str:
    """Write ``amount`` yuan in capitals as on a cheque: 100000 is 壹拾万元整, 10.05 is 壹拾元零伍分.

    Args:
        amount: Non-negative yuan with at most two decimal places, below one trillion.

    Raises:
        CapitalsError: negative, fractions of a fen, or too large.
    """
    if amount < 0 or amount > MAX_AMOUNT:
        raise CapitalsError(f"{amount} is outside 0 .. {MAX_AMOUNT}")
    if amount != amount.quantize(CENT):
        raise CapitalsError(f"{amount} has fractions of a fen")
    fen_total = int(amount * 100)
    yuan, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10
    parts: list[str] = []
    groups = [yuan // 10**8, yuan // 10**4 % 10**4, yuan % 10**4]
    for index, value in enumerate(groups):
        if value == 0:
            continue
        higher = any(groups[:index])
        if higher and (value < 1000 or groups[index - 1] == 0):
            parts.append("零")
        parts.append(_group(value) + _GROUP_UNITS[2 - index])
    text = "".join(parts)
    if yuan:
        text += "元"
    if jiao == 0 and fen == 0:
        return (text or "零元") + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif yuan:
        text += "零"
    if fen:
        text += DIGITS[fen] + "分"
    return text


def parse_capitals(text: str) -> Decimal:  # noqa: C901 - one state machine over the characters reads best
    """Read an amount written in capitals (人民币壹拾万元整, 壹仟零伍元叁角, 拾元整) as ``Decimal`` yuan.

    Inner 零 may be written or left out, 整/正 may follow 元 or 角, a leading 拾 means 壹拾.

    Raises:
        CapitalsError: an unknown character, units out of order, or no 元/角/分 at all.
    """
    body = "".join(text.split()).removeprefix("人民币").removeprefix("RMB")
    if not body:
        raise CapitalsError("empty amount")
    if body[-1] in "整正":
        body = body[:-1]
    total = section = 0
    digit: int | None = None
    last_small = 10_000
    last_group = 10**12
    yuan: int | None = None
    jiao = fen = 0
    for ch in body:
        if ch in _DIGIT_VALUE:
            if digit not in (None, 0) and _DIGIT_VALUE[ch] != 0:
                raise CapitalsError(f"two digits in a row in {text!r}")
            digit = _DIGIT_VALUE[ch]
        elif ch in _SMALL_UNITS:
            unit = _SMALL_UNITS[ch]
            if unit >= last_small or yuan is not None:
                raise CapitalsError(f"unit {ch} out of order in {text!r}")
            section += (1 if digit is None else digit) * unit
            digit, last_small = None, unit
        elif ch in "万亿":
            unit = 10**4 if ch == "万" else 10**8
            if unit >= last_group or yuan is not None:
                raise CapitalsError(f"unit {ch} out of order in {text!r}")
            total += (section + (digit or 0)) * unit
            section, digit, last_small, last_group = 0, None, 10_000, unit
        elif ch in "元圆":
            if yuan is not None:
                raise CapitalsError(f"元 twice in {text!r}")
            yuan = total + section + (digit or 0)
            digit = None
        elif ch in "角分":
            if digit is None:
                raise CapitalsError(f"{ch} without a digit in {text!r}")
            if ch == "角":
                jiao = digit
            else:
                fen = digit
            digit = None
            yuan = yuan if yuan is not None else 0
        else:
            raise CapitalsError(f"unexpected character {ch!r} in {text!r}")
    if yuan is None:
        raise CapitalsError(f"no 元, 角 or 分 in {text!r}")
    if digit:
        raise CapitalsError(f"trailing digit without a unit in {text!r}")
    return (Decimal(yuan) + Decimal(jiao) / 10 + Decimal(fen) / 100).quantize(CENT)
