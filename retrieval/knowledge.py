"""The knowledge base: writes documents idempotently by content hash and answers dense, sparse or hybrid queries."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Any

from pydantic import BaseModel, Field

from retrieval.embeddings import Embedder
from retrieval.fusion import FusionMethod, fuse
from retrieval.models import SHARED_TENANT, Chunk, Citation, Collection, DocMeta, SearchFilters, SearchHit, SearchMode
from retrieval.sparse import document_vector, query_vector
from retrieval.store.base import (
    SPARSE_NAME,
    CollectionSpec,
    FilterSpec,
    ScoredRecord,
    StoredPoint,
    Vector,
    VectorStore,
    date_value,
    prefetch_limit,
)

DENSE_NAME = "dense"
INDEX_VERSION = "2"
"""Version of what a point is built from (chunk text for the embedding, BM25 tokenisation). Points written by another
version are re-written the next time their source is ingested or their pack is checked, even if the file is
unchanged. 2: Chinese numerals read as digits before BM25 (三次 and 3次 are one term)."""
_ID_NAMESPACE = uuid.UUID("6c0f7f1e-3a57-4f55-9a0c-7d1b1f0e5a11")


def sha256_text(text: str) -> str:
    """Hex SHA-256 of UTF-8 text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def index_text(chunk: Chunk) -> str:
    """What is embedded and tokenised: the document title and chapter give an article its context."""
    return "\n".join(p for p in (chunk.meta.title, chunk.heading, chunk.text) if p)


def point_id(collection: str, tenant: str, source: str, doc_hash: str, ordinal: int) -> str:
    """Deterministic point id, so re-writing the same document version replaces rather than duplicates."""
    key = f"{collection}\x00{tenant}\x00{source}\x00{doc_hash}\x00{INDEX_VERSION}\x00{ordinal}"
    return str(uuid.uuid5(_ID_NAMESPACE, key))


def tenant_filter(tenant: str | None) -> FilterSpec:
    """Shared chunks plus the caller's own tenant's; never another tenant's."""
    if tenant is None or tenant == SHARED_TENANT:
        return FilterSpec(equals={"tenant": SHARED_TENANT})
    return FilterSpec(any_of={"tenant": [tenant, SHARED_TENANT]})


def search_filter(collection: Collection, filters: SearchFilters) -> FilterSpec:
    """The payload filter of a search."""
    spec = tenant_filter(filters.tenant)
    spec.equals["collection"] = collection
    for key in ("jurisdiction", "source", "doc_type"):
        value = getattr(filters, key)
        if value:
            spec.equals[key] = value
    spec.on_date = filters.effective_on
    return spec


def _payload(chunk: Chunk) -> dict[str, Any]:
    meta = chunk.meta
    payload: dict[str, Any] = {
        "collection": meta.collection,
        "source": meta.source,
        "title": meta.title,
        "issuer": meta.issuer,
        "jurisdiction": meta.jurisdiction,
        "doc_type": meta.doc_type,
        "citation": meta.citation,
        "tenant": meta.tenant,
        "doc_hash": meta.doc_hash,
        "index_version": INDEX_VERSION,
        "verified": meta.verified,
        "chunk_id": chunk.chunk_id,
        "article": chunk.article,
        "heading": chunk.heading,
        "ordinal": chunk.ordinal,
        "content_hash": chunk.content_hash,
        "text": chunk.text,
    }
    if meta.effective_from is not None:
        payload["effective_from"] = date_value(meta.effective_from)
    if meta.effective_to is not None:
        payload["effective_to"] = date_value(meta.effective_to)
    return payload


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(str(value)[:10]) if value else None


def to_hit(rank: int, record: ScoredRecord, collection: Collection) -> SearchHit:
    """A store record as a search hit with its citation."""
    p = record.payload
    return SearchHit(
        rank=rank,
        score=record.score,
        text=str(p.get("text", "")),
        collection=collection,
        heading=str(p.get("heading", "")),
        jurisdiction=str(p.get("jurisdiction", "")),
        issuer=str(p.get("issuer", "")),
        effective_from=_date(p.get("effective_from")),
        verified=bool(p.get("verified", True)),
        citation=Citation(
            source=str(p.get("source", "")),
            title=str(p.get("title", "")),
            article=str(p.get("article", "")),
            chunk_id=str(p.get("chunk_id", record.id)),
            citation=str(p.get("citation", "")),
        ),
    )


class Fusion(BaseModel):
    """How a hybrid query fuses its dense and BM25 candidate lists (see :mod:`retrieval.fusion`)."""

    method: FusionMethod = "dbsf"
    dense_weight: float = Field(default=0.7, ge=0.0, le=1.0, description="BM25 gets 1 - dense_weight")

    def weights(self, names: list[str]) -> list[float]:
        """Fusion weight per candidate list, in the order of ``names``."""
        return [1.0 - self.dense_weight if name == SPARSE_NAME else self.dense_weight for name in names]


