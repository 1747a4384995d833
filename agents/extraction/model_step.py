"""The model's reading of a contract, chunk by chunk through the gateway; every value must quote the contract."""

from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation
from typing import Any

from agents.extraction.model_types import ModelTerms
from core.capitals import CapitalsError, parse_capitals
from core.gateway import GatewayError, ModelGateway
from core.gateway.prompting import PromptParts, assemble
from core.privacy import KnownPII
from prompts.extraction import EXTRACT_CHUNK, EXTRACT_POLICY, EXTRACT_QUESTION, EXTRACT_SYSTEM
from tools.extraction.document import ContractDocument
from tools.extraction.patterns import make_rate, parse_amount, parse_date
from tools.extraction.schema import (
    CapitalsAmount,
    ContractTerms,
    Dispute,
    Fee,
    FieldNote,
    Money,
    Sourced,
    Span,
)

log = logging.getLogger(__name__)
ROLE = "contract_extraction"
CHUNK_CHARS = 24_000
"""Characters of contract per model call: well inside a 32k-token window with the prompt and answer."""
OVERLAP = 400


def chunks(document: ContractDocument, size: int = CHUNK_CHARS) -> list[tuple[int, int]]:
    """Ranges of the document text of at most ``size`` characters, cut at element ends, overlapping a little."""
    text_len = len(document.text)
    if text_len <= size:
        return [(0, text_len)]
    ranges, start = [], 0
    while start < text_len:
        end = min(start + size, text_len)
        if end < text_len:
            cuts = [e.end for e in document.elements if start < e.end <= end]
            end = max(cuts) if cuts and max(cuts) > start + size // 2 else end
        ranges.append((start, end))
        if end >= text_len:
            break
        start = max(end - OVERLAP, start + 1)
    return ranges


class _Locator:
    """Finds a model's quote in the contract (revealing pseudonyms first) and builds its span."""

    def __init__(self, document: ContractDocument, reveal: Any, rng: tuple[int, int]) -> None:
        self.doc, self.reveal, self.rng = document, reveal, rng

    def span(self, quote: str | None) -> Span | None:
        if not quote:
            return None
        for candidate in (quote, self.reveal(quote)):
            pos = self.doc.text.find(candidate, self.rng[0], self.rng[1])
            if pos >= 0:
                return Span(page=self.doc.page_at(pos), start=pos, end=pos + len(candidate), quote=quote)
        return None


def _convert(name: str, q: Any) -> Any:  # noqa: C901 - one small parser per field
    value = getattr(q, "value", None)
    if name == "annual_rate":
        return make_rate(Decimal(q.percent), q.basis, apr=q.apr) if q.percent and q.basis else None
    if name == "dispute":
        return Dispute(forum=q.forum, venue=q.venue) if q.forum and q.venue else None
    if value in (None, ""):
        return None
    if name == "principal":
        return Money(amount=parse_amount(value))
    if name == "principal_capitals":
        return CapitalsAmount(text=value, amount=parse_capitals(value))
    if name in ("term_months", "repayment_day"):
        return int(value)
    if name in ("start_date", "maturity_date", "signing_date"):
        return parse_date(value)
    if name == "acceleration":
        return value.strip().lower() in ("true", "yes", "是")
    return value


def to_terms(answer: ModelTerms, locate: _Locator) -> tuple[dict[str, Sourced[Any]], list[FieldNote]]:
    """Model fields whose quote is found in the contract and whose value parses; the rest as notes."""
    found: dict[str, Sourced[Any]] = {}
    notes: list[FieldNote] = []
    for name in ModelTerms.model_fields:
        if name in ("fees", "special_clauses"):
            continue
        q = getattr(answer, name)
        try:
            value = _convert(name, q)
        except (ValueError, InvalidOperation, CapitalsError, TypeError) as exc:
            notes.append(FieldNote(field=name, reason=f"model value did not parse: {exc}"))
            continue
        if value is None:
            continue
        span = locate.span(q.quote)
        if span is None:
            notes.append(FieldNote(field=name, reason="model quote not found in the contract; value rejected"))
            continue
        found[name] = Sourced[Any](value=value, span=span, origin="model")
    return found, notes


def _lists(answer: ModelTerms, locate: _Locator) -> tuple[list[Sourced[Any]], list[Sourced[Any]]]:
    fees, clauses = [], []
    for fee in answer.fees:
        span = locate.span(fee.quote)
        if span is not None:
            amount = parse_amount(fee.amount) if fee.amount else None
            fees.append(Sourced[Any](value=Fee(name=fee.name, amount=amount), span=span, origin="model"))
    for clause in answer.special_clauses:
        span = locate.span(clause.quote)
        if span is not None and clause.value:
            clauses.append(Sourced[Any](value=clause.value, span=span, origin="model"))
    return fees, clauses


async def model_terms(
    gateway: ModelGateway, document: ContractDocument, *, known: KnownPII, thread_id: str
) -> tuple[ContractTerms, list[FieldNote], int]:
    """Ask the model for the terms of each chunk; the first grounded value of each field wins.

    Raises:
        GatewayError: the model is unavailable or kept breaking the schema.
    """
    ranges = chunks(document)
    found: dict[str, Sourced[Any]] = {}
    notes: list[FieldNote] = []
    fees: list[Sourced[Any]] = []
    clauses: list[Sourced[Any]] = []
    for part, (start, end) in enumerate(ranges, start=1):
        facts = EXTRACT_CHUNK.format(part=part, parts=len(ranges), text=document.text[start:end])
        parts = PromptParts(system=EXTRACT_SYSTEM, policy=EXTRACT_POLICY, case_facts=facts, question=EXTRACT_QUESTION)
        answer = await gateway.structured(ROLE, assemble(parts), ModelTerms, known_pii=known, thread_id=thread_id)
        locate = _Locator(document, lambda t: gateway.reveal(t, thread_id, may_see_pii=True), (start, end))
        got, why = to_terms(answer, locate)
        for name, value in got.items():
            found.setdefault(name, value)
        notes.extend(why)
        more_fees, more_clauses = _lists(answer, locate)
        fees.extend(more_fees)
        clauses.extend(more_clauses)
    return ContractTerms.model_validate({**found, "fees": fees, "special_clauses": clauses}), notes, len(ranges)


__all__ = ["CHUNK_CHARS", "GatewayError", "chunks", "model_terms"]
