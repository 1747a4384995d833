"""Drafted legal documents: stored encrypted as pending, approved or rejected by a supervisor, audited on the case."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.crypto import FieldCipher
from core.db.extraction import LegalDocument
from tools.legal.claims import ClaimsCalculation
from tools.legal.documents import DocumentKind, mark_final
from tools.legal.drafting import Draft

DocumentStatus = Literal["pending", "approved", "rejected"]


class LegalDocumentError(ValueError):
    """A decision that cannot be taken (already decided)."""


class LegalDocumentNotFoundError(LookupError):
    """No document with that id."""


class DocumentRecord(BaseModel):
    """A stored document's metadata and claims (amounts only; the DOCX is fetched on its own)."""

    id: str
    case_id: str
    extraction_id: str | None
    kind: DocumentKind
    status: DocumentStatus
    claim_date: dt.date
    created_at: dt.datetime
    created_by: str
    approved_at: dt.datetime | None = None
    approved_by: str | None = None
    final: bool = Field(description="True only once a supervisor approved the document")
    claims: ClaimsCalculation


class LegalDocumentStore:
    """Save, fetch and decide drafted documents (content and claims encrypted with the field cipher)."""

    def __init__(self, sessions: sessionmaker[Session], cipher: FieldCipher) -> None:
        self.sessions = sessions
        self.cipher = cipher

    def _seal(self, content: bytes) -> bytes:
        # FieldCipher takes text: the DOCX goes in as base64.
        return self.cipher.encrypt(base64.b64encode(content).decode("ascii"), "legal_documents.content_enc")

    def _open(self, blob: bytes) -> bytes:
        return base64.b64decode(self.cipher.decrypt(blob, "legal_documents.content_enc"))

    def _record(self, row: LegalDocument) -> DocumentRecord:
        claims = self.cipher.decrypt(row.claims_enc, "legal_documents.claims_enc")
        return DocumentRecord(
            id=row.id, case_id=row.case_id, extraction_id=row.extraction_id, kind=row.kind,
            status=row.status, claim_date=row.as_of, created_at=row.created_at,
            created_by=row.created_by, approved_at=row.approved_at, approved_by=row.approved_by,
            final=row.status == "approved", claims=ClaimsCalculation.model_validate_json(claims),
        )  # fmt: skip

    def save(self, draft: Draft, *, actor: str) -> DocumentRecord:
        """Store ``draft`` as pending and write an audit line on its case; returns the record."""
        from core.db import schema as s

        now = dt.datetime.now(dt.UTC)
        row = LegalDocument(
            id=f"ld-{uuid.uuid4().hex}", case_id=draft.case_id, extraction_id=draft.extraction_id, kind=draft.kind,
            status="pending", as_of=draft.claim_date, created_at=now, created_by=actor[:32],
            content_enc=self._seal(draft.content),
            claims_enc=self.cipher.encrypt(draft.claims.model_dump_json(), "legal_documents.claims_enc"),
        )  # fmt: skip
        with self.sessions.begin() as session:
            session.add(row)
            session.add(s.CaseAudit(
                case_id=draft.case_id, at=now, actor=actor, action="legal_document_drafted",
                detail={"document_id": row.id, "kind": draft.kind, "total": f"{draft.claims.total:f}"},
            ))  # fmt: skip
            session.flush()
            return self._record(row)

    def get(self, document_id: str) -> DocumentRecord:
        """A document's record.

        Raises:
            LegalDocumentNotFoundError: unknown id.
        """
        with self.sessions() as session:
            row = session.get(LegalDocument, document_id)
            if row is None:
                raise LegalDocumentNotFoundError(document_id)
            return self._record(row)

    def content(self, document_id: str) -> bytes:
        """The DOCX bytes (PII: hand them only to roles allowed to see it)."""
        with self.sessions() as session:
            row = session.get(LegalDocument, document_id)
            if row is None:
                raise LegalDocumentNotFoundError(document_id)
            return self._open(row.content_enc)

    def for_case(self, case_id: str) -> list[DocumentRecord]:
        """Every document drafted for a case, newest first."""
        with self.sessions() as session:
            stmt = select(LegalDocument).where(LegalDocument.case_id == case_id)
            rows = session.scalars(stmt.order_by(LegalDocument.created_at.desc())).all()
            return [self._record(row) for row in rows]

    def decide(self, document_id: str, *, approve: bool, actor: str, note: str = "") -> DocumentRecord:
        """Approve (the document becomes final, its banner says who approved it) or reject a pending document.

        Raises:
            LegalDocumentNotFoundError: unknown id.
            LegalDocumentError: the document is not pending.
        """
        from core.db import schema as s

        now = dt.datetime.now(dt.UTC)
        with self.sessions.begin() as session:
            row = session.get(LegalDocument, document_id, with_for_update=True)
            if row is None:
                raise LegalDocumentNotFoundError(document_id)
            if row.status != "pending":
                raise LegalDocumentError(f"document {document_id} is already {row.status}")
            row.status = "approved" if approve else "rejected"
            row.approved_at, row.approved_by = now, actor[:32]
            if approve:
                content = self._open(row.content_enc)
                final = mark_final(content, approver=actor, at=now)
                row.content_enc = self._seal(final)
            session.add(s.CaseAudit(
                case_id=row.case_id, at=now, actor=actor,
                action="legal_document_approved" if approve else "legal_document_rejected",
                detail={"document_id": row.id, "kind": row.kind, "note": note[:500]},
            ))  # fmt: skip
            session.flush()
            return self._record(row)
