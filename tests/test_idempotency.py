"""Idempotency-Key on POSTs: one piece of work per key, the first answer replayed, misuse refused."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from core.db.threads import Thread
from core.deps import Deps
from server.app import create_app
from tests.conftest import API_KEYS


def h(role: str, key: str | None = None) -> dict[str, str]:
    headers = {"X-API-Key": API_KEYS[role]}
    if key is not None:
        headers["Idempotency-Key"] = key
    return headers


@pytest.fixture
def ic(deps: Deps) -> Iterator[TestClient]:
    from server.idempotency import IdempotencyMiddleware

    app = create_app(deps=deps)
    if not any(m.cls is IdempotencyMiddleware for m in app.user_middleware):
        app.add_middleware(IdempotencyMiddleware)
    with TestClient(app) as client:
        yield client


def threads(deps: Deps) -> int:
    with deps.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Thread)) or 0)


def test_a_retried_chat_turn_runs_once_and_replays_the_answer(ic: TestClient, deps: Deps) -> None:
    before = threads(deps)
    body = {"message": "C000123 上次什么时候还款？"}
    first = ic.post("/v1/chat?stream=false", json=body, headers=h("collector", "turn-1"))
    second = ic.post("/v1/chat?stream=false", json=body, headers=h("collector", "turn-1"))
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json() and second.headers.get("idempotent-replayed") == "true"
    assert threads(deps) == before + 1
    other = ic.post("/v1/chat?stream=false", json={"message": "help"}, headers=h("collector", "turn-1"))
    assert other.status_code == 422 and "different request" in other.json()["detail"]
    # Another caller's key with the same value is another request.
    theirs = ic.post("/v1/chat?stream=false", json=body, headers=h("qa", "turn-1"))
    assert theirs.headers.get("idempotent-replayed") is None
    assert threads(deps) == before + 2


def test_a_streamed_answer_is_replayed_whole(ic: TestClient) -> None:
    body = {"message": "分析案件 C000123"}
    with ic.stream("POST", "/v1/chat", json=body, headers=h("collector", "stream-1")) as r:
        first = "".join(r.iter_text())
    again = ic.post("/v1/chat", json=body, headers=h("collector", "stream-1"))
    assert again.text == first and again.headers["content-type"].startswith("text/event-stream")


def test_errors_and_bad_keys(ic: TestClient) -> None:
    bad = ic.post("/v1/chat?stream=false", json={"message": ""}, headers=h("collector", "bad-1"))
    assert bad.status_code == 422
    again = ic.post("/v1/chat?stream=false", json={"message": ""}, headers=h("collector", "bad-1"))
    assert again.status_code == 422 and again.headers.get("idempotent-replayed") == "true"
    long = ic.post("/v1/chat?stream=false", json={"message": "hi"}, headers=h("collector", "x" * 300))
    assert long.status_code == 422 and "Idempotency-Key" in long.json()["detail"]
    # GETs ignore the header.
    assert ic.get("/v1/cases/C000001", headers=h("collector", "get-1")).status_code == 200
