"""Draft a legal document for a case from its stored contract extraction and store it pending approval."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from agents.extraction.store import ExtractionStore
from core.deps import Deps
from tools.legal.documents import DocumentKind
from tools.legal.drafting import DraftingError, draft
from tools.legal.store import DocumentRecord, LegalDocumentStore


class NoExtractionError(DraftingError):
    """The case has no stored contract extraction to draft from."""


class DraftedDocument(BaseModel):
    """A stored draft: its record (status pending), the DOCX and the reviewer's warnings."""

    record: DocumentRecord
    content: bytes = Field(repr=False, description="DOCX bytes; names people: never log")
    warnings: list[str] = Field(default_factory=list)


def draft_for_case(
    deps: Deps, case_id: str, kind: DocumentKind, *, actor: str, claim_date: dt.date | None = None
) -> DraftedDocument:
    """Draft ``kind`` for ``case_id`` from the newest stored extraction and store it as pending.

    Raises:
        CaseNotFoundError: unknown case.
        NoExtractionError: no stored extraction for the case.
        DraftingError: the contract does not fit the case or the forum.
        ClaimsError: the claims cannot be calculated.
    """
    case = deps.cases.get_case(case_id)
    extractions = ExtractionStore(deps.sessions, deps.cipher)
    extraction_id = extractions.latest_for_case(case_id)
    if extraction_id is None:
        raise NoExtractionError(
            f"case {case_id} has no stored contract extraction; run `qingshou extract FILE --case {case_id} "
            "--store` (or POST /v1/agents/extraction:invoke with case_id and store) first"
        )
    result, vault = extractions.load(extraction_id)
    drafted = draft(case, result, vault, kind, claim_date=claim_date)
    record = LegalDocumentStore(deps.sessions, deps.cipher).save(drafted, actor=actor)
    return DraftedDocument(record=record, content=drafted.content, warnings=drafted.warnings)