class KnowledgeBase:
    """Documents in, ranked chunks with citations out, over any :class:`VectorStore`."""

    def __init__(self, store: VectorStore, embedder: Embedder, fusion: Fusion | None = None) -> None:
        self.store = store
        self.embedder = embedder
        self.fusion = fusion or Fusion()

    def doc_spec(self, collection: Collection) -> CollectionSpec:
        """Vectors of a document collection: the embedding and BM25."""
        return CollectionSpec(name=collection, dense={DENSE_NAME: self.embedder.dim}, sparse=True)

    def ensure(self, collection: Collection) -> None:
        """Create a document collection if missing."""
        self.store.ensure_collection(self.doc_spec(collection))

    def current_hash(self, meta: DocMeta) -> str | None:
        """Content hash of the indexed version of a source, or None when it is not indexed.

        Points written by another :data:`INDEX_VERSION` answer ``stale:<hash>``, so an unchanged file is re-indexed.
        """
        self.ensure(meta.collection)
        where = FilterSpec(equals={"source": meta.source, "tenant": meta.tenant})
        found = self.store.payloads(meta.collection, where, limit=1)
        if not found:
            return None
        doc_hash = str(found[0]["doc_hash"])
        return doc_hash if str(found[0].get("index_version", "")) == INDEX_VERSION else f"stale:{doc_hash}"

    def write_document(self, chunks: list[Chunk]) -> str:
        """Index one document's chunks, replacing an older version of the same source.

        New points are written before old ones are deleted, so a failure never leaves the source empty.

        Returns:
            ``unchanged``, ``indexed`` or ``replaced``.
        """
        if not chunks:
            raise ValueError("a document needs at least one chunk")
        meta = chunks[0].meta
        previous = self.current_hash(meta)
        if previous == meta.doc_hash:
            return "unchanged"
        texts = [index_text(c) for c in chunks]
        dense = self.embedder.embed_documents(texts)
        points = [
            StoredPoint(
                id=point_id(meta.collection, meta.tenant, meta.source, meta.doc_hash, c.ordinal),
                dense={DENSE_NAME: dense[i].tolist()},
                sparse=document_vector(texts[i]),
                payload=_payload(c),
            )
            for i, c in enumerate(chunks)
        ]
        try:
            self.store.upsert(meta.collection, points)
        except Exception:
            # Nothing half-ingested: remove whatever part of this version reached the store, then re-raise.
            self.store.delete(
                meta.collection,
                FilterSpec(
                    equals={
                        "source": meta.source,
                        "tenant": meta.tenant,
                        "doc_hash": meta.doc_hash,
                        "index_version": INDEX_VERSION,
                    }
                ),
            )
            raise
        if previous is not None:
            # Older versions of the file, and points of this file built by an older INDEX_VERSION.
            for stale in ({"doc_hash": meta.doc_hash}, {"index_version": INDEX_VERSION}):
                self.store.delete(
                    meta.collection,
                    FilterSpec(equals={"source": meta.source, "tenant": meta.tenant}, not_equals=stale),
                )
        return "indexed" if previous is None else "replaced"

    def delete_source(self, collection: Collection, source: str, tenant: str) -> int:
        """Remove every chunk of a source; returns how many there were."""
        self.ensure(collection)
        where = FilterSpec(equals={"source": source, "tenant": tenant})
        count = self.store.count(collection, where)
        if count:
            self.store.delete(collection, where)
        return count

    def search(
        self,
        query: str,
        collection: Collection,
        *,
        filters: SearchFilters | None = None,
        mode: SearchMode = "hybrid",
        limit: int = 5,
        fusion: Fusion | None = None,
    ) -> list[SearchHit]:
        """Rank chunks of ``collection`` for ``query``.

        Args:
            query: Question or keywords, Chinese or English.
            collection: Which document collection.
            filters: Payload filters (tenant, jurisdiction, effective date, source, document type).
            mode: ``hybrid`` (dense and BM25 candidate lists, fused), ``dense`` or ``sparse``.
            limit: Number of hits.
            fusion: Overrides this knowledge base's fusion for one query (the eval compares methods this way).
        """
        if not query.strip():
            raise ValueError("query is empty")
        self.ensure(collection)
        where = search_filter(collection, filters or SearchFilters())
        vectors: list[tuple[str, Vector]] = []
        if mode in ("hybrid", "dense"):
            vectors.append((DENSE_NAME, self.embedder.embed_query(query).tolist()))
        if mode in ("hybrid", "sparse"):
            sparse = query_vector(query)
            if sparse.indices:
                vectors.append((SPARSE_NAME, sparse))
            elif mode == "sparse":
                return []
        if len(vectors) == 1:
            records = self.store.query(collection, vectors, where, limit)[0]
        else:
            fusion = fusion or self.fusion
            lists = self.store.query(collection, vectors, where, prefetch_limit(limit))
            records = fuse(lists, fusion.weights([name for name, _ in vectors]), limit, fusion.method)
        return [to_hit(i, r, collection) for i, r in enumerate(records, start=1)]

    def close(self) -> None:
        """Release the store."""
        self.store.close()
