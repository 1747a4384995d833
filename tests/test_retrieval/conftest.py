"""Fixtures of the retrieval tests: a deterministic test embedder and the same service on both backends."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest
from qdrant_client import QdrantClient

from retrieval.service import RetrievalService
from retrieval.store.base import VectorStore
from retrieval.store.edge import EdgeStore
from retrieval.store.server import ClusterLayout, ServerStore

DIM = 64


class HashEmbedder:
    """Test double: character-bigram hashing into a unit vector (shared bigrams mean higher cosine)."""

    name = "test-hash-bigram"
    dim = DIM

    def __init__(self) -> None:
        self.calls = 0

    def _one(self, text: str) -> np.ndarray:
        vec = np.zeros(DIM, dtype=np.float32)
        t = text.lower()
        for i in range(max(len(t) - 1, 1)):
            gram = t[i : i + 2]
            vec[int.from_bytes(hashlib.md5(gram.encode()).digest()[:4], "big") % DIM] += 1.0
        norm = float(np.linalg.norm(vec)) or 1.0
        return vec / norm

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += len(texts)
        return np.stack([self._one(t) for t in texts]) if texts else np.zeros((0, DIM), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._one(text)


def make_store(kind: str, root: Path) -> VectorStore:
    if kind == "edge":
        return EdgeStore(root / "edge")
    # qdrant-client local mode stands in for a Qdrant server or cluster.
    return ServerStore(QdrantClient(path=str(root / "qdrant-local")), ClusterLayout(3, 2, 1))


@pytest.fixture(params=["edge", "server"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def service(backend: str, tmp_path: Path) -> Iterator[RetrievalService]:
    svc = RetrievalService(make_store(backend, tmp_path), HashEmbedder(), index_packs=False)
    yield svc
    svc.close()
