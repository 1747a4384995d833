"""Store extraction results linked to a case, encrypted, in one transaction (nothing half-way)."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

from sqlalchemy.orm import Session, sessionmaker

from core.crypto import FieldCipher
from core.db.extraction import ContractExtraction
from core.repository import CaseNotFoundError
from tools.extraction.identities import IdentityVault
from tools.extraction.schema import ExtractionResult


class ExtractionStore:
    """Save and load extraction results (encrypted with the field cipher)."""

    def __init__(self, sessions: sessionmaker[Session], cipher: FieldCipher) -> None:
        self.sessions = sessions
        self.cipher = cipher

    def save(self, result: ExtractionResult, vault: IdentityVault, *, file_bytes: bytes, actor: str) -> str:
        """Store ``result`` (its ``case_id`` must exist when set); returns the new id."""
        from core.db import schema as s

        extraction_id = f"x-{uuid.uuid4().hex}"
        stored = result.model_copy(update={"extraction_id": extraction_id})
        with self.sessions.begin() as session:
            if result.case_id is not None and session.get(s.Case, result.case_id) is None:
                raise CaseNotFoundError(result.case_id)
            session.add(ContractExtraction(
                id=extraction_id, case_id=result.case_id, created_at=dt.datetime.now(dt.UTC), created_by=actor,
                file_name=result.file_name[:255], file_sha256=hashlib.sha256(file_bytes).hexdigest(),
                result_enc=self.cipher.encrypt(stored.model_dump_json(), "contract_extractions.result_enc"),
                identities_enc=self.cipher.encrypt(vault.model_dump_json(), "contract_extractions.identities_enc"),
            ))  # fmt: skip
            if result.case_id is not None:
                session.add(s.CaseAudit(
                    case_id=result.case_id, at=dt.datetime.now(dt.UTC), actor=actor, action="contract_extracted",
                    detail={"extraction_id": extraction_id, "findings": [f.code for f in result.findings]},
                ))  # fmt: skip
        return extraction_id

    def load(self, extraction_id: str) -> tuple[ExtractionResult, IdentityVault]:
        """A stored result and its vault; raises ``LookupError`` when unknown."""
        with self.sessions() as session:
            row = session.get(ContractExtraction, extraction_id)
            if row is None:
                raise LookupError(f"no extraction {extraction_id!r}")
            result = self.cipher.decrypt(row.result_enc, "contract_extractions.result_enc")
            vault = self.cipher.decrypt(row.identities_enc, "contract_extractions.identities_enc")
        return ExtractionResult.model_validate_json(result), IdentityVault.model_validate_json(vault)

    def latest_for_case(self, case_id: str) -> str | None:
        """Id of the newest extraction stored for ``case_id``."""
        from sqlalchemy import select

        with self.sessions() as session:
            stmt = (
                select(ContractExtraction.id)
                .where(ContractExtraction.case_id == case_id)
                .order_by(ContractExtraction.created_at.desc())
                .limit(1)
            )
            return session.scalars(stmt).first()
