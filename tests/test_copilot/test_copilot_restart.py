"""A run waiting at an interrupt survives a restart of the server process (SQLite checkpointer, real processes)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import API_KEYS, DATA_KEY
from tests.test_copilot.conftest import OFFER_CASE


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """``qingshou serve`` as a child process over a var dir."""

    def __init__(self, var_dir: Path) -> None:
        self.var_dir, self.port = var_dir, _port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("QINGSHOU_")}
        env |= {"QINGSHOU_VAR_DIR": str(self.var_dir), "QINGSHOU_DATA_KEY": DATA_KEY,
                "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "",
                "QINGSHOU_API_KEYS": ",".join(f"{key}:{role}" for role, key in API_KEYS.items())}  # fmt: skip
        cmd = [sys.executable, "-m", "qingshou", "serve", "--port", str(self.port)]
        log = self.var_dir / f"server-{time.monotonic_ns()}.log"
        with log.open("wb") as out:
            self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=out)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited: {log.read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise AssertionError("server did not answer /healthz")

    def kill(self) -> None:
        """SIGKILL: no shutdown hook runs, as in a crash."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)


@pytest.fixture
def server(var_dir: Path) -> Iterator[Server]:
    srv = Server(var_dir)
    yield srv
    srv.kill()


def h(role: str) -> dict[str, str]:
    return {"X-API-Key": API_KEYS[role]}


def test_an_interrupted_run_survives_a_server_restart(server: Server) -> None:
    server.start()
    turn = httpx.post(f"{server.url}/v1/chat?stream=false", json={"message": f"按70%给{OFFER_CASE}做结清方案"},
                      headers=h("collector"), timeout=60).json()  # fmt: skip
    [waiting] = turn["interrupts"]
    thread_id = turn["thread_id"]
    server.kill()

    server.start()
    pending = httpx.get(f"{server.url}/v1/copilot/approvals", headers=h("supervisor"), timeout=30).json()
    assert [p["id"] for p in pending] == [waiting["interrupt_id"]]
    state = httpx.get(f"{server.url}/v1/chat/threads/{thread_id}", headers=h("collector"), timeout=30).json()
    assert [i["interrupt_id"] for i in state["interrupts"]] == [waiting["interrupt_id"]]
    resumed = httpx.post(f"{server.url}/v1/copilot/approvals/{waiting['interrupt_id']}:resume",
                         json={"action": "approve", "note": "重启后批准"}, headers=h("supervisor"),
                         timeout=60)  # fmt: skip
    assert resumed.status_code == 200, resumed.text
    body = resumed.json()
    assert (
        body["approval"]["status"] == "approved" and "主管已批准" in body["answer"]["text"] and body["interrupts"] == []
    )
    after = httpx.get(f"{server.url}/v1/chat/threads/{thread_id}", headers=h("collector"), timeout=30).json()
    assert after["interrupts"] == [] and "主管已批准" in after["messages"][-1]["text"]
    case = httpx.get(f"{server.url}/v1/cases/{OFFER_CASE}", headers=h("supervisor"), timeout=30).json()
    assert {"offer_approved", "copilot_decision"} <= {a["action"] for a in case["audit"]}
