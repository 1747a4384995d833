"""Gateway settings: per-role models and endpoints, retries, breaker and concurrency (``QINGSHOU_LLM_*``)."""

from __future__ import annotations

import os

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.settings import Settings

_ROLE_MODEL = "QINGSHOU_LLM_MODEL_"
_ROLE_URL = "QINGSHOU_LLM_BASE_URL_"


class Target(BaseModel):
    """Where one role's calls go."""

    base_url: str
    model: str
    api_key: str | None = None


class GatewayConfig(BaseSettings):
    """Knobs of the model gateway. Per role: ``QINGSHOU_LLM_MODEL_<ROLE>`` and ``QINGSHOU_LLM_BASE_URL_<ROLE>``.

    A role is a task name such as ``drafting`` or ``triage_review``; roles without their own variables use
    ``QINGSHOU_LLM_BASE_URL`` and ``QINGSHOU_LLM_MODEL``.
    """

    model_config = SettingsConfigDict(env_prefix="QINGSHOU_LLM_", env_file=".env", extra="ignore")

    base_url: str | None = None
    """Default OpenAI-compatible endpoint, e.g. ``http://sglang:30000/v1``; unset means no model."""
    model: str = "deepseek-ai/DeepSeek-V3"
    """Default model name."""
    api_key: str | None = None
    """Bearer token, if the server wants one."""
    timeout_s: float = Field(default=60.0, gt=0)
    """Read timeout of one attempt (a hung server fails after this)."""
    connect_timeout_s: float = Field(default=5.0, gt=0)
    """Connect timeout."""
    max_retries: int = Field(default=3, ge=0, le=10)
    """Retries after the first attempt on 429, 5xx, timeouts and connection errors."""
    backoff_base_s: float = Field(default=0.5, ge=0)
    """First backoff; doubles per retry, with ±50% jitter."""
    backoff_max_s: float = Field(default=8.0, ge=0)
    """Largest backoff (and largest ``Retry-After`` honoured)."""
    breaker_failures: int = Field(default=5, ge=1)
    """Consecutive failed attempts that open the circuit."""
    breaker_reset_s: float = Field(default=30.0, gt=0)
    """How long an open circuit refuses calls before letting one probe through."""
    max_concurrency: int = Field(default=32, ge=1)
    """Calls in flight at once (per event loop); more wait their turn."""
    max_repairs: int = Field(default=2, ge=0, le=5)
    """Repair round-trips when structured output breaks its schema."""
    role_models: dict[str, str] = Field(default_factory=dict)
    """Role to model, also read from ``QINGSHOU_LLM_MODEL_<ROLE>``."""
    role_base_urls: dict[str, str] = Field(default_factory=dict)
    """Role to endpoint, also read from ``QINGSHOU_LLM_BASE_URL_<ROLE>``."""

    @model_validator(mode="after")
    def _roles_from_environment(self) -> GatewayConfig:
        for key, value in os.environ.items():
            if key.startswith(_ROLE_URL) and value:
                self.role_base_urls.setdefault(key.removeprefix(_ROLE_URL).lower(), value)
            elif key.startswith(_ROLE_MODEL) and value:
                self.role_models.setdefault(key.removeprefix(_ROLE_MODEL).lower(), value)
        for name, url in [("base_url", self.base_url), *self.role_base_urls.items()]:
            if url and not url.startswith(("http://", "https://")):
                raise ValueError(f"{name}: must start with http:// or https://")
        self.base_url = self.base_url.rstrip("/") if self.base_url else None
        self.role_base_urls = {k: v.rstrip("/") for k, v in self.role_base_urls.items()}
        return self

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: object) -> GatewayConfig:
        """Gateway config whose defaults come from the process ``Settings`` (``llm_*`` fields)."""
        values: dict[str, object] = {
            "base_url": settings.llm_base_url,
            "model": settings.llm_model,
            "api_key": settings.llm_api_key,
            "timeout_s": settings.llm_timeout_s,
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    @property
    def available(self) -> bool:
        """Whether any endpoint is configured."""
        return bool(self.base_url or self.role_base_urls)

    def target(self, role: str) -> Target | None:
        """Endpoint and model of ``role``; ``None`` when no endpoint serves it."""
        key = role.lower()
        base_url = self.role_base_urls.get(key, self.base_url)
        if not base_url:
            return None
        return Target(base_url=base_url, model=self.role_models.get(key, self.model), api_key=self.api_key)
