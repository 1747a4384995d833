"""Extract one contract: parse, rules, model (when configured) per chunk, cross-check, pseudonymise, check."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from agents.extraction.crosscheck import merge
from agents.extraction.model_step import model_terms
from core.domain import CaseFile
from core.gateway import GatewayError, ModelGateway
from core.privacy import KnownPII
from tools.extraction.document import ContractDocument, load_contract
from tools.extraction.identities import IdentityVault, pseudonymise
from tools.extraction.rules import extract_rules
from tools.extraction.schema import SCALAR_FIELDS, ContractTerms, Disagreement, ExtractionResult, FieldNote
from tools.legal.limits import check_terms

log = logging.getLogger(__name__)
NO_MODEL = "no model server configured (QINGSHOU_LLM_BASE_URL): only the deterministic rules ran"


def _known(terms: ContractTerms, case: CaseFile | None) -> KnownPII:
    """The contract's own identities (as the rules read them) plus the case's, for the gateway to redact."""
    parties = [p.value for p in (terms.borrower, *terms.guarantors) if p is not None]
    known = KnownPII(
        names=[p.name for p in parties],
        resident_ids=[p.id_number for p in parties if p.id_number],
        addresses=[terms.service_address.value] if terms.service_address else [],
    )
    return known.merged(KnownPII.from_case(case)) if case is not None else known


async def extract_document(
    document: ContractDocument, gateway: ModelGateway | None, *, case: CaseFile | None = None, thread_id: str = ""
) -> tuple[ExtractionResult, IdentityVault]:
    """Extract, cross-check and check one parsed contract.

    Args:
        document: The parsed contract.
        gateway: The model gateway; None or unavailable runs the rules only.
        case: The case the contract belongs to (its people are redacted and matched).
        thread_id: Pseudonym thread for the gateway.

    Returns:
        The result (names and IDs as pseudonyms) and the vault holding their raw values.
    """
    rules, rule_notes = extract_rules(document)
    notes: list[FieldNote] = []
    disagreements: list[Disagreement] = []
    model_used, model_chunks = False, 0
    terms = rules
    if gateway is None or not gateway.available:
        notes.append(FieldNote(field="*", reason=NO_MODEL))
        notes.extend(FieldNote(field=n.field, reason=f"{n.reason}; {NO_MODEL}") for n in rule_notes)
    else:
        try:
            model, model_notes, model_chunks = await model_terms(
                gateway, document, known=_known(rules, case), thread_id=thread_id or f"x-{uuid.uuid4().hex}"
            )
        except GatewayError as exc:
            log.warning("model extraction failed: %s", type(exc).__name__)
            notes.append(FieldNote(field="*", reason=f"model call failed ({type(exc).__name__}): rules only"))
            notes.extend(rule_notes)
        else:
            model_used = True
            terms, disagreements, merge_notes = merge(rules, model)
            notes.extend(model_notes + merge_notes)
            missing = [n for n in SCALAR_FIELDS if getattr(terms, n) is None]
            notes.extend(FieldNote(field=n, reason="found by neither the rules nor the model") for n in missing)
    masked, vault = pseudonymise(terms, case)
    result = ExtractionResult(
        file_name=document.file_name,
        file_kind=document.file_kind,
        pages=document.pages,
        chars=len(document.text),
        terms=masked,
        notes=notes,
        disagreements=[d.model_copy(update={"rules_value": vault.mask(d.rules_value),
                                            "model_value": vault.mask(d.model_value)}) for d in disagreements],
        findings=check_terms(terms),
        model_used=model_used,
        model_chunks=model_chunks,
        case_id=case.id if case else None,
    )  # fmt: skip
    return result, vault


async def extract_contract(
    path: Path, gateway: ModelGateway | None, *, case: CaseFile | None = None, thread_id: str = ""
) -> tuple[ExtractionResult, IdentityVault]:
    """Parse ``path`` and extract it (see :func:`extract_document`).

    Raises:
        ContractInputError: the file is not a readable Chinese loan contract.
    """
    return await extract_document(load_contract(path), gateway, case=case, thread_id=thread_id)
