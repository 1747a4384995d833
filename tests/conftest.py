"""Shared fixtures: isolated settings, a synthetic portfolio generated once per session, copied per test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""

from core.deps import Deps, build_deps  # noqa: E402
from core.settings import Settings, get_settings  # noqa: E402

API_KEYS = {
    "collector": "test-collector-key-000001",
    "supervisor": "test-supervisor-key-00001",
    "compliance": "test-compliance-key-00001",
    "qa": "test-qa-key-0000000000001",
    "system": "test-system-key-000000001",
}
PORTFOLIO_CASES = 300
PORTFOLIO_SEED = 7
DATA_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="  # base64 of 32 test bytes


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test sees the developer's QINGSHOU_* variables or .env; settings cache is reset."""
    for name in list(os.environ):
        if name.startswith("QINGSHOU_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def make_settings(var_dir: Path, **overrides: object) -> Settings:
    """Settings for a test: everything under ``var_dir``, fixed keys, no model server."""
    values: dict[str, object] = {
        "var_dir": var_dir,
        "api_keys": ",".join(f"{key}:{role}" for role, key in API_KEYS.items()),
        "data_key": DATA_KEY,
        "llm_base_url": None,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def portfolio_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A var dir holding a synthetic portfolio, generated once for the whole session."""
    from core.synth import synthesize

    var_dir = tmp_path_factory.mktemp("portfolio")
    deps = build_deps(make_settings(var_dir))
    synthesize(deps.engine, deps.cipher, PORTFOLIO_CASES, PORTFOLIO_SEED)
    deps.close()
    return var_dir


@pytest.fixture
def var_dir(portfolio_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the session portfolio, so tests may write to it."""
    target = tmp_path / "var"
    target.mkdir()
    for item in portfolio_dir.iterdir():
        if item.is_file() and not item.name.endswith(("-wal", "-shm")):
            shutil.copy2(item, target / item.name)
    return target


@pytest.fixture
def settings(var_dir: Path) -> Settings:
    """Settings over the private portfolio copy."""
    return make_settings(var_dir)


@pytest.fixture
def deps(settings: Settings) -> Iterator[Deps]:
    """Dependencies over the private portfolio copy."""
    d = build_deps(settings)
    yield d
    d.close()


@pytest.fixture
def client(deps: Deps) -> Iterator[TestClient]:
    """The whole app (every router, lifespan run) over the private portfolio copy."""
    from server.app import create_app

    with TestClient(create_app(deps=deps)) as c:
        yield c


def auth(role: str) -> dict[str, str]:
    """The ``X-API-Key`` header of a test role."""
    return {"X-API-Key": API_KEYS[role]}


@pytest.fixture
def env_for_cli(monkeypatch: pytest.MonkeyPatch, var_dir: Path) -> Path:
    """Point the CLI (which reads the environment) at the private portfolio copy."""
    monkeypatch.setenv("QINGSHOU_VAR_DIR", str(var_dir))
    monkeypatch.setenv("QINGSHOU_DATA_KEY", DATA_KEY)
    monkeypatch.setenv("QINGSHOU_API_KEYS", ",".join(f"{key}:{role}" for role, key in API_KEYS.items()))
    return var_dir


def split_tenants(deps: Deps) -> None:
    """Give cases up to C000150 to tenant bank-a and the rest to bank-b (the multi-tenant tests' portfolio)."""
    with deps.engine.begin() as conn:
        conn.execute(text("UPDATE cases SET tenant = CASE WHEN id <= 'C000150' THEN 'bank-a' ELSE 'bank-b' END"))
