"""The process's shared dependencies, built once from settings and passed in to tools, agents and routes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from core.crypto import FieldCipher
from core.db.engine import make_engine, session_factory
from core.db.migrate import upgrade
from core.repository import CaseRepository
from core.settings import Settings


@dataclass
class Deps:
    """Typed dependencies: the database, the PII cipher and the case repository."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    cipher: FieldCipher
    cases: CaseRepository

    def close(self) -> None:
        """Release database connections."""
        self.engine.dispose()


def build_deps(settings: Settings, *, migrate: bool = True) -> Deps:
    """Connect to the database (migrating it to head unless told not to) and build the repository."""
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.sqlalchemy_url)
    if migrate:
        upgrade(engine)
    sessions = session_factory(engine)
    cipher = FieldCipher(settings.data_key_bytes())
    return Deps(
        settings=settings, engine=engine, sessions=sessions, cipher=cipher, cases=CaseRepository(sessions, cipher)
    )
