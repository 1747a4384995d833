"""Build the knowledge base from settings: Qdrant Edge or a Qdrant cluster, local or remote embeddings."""

from __future__ import annotations

from pathlib import Path

import httpx

from core.settings import Settings
from retrieval.config import RetrievalSettings, load_retrieval_settings
from retrieval.embeddings import CachedEmbedder, Embedder, LocalE5Embedder, RemoteEmbedder, http_embeddings_call
from retrieval.knowledge import Fusion
from retrieval.service import RetrievalService
from retrieval.store.base import VectorStore
from retrieval.store.edge import EdgeStore
from retrieval.store.server import ClusterLayout, ServerStore


def build_embedder(settings: Settings, rs: RetrievalSettings, client: httpx.Client | None = None) -> Embedder:
    """The configured provider wrapped in the vector cache under ``var_dir``."""
    inner: Embedder
    if rs.embeddings == "remote":
        assert rs.embeddings_url is not None
        call = http_embeddings_call(
            client or httpx.Client(),
            rs.embeddings_url,
            rs.embeddings_model,
            rs.embeddings_api_key,
            rs.embeddings_timeout_s,
        )
        inner = RemoteEmbedder(call, rs.embeddings_model)
    else:
        inner = LocalE5Embedder()
    cache: Path = rs.embeddings_cache or settings.var_dir / "embeddings-cache.sqlite"
    return CachedEmbedder(inner, cache)


def build_store(settings: Settings, rs: RetrievalSettings) -> VectorStore:
    """qdrant-client against ``QINGSHOU_QDRANT_URL`` when set, else Qdrant Edge under ``qdrant_dir``."""
    if settings.qdrant_url:
        from qdrant_client import QdrantClient

        client = QdrantClient(url=settings.qdrant_url, api_key=rs.qdrant_api_key)
        layout = ClusterLayout(rs.qdrant_shards, rs.qdrant_replication, rs.qdrant_write_consistency)
        return ServerStore(client, layout)
    return EdgeStore(settings.qdrant_dir)


def build_service(
    settings: Settings,
    rs: RetrievalSettings | None = None,
    *,
    store: VectorStore | None = None,
    embedder: Embedder | None = None,
) -> RetrievalService:
    """The retrieval service for this process (pass ``store``/``embedder`` to override, as tests do)."""
    rs = rs or load_retrieval_settings()
    return RetrievalService(
        store=store or build_store(settings, rs),
        embedder=embedder or build_embedder(settings, rs),
        max_bytes=int(rs.ingest_max_mb * 2**20),
        fusion=Fusion(method=rs.fusion, dense_weight=rs.fusion_dense_weight),
    )
