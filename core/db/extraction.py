"""Stored contract extractions and drafted legal documents (with their approval state), linked to cases.

Extraction results and documents name people, so they are stored encrypted (``*_enc``, FieldCipher with the
column name as associated data); status columns stay plain for queues and audits.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db.schema import Base


class ContractExtraction(Base):
    """One extraction of one contract file."""

    __tablename__ = "contract_extractions"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    case_id: Mapped[str | None] = mapped_column(ForeignKey("cases.id"), index=True, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(32))
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    result_enc: Mapped[bytes] = mapped_column(LargeBinary)
    """ExtractionResult JSON (pseudonyms for names and IDs)."""
    identities_enc: Mapped[bytes] = mapped_column(LargeBinary)
    """IdentityVault JSON: the raw values behind the pseudonyms."""


class LegalDocument(Base):
    """A drafted legal document; ``final`` only after a supervisor approved it."""

    __tablename__ = "legal_documents"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    extraction_id: Mapped[str | None] = mapped_column(ForeignKey("contract_extractions.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(24))
    """complaint, preservation or payment-order."""
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    """pending or approved (final)."""
    as_of: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(32))
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    approved_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    content_enc: Mapped[bytes] = mapped_column(LargeBinary)
    """The DOCX bytes, encrypted."""
    claims_enc: Mapped[bytes] = mapped_column(LargeBinary)
    """The claims calculation JSON, encrypted."""
