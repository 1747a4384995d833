"""Fixtures for the triage tests: a migrated SQLite database and a builder of hand-made cases."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import Engine

from core.crypto import FieldCipher
from core.db import schema as s
from core.db.engine import make_engine, session_factory
from core.db.migrate import upgrade
from core.repository import CaseRepository

AS_OF = dt.date(2025, 6, 30)


@dataclass
class CaseSpec:
    """A hand-built case; money in fen, times in UTC."""

    case_id: str
    dpd: int = 45
    bucket: str = "M2"
    product: str = "consumer_loan"
    principal_fen: int = 5_000_000
    out_principal_fen: int = 2_000_000
    out_interest_fen: int = 150_000
    out_penalty_fen: int = 50_000
    legal_status: str = "none"
    flags: list[str] = field(default_factory=list)
    birth_year: int = 1985
    city_tier: int = 2
    income_band: str = "5k-8k"
    employment: str = "salaried"
    utc_offset_min: int = 480
    as_of: dt.date = AS_OF
    opened_on: dt.date = dt.date(2025, 5, 1)
    disbursement_date: dt.date = dt.date(2023, 6, 30)
    repayments: list[tuple[dt.date, int]] = field(default_factory=list)
    contacts: list[tuple[dt.datetime, str, str, str]] = field(default_factory=list)
    promises: list[tuple[dt.date, dt.date, int, str]] = field(default_factory=list)
    guarantors: int = 0
    collateral_fen: list[int] = field(default_factory=list)


def insert_case(sessions, cipher: FieldCipher, spec: CaseSpec) -> None:
    enc = cipher.encrypt
    n = spec.case_id[1:]
    loan_id, debtor_id = f"L{n}", f"D{n}"
    with sessions.begin() as session:
        session.add(
            s.Debtor(
                id=debtor_id,
                name_enc=enc("张三", "debtors.name_enc"),
                resident_id_enc=enc("110101198501010011", "debtors.resident_id_enc"),
                resident_id_hash=cipher.lookup_hash("110101198501010011"),
                phones_enc=enc(json.dumps(["13800000000"]), "debtors.phones_enc"),
                phone_hash=cipher.lookup_hash("13800000000"),
                address_enc=enc("北京市东城区", "debtors.address_enc"),
                birth_date_enc=enc(f"{spec.birth_year}-03-01", "debtors.birth_date_enc"),
                contacts_enc=enc("[]", "debtors.contacts_enc"),
                gender="M",
                birth_year=spec.birth_year,
                province="北京",
                city="北京",
                city_tier=spec.city_tier,
                income_band=spec.income_band,
                employment=spec.employment,
                utc_offset_min=spec.utc_offset_min,
            )
        )
        session.add(
            s.Loan(
                id=loan_id,
                debtor_id=debtor_id,
                contract_no=f"HT{n}",
                product=spec.product,
                principal_fen=spec.principal_fen,
                annual_rate=0.144,
                term_months=36,
                disbursement_date=spec.disbursement_date,
                repayment_method="equal_instalment",
                outstanding_principal_fen=spec.out_principal_fen,
                outstanding_interest_fen=spec.out_interest_fen,
                outstanding_penalty_fen=spec.out_penalty_fen,
                days_past_due=spec.dpd,
                bucket=spec.bucket,
            )
        )
        session.flush()
        session.add(
            s.Case(
                id=spec.case_id,
                loan_id=loan_id,
                debtor_id=debtor_id,
                legal_status=spec.legal_status,
                flags=spec.flags,
                opened_on=spec.opened_on,
                as_of=spec.as_of,
                updated_at=dt.datetime(2025, 6, 30, tzinfo=dt.UTC),
            )
        )
        session.flush()
        for day, amount in spec.repayments:
            session.add(s.RepaymentEvent(loan_id=loan_id, paid_on=day, amount_fen=amount, channel="app"))
        for at, channel, outcome, callee in spec.contacts:
            session.add(s.ContactAttempt(case_id=spec.case_id, channel=channel, at=at, outcome=outcome, callee=callee))
        for made, due, amount, status in spec.promises:
            session.add(
                s.PromiseToPay(case_id=spec.case_id, made_on=made, due_on=due, amount_fen=amount, status=status)
            )
        for i in range(spec.guarantors):
            session.add(
                s.Guarantor(
                    loan_id=loan_id,
                    name_enc=enc(f"担保人{i}", "guarantors.name_enc"),
                    resident_id_enc=enc("110101198001010022", "guarantors.resident_id_enc"),
                    resident_id_hash=cipher.lookup_hash("110101198001010022"),
                    phone_enc=enc("13900000000", "guarantors.phone_enc"),
                    relation="spouse",
                )
            )
        for value in spec.collateral_fen:
            session.add(
                s.Collateral(
                    loan_id=loan_id,
                    city="北京",
                    district="东城区",
                    area_sqm=80.0,
                    build_year=2005,
                    appraisal_fen=value,
                    appraisal_date=dt.date(2024, 1, 1),
                )
            )


@dataclass
class TriageDB:
    engine: Engine
    repo: CaseRepository
    cipher: FieldCipher
    add: Callable[[CaseSpec], None]


@pytest.fixture
def triage_db(tmp_path: Path) -> Iterator[TriageDB]:
    engine = make_engine(f"sqlite:///{tmp_path / 'triage.db'}")
    upgrade(engine)
    sessions = session_factory(engine)
    cipher = FieldCipher(os.urandom(32))
    repo = CaseRepository(sessions, cipher)
    yield TriageDB(engine=engine, repo=repo, cipher=cipher, add=lambda spec: insert_case(sessions, cipher, spec))
    engine.dispose()


def utc(y: int, m: int, d: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hour, minute, tzinfo=dt.UTC)
