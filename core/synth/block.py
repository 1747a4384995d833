"""One block of the portfolio: a fixed run of consecutive cases drawn from its own random stream.

Blocks are the unit of determinism: block ``b`` of seed ``s`` always draws from ``SeedSequence([s, b])``, so the
data do not depend on the chunk size or the number of worker processes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from core.synth import reference as ref
from core.synth.history import CaseState, Events, case_state, generate_events
from core.synth.identity import mobiles, resident_ids
from core.synth.loans import Loans, generate_loans
from core.synth.population import Debtors, generate_debtors, person_names
from core.synth.truth import Truth, draw_truth

BLOCK_SIZE = 5000
"""Cases per random stream."""


@dataclass(frozen=True)
class Guarantors:
    """Guarantor columns; ``case`` is the row of the guaranteed case inside its block."""

    case: NDArray[np.int64]
    name: list[str]
    resident_id: list[str]
    phone: list[str]
    relation: list[str]


@dataclass(frozen=True)
class Block:
    """Everything drawn for cases ``start .. start + size - 1`` (zero-based)."""

    start: int
    as_of_day: int
    debtors: Debtors
    loans: Loans
    state: CaseState
    events: Events
    guarantors: Guarantors
    outstanding_interest_fen: NDArray[np.int64]
    outstanding_penalty_fen: NDArray[np.int64]
    outstanding_principal_fen: NDArray[np.int64]
    truth: Truth

    @property
    def size(self) -> int:
        """Number of cases."""
        return len(self.loans.dpd)

    @property
    def numbers(self) -> NDArray[np.int64]:
        """One-based case numbers (``C000001`` is number 1)."""
        return np.arange(self.start + 1, self.start + self.size + 1)


def _guarantors(state: CaseState, as_of_day: int, rng: np.random.Generator) -> Guarantors:
    count = np.where(state.has_guarantor, np.where(rng.random(len(state.has_guarantor)) < 0.15, 2, 1), 0)
    case = np.repeat(np.arange(len(count)), count)
    m = len(case)
    male = rng.random(m) < 0.55
    age = np.clip(np.rint(rng.normal(45.0, 10.0, m)), 22, 70).astype(np.int64)
    birth = (as_of_day - np.floor(age * 365.25 + rng.random(m) * 364.0)).astype(np.int64)
    picks = rng.integers(0, len(ref.CITIES), m).tolist()
    sub = rng.random(m).tolist()
    regions = np.array(
        [ref.CITIES[c].districts[int(x * len(ref.CITIES[c].districts))][1] for c, x in zip(picks, sub, strict=True)]
    )
    relation = rng.choice(len(ref.GUARANTOR_RELATIONS), size=m, p=ref.GUARANTOR_RELATION_WEIGHTS)
    return Guarantors(
        case=case,
        name=person_names(male, rng),
        resident_id=resident_ids(regions, birth, male, rng),
        phone=mobiles(m, rng),
        relation=[ref.GUARANTOR_RELATIONS[r] for r in relation.tolist()],
    )


def _ledger(loans: Loans, events: Events, as_of_day: int) -> tuple[NDArray[np.int64], ...]:
    """Interest and penalty accrued since the missed instalment, less the payments made since, then principal."""
    n = len(loans.dpd)
    days = np.minimum(loans.dpd, 720)
    interest = np.round(loans.balance_fen * loans.annual_rate * days / 365.0).astype(np.int64)
    penalty = np.round(loans.balance_fen * loans.annual_rate * 0.5 * days / 365.0).astype(np.int64)
    since = events.pay_day >= as_of_day - np.where(loans.dpd == 0, 30, loans.dpd)[events.pay_case]
    paid = np.bincount(events.pay_case[since], weights=events.pay_amount[since], minlength=n).astype(np.int64)
    to_interest = np.minimum(paid, interest)
    to_penalty = np.minimum(paid - to_interest, penalty)
    to_principal = np.minimum(paid - to_interest - to_penalty, loans.balance_fen - 100)
    return interest - to_interest, penalty - to_penalty, loans.balance_fen - np.maximum(to_principal, 0)


def generate_block(seed: int, index: int, size: int, as_of_day: int) -> Block:
    """Draw block ``index`` (cases ``index * BLOCK_SIZE ..``) of ``size`` cases for ``seed``."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, index])))
    debtors = generate_debtors(size, as_of_day, rng)
    loans = generate_loans(debtors, as_of_day, rng)
    state = case_state(debtors, loans, as_of_day, rng)
    events = generate_events(debtors, loans, state, as_of_day, rng)
    guarantors = _guarantors(state, as_of_day, rng)
    interest, penalty, principal = _ledger(loans, events, as_of_day)
    truth = draw_truth(
        willingness=debtors.willingness,
        capacity=debtors.capacity,
        bucket=loans.bucket,
        product=loans.product,
        age=debtors.age,
        flags=state.flags,
        appraisal_fen=loans.appraisal_fen,
        owed_fen=principal + interest + penalty,
        rng=rng,
    )
    return Block(
        start=index * BLOCK_SIZE,
        as_of_day=as_of_day,
        debtors=debtors,
        loans=loans,
        state=state,
        events=events,
        guarantors=guarantors,
        outstanding_interest_fen=interest,
        outstanding_penalty_fen=penalty,
        outstanding_principal_fen=principal,
        truth=truth,
    )
