"""qdrant-client against a Qdrant server or cluster (sharded, replicated, tenant-indexed).

Its local mode (``QdrantClient(path=...)`` or ``":memory:"``) stands in for the server in tests.
"""

from __future__ import annotations

import warnings
from typing import Any

from qdrant_client import QdrantClient
from qdrant_client import models as m

from retrieval.sparse import SparseVec
from retrieval.store.base import (
    INDEXED_DATES,
    INDEXED_KEYWORDS,
    SPARSE_NAME,
    TENANT_FIELD,
    CollectionSpec,
    FilterSpec,
    ScoredRecord,
    StoredPoint,
    StoreError,
    Vector,
    date_value,
)


class ClusterLayout:
    """Per-collection cluster settings: shards, replication factor, write consistency."""

    def __init__(self, shards: int = 1, replication: int = 1, write_consistency: int = 1) -> None:
        self.shards = shards
        self.replication = replication
        self.write_consistency = write_consistency


def _filter(where: FilterSpec | None) -> m.Filter | None:
    if where is None or where.is_empty():
        return None
    must: list[Any] = [m.FieldCondition(key=k, match=m.MatchValue(value=v)) for k, v in where.equals.items()]
    must += [m.FieldCondition(key=k, match=m.MatchAny(any=list(v))) for k, v in where.any_of.items()]
    must_not: list[Any] = [m.FieldCondition(key=k, match=m.MatchValue(value=v)) for k, v in where.not_equals.items()]
    if where.on_date is not None:
        day = date_value(where.on_date)
        for key, rng in (("effective_from", m.DatetimeRange(lte=day)), ("effective_to", m.DatetimeRange(gte=day))):
            must.append(
                m.Filter(
                    should=[
                        m.IsEmptyCondition(is_empty=m.PayloadField(key=key)),
                        m.FieldCondition(key=key, range=rng),
                    ]
                )
            )
    return m.Filter(must=must or None, must_not=must_not or None)


def _vector(value: Vector) -> Any:
    if isinstance(value, SparseVec):
        return m.SparseVector(indices=value.indices, values=value.values)
    return value


class ServerStore:
    """Collections on a Qdrant server or cluster through an injected ``QdrantClient``."""

    backend = "server"

    def __init__(self, client: QdrantClient, layout: ClusterLayout | None = None) -> None:
        self._client = client
        self._layout = layout or ClusterLayout()
        self._ready: set[str] = set()

    def ensure_collection(self, spec: CollectionSpec) -> None:
        """Create the collection (shards, replicas, write consistency) and its payload indexes if missing."""
        if spec.name in self._ready:
            return
        if self._client.collection_exists(spec.name):
            info = self._client.get_collection(spec.name)
            vectors = info.config.params.vectors
            sizes = {name: p.size for name, p in vectors.items()} if isinstance(vectors, dict) else {}
            if sizes != spec.dense:
                raise StoreError(
                    f"collection {spec.name!r} has vectors {sizes}, not {spec.dense}; "
                    "drop it to re-index with the current embedding model"
                )
            self._ready.add(spec.name)
            return
        self._client.create_collection(
            spec.name,
            vectors_config={n: m.VectorParams(size=s, distance=m.Distance.COSINE) for n, s in spec.dense.items()},
            sparse_vectors_config={SPARSE_NAME: m.SparseVectorParams(modifier=m.Modifier.IDF)} if spec.sparse else None,
            shard_number=self._layout.shards,
            replication_factor=self._layout.replication,
            write_consistency_factor=self._layout.write_consistency,
        )
        with warnings.catch_warnings():
            # Local mode (the test stand-in) ignores payload indexes and says so; a server builds them.
            warnings.filterwarnings("ignore", message="Payload indexes have no effect", category=UserWarning)
            self._client.create_payload_index(
                spec.name,
                TENANT_FIELD,
                m.KeywordIndexParams(type=m.KeywordIndexType.KEYWORD, is_tenant=True),
            )
            for name in INDEXED_KEYWORDS:
                self._client.create_payload_index(spec.name, name, m.PayloadSchemaType.KEYWORD)
            for name in INDEXED_DATES:
                self._client.create_payload_index(spec.name, name, m.PayloadSchemaType.DATETIME)
        self._ready.add(spec.name)

    def upsert(self, collection: str, points: list[StoredPoint]) -> None:
        """Write points, waiting for the write to be applied."""
        structs = []
        for p in points:
            vector: dict[str, Any] = dict(p.dense)
            if p.sparse is not None:
                vector[SPARSE_NAME] = _vector(p.sparse)
            structs.append(m.PointStruct(id=p.id, vector=vector, payload=p.payload))
        for start in range(0, len(structs), 256):
            self._client.upsert(collection, structs[start : start + 256], wait=True)

    def delete(self, collection: str, where: FilterSpec) -> None:
        """Delete matching points."""
        flt = _filter(where)
        if flt is None:
            raise StoreError("refusing to delete with an empty filter")
        self._client.delete(collection, points_selector=m.FilterSelector(filter=flt), wait=True)

    def payloads(self, collection: str, where: FilterSpec, limit: int) -> list[dict[str, Any]]:
        """Payloads of matching points (scroll)."""
        records, _ = self._client.scroll(collection, scroll_filter=_filter(where), limit=limit, with_payload=True)
        return [dict(r.payload or {}) for r in records]

    def count(self, collection: str, where: FilterSpec | None = None) -> int:
        """Exact count of (matching) points."""
        return int(self._client.count(collection, count_filter=_filter(where), exact=True).count)

    def query(
        self, collection: str, vectors: list[tuple[str, Vector]], where: FilterSpec, limit: int
    ) -> list[list[ScoredRecord]]:
        """One filtered nearest-vector search per named vector, sent to the server as one batch."""
        flt = _filter(where)
        requests = [
            m.QueryRequest(query=_vector(vec), using=name, filter=flt, limit=limit, with_payload=True)
            for name, vec in vectors
        ]
        responses = self._client.query_batch_points(collection, requests=requests)
        return [
            [ScoredRecord(id=str(p.id), score=float(p.score), payload=dict(p.payload or {})) for p in r.points]
            for r in responses
        ]

    def optimize(self) -> None:
        """Nothing to do: a server runs its optimizers itself (and local mode has none)."""

    def close(self) -> None:
        """Close the client."""
        self._client.close()
