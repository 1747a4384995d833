"""The process's shared dependencies, built once from settings and passed in to tools, agents and routes."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from core.crypto import FieldCipher
from core.db.engine import make_engine, session_factory
from core.db.migrate import upgrade
from core.gateway import GatewayConfig, ModelGateway, SqlRecordSink
from core.privacy import PIIGuard, get_guard
from core.repository import CaseRepository
from core.settings import Role, Settings


@dataclass
class Deps:
    """Typed dependencies: database, PII cipher, case repository, and (built on first use) guard and gateway."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    cipher: FieldCipher
    cases: CaseRepository
    gateway_config: GatewayConfig | None = None
    """Gateway knobs; from ``settings`` (and ``QINGSHOU_LLM_*_<ROLE>`` variables) when omitted."""
    _api_keys: dict[str, Role] = field(default_factory=dict, repr=False)

    @cached_property
    def guard(self) -> PIIGuard:
        """The PII guard (Presidio recognisers and the pseudonym vault), shared by the process."""
        return get_guard()

    @cached_property
    def gateway(self) -> ModelGateway:
        """The only way to a model: redacts, retries, records every call in ``model_calls``."""
        config = self.gateway_config or GatewayConfig.from_settings(self.settings)
        return ModelGateway(config, guard=self.guard, sink=SqlRecordSink(self.sessions))

    def api_key_roles(self) -> dict[str, Role]:
        """API key to role map, read once."""
        if not self._api_keys:
            self._api_keys = self.settings.api_key_roles()
        return self._api_keys

    async def aclose(self) -> None:
        """Close the gateway's HTTP client (if one was opened) and the database connections."""
        if "gateway" in self.__dict__:
            await self.gateway.aclose()
        self.close()

    def close(self) -> None:
        """Release database connections."""
        self.engine.dispose()


def build_deps(settings: Settings, *, migrate: bool = True, gateway_config: GatewayConfig | None = None) -> Deps:
    """Connect to the database (migrating it to head unless told not to) and build the repository."""
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.sqlalchemy_url)
    if migrate:
        upgrade(engine)
    sessions = session_factory(engine)
    cipher = FieldCipher(settings.data_key_bytes())
    return Deps(
        settings=settings,
        engine=engine,
        sessions=sessions,
        cipher=cipher,
        cases=CaseRepository(sessions, cipher),
        gateway_config=gateway_config,
    )
