"""Typed values of the knowledge base: chunks, filters, hits with citations, ingest reports."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

Collection = Literal["regulations", "contracts", "scripts", "cases"]
DOC_COLLECTIONS: tuple[Collection, ...] = ("regulations", "contracts", "scripts")
COLLECTIONS: tuple[Collection, ...] = ("regulations", "contracts", "scripts", "cases")
SearchMode = Literal["hybrid", "dense", "sparse"]
SHARED_TENANT = "_shared"
"""Tenant value of chunks every tenant may see (the shipped packs)."""


class DocMeta(BaseModel):
    """Metadata of one source document, copied onto each of its chunks."""

    collection: Collection
    source: str = Field(description="Stable source key: a resolved file path or 'pack:<relative path>'")
    title: str
    issuer: str = ""
    jurisdiction: str = Field(default="", description="e.g. 'CN' or 'US'")
    doc_type: str = Field(default="", description="regulation, standard, contract, script, ...")
    citation: str = Field(default="", description="How to cite the document, e.g. '12 CFR 1006'")
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    tenant: str = SHARED_TENANT
    doc_hash: str = Field(default="", description="SHA-256 of the source bytes")
    verified: bool = Field(default=True, description="False when a fact in the document is marked unverified")


class Chunk(BaseModel):
    """One retrievable unit: an article, a clause, a script or a paragraph window."""

    chunk_id: str = Field(description="Stable id: '<doc_hash[:12]>:<ordinal>'")
    text: str = Field(min_length=1)
    article: str = Field(default="", description="Article, clause or section label, e.g. '第十二条' or '1006.14(b)(2)'")
    heading: str = Field(default="", description="Chapter or section path above the article")
    ordinal: int = Field(ge=0)
    content_hash: str = Field(description="SHA-256 of the chunk text")
    meta: DocMeta


class SearchFilters(BaseModel):
    """Payload filters applied in every prefetch stage."""

    jurisdiction: str | None = Field(default=None, description="Only chunks of this jurisdiction ('CN', 'US')")
    effective_on: dt.date | None = Field(default=None, description="Only rules in force on this date")
    tenant: str | None = Field(
        default=None, description="The caller's tenant; shared chunks are always visible, no other tenant's ever"
    )
    source: str | None = Field(default=None, description="Only chunks of this source")
    doc_type: str | None = Field(default=None, description="Only chunks of this document type")


class Citation(BaseModel):
    """Where a hit comes from, precisely enough to quote."""

    source: str
    title: str
    article: str = ""
    chunk_id: str
    citation: str = Field(default="", description="Citation of the document, e.g. '12 CFR 1006'")


class SearchHit(BaseModel):
    """One ranked result."""

    rank: int = Field(ge=1)
    score: float
    text: str
    collection: Collection
    heading: str = ""
    jurisdiction: str = ""
    issuer: str = ""
    effective_from: dt.date | None = None
    verified: bool = True
    citation: Citation


class FileOutcome(BaseModel):
    """What ingesting one file did."""

    path: str
    status: Literal["indexed", "replaced", "unchanged", "deleted", "missing", "error"]
    chunks: int = 0
    error: str | None = None


class IngestReport(BaseModel):
    """Per-file outcomes of one ingest run."""

    collection: Collection
    files: list[FileOutcome] = Field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> int:
        """Files that could not be ingested."""
        return sum(1 for f in self.files if f.status == "error")

    @property
    def chunks_written(self) -> int:
        """Chunks written by this run."""
        return sum(f.chunks for f in self.files if f.status in ("indexed", "replaced"))
