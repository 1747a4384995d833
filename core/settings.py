"""Process settings: one pydantic-settings class, every variable prefixed ``QINGSHOU_``."""

from __future__ import annotations

import base64
import os
import re
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Role = Literal["collector", "supervisor", "compliance", "qa", "system"]
ROLES: tuple[Role, ...] = ("collector", "supervisor", "compliance", "qa", "system")
_TENANT = re.compile(r"[A-Za-z0-9_-]{1,32}")


class SettingsError(RuntimeError):
    """A setting has a bad value; the message names the variable."""


class Settings(BaseSettings):
    """Every knob of a Qingshou process, read from the environment and ``.env``."""

    model_config = SettingsConfigDict(
        env_prefix="QINGSHOU_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    environment: Literal["local", "staging", "production"] = "local"
    """Where the process runs; outside ``local`` no secret may be generated or defaulted."""
    var_dir: Path = Path("var")
    """Local state: the SQLite database, embedded Qdrant, checkpoints, generated keys."""
    database_url: str = ""
    """SQLAlchemy URL; empty means SQLite at ``{var_dir}/qingshou.db``."""
    qdrant_path: Path | None = None
    """Embedded Qdrant directory; empty means ``{var_dir}/qdrant``."""
    qdrant_url: str | None = None
    """Qdrant server or cluster URL; when set it wins over ``qdrant_path``."""
    llm_base_url: str | None = None
    """OpenAI-compatible server (SGLang), e.g. ``http://sglang:30000/v1``; unset runs without a model."""
    llm_model: str = "deepseek-ai/DeepSeek-V3"
    """Model name sent to the server."""
    llm_api_key: str | None = None
    """Bearer token for the model server, if it wants one."""
    llm_timeout_s: float = Field(default=60.0, gt=0)
    """Per-request timeout for model calls."""
    api_keys: str = ""
    """Comma-separated ``key:role`` pairs (``key:role@tenant`` binds a key to one tenant); empty in local generates
    one key per role."""
    data_key: str | None = None
    """Base64 of a 32-byte AES key for PII at rest; empty in local generates one under ``var_dir``."""
    checkpoint_path: Path | None = None
    """SQLite file for LangGraph checkpoints; empty means ``{var_dir}/checkpoints.db``."""
    checkpoint_url: str = ""
    """PostgreSQL URL for LangGraph checkpoints (``postgresql://...``); empty means the SQLite file above."""

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        if value and not value.startswith(("sqlite", "postgresql")):
            raise ValueError("must be a sqlite:// or postgresql:// SQLAlchemy URL")
        return value

    @field_validator("checkpoint_url")
    @classmethod
    def _check_checkpoint_url(cls, value: str) -> str:
        if value and not value.startswith("postgresql"):
            raise ValueError("must be a postgresql:// URL (empty: SQLite checkpoints under var/)")
        return value

    @field_validator("llm_base_url", "qdrant_url")
    @classmethod
    def _check_http_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        assert value is not None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("api_keys")
    @classmethod
    def _check_api_keys(cls, value: str) -> str:
        for pair in filter(None, (p.strip() for p in value.split(","))):
            key, sep, grant = pair.rpartition(":")
            if not sep or not key:
                raise ValueError(f"entry {pair!r} is not key:role")
            role, _, tenant = grant.partition("@")
            if "@" in grant and not _TENANT.fullmatch(tenant):
                raise ValueError(f"tenant {tenant!r} must be 1-32 letters, digits, '-' or '_'")
            if role not in ROLES:
                raise ValueError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
            if len(key) < 16:
                raise ValueError("every key must be at least 16 characters")
        return value

    @field_validator("data_key")
    @classmethod
    def _check_data_key(cls, value: str | None) -> str | None:
        if not value:
            return None
        try:
            raw = base64.b64decode(value, validate=True)
        except ValueError as exc:
            raise ValueError("must be base64") from exc
        if len(raw) != 32:
            raise ValueError("must decode to 32 bytes (AES-256)")
        return value

    @model_validator(mode="after")
    def _no_default_secrets_outside_local(self) -> Settings:
        if self.environment != "local":
            if not self.data_key:
                raise ValueError("QINGSHOU_DATA_KEY must be set outside the local environment")
            if not self.api_keys:
                raise ValueError("QINGSHOU_API_KEYS must be set outside the local environment")
        return self

    # ---- derived values -------------------------------------------------------------------------
    @property
    def sqlalchemy_url(self) -> str:
        """The database URL, defaulting to SQLite under ``var_dir``."""
        return self.database_url or f"sqlite:///{self.var_dir / 'qingshou.db'}"

    @property
    def qdrant_dir(self) -> Path:
        """Directory of the embedded Qdrant store."""
        return self.qdrant_path or self.var_dir / "qdrant"

    @property
    def checkpoint_file(self) -> Path:
        """SQLite file of LangGraph checkpoints."""
        return self.checkpoint_path or self.var_dir / "checkpoints.db"

    @property
    def model_configured(self) -> bool:
        """Whether a model server is configured at all."""
        return self.llm_base_url is not None

    def data_key_bytes(self) -> bytes:
        """The AES-256 key for PII at rest; in local, generated once under ``var_dir``."""
        if self.data_key:
            return base64.b64decode(self.data_key)
        path = self.var_dir / "data.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(base64.b64encode(secrets.token_bytes(32)).decode())
        return base64.b64decode(path.read_text().strip())

    def api_key_roles(self) -> dict[str, Role]:
        """Map of API key to role; in local with none configured, generated keys kept under ``var_dir``."""
        text = self.api_keys
        if not text:
            path = self.var_dir / "api-keys.txt"
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w") as fh:
                    fh.write(",".join(f"qs-{role}-{secrets.token_urlsafe(18)}:{role}" for role in ROLES))
            text = path.read_text().strip()
        out: dict[str, Role] = {}
        for pair in filter(None, (p.strip() for p in text.split(","))):
            key, _, grant = pair.rpartition(":")
            out[key] = grant.partition("@")[0]  # type: ignore[assignment]
        return out

    def api_key_tenants(self) -> dict[str, str]:
        """Keys bound to one tenant (``key:role@tenant``); keys not listed see every tenant's shared data."""
        out: dict[str, str] = {}
        for pair in filter(None, (p.strip() for p in self.api_keys.split(","))):
            key, _, grant = pair.rpartition(":")
            if "@" in grant:
                out[key] = grant.partition("@")[2]
        return out


def format_settings_error(exc: ValidationError) -> str:
    """Turn a pydantic error into lines naming the environment variable at fault."""
    lines = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"] if p != "__root__"]
        name = f"QINGSHOU_{loc[0].upper()}" if loc else "QINGSHOU settings"
        msg = str(err["msg"]).removeprefix("Value error, ")
        lines.append(f"{name}: {msg}")
    return "\n".join(lines)


def load_settings() -> Settings:
    """Build settings from the environment, raising :class:`SettingsError` naming a bad variable."""
    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsError(format_settings_error(exc)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached; tests clear it with ``get_settings.cache_clear()``)."""
    return load_settings()
