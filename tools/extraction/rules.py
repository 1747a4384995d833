"""Deterministic extraction: labelled figures, dates, rates and clause headings, each with its span."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from core.capitals import CapitalsError, parse_capitals
from tools.extraction.document import ContractDocument
from tools.extraction.patterns import (
    CAPITALS_RE,
    DATE,
    FIGURES_RE,
    RATE_RE,
    WAN_RATE_RE,
    make_rate,
    parse_amount,
    parse_date,
    rate_from_match,
)
from tools.extraction.schema import (
    CapitalsAmount,
    ContractTerms,
    Dispute,
    FieldNote,
    Money,
    Party,
    Penalty,
    Repayment,
    Sourced,
    Span,
)

NAME = r"[\u4e00-\u9fa5·]{2,6}?"
ID_NO = r"\d{17}[\dXx]"
_ID_LABEL = r"(?:身份证件号码|身份证号码|身份证号|证件号码)"
_CONTRACT_NO = re.compile(r"(?:合同编号|协议编号|编号)[:：]\s*([A-Za-z0-9][A-Za-z0-9\-_/]{3,40})")
_LENDER = re.compile(r"(?:贷款人（甲方）|出借人（甲方）|贷款人|出借人|发卡机构|发卡行)[:：]\s*([^\n，,。；]+)")
_ENTITY = (re.compile(r"^.*?(?:股份有限公司|有限责任公司|有限公司)"), re.compile(r"^.*?银行"))
_BORROWER = re.compile(
    rf"(?:借款人（乙方）|借款人（兼抵押人）|借款人|持卡人|申请人)[:：]\s*({NAME})(?=[\s，,（(]|$)", re.M
)
_ID_AFTER = re.compile(rf"{_ID_LABEL}[:：]\s*({ID_NO})")
_GUARANTOR = re.compile(rf"保证人(?:（丙方）)?[:：]\s*({NAME})[\s，,（(]+{_ID_LABEL}[:：]\s*({ID_NO})")
_PRINCIPAL_LABEL = re.compile(r"借款金额|贷款金额|分期本金|借款本金|授信额度")
_TERM = re.compile(r"(?:借款期限|贷款期限|分期期数)(?:为|是)?[:：]?\s*(\d{1,3})\s*(?:个月|期)")
_TERM_LABEL = re.compile(r"借款期限|贷款期限|分期期数|分期起始日")
_SIGNING = re.compile(rf"(?:签订日期|签署日期|签约日期|申请日期|签订时间)[:：]\s*({DATE})")
_METHODS: tuple[tuple[str, Repayment], ...] = (
    ("等额本息", "equal_instalment"), ("等额本金", "equal_principal"), ("按月付息、到期还本", "interest_first"),
    ("先息后本", "interest_first"), ("到期一次性还本付息", "bullet"), ("最低还款额", "minimum_payment"),
)  # fmt: skip
_REPAY_DAY = re.compile(r"每月(\d{1,2})日")
_MARKUP = re.compile(r"(?:上浮|加收)\s*(\d+(?:\.\d+)?)\s*[%％]")
_PENALTY_WORDS = ("罚息", "违约金")
_ACCELERATION = re.compile(r"[^。\n]*(?:提前到期|提前收回)[^。\n]*")
_COLLATERAL = re.compile(r"抵押物[:：]\s*(?:借款人以其)?([^。\n]+?)(?:为本合同项下|。|$)", re.M)
_GUARANTEE = re.compile(r"连带责任保证|连带保证责任|一般保证")
_COURT = re.compile(r"(?:向|由)([\u4e00-\u9fa5]{2,30}?人民法院)(?:提起诉讼|起诉|管辖)")
_ARBITRATION = re.compile(r"提交([\u4e00-\u9fa5]{2,30}?仲裁委员会)")
_LAW = re.compile(r"适用(中华人民共和国[\u4e00-\u9fa5]{0,10}?法律)")
_SERVICE = re.compile(r"送达地址(?:为[:：]?|[:：])[ \t]*([^。；;\n]+)")
WINDOW = 200


class Reader:
    """Turns regex matches into sourced values with spans on one document."""

    def __init__(self, document: ContractDocument) -> None:
        self.doc = document
        self.text = document.text

    def span(self, start: int, end: int) -> Span:
        """The span of ``text[start:end]``."""
        return Span(page=self.doc.page_at(start), start=start, end=end, quote=self.text[start:end])

    def sourced(self, value: Any, start: int, end: int) -> Sourced[Any]:
        """A rules-sourced value."""
        return Sourced[Any](value=value, span=self.span(start, end), origin="rules")

    def window_after(self, label: re.Pattern[str]) -> tuple[int, int] | None:
        """The text range from the first ``label`` hit to ``WINDOW`` characters on."""
        match = label.search(self.text)
        return (match.start(), min(match.end() + WINDOW, len(self.text))) if match else None


def _contract_no(r: Reader) -> Sourced[Any] | None:
    m = _CONTRACT_NO.search(r.text)
    return r.sourced(m.group(1), m.start(1), m.end(1)) if m else None


def _lender(r: Reader) -> Sourced[Any] | None:
    m = _LENDER.search(r.text)
    if not m:
        return None
    entity = _ENTITY[0].match(m.group(1).strip()) or _ENTITY[1].match(m.group(1).strip())
    value = entity.group(0) if entity else m.group(1).strip()
    return r.sourced(value, m.start(1), m.start(1) + len(value))


def _borrower(r: Reader) -> Sourced[Any] | None:
    m = _BORROWER.search(r.text)
    if not m:
        return None
    idm = _ID_AFTER.search(r.text, m.end(), m.end() + 80)
    end = idm.end(1) if idm else m.end(1)
    return r.sourced(Party(name=m.group(1), id_number=idm.group(1) if idm else None), m.start(1), end)


def guarantors(r: Reader) -> list[Sourced[Any]]:
    """Every labelled guarantor with their ID."""
    return [
        r.sourced(Party(name=m.group(1), id_number=m.group(2)), m.start(1), m.end(2))
        for m in _GUARANTOR.finditer(r.text)
    ]


def _principal(r: Reader) -> Sourced[Any] | None:
    window = r.window_after(_PRINCIPAL_LABEL)
    if window is None:
        return None
    m = FIGURES_RE.search(r.text, *window)
    if not m:
        return None
    group = next(i for i in (1, 2, 3) if m.group(i))
    return r.sourced(Money(amount=parse_amount(m.group(group))), m.start(group), m.end(group))


def _capitals(r: Reader) -> Sourced[Any] | None:
    window = r.window_after(_PRINCIPAL_LABEL)
    if window is None:
        return None
    m = CAPITALS_RE.search(r.text, *window)
    if not m:
        return None
    try:
        amount = parse_capitals(m.group(0))
    except CapitalsError:
        return None
    return r.sourced(CapitalsAmount(text=m.group(0), amount=amount), m.start(), m.end())


def _in_penalty_sentence(text: str, pos: int) -> bool:
    start = max(text.rfind("。", 0, pos), text.rfind("\n", 0, pos)) + 1
    ends = [e for e in (text.find("。", pos), text.find("\n", pos)) if e >= 0]
    return any(w in text[start : min(ends, default=len(text))] for w in _PENALTY_WORDS)


def _rate(r: Reader) -> Sourced[Any] | None:
    for regex in (RATE_RE, WAN_RATE_RE):
        for m in regex.finditer(r.text):
            if not _in_penalty_sentence(r.text, m.start()):
                return r.sourced(rate_from_match(m), m.start(), m.end())
    return None


def _term(r: Reader) -> Sourced[Any] | None:
    m = _TERM.search(r.text)
    return r.sourced(int(m.group(1)), m.start(), m.end()) if m else None


def _term_dates(r: Reader) -> list[Sourced[Any]]:
    window = r.window_after(_TERM_LABEL)
    if window is None:
        return []
    out = []
    for m in re.finditer(DATE, r.text[window[0] : window[1]]):
        start, end = window[0] + m.start(), window[0] + m.end()
        try:
            out.append(r.sourced(parse_date(m.group(0)), start, end))
        except ValueError:
            continue
    return out[:2]


def _signing(r: Reader) -> Sourced[Any] | None:
    matches = list(_SIGNING.finditer(r.text))
    for m in reversed(matches):
        try:
            return r.sourced(parse_date(m.group(1)), m.start(1), m.end(1))
        except ValueError:
            continue
    return None


def _method(r: Reader) -> Sourced[Any] | None:
    hits = [(r.text.find(word), word, value) for word, value in _METHODS if word in r.text]
    if not hits:
        return None
    pos, word, value = min(hits)
    return r.sourced(value, pos, pos + len(word))


def _repay_day(r: Reader) -> Sourced[Any] | None:
    m = _REPAY_DAY.search(r.text)
    return r.sourced(int(m.group(1)), m.start(), m.end()) if m and 1 <= int(m.group(1)) <= 31 else None


def _penalty(r: Reader) -> Sourced[Any] | None:
    for m in _MARKUP.finditer(r.text):
        if _in_penalty_sentence(r.text, m.end()):
            return r.sourced(Penalty(markup=Decimal(m.group(1)) / 100), m.start(), m.end())
    for regex in (RATE_RE, WAN_RATE_RE):
        for m in regex.finditer(r.text):
            if _in_penalty_sentence(r.text, m.start()):
                return r.sourced(Penalty(rate=rate_from_match(m)), m.start(), m.end())
    return None


def _simple(regex: re.Pattern[str], group: int = 1, value: Callable[[str], Any] = str) -> Callable[[Reader], Any]:
    def read(r: Reader) -> Sourced[Any] | None:
        m = regex.search(r.text)
        return r.sourced(value(m.group(group).strip()), m.start(group), m.end(group)) if m else None

    return read


def _acceleration(r: Reader) -> Sourced[Any] | None:
    m = _ACCELERATION.search(r.text)
    return r.sourced(True, m.start(), m.end()) if m else None


def _dispute(r: Reader) -> Sourced[Any] | None:
    hits = [(m, "court") for m in _COURT.finditer(r.text)] + [(m, "arbitration") for m in _ARBITRATION.finditer(r.text)]
    if not hits:
        return None
    m, forum = min(hits, key=lambda h: h[0].start())
    return r.sourced(Dispute(forum=forum, venue=m.group(1)), m.start(1), m.end(1))


def _service_address(r: Reader) -> Sourced[Any] | None:
    m = _SERVICE.search(r.text)
    if not m:
        return None
    start, value = m.start(1), m.group(1).rstrip()
    if (inner := value.rfind("送达地址为")) >= 0:  # "送达地址：借款人确认送达地址为……"
        start, value = start + inner + 5, value[inner + 5 :].lstrip("：:")
    return r.sourced(value, start, start + len(value)) if value else None


READERS: dict[str, Callable[[Reader], Sourced[Any] | None]] = {
    "contract_no": _contract_no,
    "lender": _lender,
    "borrower": _borrower,
    "principal": _principal,
    "principal_capitals": _capitals,
    "annual_rate": _rate,
    "term_months": _term,
    "repayment_method": _method,
    "repayment_day": _repay_day,
    "penalty": _penalty,
    "acceleration": _acceleration,
    "collateral": _simple(_COLLATERAL),
    "guarantee": _simple(_GUARANTEE, 0),
    "dispute": _dispute,
    "governing_law": _simple(_LAW),
    "signing_date": _signing,
    "service_address": _service_address,
}
RULE_FIELDS: tuple[str, ...] = (*READERS, "start_date", "maturity_date", "guarantors")


def extract_rules(document: ContractDocument) -> tuple[ContractTerms, list[FieldNote]]:
    """Every field the rules can read, with raw party names (pseudonymise before anything leaves the process)."""
    r = Reader(document)
    values: dict[str, Any] = {name: read(r) for name, read in READERS.items()}
    dates = _term_dates(r)
    values["start_date"] = dates[0] if dates else None
    values["maturity_date"] = dates[1] if len(dates) > 1 else None
    values["guarantors"] = guarantors(r)
    notes = [FieldNote(field=k, reason="not found by the deterministic rules") for k, v in values.items() if v is None]
    return ContractTerms.model_validate({k: v for k, v in values.items() if v is not None}), notes


__all__ = ["RULE_FIELDS", "extract_rules", "make_rate"]
