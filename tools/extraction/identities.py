"""Names and IDs in extracted terms become pseudonyms; the raw values stay in a vault kept apart (stored encrypted)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from core.domain import CaseFile
from tools.extraction.schema import ContractTerms, Party, Sourced, Span


class Identity(BaseModel):
    """One raw value behind a pseudonym."""

    token: str
    kind: Literal["PERSON", "CN_RESIDENT_ID", "CN_ADDRESS"]
    value: str


class IdentityVault(BaseModel):
    """The pseudonyms of one contract, in order of first appearance."""

    identities: list[Identity] = Field(default_factory=list)

    def token_for(self, kind: Literal["PERSON", "CN_RESIDENT_ID", "CN_ADDRESS"], value: str) -> str:
        """The pseudonym of ``value``, minted on first sight."""
        for identity in self.identities:
            if identity.kind == kind and identity.value == value:
                return identity.token
        n = sum(1 for i in self.identities if i.kind == kind) + 1
        token = f"<{kind}_{n}>"
        self.identities.append(Identity(token=token, kind=kind, value=value))
        return token

    def mask(self, text: str) -> str:
        """``text`` with every known raw value replaced by its pseudonym (longest first)."""
        for identity in sorted(self.identities, key=lambda i: -len(i.value)):
            text = text.replace(identity.value, identity.token)
        return text

    def reveal(self, token: str) -> str | None:
        """The raw value of a pseudonym."""
        return next((i.value for i in self.identities if i.token == token), None)


def _case_role(name: str, case: CaseFile | None) -> str | None:
    if case is None:
        return None
    if name == case.debtor.name:
        return "debtor"
    return "guarantor" if any(g.name == name for g in case.guarantors) else None


def pseudonymise(terms: ContractTerms, case: CaseFile | None = None) -> tuple[ContractTerms, IdentityVault]:
    """Replace party names and IDs with pseudonyms everywhere in ``terms`` (values and quotes).

    Args:
        terms: Terms with raw party values, as the rules read them.
        case: The case the contract belongs to; parties matching its debtor or guarantors are marked so.
    """
    vault = IdentityVault()

    def party(item: Sourced[Party]) -> Sourced[Party]:
        raw = item.value
        return item.model_copy(update={"value": Party(
            name=vault.token_for("PERSON", raw.name),
            id_number=vault.token_for("CN_RESIDENT_ID", raw.id_number) if raw.id_number else None,
            case_role=_case_role(raw.name, case),
        )})  # fmt: skip

    updates: dict[str, object] = {}
    if terms.borrower is not None:
        updates["borrower"] = party(terms.borrower)
    updates["guarantors"] = [party(g) for g in terms.guarantors]
    if case is not None:
        for person in (case.debtor.name, *(g.name for g in case.guarantors)):
            vault.token_for("PERSON", person)
        for number in (case.debtor.resident_id, *(g.resident_id for g in case.guarantors)):
            vault.token_for("CN_RESIDENT_ID", number)
    masked = terms.model_copy(update=updates)
    return mask_quotes(masked, vault), vault


def mask_quotes(terms: ContractTerms, vault: IdentityVault) -> ContractTerms:
    """Every span's quote with raw identities replaced (offsets still point into the original text)."""
    data = terms.model_dump()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "quote" in node and isinstance(node["quote"], str):
                node["quote"] = vault.mask(node["quote"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    return ContractTerms.model_validate(data)


__all__ = ["Identity", "IdentityVault", "Span", "pseudonymise"]
