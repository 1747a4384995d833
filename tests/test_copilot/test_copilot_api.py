"""The copilot over HTTP: conversations, approvals (roles, tenants, bad decisions) and a legal document's interrupt."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from core.deps import Deps
from core.synth.contracts import truth_from_case, write_contract
from server.app import create_app
from tests.conftest import API_KEYS, split_tenants
from tests.test_copilot.conftest import OFFER_CASE

BOUND = "bound-supervisor-key-0001"


def h(role: str) -> dict[str, str]:
    return {"X-API-Key": API_KEYS[role]}


@pytest.fixture
def tc(deps: Deps) -> Iterator[TestClient]:
    split_tenants(deps)  # C000001-C000150 bank-a, the rest bank-b; OFFER_CASE is bank-a's
    keys = ",".join([*(f"{key}:{role}" for role, key in API_KEYS.items()), f"{BOUND}:supervisor@bank-b"])
    deps.settings = deps.settings.model_copy(update={"api_keys": keys})
    deps._api_keys = {}
    with TestClient(create_app(deps=deps)) as client:
        yield client


def offer_turn(tc: TestClient) -> dict[str, object]:
    r = tc.post("/v1/chat?stream=false", json={"message": f"按70%给{OFFER_CASE}做结清方案"}, headers=h("collector"))
    assert r.status_code == 200
    body = r.json()
    assert len(body["interrupts"]) == 1
    return body


def test_approvals_are_listed_and_decided_by_the_right_roles(tc: TestClient) -> None:
    body = offer_turn(tc)
    interrupt_id = body["interrupts"][0]["interrupt_id"]
    listed = tc.get("/v1/copilot/approvals", headers=h("supervisor")).json()
    assert [a["id"] for a in listed] == [interrupt_id] and listed[0]["can_decide"] is True
    assert tc.get("/v1/copilot/approvals", headers=h("compliance")).json()[0]["can_decide"] is False
    assert tc.get("/v1/copilot/approvals", headers=h("collector")).status_code == 403
    assert tc.get("/v1/copilot/approvals", headers={"X-API-Key": BOUND}).json() == []  # another tenant's case
    url = f"/v1/copilot/approvals/{interrupt_id}:resume"
    assert tc.post(url, json={"action": "approve"}, headers=h("collector")).status_code == 403
    other = tc.post(url, json={"action": "approve"}, headers={"X-API-Key": BOUND})
    missing = tc.post("/v1/copilot/approvals/int-nope:resume", json={"action": "approve"}, headers={"X-API-Key": BOUND})
    assert other.status_code == missing.status_code == 404
    assert other.json()["detail"].replace(interrupt_id, "X") == missing.json()["detail"].replace("int-nope", "X")
    assert tc.post(url, json={"action": "maybe"}, headers=h("supervisor")).status_code == 422
    bad_edit = tc.post(url, json={"action": "edit", "edits": {"amount": 1}}, headers=h("supervisor"))
    assert bad_edit.status_code == 422 and "beyond a supervisor's authority" in bad_edit.json()["detail"]
    wrong_field = tc.post(url, json={"action": "edit", "edits": {"months": 3}}, headers=h("supervisor"))
    assert wrong_field.status_code == 422 and "amount" in wrong_field.json()["detail"]
    busy = tc.post(
        "/v1/chat?stream=false", json={"message": "hi", "thread_id": body["thread_id"]}, headers=h("collector")
    )
    assert busy.status_code == 409
    done = tc.post(url, json={"action": "approve", "note": "同意"}, headers=h("supervisor"))
    assert done.status_code == 200 and done.json()["approval"]["status"] == "approved"
    assert done.json()["approval"]["decided_by"] == "copilot:supervisor"
    assert tc.post(url, json={"action": "reject"}, headers=h("supervisor")).status_code == 409
    history = tc.get("/v1/copilot/approvals", params={"status": "approved"}, headers=h("supervisor")).json()
    assert [a["id"] for a in history] == [interrupt_id]
    convo = tc.get(f"/v1/chat/threads/{body['thread_id']}", headers=h("collector")).json()
    assert [m["role"] for m in convo["messages"]] == ["user", "assistant", "assistant"]
    assert convo["case_id"] == OFFER_CASE and convo["interrupts"] == []


def test_a_legal_document_waits_for_approval(tc: TestClient, deps: Deps, tmp_path: Path) -> None:
    case_id = "C000001"
    truth = truth_from_case(deps.cases.get_case(case_id))
    contract = write_contract(truth, tmp_path / "contract.docx", "docx").path
    with contract.open("rb") as f:
        stored = tc.post("/v1/agents/extraction:invoke", files={"file": ("contract.docx", f)},
                         data={"case_id": case_id, "store": "true"}, headers=h("collector"))  # fmt: skip
    assert stored.status_code == 200, stored.text
    terms = tc.post(
        "/v1/chat?stream=false", json={"message": f"{case_id} 合同约定的利率和违约金"}, headers=h("collector")
    )
    assert "年利率" in terms.json()["answer"]["text"] and "字符" in terms.json()["answer"]["text"]
    turn = tc.post(
        "/v1/chat?stream=false", json={"message": f"帮{case_id}起草一份起诉状"}, headers=h("collector")
    ).json()
    [waiting] = turn["interrupts"]
    assert waiting["kind"] == "legal_document" and waiting["editable"] == []
    document_id = waiting["record_id"]
    assert tc.get(f"/v1/legal-documents/{document_id}", headers=h("supervisor")).status_code == 200
    url = f"/v1/copilot/approvals/{waiting['interrupt_id']}:resume"
    edit = tc.post(url, json={"action": "edit", "edits": {"x": 1}}, headers=h("supervisor"))
    assert edit.status_code == 422 and "cannot be edited" in edit.json()["detail"]
    done = tc.post(url, json={"action": "approve"}, headers=h("supervisor")).json()
    assert "主管已批准法律文书" in done["answer"]["text"]
    actions = [a.action for a in deps.cases.get_case(case_id).audit]
    assert {"legal_document_drafted", "legal_document_approved", "copilot_decision"} <= set(actions)


def test_labels_translate_the_codes_the_page_shows(tc: TestClient) -> None:
    labels = tc.get("/v1/copilot/labels").json()
    assert labels["queue"]["senior_desk"] == "资深协商组" and labels["product"]["consumer_loan"] == "消费贷"


def test_cli_ask_continues_a_thread_and_exits_2_on_bad_input(env_for_cli: Path) -> None:
    from typer.testing import CliRunner

    from qingshou.cli import app as cli

    runner = CliRunner()
    first = runner.invoke(cli, ["ask", "C000123 上次什么时候还款？", "--json"])
    assert first.exit_code == 0, first.output
    import json

    body = json.loads(first.output)
    assert "C000123" in body["answer"]["text"]
    follow = runner.invoke(cli, ["ask", "那他的担保人呢？", "--thread", body["thread_id"]])
    assert follow.exit_code == 0 and "担保人" in follow.output and "C000123" in follow.output
    assert runner.invoke(cli, ["ask", "hi", "--thread", "t-nope"]).exit_code == 2
    assert runner.invoke(cli, ["ask", "hi", "--api-key", "nope"]).exit_code == 2
    assert runner.invoke(cli, ["ask", "   "]).exit_code == 2
