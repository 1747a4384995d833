"""Eval suite ``extraction``: synthetic contracts in three styles, extracted without a model, scored per field."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from pydantic import BaseModel, Field

from agents.extraction import extract_contract
from core.synth.contracts import ContractTruth, generate_contracts
from evals.models import EvalScore, SuiteContext
from evals.targets.base import TargetOutput
from tools.extraction.identities import IdentityVault
from tools.extraction.schema import ContractTerms

AMOUNT_DATE_FIELDS = ("principal", "principal_capitals", "start_date", "maturity_date", "signing_date")


class ExtractionParams(BaseModel):
    """``params`` of the suite."""

    contracts: int = Field(default=60, ge=3)
    seed: int = 11
    long_share: float = Field(default=0.1, ge=0, le=1)


class FieldCounts(BaseModel):
    """Per-field counts: right, wrong (extracted but not the truth), missed (truth but nothing extracted)."""

    correct: int = 0
    wrong: int = 0
    missed: int = 0
    spurious: int = 0


class ExtractionSuiteOutput(TargetOutput):
    """Counts per field over all contracts."""

    fields: dict[str, FieldCounts]


def truth_values(t: ContractTruth) -> dict[str, str | None]:
    """The canonical true value of each scored field."""
    penalty = f"markup:{t.penalty_markup.normalize()}" if t.penalty_markup is not None else None
    if t.penalty_daily_percent is not None:
        penalty = f"rate:{(t.penalty_daily_percent * 360 / 100).normalize()}"
    return {
        "contract_no": t.contract_no, "lender": t.lender, "borrower": t.borrower.name,
        "borrower_id": t.borrower.resident_id,
        "guarantors": "|".join(g.name for g in t.guarantors) or None,
        "principal": f"{t.principal:.2f}", "principal_capitals": f"{t.principal:.2f}",
        "annual_rate": str(t.annual_rate), "term_months": str(t.term_months),
        "start_date": t.start_date.isoformat(), "maturity_date": t.maturity_date.isoformat(),
        "signing_date": t.signing_date.isoformat(), "repayment_method": t.repayment_method,
        "repayment_day": str(t.repayment_day), "penalty": penalty, "acceleration": "True",
        "collateral": t.collateral, "dispute": f"{t.dispute_forum}:{t.dispute_venue}",
        "governing_law": t.governing_law, "service_address": t.service_address,
    }  # fmt: skip


def extracted_values(terms: ContractTerms, vault: IdentityVault) -> dict[str, str | None]:
    """The canonical extracted value of each scored field (pseudonyms revealed through the vault)."""

    def v(name: str) -> Any:
        item = getattr(terms, name)
        return None if item is None else item.value

    rate, penalty = v("annual_rate"), v("penalty")
    pen = None
    if penalty is not None:
        pen = f"markup:{penalty.markup.normalize()}" if penalty.markup is not None else f"rate:{penalty.rate.annual}"
    borrower = v("borrower")
    return {
        "contract_no": v("contract_no"), "lender": v("lender"),
        "borrower": vault.reveal(borrower.name) if borrower else None,
        "borrower_id": vault.reveal(borrower.id_number) if borrower and borrower.id_number else None,
        "guarantors": "|".join(str(vault.reveal(g.value.name)) for g in terms.guarantors) or None,
        "principal": f"{v('principal').amount:.2f}" if v("principal") else None,
        "principal_capitals": f"{v('principal_capitals').amount:.2f}" if v("principal_capitals") else None,
        "annual_rate": str(rate.annual) if rate else None,
        "term_months": str(v("term_months")) if v("term_months") is not None else None,
        **{k: v(k).isoformat() if v(k) else None for k in ("start_date", "maturity_date", "signing_date")},
        "repayment_method": v("repayment_method"),
        "repayment_day": str(v("repayment_day")) if v("repayment_day") is not None else None,
        "penalty": pen, "acceleration": str(v("acceleration")) if v("acceleration") is not None else None,
        "collateral": v("collateral"),
        "dispute": f"{v('dispute').forum}:{v('dispute').venue}" if v("dispute") else None,
        "governing_law": v("governing_law"), "service_address": v("service_address"),
    }  # fmt: skip


def score(truth: dict[str, str | None], got: dict[str, str | None], counts: dict[str, FieldCounts]) -> None:
    """Add one contract's comparison to ``counts``."""
    for name, expected in truth.items():
        c = counts.setdefault(name, FieldCounts())
        value = got.get(name)
        if expected is None:
            c.spurious += value is not None
        elif value is None:
            c.missed += 1
        elif value == expected:
            c.correct += 1
        else:
            c.wrong += 1


def run_extraction(context: SuiteContext) -> ExtractionSuiteOutput:
    """Generate the contracts, extract each without a model, count per field."""
    params = ExtractionParams.model_validate(context.config.params)
    started = time.perf_counter()
    samples = generate_contracts(
        context.workdir / "contracts", params.contracts, params.seed, long_share=params.long_share
    )
    counts: dict[str, FieldCounts] = {}
    for sample in samples:
        result, vault = asyncio.run(extract_contract(sample.path, None))
        score(truth_values(sample.truth), extracted_values(result.terms, vault), counts)
    return ExtractionSuiteOutput(
        fields=counts,
        facts={"contracts": len(samples), "seed": params.seed, "seconds": round(time.perf_counter() - started, 1)},
    )


def _prf(output: ExtractionSuiteOutput, names: tuple[str, ...] | None = None) -> tuple[float, float, float, str]:
    rows = [c for n, c in output.fields.items() if names is None or n in names]
    correct = sum(c.correct for c in rows)
    predicted = sum(c.correct + c.wrong + c.spurious for c in rows)
    actual = sum(c.correct + c.wrong + c.missed for c in rows)
    p = correct / predicted if predicted else 0.0
    r = correct / actual if actual else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    worst = sorted(output.fields.items(), key=lambda kv: -(kv[1].wrong + kv[1].missed + kv[1].spurious))[:3]
    comment = "; ".join(f"{n}: {c.wrong} wrong, {c.missed} missed, {c.spurious} spurious" for n, c in worst)
    return p, r, f1, comment


def deterministic_f1(output: ExtractionSuiteOutput) -> EvalScore:
    """F1 over every scored field, extracted by the rules alone."""
    p, r, f1, comment = _prf(output)
    return EvalScore(key="deterministic_f1", score=f1, comment=f"P={p:.3f} R={r:.3f}; worst {comment}")


def deterministic_precision(output: ExtractionSuiteOutput) -> EvalScore:
    """Precision over every scored field."""
    p, _, _, comment = _prf(output)
    return EvalScore(key="deterministic_precision", score=p, comment=comment)


def deterministic_recall(output: ExtractionSuiteOutput) -> EvalScore:
    """Recall over every scored field."""
    _, r, _, comment = _prf(output)
    return EvalScore(key="deterministic_recall", score=r, comment=comment)


def amounts_dates_exact(output: ExtractionSuiteOutput) -> EvalScore:
    """Share of amounts and dates extracted exactly (a miss counts as wrong)."""
    rows = [output.fields[n] for n in AMOUNT_DATE_FIELDS if n in output.fields]
    total = sum(c.correct + c.wrong + c.missed + c.spurious for c in rows)
    correct = sum(c.correct for c in rows)
    return EvalScore(key="amounts_dates_exact", score=correct / total if total else 0.0, comment=f"{correct}/{total}")
