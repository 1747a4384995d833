"""Slots of a staff request, as staff type them: case ids, amounts, shares, dates, counts, sort keys and filters.

Everything here is deterministic and bilingual. Amounts: ``35000``, ``35,000元``, ``3.5万``, ``三万五``, ``5千``,
``1.2w``, ``35k``, ``￥8000``, ``一次性还35000``. Shares of the outstanding the debtor pays: ``70%``, ``七折``,
``八五折``, ``减免30%`` (= 70), ``settle at 60%``. Dates: ``1月20日``, ``下周五``, ``2027-01-20``, ``明天``,
``月底``, ``15号``, ``Jan 20``, ``next Friday``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from tools.cn_numbers import CN_NUMERAL, cn_to_int, parse_number
from tools.negotiation.cn_dates import parse_cn_date

CASE_ID = re.compile(r"(?<![A-Za-z0-9])[Cc][-\s]?(\d{6,7})(?!\d)")
_N = rf"(\d{{1,4}}|[{CN_NUMERAL}]{{1,4}})"

# ---- case ids ---------------------------------------------------------------------------------


def case_ids(text: str) -> list[str]:
    """Case ids in order of appearance, upper-case, without repeats."""
    out: list[str] = []
    for match in CASE_ID.finditer(text):
        cid = f"C{match.group(1)}"
        if cid not in out:
            out.append(cid)
    return out


def strip_case_ids(text: str) -> str:
    """``text`` with case ids removed (so their digits are not read as amounts or counts)."""
    return CASE_ID.sub(" ", text)


# ---- amounts ----------------------------------------------------------------------------------

_NUM_TOKEN = re.compile(
    rf"(?P<cur>[￥¥]|rmb\s*|cny\s*)?(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|[{CN_NUMERAL}]{{1,10}})"
    r"\s*(?P<unit>[千万萬kKwW](?![a-zA-Z]))?\s*(?P<yuan>元|块钱|块|圆|yuan\b|rmb\b|cny\b)?",
    re.IGNORECASE,
)
_PAY_CUE = re.compile(
    r"(?:还|付|交|结清|一次性|首付|打|转|给|凑|能拿出|出|pay|paying|paid|pays|settle\s+for|lump\s+sum\s+of|offer(?:s|ing|ed)?|of|"
    r"promised?(?:\s+to\s+pay)?|promising|will\s+pay|can\s+pay|could\s+pay|承诺|答应)"
    r"\s*(?:款|了|上|个|我们|你们)?\s*$",
    re.IGNORECASE,
)
_NOT_AMOUNT_AFTER = re.compile(
    r"\s*(?:[%％个期月天号日折点时岁年次条笔件户名位]|days?|months?|cases?|dpd|:)", re.IGNORECASE
)
_UNITS = {"千": 1000, "k": 1000, "K": 1000, "万": 10_000, "萬": 10_000, "w": 10_000, "W": 10_000}


_WORD_ONE = re.compile(r"一(?=次|下|起|直|共|点|些|定|般|条|个|笔|份|样|致|旦|边|会|周|套|家|声|句|遍)")
"""一 starting a word (一次性, 一下, 一起 ...) is not a digit of the amount before it (三万五一次性 is 35000)."""


def _decimal(token: str) -> Decimal | None:
    try:
        return parse_number(token)
    except (ValueError, InvalidOperation):
        return None


def amounts(text: str) -> list[Decimal]:
    """Money amounts in ``text`` in order of appearance (case ids, percents, counts and dates are not amounts)."""
    clean = _WORD_ONE.sub("·", strip_case_ids(text))
    out: list[Decimal] = []
    for match in _NUM_TOKEN.finditer(clean):
        num, unit, yuan, cur = match.group("num"), match.group("unit"), match.group("yuan"), match.group("cur")
        if _NOT_AMOUNT_AFTER.match(clean, match.end()) and not (yuan or unit):
            continue
        chinese = not num[0].isdigit()
        if chinese and len(num) == 1 and not (unit or yuan):
            continue  # 一, 两 alone are words
        before = clean[max(0, match.start() - 12) : match.start()]
        if re.search(r"(?:第|逾期|M)\s*$", before, re.IGNORECASE):
            continue
        cued = bool(_PAY_CUE.search(before))
        big = chinese and any(ch in num for ch in "百佰千仟万萬亿")
        grouped = "," in num
        if not (unit or yuan or cur or cued or big or grouped):
            continue
        value = _decimal(num.replace(",", ""))
        if value is None or value <= 0:
            continue
        if unit:
            value *= _UNITS[unit]
        if value < 10 and not (yuan or cur):
            continue  # 还1个 / pay 2: not money
        out.append(value.quantize(Decimal("0.01")) if value != value.to_integral() else value.to_integral())
    return out


# ---- shares (percent of the outstanding the debtor pays) -----------------------------------------

_PCT = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*[%％]|百分之\s*([" + CN_NUMERAL + r"\d]+)")
_ZHE = re.compile(rf"(\d(?:\.\d)?|\d{{2}}|[{CN_NUMERAL}]{{1,2}})\s*折")
_WAIVE = re.compile(
    r"(?:减免|减|免|优惠|折让|让利|少还|discount|waive|off|reduction|haircut|write[- ]?off)", re.IGNORECASE
)
_CHENG = re.compile(rf"([{CN_NUMERAL}\d]{{1,2}})\s*成(?!本|功|交|年|绩|为|员|熟|立|都)")


def _zhe_value(token: str) -> Decimal | None:
    """七折 → 70, 八五折 → 85, 7.5折 → 75."""
    if re.fullmatch(r"\d(?:\.\d)?", token):
        return Decimal(token) * 10
    if re.fullmatch(r"\d{2}", token):
        return Decimal(token)
    digits = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    if all(ch in digits for ch in token) and 1 <= len(token) <= 2:
        value = digits[token[0]] * 10 + (digits[token[1]] if len(token) == 2 else 0)
        return Decimal(value)
    return None


def share_paid(text: str) -> Decimal | None:
    """The share of the outstanding the debtor pays, in percent: 按70% → 70, 七折 → 70, 减免30% → 70."""
    clean = strip_case_ids(text)
    match = _ZHE.search(clean)
    if match and (value := _zhe_value(match.group(1))) is not None and 0 < value < 100:
        return value
    match = _PCT.search(clean)
    cheng = _CHENG.search(clean)
    if not match and cheng:
        token = cheng.group(1)
        tenths = int(token) if token.isdigit() else _zhe_value(token)
        if tenths is not None:
            value = Decimal(tenths) * (10 if token.isdigit() or tenths < 10 else 1)
            value = value if value <= 100 else Decimal(tenths)
            before = clean[max(0, cheng.start() - 8) : cheng.start()]
            if 0 < value < 100:
                return Decimal(100) - value if _WAIVE.search(before) else value
    if not match:
        return None
    raw = match.group(1) or match.group(2)
    value = Decimal(raw) if raw and raw.replace(".", "", 1).isdigit() else Decimal(cn_to_int(raw))
    if not 0 < value <= 100:
        return None
    before = clean[max(0, match.start() - 8) : match.start()]
    after = clean[match.end() : match.end() + 8]
    if _WAIVE.search(before) or re.match(
        r"\s*(?:off|discount|haircut|reduction|waiver|write[- ]?off|减免|的减免|的优惠)", after, re.IGNORECASE
    ):
        return Decimal(100) - value
    return value


# ---- counts -----------------------------------------------------------------------------------

_MONTHS = re.compile(rf"(?:分|做)?\s*{_N}\s*(?:期|个月)|(\d{{1,3}})\s*(?:months?|instal(?:l)?ments?)", re.IGNORECASE)
_YEARS = re.compile(r"分期?\s*([一二两三四五\d])\s*年|(\d)\s*years?", re.IGNORECASE)
_TOP_N = re.compile(
    rf"(?:前|top\s*|最\S{{0,4}}?的?\s*|列出\s*|找出?\s*|给我\s*|show\s+(?:me\s+)?(?:the\s+)?)"
    rf"{_N}\s*(?:个|条|笔|件|户|名|cases?|accounts?|loans?)?",
    re.IGNORECASE,
)
_N_CASES = re.compile(
    rf"{_N}\s*(?:个|条|笔|件|户)(?:案件|案子|客户|贷款|债务人)?|(\d{{1,4}})\s*(?:cases|accounts|loans)"
)


def _int(token: str) -> int | None:
    try:
        return int(token) if token.isdigit() else cn_to_int(token)
    except ValueError:
        return None


def months(text: str) -> int | None:
    """Instalment count: 分12期 → 12, 分一年 → 12, 24 months → 24."""
    clean = strip_case_ids(text)
    match = _MONTHS.search(clean)
    if match:
        value = _int(match.group(1) or match.group(2))
        if value is not None and 1 <= value <= 600:
            return value
    match = _YEARS.search(clean)
    if match:
        value = _int(match.group(1) or match.group(2))
        if value is not None and 1 <= value <= 50:
            return value * 12
    return None


def top_n(text: str) -> int | None:
    """N of "top N", "前10个", "列出5个", "最高的10个", "20 cases"."""
    clean = strip_case_ids(text)
    for regex in (_TOP_N, _N_CASES):
        for match in regex.finditer(clean):
            token = next((g for g in match.groups() if g), None)
            value = _int(token) if token else None
            if value is not None and 1 <= value <= 500:
                following = clean[match.end() : match.end() + 2]
                if re.match(r"\s*(?:天|日|%|％|元|万|期|月)", following):
                    continue
                return value
    return None


# ---- dates ------------------------------------------------------------------------------------

_EN_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
_EN_MONTHS |= {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_EN_DATE = re.compile(
    r"\b(" + "|".join(sorted(_EN_MONTHS, key=len, reverse=True)) + r")\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b", re.I
)
_EN_DATE_DM = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(" + "|".join(_EN_MONTHS) + r")\b", re.I)
_EN_WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
_EN_NEXT = re.compile(r"\b(next|this|coming)\s+(" + "|".join(_EN_WEEKDAYS) + r")\b", re.I)
_EN_REL = {"today": 0, "tomorrow": 1, "day after tomorrow": 2}
_EN_IN = re.compile(r"\bin\s+(\d{1,3})\s+(days?|weeks?)\b", re.I)
_EN_EOM = re.compile(r"\b(?:end\s+of\s+(?:the\s+)?month|month[- ]end)\b", re.I)


def _future(year: int, month: int, day: int, today: dt.date) -> dt.date | None:
    try:
        value = dt.date(year, month, day)
    except ValueError:
        return None
    if value < today:
        try:
            value = dt.date(year + 1, month, day)
        except ValueError:
            return None
    return value


def english_date(text: str, today: dt.date) -> dt.date | None:
    """Jan 20, 20 January, next Friday, tomorrow, in 10 days, end of month."""
    lower = text.lower()
    if match := _EN_DATE.search(text):
        return _future(today.year, _EN_MONTHS[match.group(1).lower()], int(match.group(2)), today)
    if match := _EN_DATE_DM.search(text):
        return _future(today.year, _EN_MONTHS[match.group(2).lower()], int(match.group(1)), today)
    if match := _EN_NEXT.search(text):
        target = _EN_WEEKDAYS[match.group(2).lower()]
        ahead = (target - today.weekday()) % 7
        if match.group(1).lower() == "next":
            # "next Friday" is in the coming week: from Monday of next week
            monday = today + dt.timedelta(days=7 - today.weekday())
            return monday + dt.timedelta(days=target)
        return today + dt.timedelta(days=ahead or 7)
    for phrase, days in sorted(_EN_REL.items(), key=lambda kv: -len(kv[0])):
        if re.search(rf"\b{phrase}\b", lower):
            return today + dt.timedelta(days=days)
    if match := _EN_IN.search(text):
        n = int(match.group(1))
        return today + dt.timedelta(days=n * (7 if match.group(2).lower().startswith("week") else 1))
    if _EN_EOM.search(text):
        return dt.date(today.year, today.month, calendar.monthrange(today.year, today.month)[1])
    return None


def date_in(text: str, today: dt.date) -> dt.date | None:
    """The first date in ``text``, Chinese or English, resolved against ``today`` (dates in the past roll forward)."""
    clean = strip_case_ids(text)
    iso = re.search(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", clean)
    if iso:
        try:
            return dt.date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        except ValueError:
            return None
    month_day = re.search(rf"(?<![\d年]){_N}\s*月\s*{_N}\s*[日号]?", clean)
    if month_day:
        month, day = _int(month_day.group(1)), _int(month_day.group(2))
        if month and day:
            return _future(today.year, month, day, today)
    found = parse_cn_date(clean, today)
    if found is not None:
        return found
    return english_date(clean, today)


# ---- hours ------------------------------------------------------------------------------------

_HOUR = re.compile(
    rf"(凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|夜里|夜间|半夜)?\s*{_N}\s*(?:点|時|时|:00|：00)(半)?"
    r"|(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)",
    re.IGNORECASE,
)


def local_hour(text: str) -> int | None:
    """An hour of the day: 晚上10点 → 22, 早上7点 → 7, 9pm → 21, 21:30 → 21."""
    clean = strip_case_ids(text)
    match = _HOUR.search(clean)
    if match:
        if match.group(4):
            twelve = int(match.group(4)) % 12
            return twelve + (12 if match.group(6).lower().startswith("p") else 0)
        parsed = _int(match.group(2))
        if parsed is None or parsed > 24:
            return None
        hour = parsed
        part = match.group(1) or ""
        if part in ("下午", "傍晚", "晚上", "夜里", "夜间") and hour < 12:
            hour += 12
        if part == "半夜" and hour == 12:
            hour = 0
        return hour % 24
    clock = re.search(r"(?<!\d)([01]?\d|2[0-3]):([0-5]\d)(?!\d)", clean)
    if clock:
        return int(clock.group(1))
    return None
