"""Qdrant Edge (``qdrant-edge-py``): the in-process engine, one shard directory per collection."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import qdrant_edge as qe

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

_SPEC_FILE = "qingshou-spec.json"


def _filter(where: FilterSpec | None) -> qe.Filter | None:
    if where is None or where.is_empty():
        return None
    must: list[Any] = [qe.FieldCondition(k, match=qe.MatchValue(v)) for k, v in where.equals.items()]
    must += [qe.FieldCondition(k, match=qe.MatchAny(list(v))) for k, v in where.any_of.items()]
    must_not: list[Any] = [qe.FieldCondition(k, match=qe.MatchValue(v)) for k, v in where.not_equals.items()]
    if where.on_date is not None:
        day = date_value(where.on_date)
        must.append(
            qe.Filter(
                should=[
                    qe.IsEmptyCondition("effective_from"),
                    qe.FieldCondition("effective_from", range=qe.RangeDateTime(lte=day)),
                ]
            )
        )
        must.append(
            qe.Filter(
                should=[
                    qe.IsEmptyCondition("effective_to"),
                    qe.FieldCondition("effective_to", range=qe.RangeDateTime(gte=day)),
                ]
            )
        )
    return qe.Filter(must=must or None, must_not=must_not or None)


def _vector(value: Vector) -> Any:
    if isinstance(value, SparseVec):
        return qe.SparseVector(value.indices, value.values)
    return value


def _open(path: Path) -> qe.EdgeShard:
    try:
        return qe.EdgeShard.load(str(path))
    except Exception as exc:  # the binding raises a bare Exception; name the likely cause
        if "WouldBlock" in str(exc):
            raise StoreError(
                f"the embedded Qdrant store at {path} is open in another process (e.g. the API server); "
                "stop it, or run a Qdrant server and set QINGSHOU_QDRANT_URL"
            ) from exc
        raise StoreError(f"cannot open the embedded Qdrant store at {path}: {exc}") from exc


class EdgeStore:
    """Collections as Qdrant Edge shards under ``root/<collection>``."""

    backend = "edge"

    def __init__(self, root: Path) -> None:
        self._root = root
        self._shards: dict[str, qe.EdgeShard] = {}
        self._lock = threading.RLock()

    def _shard(self, collection: str) -> qe.EdgeShard:
        shard = self._shards.get(collection)
        if shard is None:
            raise StoreError(f"collection {collection!r} is not open; call ensure_collection first")
        return shard

    def ensure_collection(self, spec: CollectionSpec) -> None:
        """Open the shard, creating it with its payload indexes when it does not exist."""
        with self._lock:
            if spec.name in self._shards:
                return
            path = self._root / spec.name
            spec_file = path / _SPEC_FILE
            if spec_file.exists():
                stored = CollectionSpec.model_validate_json(spec_file.read_text())
                if stored != spec:
                    raise StoreError(
                        f"collection {spec.name!r} at {path} was built with vectors {stored.dense}, not {spec.dense}; "
                        "delete it to re-index with the current embedding model"
                    )
                self._shards[spec.name] = _open(path)
                return
            path.mkdir(parents=True, exist_ok=True)
            config = qe.EdgeConfig(
                vectors={
                    name: qe.EdgeVectorParams(size=size, distance=qe.Distance.Cosine)
                    for name, size in spec.dense.items()
                },
                sparse_vectors={SPARSE_NAME: qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf)}
                if spec.sparse
                else None,
            )
            shard = qe.EdgeShard.create(str(path), config)
            shard.update(qe.UpdateOperation.create_field_index(TENANT_FIELD, qe.KeywordIndexParams(is_tenant=True)))
            for name in INDEXED_KEYWORDS:
                shard.update(qe.UpdateOperation.create_field_index(name, qe.PayloadSchemaType.Keyword))
            for name in INDEXED_DATES:
                shard.update(qe.UpdateOperation.create_field_index(name, qe.PayloadSchemaType.Datetime))
            shard.flush()
            spec_file.write_text(json.dumps(spec.model_dump()))
            self._shards[spec.name] = shard

    def upsert(self, collection: str, points: list[StoredPoint]) -> None:
        """Write points and flush."""
        if not points:
            return
        edge_points = []
        for p in points:
            vector: dict[str, Any] = {name: list(v) for name, v in p.dense.items()}
            if p.sparse is not None:
                vector[SPARSE_NAME] = _vector(p.sparse)
            edge_points.append(qe.Point(p.id, vector, p.payload))
        with self._lock:
            shard = self._shard(collection)
            for start in range(0, len(edge_points), 512):
                shard.update(qe.UpdateOperation.upsert_points(edge_points[start : start + 512]))
            shard.flush()

    def delete(self, collection: str, where: FilterSpec) -> None:
        """Delete matching points and flush."""
        flt = _filter(where)
        if flt is None:
            raise StoreError("refusing to delete with an empty filter")
        with self._lock:
            shard = self._shard(collection)
            shard.update(qe.UpdateOperation.delete_points_by_filter(flt))
            shard.flush()

    def payloads(self, collection: str, where: FilterSpec, limit: int) -> list[dict[str, Any]]:
        """Payloads of matching points (scroll)."""
        records, _ = self._shard(collection).scroll(
            qe.ScrollRequest(limit=limit, filter=_filter(where), with_payload=True)
        )
        return [dict(r.payload or {}) for r in records]

    def count(self, collection: str, where: FilterSpec | None = None) -> int:
        """Exact count of (matching) points."""
        return int(self._shard(collection).count(qe.CountRequest(exact=True, filter=_filter(where))))

    def query(
        self, collection: str, vectors: list[tuple[str, Vector]], where: FilterSpec, limit: int
    ) -> list[list[ScoredRecord]]:
        """One filtered nearest-vector search per named vector."""
        flt = _filter(where)
        shard = self._shard(collection)
        lists = []
        for name, vec in vectors:
            request = qe.QueryRequest(
                limit=limit, query=qe.Query.Nearest(_vector(vec), using=name), filter=flt, with_payload=True
            )
            points = shard.query(request)
            lists.append(
                [ScoredRecord(id=str(p.id), score=float(p.score), payload=dict(p.payload or {})) for p in points]
            )
        return lists

    def optimize(self) -> None:
        """Run the segment optimizers in-process (builds HNSW once a segment is large enough)."""
        with self._lock:
            for shard in self._shards.values():
                shard.optimize()

    def close(self) -> None:
        """Flush and close every open shard."""
        with self._lock:
            for shard in self._shards.values():
                shard.flush()
                shard.close()
            self._shards.clear()
