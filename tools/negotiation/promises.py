"""Promises to pay: read them from a debtor's words, validate them against the case, store and track them."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.db import schema as s
from core.domain import CaseFile, PromiseStatus
from core.repository import CaseNotFoundError, fen_to_yuan, yuan_to_fen
from tools.cn_numbers import CN_NUMERAL, amounts_in, parse_number
from tools.negotiation.cn_dates import parse_cn_date
from tools.negotiation.schedule import CENT


class PromiseTerms(BaseModel):
    """An amount and a date read from the debtor's words."""

    amount: Decimal | None = Field(description="Yuan, None when no amount was said")
    due_on: dt.date | None = Field(description="None when no date was said")


class PromiseValidation(BaseModel):
    """Whether the terms can be recorded as a promise on this case."""

    valid: bool
    problems: list[str] = Field(default_factory=list, description="Bilingual reasons when invalid")


class PromiseRecord(BaseModel):
    """A stored promise."""

    id: int
    case_id: str
    made_on: dt.date
    due_on: dt.date
    amount: Decimal
    status: PromiseStatus


_PAY_VERB = re.compile(
    rf"(?:还|转|付|打|存|交|给)(?:你们|您|给你们)?(?:款)?\s*(\d+(?:\.\d+)?\s*[千万]?|[{CN_NUMERAL}]{{2,}}|[{CN_NUMERAL}][千万])"
    r"(?![号日天月期周个])"
)


def parse_promise(text: str, today: dt.date) -> PromiseTerms:
    """The first amount and date in ``text`` (三千, 3000元, 下周五, 15号, 月底 ...), relative to ``today``."""
    amounts = amounts_in(text)
    if not amounts:  # 还三千 / 转3000: a bare number right after the verb is the amount
        amounts = [parse_number(m.group(1).replace(" ", "")) for m in _PAY_VERB.finditer(text)]
    return PromiseTerms(amount=amounts[0].quantize(CENT) if amounts else None, due_on=parse_cn_date(text, today))


def validate_promise(terms: PromiseTerms, case: CaseFile, today: dt.date, horizon_days: int) -> PromiseValidation:
    """A promise needs an amount above zero and at most the outstanding total, due from today within the horizon."""
    problems: list[str] = []
    if terms.amount is None:
        problems.append("没有说明金额 / no amount")
    elif terms.amount <= 0:
        problems.append("金额必须大于零 / amount must be positive")
    elif terms.amount > case.loan.outstanding_total:
        problems.append(f"金额超过欠款合计 {case.loan.outstanding_total} / amount above the outstanding total")
    if terms.due_on is None:
        problems.append("没有说明日期 / no date")
    elif terms.due_on < today:
        problems.append("日期已过 / date in the past")
    elif terms.due_on > today + dt.timedelta(days=horizon_days):
        problems.append(f"日期超过 {horizon_days} 天 / date beyond {horizon_days} days")
    return PromiseValidation(valid=not problems, problems=problems)


def _record(row: s.PromiseToPay) -> PromiseRecord:
    return PromiseRecord(
        id=row.id,
        case_id=row.case_id,
        made_on=row.made_on,
        due_on=row.due_on,
        amount=fen_to_yuan(row.amount_fen),
        status=PromiseStatus(row.status),
    )


class PromiseStore:
    """The ``promises_to_pay`` table: record pending promises and settle them against repayment events."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def record(self, case_id: str, *, amount: Decimal, due_on: dt.date, made_on: dt.date, actor: str) -> PromiseRecord:
        """Store a pending promise and its audit line in one transaction."""
        with self.sessions.begin() as session:
            if session.get(s.Case, case_id) is None:
                raise CaseNotFoundError(case_id)
            row = s.PromiseToPay(
                case_id=case_id, made_on=made_on, due_on=due_on, amount_fen=yuan_to_fen(amount), status="pending"
            )
            session.add(row)
            session.flush()
            session.add(
                s.CaseAudit(
                    case_id=case_id,
                    at=dt.datetime.now(dt.UTC),
                    actor=actor,
                    action="promise_recorded",
                    detail={"promise_id": row.id, "amount": f"{amount}", "due_on": due_on.isoformat()},
                )
            )
            return _record(row)

    def for_case(self, case_id: str) -> list[PromiseRecord]:
        """Every promise of a case, oldest first."""
        with self.sessions() as session:
            rows = session.scalars(
                select(s.PromiseToPay).where(s.PromiseToPay.case_id == case_id).order_by(s.PromiseToPay.id)
            ).all()
            return [_record(r) for r in rows]

    def evaluate(self, case_id: str, today: dt.date, *, actor: str = "system") -> list[PromiseRecord]:
        """Settle pending promises against the loan's repayment events.

        A promise is kept once payments made from its date to its due date cover it, broken when the due date has
        passed without that. Each payment counts towards one promise only.

        Returns:
            The promises whose status changed.
        """
        changed: list[PromiseRecord] = []
        with self.sessions.begin() as session:
            case = session.get(s.Case, case_id)
            if case is None:
                raise CaseNotFoundError(case_id)
            payments: list[tuple[dt.date, list[int]]] = [
                (p.paid_on, [p.amount_fen])
                for p in session.scalars(
                    select(s.RepaymentEvent)
                    .where(s.RepaymentEvent.loan_id == case.loan_id)
                    .order_by(s.RepaymentEvent.paid_on, s.RepaymentEvent.id)
                )
            ]
            promises = session.scalars(
                select(s.PromiseToPay).where(s.PromiseToPay.case_id == case_id).order_by(s.PromiseToPay.due_on)
            ).all()
            for promise in promises:
                need = promise.amount_fen
                for paid_on, left in payments:
                    if need <= 0:
                        break
                    if promise.made_on <= paid_on <= promise.due_on and left[0] > 0:
                        used = min(need, left[0])
                        left[0] -= used
                        need -= used
                if promise.status != "pending":
                    continue
                status = "kept" if need <= 0 else "broken" if today > promise.due_on else "pending"
                if status != "pending":
                    promise.status = status
                    session.add(
                        s.CaseAudit(
                            case_id=case_id,
                            at=dt.datetime.now(dt.UTC),
                            actor=actor,
                            action=f"promise_{status}",
                            detail={"promise_id": promise.id},
                        )
                    )
                    changed.append(_record(promise))
        return changed
