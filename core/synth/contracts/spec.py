"""Ground truth of a synthetic contract: every field's true value, drawn at random or taken from a portfolio case."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from core.domain import CaseFile
from core.synth import reference as ref
from core.synth.identity import check_digit

Style = Literal["consumer_loan", "credit_card", "property_backed"]
STYLES: tuple[Style, ...] = ("consumer_loan", "credit_card", "property_backed")
BANKS = ("青禾银行股份有限公司", "东岳农商银行股份有限公司", "江汉商业银行股份有限公司", "北辰银行股份有限公司")
METHODS = {"equal_instalment": "等额本息", "equal_principal": "等额本金", "interest_first": "按月付息、到期还本"}


class PartyTruth(BaseModel):
    """A person named in the contract (raw values: this is ground truth, kept out of prompts)."""

    name: str
    resident_id: str


class ContractTruth(BaseModel):
    """Everything the contract states, as the generator chose it."""

    style: Style
    contract_no: str
    lender: str
    lender_branch_city: str
    borrower: PartyTruth
    guarantors: list[PartyTruth] = Field(default_factory=list)
    principal: Decimal
    rate_percent: Decimal = Field(description="Stated rate in percent on its basis")
    rate_basis: Literal["annual", "monthly", "daily"]
    term_months: int
    start_date: dt.date
    maturity_date: dt.date
    repayment_method: Literal["equal_instalment", "equal_principal", "interest_first", "minimum_payment"]
    repayment_day: int
    penalty_markup: Decimal | None = None
    penalty_daily_percent: Decimal | None = None
    acceleration: bool = True
    collateral: str | None = None
    dispute_forum: Literal["court", "arbitration"]
    dispute_venue: str
    governing_law: str = "中华人民共和国法律"
    signing_date: dt.date
    service_address: str
    boilerplate_paragraphs: int = 0
    case_id: str | None = None

    @property
    def annual_rate(self) -> Decimal:
        """The stated rate per year as a fraction (daily x 360, monthly x 12)."""
        factor = {"annual": 1, "monthly": 12, "daily": 360}[self.rate_basis]
        return (self.rate_percent * factor / 100).normalize()


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clamped to the month's end."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(f"cannot add {months} months to {day}")


def _name(rng: random.Random) -> str:
    surnames = [s for s, _ in ref.SURNAMES]
    given = rng.choice((ref.GIVEN_MALE, ref.GIVEN_FEMALE))
    return rng.choice(surnames) + "".join(rng.choice(given + ref.GIVEN_NEUTRAL) for _ in range(rng.choice((1, 2))))


def _resident_id(rng: random.Random, code: str) -> str:
    born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 40))
    body = f"{code}{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return body + check_digit(body)


def _address(rng: random.Random, city: ref.City, district: str) -> str:
    road = rng.choice(("人民路", "解放路", "中山路", "建设大道", "滨江路", "长安街", "新华路"))
    return (
        f"{city.province if city.province != city.name else ''}{city.name}{district}{road}{rng.randint(1, 399)}号"
        + (f"{rng.randint(1, 30)}栋{rng.randint(1, 6)}单元{rng.randint(101, 2804)}室")
    )


def draw_truth(rng: random.Random, index: int, style: Style, *, long: bool = False) -> ContractTruth:
    """Draw one contract's terms at random for ``style``."""
    city = rng.choice(ref.CITIES)
    district, code = rng.choice(city.districts)
    start = dt.date(2019, 9, 1) + dt.timedelta(days=rng.randrange(0, 365 * 6))
    signing = start - dt.timedelta(days=rng.randrange(0, 6))
    if style == "credit_card":
        principal = Decimal(rng.randrange(20, 2000) * 100)
        term = rng.choice((3, 6, 12, 24))
        rate_percent, basis, method = Decimal(rng.choice(("0.05", "0.04", "0.035"))), "daily", "equal_instalment"
    elif style == "property_backed":
        principal = Decimal(rng.randrange(1000, 80000) * 100)
        term = rng.choice((60, 120, 180, 240))
        rate_percent, basis = Decimal(rng.randrange(420, 900)) / 100, "annual"
        method = rng.choice(("equal_instalment", "equal_principal", "interest_first"))
    else:
        principal = Decimal(rng.randrange(50, 5000) * 100)
        term = rng.choice((12, 24, 36, 60))
        if rng.random() < 0.3:
            rate_percent, basis = Decimal(rng.randrange(50, 200)) / 100, "monthly"
        else:
            rate_percent, basis = Decimal(rng.randrange(600, 2600)) / 100, "annual"
        method = rng.choice(("equal_instalment", "equal_principal", "interest_first"))
    forum = "arbitration" if rng.random() < 0.3 else "court"
    venue = f"{city.name}仲裁委员会" if forum == "arbitration" else f"{city.name}{district}人民法院"
    guarantors = (
        []
        if style == "credit_card" or rng.random() < 0.5
        else [PartyTruth(name=_name(rng), resident_id=_resident_id(rng, code)) for _ in range(rng.choice((1, 2)))]
    )
    collateral = None
    if style == "property_backed":
        collateral = (
            f"位于{_address(rng, city, district)}的房产，建筑面积{rng.randint(45, 220)}.{rng.randint(10, 99)}平方米"
        )
    return ContractTruth(
        style=style,
        contract_no=f"{'QH' if style != 'credit_card' else 'XYK'}{start:%Y}{rng.randrange(10**7, 10**8)}-{index:04d}",
        lender=rng.choice(BANKS),
        lender_branch_city=city.name,
        borrower=PartyTruth(name=_name(rng), resident_id=_resident_id(rng, code)),
        guarantors=guarantors,
        principal=principal,
        rate_percent=rate_percent,
        rate_basis=basis,
        term_months=term,
        start_date=start,
        maturity_date=add_months(start, term),
        repayment_method=method,
        repayment_day=min(start.day, 28),
        penalty_markup=Decimal(rng.choice(("0.3", "0.5"))) if style != "credit_card" else None,
        penalty_daily_percent=Decimal("0.05") if style == "credit_card" else None,
        collateral=collateral,
        dispute_forum=forum,
        dispute_venue=venue,
        signing_date=signing,
        service_address=_address(rng, city, district),
        boilerplate_paragraphs=rng.randrange(2050, 2150) if long else rng.randrange(0, 40),
    )


