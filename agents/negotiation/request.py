"""What the debtor asks for (分12期, 每月还两千, 罚息全免, 打五折, 一次性还五万) as terms the matrix can check."""

from __future__ import annotations

import re
from decimal import Decimal

from pydantic import BaseModel, Field

from core.domain import CaseFile
from tools.cn_numbers import CN_NUMERAL, amounts_in, parse_number
from tools.negotiation.authority import AuthorityRole, default_matrix
from tools.negotiation.models import OfferTerms
from tools.negotiation.offers import limits_for, max_penalty_waiver, min_down_payment, position
from tools.negotiation.schedule import CENT, level_payment

_N = rf"(\d+|[{CN_NUMERAL}]+)"
_MONTHS = re.compile(rf"分\s*{_N}\s*(?:个月|期)|{_N}\s*(?:个月|期)(?:还清|还完|分期|来还)")
_MONTHLY = re.compile(r"(?:每(?:个)?月|一个月)[^，。,.!！？?]{0,8}?还?")
_FOLD = re.compile(r"打\s*([一二三四五六七八九\d])\s*折")
_SHARE = {"一半": Decimal("0.5"), "一大半": Decimal("0.6"), "大部分": Decimal("0.7"), "三成": Decimal("0.3")}
_ALL = re.compile(
    r"(免除|免掉|免了|豁免|全免|清零|一笔勾销|不用还)[^，。]{0,6}(全部|所有|整个|债务|欠款|贷款)|(全部|所有)(债务|欠款)[^，。]{0,4}(免|清零)"
)
_PENALTY = re.compile(
    r"(免|减免|去掉|不要)[^，。]{0,4}(罚息|违约金|滞纳金)|(罚息|违约金|滞纳金)[^，。]{0,4}(免|减免|去掉|不要)"
)
_INTEREST = re.compile(r"(免|减免|去掉)[^，。]{0,4}利息|利息[^，。]{0,4}(免|减免|去掉)|只还本金")
_LUMP = re.compile(r"一次性[^，。]{0,6}")


class DebtorAsk(BaseModel):
    """The terms a debtor asked for, as read."""

    months: int | None = Field(default=None, ge=1)
    monthly_budget: Decimal | None = Field(default=None, gt=0)
    discount_share: Decimal | None = Field(default=None, ge=0, le=1, description="Share of principal+interest")
    waive_penalty: bool = False
    waive_interest: bool = False
    lump_sum: Decimal | None = Field(default=None, gt=0)

    def is_empty(self) -> bool:
        """Whether the debtor asked for nothing specific."""
        return self == DebtorAsk()


def read_ask(text: str) -> DebtorAsk:
    """The terms in ``text`` (empty when none are named)."""
    compact = re.sub(r"\s+", "", text)
    ask: dict[str, object] = {}
    if m := _MONTHS.search(compact):
        months = int(parse_number(m.group(1) or m.group(2)))
        if months >= 1:
            ask["months"] = months
    if m := _MONTHLY.search(compact):
        amounts = amounts_in(compact[m.end() : m.end() + 12]) or _bare_amount(compact[m.end() : m.end() + 12])
        if amounts and amounts[0] > 0:
            ask["monthly_budget"] = amounts[0]
    if _ALL.search(compact):
        ask["discount_share"], ask["waive_penalty"] = Decimal(1), True
    elif m := _FOLD.search(compact):
        ask["discount_share"] = 1 - Decimal(int(parse_number(m.group(1)))) / 10
    else:
        for word, share in _SHARE.items():
            if re.search(rf"(免|减|少还)[^，。]{{0,3}}{word}|{word}[^，。]{{0,3}}(免|减)", compact):
                ask["discount_share"] = share
    if _PENALTY.search(compact):
        ask["waive_penalty"] = True
    if _INTEREST.search(compact):
        ask["waive_interest"], ask["waive_penalty"] = True, True
    if m := _LUMP.search(compact):
        amounts = amounts_in(compact[m.start() : m.end() + 10])
        if amounts and amounts[0] > 0:
            ask["lump_sum"] = amounts[0]
    return DebtorAsk.model_validate(ask)


def _bare_amount(text: str) -> list[Decimal]:
    match = re.match(rf"(?:只能|能|可以)?(?:还|给|出)?(\d+(?:\.\d+)?|[{CN_NUMERAL}]{{2,}})", text)
    if not match:
        return []
    try:
        return [parse_number(match.group(1))]
    except ValueError:
        return []


def ask_terms(case: CaseFile, ask: DebtorAsk, role: AuthorityRole) -> OfferTerms | None:
    """The debtor's ask as terms: forgiveness asks as a settlement, month or budget asks as a plan.

    A plan keeps the role's own waiver and down payment, so only what the debtor changed can breach the matrix.
    """
    pos = position(case)
    limits = limits_for(case, role)
    base = pos.principal + pos.interest
    if ask.lump_sum is not None or ask.discount_share is not None or ask.waive_interest:
        waived = pos.penalty if ask.waive_penalty else max_penalty_waiver(pos, limits)
        if ask.lump_sum is not None:
            forgiven = max(pos.total - ask.lump_sum, Decimal(0))
            waived = min(pos.penalty, forgiven)
            discount = forgiven - waived
        elif ask.discount_share is not None:
            discount = (base * ask.discount_share).quantize(CENT)
        else:
            discount = pos.interest
        return OfferTerms(kind="settlement", discount=min(discount, base), penalty_waived=waived)
    if ask.months is None and ask.monthly_budget is None and not ask.waive_penalty:
        return None
    waived = pos.penalty if ask.waive_penalty else max_penalty_waiver(pos, limits)
    balance = pos.total - waived
    down = min_down_payment(balance, limits)
    months = ask.months or _months_for_budget(balance - down, case, ask.monthly_budget) or limits.max_instalments
    return OfferTerms(kind="instalment", penalty_waived=waived, down_payment=down, months=months)


def _months_for_budget(remaining: Decimal, case: CaseFile, budget: Decimal | None) -> int | None:
    if budget is None or remaining <= 0:
        return None
    rate = min(case.loan.annual_rate, default_matrix().plan_rate_cap)
    for months in range(1, 601):
        if level_payment(remaining, rate, months) <= budget:
            return months
    return 600
