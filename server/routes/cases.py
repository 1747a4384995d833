"""Cases: paged listing with filters, and one case in full (PII masked unless the role may see it)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from core.domain import CaseFile
from core.masking import mask_address, mask_name, mask_phone, mask_resident_id
from core.repository import CaseFilters
from core.settings import Role
from server.deps import PII_ROLES, CurrentRole, DepsDep
from server.tenancy import ListTenant, Scope

router = APIRouter(prefix="/v1/cases", tags=["cases"])
MAX_OFFSET = 100_000_000
"""Far beyond any portfolio, far below what SQLite's 64-bit integers overflow at."""
MAX_DPD = 100_000


class CasePublic(BaseModel):
    """A case in a listing."""

    id: str
    status: str
    tier: str | None
    queue: str | None
    strategy: str | None
    bucket: str
    days_past_due: int
    product: str
    outstanding_total: str
    city: str
    debtor_name: str


class CasesPage(BaseModel):
    """A page of cases."""

    items: list[CasePublic]
    total: int
    limit: int
    offset: int


class PersonPublic(BaseModel):
    """A person linked to a case, masked for roles that may not see PII."""

    name: str
    relation: str | None = None
    phone: str | None = None
    resident_id: str | None = None


class CaseDetail(BaseModel):
    """One case in full."""

    id: str
    tenant: str
    status: str
    tier: str | None
    queue: str | None
    strategy: str | None
    legal_status: str
    flags: list[str]
    opened_on: dt.date
    as_of: dt.date
    pii_masked: bool
    debtor: dict[str, object]
    loan: dict[str, object]
    guarantors: list[PersonPublic]
    contacts_people: list[PersonPublic]
    collateral: list[dict[str, object]]
    repayments: list[dict[str, object]]
    contact_attempts: list[dict[str, object]]
    promises: list[dict[str, object]]
    audit: list[dict[str, object]]


@router.get("", response_model=CasesPage)
def list_cases(
    deps: DepsDep,
    role: CurrentRole,
    tenant: ListTenant,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    bucket: Annotated[str | None, Query(pattern=r"^M[0-6]\+?$")] = None,
    tier: str | None = None,
    queue: str | None = None,
    status: str | None = None,
    city: str | None = None,
    product: str | None = None,
    min_dpd: Annotated[int | None, Query(ge=0, le=MAX_DPD)] = None,
    max_dpd: Annotated[int | None, Query(ge=0, le=MAX_DPD)] = None,
) -> CasesPage:
    """List cases by id, filtered (a bound key: its tenant's only); names masked unless the role may see PII."""
    filters = CaseFilters(
        bucket=bucket,
        tier=tier,
        queue=queue,
        status=status,
        city=city,
        product=product,
        min_dpd=min_dpd,
        max_dpd=max_dpd,
        tenant=tenant,
    )
    show = role in PII_ROLES
    rows = deps.cases.list_cases(limit, offset, filters)
    items = [
        CasePublic(
            id=r.id,
            status=r.status,
            tier=r.tier,
            queue=r.queue,
            strategy=r.strategy,
            bucket=r.bucket,
            days_past_due=r.days_past_due,
            product=r.product,
            outstanding_total=f"{r.outstanding_total:.2f}",
            city=r.city,
            debtor_name=r.debtor_name if show else mask_name(r.debtor_name),
        )
        for r in rows
    ]
    return CasesPage(items=items, total=deps.cases.count(filters), limit=limit, offset=offset)


@router.get("/{case_id}", response_model=CaseDetail)
def get_case(case_id: str, scope: Scope, role: CurrentRole) -> CaseDetail:
    """One case with its loan, people, history and audit trail (404 for another tenant's case)."""
    return case_detail(scope.get_case(case_id), role)


def case_detail(case: CaseFile, role: Role) -> CaseDetail:
    """Shape a case file for a role: PII in clear only for roles allowed to see it."""
    show = role in PII_ROLES

    def phone(value: str) -> str:
        return value if show else mask_phone(value)

    d = case.debtor
    debtor: dict[str, object] = {
        "id": d.id,
        "name": d.name if show else mask_name(d.name),
        "resident_id": d.resident_id if show else mask_resident_id(d.resident_id),
        "phones": [phone(p) for p in d.phones],
        "address": d.address if show else mask_address(d.address),
        "birth_date": d.birth_date.isoformat() if show else f"{d.birth_date.year}-**-**",
        "gender": d.gender,
        "province": d.province,
        "city": d.city,
        "income_band": d.income_band,
        "employment": d.employment,
    }
    return CaseDetail(
        id=case.id,
        tenant=case.tenant,
        status=case.status,
        tier=case.tier,
        queue=case.queue,
        strategy=case.strategy,
        legal_status=case.legal_status.value,
        flags=[f.value for f in case.flags],
        opened_on=case.opened_on,
        as_of=case.as_of,
        pii_masked=not show,
        debtor=debtor,
        loan=case.loan.model_dump(mode="json") | {"outstanding_total": f"{case.loan.outstanding_total:.2f}"},
        guarantors=[
            PersonPublic(
                name=g.name if show else mask_name(g.name),
                relation=g.relation,
                phone=phone(g.phone),
                resident_id=g.resident_id if show else mask_resident_id(g.resident_id),
            )
            for g in case.guarantors
        ],
        contacts_people=[
            PersonPublic(name=c.name if show else mask_name(c.name), relation=c.relation, phone=phone(c.phone))
            for c in d.contacts
        ],
        collateral=[c.model_dump(mode="json") for c in case.collateral],
        repayments=[r.model_dump(mode="json") for r in case.repayments],
        contact_attempts=[c.model_dump(mode="json") for c in case.contacts],
        promises=[p.model_dump(mode="json") for p in case.promises],
        audit=[a.model_dump(mode="json") for a in case.audit],
    )
