"""The store interface both backends implement, with backend-neutral points, filters and collection specs."""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from pydantic import BaseModel, Field

from retrieval.sparse import SparseVec

INDEXED_KEYWORDS = ("collection", "source", "jurisdiction", "doc_type", "doc_hash", "index_version", "case_id")
INDEXED_DATES = ("effective_from", "effective_to")
TENANT_FIELD = "tenant"


class StoreError(RuntimeError):
    """The vector store refused an operation (e.g. a collection built for another embedding size)."""


class CollectionSpec(BaseModel):
    """Vectors of one collection: named dense vectors with their sizes, and whether it has BM25."""

    name: str
    dense: dict[str, int] = Field(description="Dense vector name -> size (cosine distance)")
    sparse: bool = True


class StoredPoint(BaseModel):
    """A point to write: id, named dense vectors, optional BM25 vector, payload."""

    id: str
    dense: dict[str, list[float]]
    sparse: SparseVec | None = None
    payload: dict[str, Any]


class ScoredRecord(BaseModel):
    """A point returned by a query."""

    id: str
    score: float
    payload: dict[str, Any]


class FilterSpec(BaseModel):
    """A backend-neutral payload filter: every condition must hold."""

    equals: dict[str, str] = Field(default_factory=dict)
    any_of: dict[str, list[str]] = Field(default_factory=dict)
    not_equals: dict[str, str] = Field(default_factory=dict)
    on_date: dt.date | None = Field(default=None, description="effective_from <= d <= effective_to, open ends allowed")

    def is_empty(self) -> bool:
        """Whether the filter matches everything."""
        return not (self.equals or self.any_of or self.not_equals or self.on_date)


Vector = list[float] | SparseVec
SPARSE_NAME = "bm25"


def date_value(day: dt.date) -> str:
    """Payload form of a date (RFC 3339, midnight UTC) that Qdrant's datetime index and range filter read."""
    return f"{day.isoformat()}T00:00:00Z"


class VectorStore(Protocol):
    """What the knowledge base needs from a vector store."""

    backend: str

    def ensure_collection(self, spec: CollectionSpec) -> None:
        """Create the collection and its payload indexes if missing; refuse a mismatched existing one."""
        ...

    def upsert(self, collection: str, points: list[StoredPoint]) -> None:
        """Write points (replacing points with the same id)."""
        ...

    def delete(self, collection: str, where: FilterSpec) -> None:
        """Delete every point matching ``where``."""
        ...

    def payloads(self, collection: str, where: FilterSpec, limit: int) -> list[dict[str, Any]]:
        """Payloads of up to ``limit`` points matching ``where``."""
        ...

    def count(self, collection: str, where: FilterSpec | None = None) -> int:
        """Number of points (matching ``where``)."""
        ...

    def query(
        self, collection: str, vectors: list[tuple[str, Vector]], where: FilterSpec, limit: int
    ) -> list[list[ScoredRecord]]:
        """Nearest points for each named vector, each search filtered: one ranked list per vector, in order.

        Fusing the lists of a hybrid query is the caller's job (:mod:`retrieval.fusion`), so every backend ranks alike.
        """
        ...

    def optimize(self) -> None:
        """Build indexes (HNSW, merged segments) after bulk writes; servers do this on their own."""
        ...

    def close(self) -> None:
        """Release the store."""
        ...


PREFETCH_FACTOR = 4
MIN_PREFETCH = 40


def prefetch_limit(limit: int) -> int:
    """How many candidates each list of a hybrid query brings to the fusion (score statistics need a few dozen)."""
    return max(limit * PREFETCH_FACTOR, MIN_PREFETCH)
