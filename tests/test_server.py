import json

from fastapi.testclient import TestClient

from core.deps import Deps
from tests.conftest import API_KEYS


def h(role: str) -> dict[str, str]:
    return {"X-API-Key": API_KEYS[role]}


def frames(body: str) -> list[tuple[str, dict]]:
    out = []
    for block in body.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        out.append((lines["event"], json.loads(lines["data"])))
    return out


def test_health_and_ready(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"]["database"] == "ok"
    assert "not configured" in ready.json()["checks"]["model"]


def test_auth_401_and_403(client: TestClient) -> None:
    assert client.get("/v1/cases").status_code == 401
    bad = client.get("/v1/cases", headers={"X-API-Key": "nope"})
    assert bad.status_code == 401 and bad.json()["detail"] == "unknown API key"
    forbidden = client.post("/v1/agents/triage:invoke", json={"case_id": "C000001"}, headers=h("compliance"))
    assert forbidden.status_code == 403
    assert "compliance" in forbidden.json()["detail"]


def test_list_cases_pages_and_filters(client: TestClient) -> None:
    page = client.get("/v1/cases?limit=10&offset=5", headers=h("collector")).json()
    assert page["total"] == 300 and len(page["items"]) == 10
    assert page["items"][0]["id"] == "C000006"
    assert all("*" in item["debtor_name"] for item in page["items"])
    m3 = client.get("/v1/cases?bucket=M3&limit=500", headers=h("collector")).json()
    assert m3["total"] == len(m3["items"]) > 0
    assert {i["bucket"] for i in m3["items"]} == {"M3"}
    dpd = client.get("/v1/cases?min_dpd=100&max_dpd=120&limit=500", headers=h("collector")).json()
    assert all(100 <= i["days_past_due"] <= 120 for i in dpd["items"])
    assert client.get("/v1/cases?limit=0", headers=h("collector")).status_code == 422
    assert client.get("/v1/cases?bucket=M9", headers=h("collector")).status_code == 422


def test_case_detail_masks_pii_by_role(client: TestClient, deps: Deps) -> None:
    case = deps.cases.get_case("C000010")
    masked = client.get("/v1/cases/C000010", headers=h("collector")).json()
    phone = case.debtor.phones[0]
    assert masked["pii_masked"] is True
    assert masked["debtor"]["phones"][0] == f"{phone[:3]}****{phone[-4:]}"
    assert case.debtor.resident_id not in json.dumps(masked, ensure_ascii=False)
    assert case.debtor.name not in json.dumps(masked, ensure_ascii=False)
    clear = client.get("/v1/cases/C000010", headers=h("supervisor")).json()
    assert clear["pii_masked"] is False and clear["debtor"]["resident_id"] == case.debtor.resident_id


def test_unknown_case_is_404_json(client: TestClient) -> None:
    r = client.get("/v1/cases/C999999", headers=h("collector"))
    assert r.status_code == 404 and r.json() == {"detail": "unknown case: C999999"}
    r = client.post("/v1/agents/triage:invoke", json={"case_id": "C999999"}, headers=h("collector"))
    assert r.status_code == 404 and "C999999" in r.json()["detail"]


def test_malformed_bodies_are_422(client: TestClient) -> None:
    r = client.post(
        "/v1/agents/triage:invoke", content=b"{not json", headers=h("collector") | {"Content-Type": "application/json"}
    )
    assert r.status_code == 422
    assert client.post("/v1/agents/triage:invoke", json={}, headers=h("collector")).status_code == 422
    t = client.post("/v1/threads", headers=h("collector")).json()["thread_id"]
    assert client.post(f"/v1/threads/{t}/runs", json={"case_id": "x"}, headers=h("collector")).status_code == 422


def test_triage_invoke(client: TestClient) -> None:
    r = client.post("/v1/agents/triage:invoke", json={"case_id": "C000003"}, headers=h("collector"))
    assert r.status_code == 200
    body = r.json()
    assert body["case_id"] == "C000003" and body["reasons"] and body["tier"]
    assert 0 <= body["propensity"] <= 1


def test_thread_run_returns_triage_with_reasons_and_persists(client: TestClient, deps: Deps) -> None:
    created = client.post("/v1/threads", json={"case_id": "C000020"}, headers=h("collector"))
    assert created.status_code == 201
    tid = created.json()["thread_id"]
    run = client.post(f"/v1/threads/{tid}/runs", json={"case_id": "C000020"}, headers=h("collector"))
    assert run.status_code == 200
    values = run.json()["values"]
    assert values["triage"]["reasons"] and values["next_action"]["action"]
    assert any("No model server configured" in n for n in values["notes"])
    state = client.get(f"/v1/threads/{tid}", headers=h("qa")).json()
    assert state["values"]["triage"]["tier"] == values["triage"]["tier"]
    assert state["next"] == [] and state["checkpoint_id"]
    audit = deps.cases.get_case("C000020").audit
    assert [a.action for a in audit][-2:] == ["triage", "next_action_planned"]


def test_thread_run_streams_updates(client: TestClient) -> None:
    tid = client.post("/v1/threads", headers=h("collector")).json()["thread_id"]
    with client.stream(
        "POST", f"/v1/threads/{tid}/runs?stream=true", json={"case_id": "C000021"}, headers=h("collector")
    ) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        body = "".join(r.iter_text())
    events = frames(body)
    nodes = ["load_case", "triage", "plan_next_action", "draft_reminder", "review_outgoing", "brief"]
    assert [e for e, _ in events] == ["update"] * len(nodes) + ["end"]
    assert [d["node"] for e, d in events if e == "update"] == nodes
    assert events[-1][1]["values"]["triage"]["case_id"] == "C000021"


def test_unknown_thread_404(client: TestClient) -> None:
    assert client.get("/v1/threads/t-nope", headers=h("qa")).status_code == 404
    r = client.post("/v1/threads/t-nope/runs", json={"case_id": "C000001"}, headers=h("qa"))
    assert r.status_code == 404 and r.json()["detail"] == "unknown thread: t-nope"


def test_chat_streams_tool_events_and_the_answer(client: TestClient) -> None:
    with client.stream("POST", "/v1/chat", json={"message": "分析案件 C000123"}, headers=h("collector")) as r:
        body = "".join(r.iter_text())
    events = frames(body)
    names = [e for e, _ in events]
    assert names == ["thread", "tool_start", "tool_end", "message", "done"]
    start = dict(events)["tool_start"]
    assert start["tool"] == "triage" and start["title_zh"] == "智能分案"
    answer = dict(events)["message"]
    assert "C000123" in answer["text"] and answer["model_used"] is False and answer["tools"] == ["triage"]
    assert dict(events)["done"]["case_id"] == "C000123"


def test_chat_help_unknown_case_and_bad_input(client: TestClient) -> None:
    r = client.post("/v1/chat?stream=false", json={"message": "help"}, headers=h("collector")).json()
    assert r["answer"]["kind"] == "help" and "C000123" in r["answer"]["text"]
    unknown = client.post("/v1/chat?stream=false", json={"message": "分析 C999999"}, headers=h("collector")).json()
    assert "unknown case: C999999" in unknown["answer"]["text"]
    assert client.post("/v1/chat", json={"message": ""}, headers=h("collector")).status_code == 422
    r = client.post("/v1/chat", json={"message": "hi", "thread_id": "t-nope"}, headers=h("collector"))
    assert r.status_code == 404 and r.json()["detail"] == "unknown thread: t-nope"


def test_staff_page_served(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and "清收" in r.text and "/v1/chat" in r.text