def truth_from_case(case: CaseFile, *, lender: str = BANKS[0]) -> ContractTruth:
    """The contract a portfolio case's loan was made under (terms from the loan, parties from the case)."""
    loan = case.loan
    style: Style = loan.product.value
    rate_percent = (loan.annual_rate * 100).quantize(Decimal("0.01"))
    basis: Literal["annual", "daily"] = "annual"
    if style == "credit_card":
        rate_percent, basis = (loan.annual_rate * 100 / 360).quantize(Decimal("0.0001")).normalize(), "daily"
    collateral = None
    if case.collateral:
        c = case.collateral[0]
        collateral = f"位于{c.city}{c.district}的房产，建筑面积{c.area_sqm:.2f}平方米"
    return ContractTruth(
        style=style,
        contract_no=loan.contract_no,
        lender=lender,
        lender_branch_city=case.debtor.city,
        borrower=PartyTruth(name=case.debtor.name, resident_id=case.debtor.resident_id),
        guarantors=[PartyTruth(name=g.name, resident_id=g.resident_id) for g in case.guarantors],
        principal=loan.principal,
        rate_percent=rate_percent,
        rate_basis=basis,
        term_months=loan.term_months,
        start_date=loan.disbursement_date,
        maturity_date=add_months(loan.disbursement_date, loan.term_months),
        repayment_method=loan.repayment_method.value,
        repayment_day=min(loan.disbursement_date.day, 28),
        penalty_markup=Decimal("0.5") if style != "credit_card" else None,
        penalty_daily_percent=Decimal("0.05") if style == "credit_card" else None,
        collateral=collateral,
        dispute_forum="court",
        dispute_venue=f"{case.debtor.city}人民法院",
        signing_date=loan.disbursement_date,
        service_address=case.debtor.address,
        case_id=case.id,
    )
