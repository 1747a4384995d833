"""Contract extraction (upload) and legal documents (draft, download for PII roles, supervisor approval)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Response, UploadFile, status
from fastapi import Path as PathParam
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from core.settings import Role
from server.deps import PII_ROLES, CurrentRole, DepsDep, require_roles
from server.tenancy import Scope, TenantScope
from tools.extraction.document import MAX_BYTES, ContractInputError, load_contract
from tools.extraction.schema import ExtractionResult
from tools.legal.claims import ClaimsError
from tools.legal.documents import DocumentKind
from tools.legal.drafting import DraftingError
from tools.legal.store import DocumentRecord, LegalDocumentError, LegalDocumentNotFoundError, LegalDocumentStore

router = APIRouter(tags=["extraction"])

SUFFIXES = (".pdf", ".docx", ".txt")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DraftRole = Annotated[Role, Depends(require_roles("collector", "supervisor", "compliance", "system"))]
SupervisorRole = Annotated[Role, Depends(require_roles("supervisor"))]
DocumentId = Annotated[
    str, PathParam(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$", description="Document id")
]


class LegalDocumentCreate(BaseModel):
    """Draft a legal document for a case from its stored contract extraction."""

    case_id: str = Field(min_length=1, max_length=16)
    kind: DocumentKind
    claim_date: dt.date | None = Field(default=None, description="Count interest to this date (ledger date if None)")


class LegalDocumentPublic(BaseModel):
    """A drafted document's record and the reviewer's warnings (the DOCX is fetched with GET)."""

    document: DocumentRecord
    warnings: list[str] = Field(default_factory=list)


class Decision(BaseModel):
    """A supervisor's note on an approval or rejection."""

    note: str = Field(default="", max_length=500)


def _upload_error(exc: ContractInputError) -> HTTPException:
    return HTTPException(422, detail=str(exc))


@router.post("/v1/agents/extraction:invoke", response_model=ExtractionResult)
async def invoke_extraction(
    deps: DepsDep,
    role: CurrentRole,
    scope: Scope,
    file: Annotated[UploadFile, File(description="Contract: text PDF, DOCX or TXT")],
    case_id: Annotated[str | None, Form(max_length=16)] = None,
    store: Annotated[bool, Form()] = False,
) -> ExtractionResult:
    """Extract a contract's terms with their sources; optionally store the result linked to a case."""
    from agents.extraction import extract_document
    from agents.extraction.store import ExtractionStore

    suffix = Path(file.filename or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise HTTPException(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, detail=f"unsupported file type {suffix or '(none)'!r}; use .pdf, "
            ".docx or .txt",
        )  # fmt: skip
    content = await file.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise HTTPException(413, detail=f"file over {MAX_BYTES:,} bytes")
    if store and not case_id:
        raise HTTPException(422, detail="store needs a case_id")
    case = await run_in_threadpool(scope.get_case, case_id) if case_id else None
    with tempfile.TemporaryDirectory(prefix="qingshou-upload-") as folder:
        path = Path(folder) / f"{Path(file.filename or 'contract').stem[:100] or 'contract'}{suffix}"
        path.write_bytes(content)
        try:
            document = await run_in_threadpool(load_contract, path)
        except ContractInputError as exc:
            raise _upload_error(exc) from None
    gateway = deps.gateway if deps.settings.model_configured else None
    result, vault = await extract_document(document, gateway, case=case)
    if store:
        saver = ExtractionStore(deps.sessions, deps.cipher)
        result.extraction_id = await run_in_threadpool(
            lambda: saver.save(result, vault, file_bytes=content, actor=f"api:{role}")
        )
    return result


@router.post("/v1/legal-documents", response_model=LegalDocumentPublic, status_code=status.HTTP_201_CREATED)
async def create_legal_document(
    body: LegalDocumentCreate, deps: DepsDep, scope: Scope, role: DraftRole
) -> LegalDocumentPublic:
    """Draft a document (pending until a supervisor approves it)."""
    from agents.extraction.legal import NoExtractionError, draft_for_case

    await run_in_threadpool(scope.require_case, body.case_id)
    try:
        drafted = await run_in_threadpool(
            draft_for_case, deps, body.case_id, body.kind, actor=f"api:{role}", claim_date=body.claim_date
        )
    except NoExtractionError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from None
    except (DraftingError, ClaimsError) as exc:
        raise HTTPException(422, detail=str(exc)) from None
    return LegalDocumentPublic(document=drafted.record, warnings=drafted.warnings)


@router.get("/v1/legal-documents/{document_id}", response_class=Response)
async def get_legal_document(document_id: DocumentId, deps: DepsDep, scope: Scope, role: CurrentRole) -> Response:
    """The DOCX (names and IDs: PII roles only); its status is in the X-Document-Status header."""
    if role not in PII_ROLES:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=f"role {role!r} may not download legal documents")
    store = LegalDocumentStore(deps.sessions, deps.cipher)
    record = await run_in_threadpool(_visible_document, store, scope, document_id)
    try:
        content = await run_in_threadpool(store.content, document_id)
    except LegalDocumentNotFoundError:
        raise _unknown_document(document_id) from None
    headers = {
        "Content-Disposition": f'attachment; filename="{record.id}-{record.kind}.docx"',
        "X-Document-Status": record.status,
        "Cache-Control": "no-store",
    }
    return Response(content=content, media_type=DOCX_TYPE, headers=headers)


def _unknown_document(document_id: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=f"unknown legal document: {document_id}")


def _visible_document(store: LegalDocumentStore, scope: TenantScope, document_id: str) -> DocumentRecord:
    """The document's record; 404 alike for an unknown id and for a document of another tenant's case."""
    try:
        record = store.get(document_id)
    except LegalDocumentNotFoundError:
        raise _unknown_document(document_id) from None
    if not scope.sees(record.case_id):
        raise _unknown_document(document_id)
    return record


async def _decide(
    deps: DepsDep, scope: TenantScope, document_id: str, approve: bool, role: Role, note: str
) -> DocumentRecord:
    store = LegalDocumentStore(deps.sessions, deps.cipher)
    await run_in_threadpool(_visible_document, store, scope, document_id)
    try:
        return await run_in_threadpool(
            lambda: store.decide(document_id, approve=approve, actor=f"api:{role}", note=note)
        )
    except LegalDocumentNotFoundError:
        raise _unknown_document(document_id) from None
    except LegalDocumentError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from None


@router.post("/v1/legal-documents/{document_id}:approve", response_model=DocumentRecord)
async def approve_legal_document(
    document_id: DocumentId, deps: DepsDep, scope: Scope, role: SupervisorRole, body: Decision | None = None
) -> DocumentRecord:
    """Approve a pending document: it becomes final (supervisors only)."""
    return await _decide(deps, scope, document_id, True, role, body.note if body else "")


@router.post("/v1/legal-documents/{document_id}:reject", response_model=DocumentRecord)
async def reject_legal_document(
    document_id: DocumentId, deps: DepsDep, scope: Scope, role: SupervisorRole, body: Decision | None = None
) -> DocumentRecord:
    """Reject a pending document (supervisors only)."""
    return await _decide(deps, scope, document_id, False, role, body.note if body else "")
