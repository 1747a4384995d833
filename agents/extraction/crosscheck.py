"""Merge the rules' and the model's readings: agreement confirms, disagreement is flagged with both kept."""

from __future__ import annotations

from typing import Any

from tools.extraction.schema import SCALAR_FIELDS, ContractTerms, Disagreement, FieldNote

MODEL_ONLY_LISTS = ("fees", "special_clauses")


def _canonical(value: Any) -> str:
    if hasattr(value, "model_dump"):
        data = value.model_dump(mode="json")
        if "annual" in data and "basis" in data:  # a rate: compare what it means per year
            return f"rate:{data['annual']}"
        if "amount" in data:
            return f"amount:{data['amount']}"
        return str(sorted(data.items()))
    return str(value).strip()


def merge(rules: ContractTerms, model: ContractTerms) -> tuple[ContractTerms, list[Disagreement], list[FieldNote]]:
    """Merge the two readings of a contract.

    Fields only one side read are taken as they are; where both read a field and differ, the rules' value stays
    (it is the one with an exact pattern behind it) and the disagreement is reported for a person to resolve.
    """
    updates: dict[str, Any] = {}
    disagreements: list[Disagreement] = []
    notes: list[FieldNote] = []
    for name in SCALAR_FIELDS:
        r, m = getattr(rules, name), getattr(model, name)
        if m is None:
            continue
        if r is None:
            updates[name] = m
            notes.append(FieldNote(field=name, reason="read by the model only (quote verified in the contract)"))
        elif _canonical(r.value) != _canonical(m.value):
            disagreements.append(Disagreement(
                field=name, rules_value=_canonical(r.value), model_value=_canonical(m.value),
                rules_span=r.span, model_span=m.span,
            ))  # fmt: skip
    for name in MODEL_ONLY_LISTS:
        if not getattr(rules, name) and getattr(model, name):
            updates[name] = getattr(model, name)
    return rules.model_copy(update=updates), disagreements, notes
