"""Retrieval benchmark: ingest throughput (chunks/s) and hybrid query latency at 100k chunks, Qdrant Edge and
qdrant-client local mode side by side.

Ingest runs the real pipeline (partition, structural chunking, bundled e5 embeddings with a cold cache, BM25, write)
on generated regulation files. Latency uses synthetic unit vectors and Zipf-distributed BM25 terms, because what
is measured is the store, not the model; embedding one query with the bundled model is timed on its own row.

    python benchmarks/bench_retrieval.py [--chunks 100000] [--queries 200] [--ingest-files 8]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

from retrieval.embeddings import CachedEmbedder, LocalE5Embedder
from retrieval.fusion import fuse
from retrieval.knowledge import DENSE_NAME, Fusion, search_filter
from retrieval.models import SearchFilters
from retrieval.service import RetrievalService
from retrieval.sparse import SparseVec
from retrieval.store.base import SPARSE_NAME, CollectionSpec, StoredPoint, VectorStore, prefetch_limit
from retrieval.store.edge import EdgeStore
from retrieval.store.server import ServerStore

DIM = 384
VOCAB = 30_000
TENANTS = 10


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


def _sparse(rng: np.random.Generator, n_terms: int) -> SparseVec:
    terms = np.unique(np.minimum(rng.zipf(1.3, n_terms), VOCAB))
    return SparseVec(indices=terms.astype(int).tolist(), values=rng.uniform(0.5, 2.0, len(terms)).round(3).tolist())


def _fill(store: VectorStore, n: int, seed: int) -> float:
    rng = np.random.default_rng(seed)
    store.ensure_collection(CollectionSpec(name="regulations", dense={DENSE_NAME: DIM}, sparse=True))
    started = time.perf_counter()
    batch = 2_000
    for start in range(0, n, batch):
        size = min(batch, n - start)
        dense = rng.standard_normal((size, DIM)).astype(np.float32)
        dense /= np.linalg.norm(dense, axis=1, keepdims=True)
        points = [
            StoredPoint(
                id=str(uuid.UUID(int=start + i + 1)),
                dense={DENSE_NAME: dense[i].tolist()},
                sparse=_sparse(rng, 60),
                payload={
                    "collection": "regulations",
                    "tenant": f"t{(start + i) % TENANTS}",
                    "jurisdiction": "CN" if (start + i) % 5 else "US",
                    "source": f"doc-{(start + i) // 40}",
                    "chunk_id": f"c{start + i}",
                    "text": "synthetic",
                },
            )
            for i in range(size)
        ]
        store.upsert("regulations", points)
    store.optimize()
    return n / (time.perf_counter() - started)


def _latency(store: VectorStore, queries: int, seed: int) -> tuple[float, float]:
    rng = np.random.default_rng(seed + 1)
    where = search_filter("regulations", SearchFilters(tenant="t3"))
    fusion = Fusion()
    samples = []
    for _ in range(queries):
        q = rng.standard_normal(DIM).astype(np.float32)
        q /= np.linalg.norm(q)
        vectors = [(DENSE_NAME, q.tolist()), (SPARSE_NAME, _sparse(rng, 6))]
        started = time.perf_counter()
        lists = store.query("regulations", vectors, where, prefetch_limit(5))
        fuse(lists, fusion.weights([DENSE_NAME, SPARSE_NAME]), 5, fusion.method)
        samples.append((time.perf_counter() - started) * 1000)
    return _percentiles(samples)


def _ingest(files: int, workdir: Path) -> tuple[int, float]:
    docs = workdir / "docs"
    docs.mkdir()
    for f in range(files):
        lines = [f"第{f + 1}章 催收管理"]
        for a in range(1, 26):
            lines.append(
                f"第{a}条 机构开展第{f}类业务的贷后催收，应当遵守第{a}项要求：每日二十二时至次日八时不得催收，"
                f"同一号码每日拨打不超过{a % 7 + 1}次，催收人员应当出示工作证件并全程录音，编号{f}-{a}。"
            )
        (docs / f"rules-{f}.txt").write_text("\n".join(lines), encoding="utf-8")
    service = RetrievalService(EdgeStore(workdir / "edge"), CachedEmbedder(LocalE5Embedder(), workdir / "cache.sqlite"))
    started = time.perf_counter()
    report = service.ingest([docs], "regulations")
    elapsed = time.perf_counter() - started
    service.close()
    return report.chunks_written, elapsed


def main() -> int:
    """Run the benchmark and print one table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=int(os.environ.get("QINGSHOU_BENCH_RETRIEVAL_CHUNKS", "100000")))
    parser.add_argument("--queries", type=int, default=200, help="Queries timed on Qdrant Edge")
    parser.add_argument("--local-queries", type=int, default=30, help="Queries timed on local mode (brute force)")
    parser.add_argument("--ingest-files", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qingshou-bench-retrieval-") as tmp:
        root = Path(tmp)
        chunks, seconds = _ingest(args.ingest_files, root)
        rate = chunks / seconds
        print(f"ingest (real pipeline, cold embedding cache): {chunks} chunks in {seconds:.1f} s = {rate:.1f} chunks/s")
        model = LocalE5Embedder()
        samples = []
        for i in range(20):
            started = time.perf_counter()
            model.embed_query(f"晚上几点以后不能打催收电话？{i}")
            samples.append((time.perf_counter() - started) * 1000)
        e50, e95 = _percentiles(samples)
        from qdrant_client import QdrantClient

        rows = []
        for name, store, queries in (
            ("Qdrant Edge (qdrant-edge-py)", EdgeStore(root / "bench-edge"), args.queries),
            ("qdrant-client local mode", ServerStore(QdrantClient(":memory:")), args.local_queries),
        ):
            rate = _fill(store, args.chunks, seed=7)
            p50, p95 = _latency(store, queries, seed=7)
            rows.append((f"{name} [{queries} q]", rate, p50, p95))
            store.close()
        print(f"\nhybrid query (dense + BM25 lists, DBSF fusion, tenant filter) at {args.chunks:,} chunks")
        print(f"{'backend':<40}{'write+index/s':>16}{'p50 ms':>10}{'p95 ms':>10}")
        for name, rate, p50, p95 in rows:
            print(f"{name:<40}{rate:>16,.0f}{p50:>10.2f}{p95:>10.2f}")
        print(f"{'query embedding (bundled e5) [20 q]':<40}{'':>16}{e50:>10.2f}{e95:>10.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
