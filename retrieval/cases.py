"""Similar-case search: a vector of normalised case features and a redacted summary; no raw PII reaches Qdrant."""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable

import numpy as np
from pydantic import BaseModel, Field

from core.domain import Bucket, CaseFile, ContactOutcome, LegalStatus, Product, PromiseStatus
from retrieval.store.base import CollectionSpec, FilterSpec, StoredPoint, VectorStore

CASES = "cases"
FEATURES = "features"
_BUCKETS = list(Bucket)
_PRODUCTS = list(Product)
_LEGAL = list(LegalStatus)
_REACHED = {ContactOutcome.CONNECTED, ContactOutcome.RIGHT_PARTY_CONTACT, ContactOutcome.PROMISE_TO_PAY}
_ID_NAMESPACE = uuid.UUID("0b9a3f0e-1c55-4d3a-8f5e-2a7c9d1e4b60")
_BALANCE_BANDS = ((5_000, "<5千"), (20_000, "5千-2万"), (50_000, "2万-5万"), (200_000, "5万-20万"))


class CaseSummary(BaseModel):
    """What the cases collection stores for one case: identifiers of the case only, banded figures, flags."""

    case_id: str
    tenant: str
    bucket: str
    days_past_due: int
    product: str
    city_tier: int
    balance_band: str
    legal_status: str
    flags: list[str]
    reached_rate: float = Field(ge=0, le=1)
    promises_kept: int
    promises_broken: int
    has_collateral: bool
    has_guarantor: bool
    text: str = Field(description="Redacted one-line summary (no name, ID, phone, address, contract number)")


def balance_band(total_yuan: float) -> str:
    """Outstanding balance as a band, never the exact amount."""
    for limit, label in _BALANCE_BANDS:
        if total_yuan < limit:
            return label
    return "20万以上"


def case_features(case: CaseFile) -> np.ndarray:
    """Normalised numeric features of a case (all in [0, 1]); the similar-case vector."""
    loan = case.loan
    total = float(loan.outstanding_principal + loan.outstanding_interest + loan.outstanding_penalty)
    paid = float(sum(r.amount for r in case.repayments))
    contacts = case.contacts
    reached = sum(1 for c in contacts if c.outcome in _REACHED)
    kept = sum(1 for p in case.promises if p.status == PromiseStatus.KEPT)
    broken = sum(1 for p in case.promises if p.status == PromiseStatus.BROKEN)
    values = [
        min(loan.days_past_due, 720) / 720,
        _BUCKETS.index(loan.bucket) / (len(_BUCKETS) - 1),
        min(math.log10(total + 1) / 7, 1.0),
        min(math.log10(float(loan.principal) + 1) / 7, 1.0),
        min(float(loan.annual_rate) / 0.36, 1.0),
        min(loan.term_months / 120, 1.0),
        min(paid / (float(loan.principal) + 1), 1.0),
        (case.debtor.city_tier - 1) / 4 if 1 <= case.debtor.city_tier <= 5 else 0.5,
        reached / len(contacts) if contacts else 0.0,
        min(len(contacts) / 50, 1.0),
        kept / max(kept + broken, 1),
        broken / max(kept + broken, 1),
        1.0 if case.collateral else 0.0,
        1.0 if case.guarantors else 0.0,
        _LEGAL.index(case.legal_status) / (len(_LEGAL) - 1),
        min(len(case.flags) / 3, 1.0),
    ]
    values += [1.0 if loan.product == p else 0.0 for p in _PRODUCTS]
    return np.asarray(values, dtype=np.float32)


FEATURE_DIM = 16 + len(_PRODUCTS)


def summarize(case: CaseFile) -> CaseSummary:
    """The redacted summary of a case, built from non-identifying fields only."""
    loan = case.loan
    total = float(loan.outstanding_principal + loan.outstanding_interest + loan.outstanding_penalty)
    contacts = case.contacts
    reached = sum(1 for c in contacts if c.outcome in _REACHED)
    kept = sum(1 for p in case.promises if p.status == PromiseStatus.KEPT)
    broken = sum(1 for p in case.promises if p.status == PromiseStatus.BROKEN)
    band = balance_band(total)
    flags = sorted(str(f) for f in case.flags)
    text = (
        f"{loan.product}，{loan.bucket}，逾期{loan.days_past_due}天，余额{band}元，{case.debtor.city_tier}线城市，"
        f"联系{len(contacts)}次接通{reached}次，承诺兑现{kept}次违约{broken}次，"
        f"{'有' if case.collateral else '无'}抵押，{'有' if case.guarantors else '无'}担保，法律状态{case.legal_status}"
        + (f"，标记：{'、'.join(flags)}" if flags else "")
    )
    return CaseSummary(
        case_id=case.id,
        tenant=case.tenant,
        bucket=str(loan.bucket),
        days_past_due=loan.days_past_due,
        product=str(loan.product),
        city_tier=case.debtor.city_tier,
        balance_band=band,
        legal_status=str(case.legal_status),
        flags=flags,
        reached_rate=reached / len(contacts) if contacts else 0.0,
        promises_kept=kept,
        promises_broken=broken,
        has_collateral=bool(case.collateral),
        has_guarantor=bool(case.guarantors),
        text=text,
    )


class SimilarCase(BaseModel):
    """A similar case: its id, similarity and redacted summary."""

    case_id: str
    score: float
    summary: CaseSummary


class CaseIndex:
    """The ``cases`` collection: one point per case, tenant-scoped."""

    def __init__(self, store: VectorStore) -> None:
        self.store = store

    def ensure(self) -> None:
        """Create the collection if missing."""
        self.store.ensure_collection(CollectionSpec(name=CASES, dense={FEATURES: FEATURE_DIM}, sparse=False))

    def index(self, cases: Iterable[CaseFile]) -> int:
        """Write (or refresh) cases; returns how many."""
        self.ensure()
        points = []
        for case in cases:
            summary = summarize(case)
            payload = summary.model_dump()
            payload["collection"] = CASES
            points.append(
                StoredPoint(
                    id=str(uuid.uuid5(_ID_NAMESPACE, f"{case.tenant}\x00{case.id}")),
                    dense={FEATURES: case_features(case).tolist()},
                    payload=payload,
                )
            )
        self.store.upsert(CASES, points)
        return len(points)

    def similar(self, case: CaseFile, limit: int = 5) -> list[SimilarCase]:
        """Cases of the same tenant most like ``case`` (itself excluded)."""
        self.ensure()
        where = FilterSpec(equals={"tenant": case.tenant}, not_equals={"case_id": case.id})
        records = self.store.query(CASES, [(FEATURES, case_features(case).tolist())], where, limit)[0]
        return [
            SimilarCase(case_id=str(r.payload["case_id"]), score=r.score, summary=CaseSummary.model_validate(r.payload))
            for r in records
        ]
