"""Read and write cases: decrypts PII on the way out, encrypts on the way in, appends the audit trail."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, sessionmaker

from core import domain
from core.crypto import FieldCipher
from core.db import schema as s

FEN = Decimal("0.01")
ID_CHUNK = 900
"""Case ids per ``IN (...)`` query (well under SQLite's and PostgreSQL's bound-parameter limits)."""
SelectT = TypeVar("SelectT", bound=Select[*tuple[Any, ...]])


def fen_to_yuan(fen: int) -> Decimal:
    """Integer fen to ``Decimal`` yuan with two places."""
    return (Decimal(fen) * FEN).quantize(FEN)


def yuan_to_fen(yuan: Decimal) -> int:
    """``Decimal`` yuan to integer fen (exact to the cent, refusing fractions of a fen)."""
    fen = yuan * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"{yuan} has fractions of a fen")
    return int(fen)


class CaseNotFoundError(LookupError):
    """No case with that id."""


@dataclass(frozen=True)
class CaseFilters:
    """Filters for listing cases."""

    bucket: str | None = None
    tier: str | None = None
    queue: str | None = None
    status: str | None = None
    city: str | None = None
    product: str | None = None
    min_dpd: int | None = None
    max_dpd: int | None = None
    tenant: str | None = None


@dataclass(frozen=True)
class CaseRow:
    """A case as listed: no decryption needed except the name, which callers mask."""

    id: str
    status: str
    queue: str | None
    strategy: str | None
    tier: str | None
    bucket: str
    days_past_due: int
    product: str
    outstanding_total: Decimal
    city: str
    debtor_name: str


class CaseRepository:
    """Case persistence over a session factory and a field cipher (both injected)."""

    def __init__(self, sessions: sessionmaker[Session], cipher: FieldCipher) -> None:
        self.sessions = sessions
        self.cipher = cipher

    # ---- reads ----------------------------------------------------------------------------------
    def exists(self, case_id: str, *, tenant: str | None = None) -> bool:
        """Whether ``case_id`` exists (and, when ``tenant`` is given, belongs to that tenant)."""
        found = self.tenant_of(case_id)
        return found is not None and (tenant is None or found == tenant)

    def tenant_of(self, case_id: str) -> str | None:
        """The tenant owning ``case_id``, or None when there is no such case."""
        with self.sessions() as session:
            return session.scalar(select(s.Case.tenant).where(s.Case.id == case_id))

    def tenants_of(self, case_ids: Iterable[str]) -> dict[str, str]:
        """Tenant of each given case that exists (unknown ids are left out)."""
        wanted = sorted(set(case_ids))
        out: dict[str, str] = {}
        with self.sessions() as session:
            for start in range(0, len(wanted), ID_CHUNK):
                stmt = select(s.Case.id, s.Case.tenant).where(s.Case.id.in_(wanted[start : start + ID_CHUNK]))
                out.update({case_id: tenant for case_id, tenant in session.execute(stmt)})
        return out

    def count(self, filters: CaseFilters | None = None) -> int:
        """Number of cases matching ``filters``."""
        stmt = self._filtered(select(func.count(s.Case.id)), filters or CaseFilters())
        with self.sessions() as session:
            return int(session.execute(stmt).scalar_one())

    def list_cases(self, limit: int, offset: int, filters: CaseFilters | None = None) -> list[CaseRow]:
        """A page of cases ordered by id."""
        stmt = (
            self._filtered(select(s.Case, s.Loan, s.Debtor.city, s.Debtor.name_enc), filters or CaseFilters())
            .order_by(s.Case.id)
            .limit(limit)
            .offset(offset)
        )
        rows = []
        with self.sessions() as session:
            for case, loan, city, name_enc in session.execute(stmt):
                rows.append(
                    CaseRow(
                        id=case.id,
                        status=case.status,
                        queue=case.queue,
                        strategy=case.strategy,
                        tier=case.tier,
                        bucket=loan.bucket,
                        days_past_due=loan.days_past_due,
                        product=loan.product,
                        outstanding_total=fen_to_yuan(
                            loan.outstanding_principal_fen
                            + loan.outstanding_interest_fen
                            + loan.outstanding_penalty_fen
                        ),
                        city=city,
                        debtor_name=self.cipher.decrypt(name_enc, "debtors.name_enc"),
                    )
                )
        return rows

    @staticmethod
    def _filtered(stmt: SelectT, f: CaseFilters) -> SelectT:
        stmt = stmt.join(s.Loan, s.Loan.id == s.Case.loan_id).join(s.Debtor, s.Debtor.id == s.Case.debtor_id)
        conditions = {
            "bucket": s.Loan.bucket == f.bucket,
            "tier": s.Case.tier == f.tier,
            "queue": s.Case.queue == f.queue,
            "status": s.Case.status == f.status,
            "city": s.Debtor.city == f.city,
            "product": s.Loan.product == f.product,
            "min_dpd": s.Loan.days_past_due >= (f.min_dpd or 0),
            "max_dpd": s.Loan.days_past_due <= (f.max_dpd or 0),
            "tenant": s.Case.tenant == f.tenant,
        }
        for name, cond in conditions.items():
            if getattr(f, name) is not None:
                stmt = stmt.where(cond)
        return stmt

    def get_case(self, case_id: str, *, tenant: str | None = None) -> domain.CaseFile:
        """The whole case file, decrypted.

        Args:
            case_id: The case.
            tenant: When given, a case of another tenant is treated as unknown.

        Raises:
            CaseNotFoundError: No such case (or it belongs to another tenant than ``tenant``).
        """
        with self.sessions() as session:
            case = session.get(s.Case, case_id)
            if case is None or (tenant is not None and case.tenant != tenant):
                raise CaseNotFoundError(case_id)
            loan = session.get_one(s.Loan, case.loan_id)
            debtor = session.get_one(s.Debtor, case.debtor_id)
            guarantors = session.scalars(select(s.Guarantor).where(s.Guarantor.loan_id == loan.id)).all()
            collateral = session.scalars(select(s.Collateral).where(s.Collateral.loan_id == loan.id)).all()
            repayments = session.scalars(
                select(s.RepaymentEvent).where(s.RepaymentEvent.loan_id == loan.id).order_by(s.RepaymentEvent.paid_on)
            ).all()
            contacts = session.scalars(
                select(s.ContactAttempt).where(s.ContactAttempt.case_id == case_id).order_by(s.ContactAttempt.at)
            ).all()
            promises = session.scalars(
                select(s.PromiseToPay).where(s.PromiseToPay.case_id == case_id).order_by(s.PromiseToPay.made_on)
            ).all()
            audit = session.scalars(
                select(s.CaseAudit).where(s.CaseAudit.case_id == case_id).order_by(s.CaseAudit.id)
            ).all()
            return domain.CaseFile(
                id=case.id,
                tenant=case.tenant,
                status=case.status,
                queue=case.queue,
                strategy=case.strategy,
                tier=case.tier,
                legal_status=domain.LegalStatus(case.legal_status),
                flags=[domain.CaseFlag(f) for f in case.flags or []],
                notes=case.notes,
                opened_on=case.opened_on,
                as_of=case.as_of,
                debtor=self._debtor(debtor),
                loan=self._loan(loan),
                guarantors=[self._guarantor(g) for g in guarantors],
                collateral=[
                    domain.Collateral(
                        city=c.city,
                        district=c.district,
                        area_sqm=c.area_sqm,
                        build_year=c.build_year,
                        appraisal=fen_to_yuan(c.appraisal_fen),
                        appraisal_date=c.appraisal_date,
                    )
                    for c in collateral
                ],
                repayments=[
                    domain.RepaymentEvent(paid_on=r.paid_on, amount=fen_to_yuan(r.amount_fen), channel=r.channel)
                    for r in repayments
                ],
                contacts=[
                    domain.ContactAttempt(
                        channel=domain.Channel(c.channel),
                        at=_aware(c.at),
                        outcome=domain.ContactOutcome(c.outcome),
                        callee=c.callee,
                    )
                    for c in contacts
                ],
                promises=[
                    domain.PromiseToPay(
                        made_on=p.made_on,
                        due_on=p.due_on,
                        amount=fen_to_yuan(p.amount_fen),
                        status=domain.PromiseStatus(p.status),
                    )
                    for p in promises
                ],
                audit=[
                    domain.AuditEntry(at=_aware(a.at), actor=a.actor, action=a.action, detail=a.detail or {})
                    for a in audit
                ],
            )

    def _debtor(self, d: s.Debtor) -> domain.Debtor:
        dec = self.cipher.decrypt
        return domain.Debtor(
            id=d.id,
            name=dec(d.name_enc, "debtors.name_enc"),
            resident_id=dec(d.resident_id_enc, "debtors.resident_id_enc"),
            phones=json.loads(dec(d.phones_enc, "debtors.phones_enc")),
            address=dec(d.address_enc, "debtors.address_enc"),
            birth_date=dt.date.fromisoformat(dec(d.birth_date_enc, "debtors.birth_date_enc")),
            contacts=[domain.EmergencyContact(**c) for c in json.loads(dec(d.contacts_enc, "debtors.contacts_enc"))],
            gender=d.gender,
            province=d.province,
            city=d.city,
            city_tier=d.city_tier,
            income_band=d.income_band,
            employment=d.employment,
            utc_offset_min=d.utc_offset_min,
        )

    def _guarantor(self, g: s.Guarantor) -> domain.Guarantor:
        dec = self.cipher.decrypt
        return domain.Guarantor(
            name=dec(g.name_enc, "guarantors.name_enc"),
            resident_id=dec(g.resident_id_enc, "guarantors.resident_id_enc"),
            phone=dec(g.phone_enc, "guarantors.phone_enc"),
            relation=g.relation,
        )

    @staticmethod
    def _loan(loan: s.Loan) -> domain.Loan:
        return domain.Loan(
            id=loan.id,
            contract_no=loan.contract_no,
            product=domain.Product(loan.product),
            principal=fen_to_yuan(loan.principal_fen),
            annual_rate=Decimal(str(loan.annual_rate)),
            term_months=loan.term_months,
            disbursement_date=loan.disbursement_date,
            repayment_method=domain.RepaymentMethod(loan.repayment_method),
            outstanding_principal=fen_to_yuan(loan.outstanding_principal_fen),
            outstanding_interest=fen_to_yuan(loan.outstanding_interest_fen),
            outstanding_penalty=fen_to_yuan(loan.outstanding_penalty_fen),
            days_past_due=loan.days_past_due,
            bucket=domain.Bucket(loan.bucket),
        )

    # ---- writes ---------------------------------------------------------------------------------
    def record_assignment(
        self, case_id: str, *, tier: str, queue: str, strategy: str, actor: str, detail: dict[str, object]
    ) -> None:
        """Store a triage decision on the case and append it to the audit trail, in one transaction."""
        with self.sessions.begin() as session:
            case = session.get(s.Case, case_id)
            if case is None:
                raise CaseNotFoundError(case_id)
            case.tier, case.queue, case.strategy = tier, queue, strategy
            case.updated_at = dt.datetime.now(dt.UTC)
            session.add(s.CaseAudit(case_id=case_id, at=case.updated_at, actor=actor, action="triage", detail=detail))

    def append_audit(self, case_id: str, *, actor: str, action: str, detail: dict[str, object]) -> None:
        """Append one audit line."""
        with self.sessions.begin() as session:
            if session.get(s.Case, case_id) is None:
                raise CaseNotFoundError(case_id)
            session.add(
                s.CaseAudit(case_id=case_id, at=dt.datetime.now(dt.UTC), actor=actor, action=action, detail=detail)
            )


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes; everything is stored in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
