"""pydantic-ai models whose HTTP goes through the gateway's guarded client (SGLang's OpenAI-compatible API)."""

from __future__ import annotations

from openai import AsyncOpenAI
from pydantic_ai.models.openai import OpenAIChatModel
from pydantic_ai.providers.openai_compatible import OpenAICompatibleProvider

from core.gateway.client import ModelGateway
from core.gateway.transport import ROLE_HEADER


def gateway_model(gateway: ModelGateway, role: str) -> OpenAIChatModel:
    """An ``OpenAIChatModel`` for ``role`` that can only reach the server through the gateway.

    Retries are the gateway's (the SDK's own are off). Run agents inside ``call_context(thread_id=...,
    known=...)`` so the case's own identities are redacted and pseudonyms stay stable per thread.

    Raises:
        ModelUnavailableError: No endpoint serves ``role``.
    """
    target = gateway.target(role)
    client = AsyncOpenAI(
        base_url=target.base_url,
        api_key=target.api_key or "not-needed",
        http_client=gateway.http_client,
        max_retries=0,
        default_headers={ROLE_HEADER: role},
    )
    provider = OpenAICompatibleProvider("sglang", openai_client=client)
    return OpenAIChatModel(target.model, provider=provider)
