"""A throwaway PostgreSQL 15 cluster for the tests, started as an unprivileged user (initdb refuses root)."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_BIN = Path(os.environ.get("QINGSHOU_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))


def _run_as(user: str | None, *cmd: str) -> subprocess.CompletedProcess[str]:
    full = ["runuser", "-u", user, "--", *cmd] if user else list(cmd)
    return subprocess.run(full, check=True, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """URL of a fresh database on a private cluster; skipped when PostgreSQL binaries or psycopg are absent."""
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install '.[postgres]')")
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"no PostgreSQL server binaries under {PG_BIN}")
    user = None
    if os.geteuid() == 0:
        user = "postgres" if _has_user("postgres") else "nobody"
    base = Path(tempfile.mkdtemp(prefix="qingshou-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    if user:
        shutil.chown(base, user)
        shutil.chown(sock, user)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    _run_as(user, str(PG_BIN / "initdb"), "-D", str(data), "-U", "qingshou", "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8")  # fmt: skip
    _run_as(user, str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(base / "log"), "-w", "-o",
            f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off", "start")  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if _run_as(user, str(PG_BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)).returncode == 0:
                break
            time.sleep(0.2)
        _run_as(user, str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "qingshou", "qingshou")
        yield f"postgresql+psycopg://qingshou@127.0.0.1:{port}/qingshou"
    finally:
        subprocess.run(
            ["runuser", "-u", user, "--", str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]
            if user
            else [str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(base, ignore_errors=True)


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True
