"""Tenant partitioning: a key bound to bank-a sees and acts on bank-a's cases only; unbound keys see every tenant."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from core.deps import Deps, build_deps
from core.synth.contracts.generate import write_contract
from core.synth.contracts.spec import truth_from_case
from tests.conftest import API_KEYS, make_settings, split_tenants
from tools.negotiation.approvals import NegotiationStore
from tools.negotiation.models import OfferTerms
from tools.negotiation.offers import check_terms, position

A = "C000003"
"""A case of bank-a (cases up to C000150 are bank-a's, the rest bank-b's)."""
B = "C000203"
"""A case of bank-b."""
MISSING = "C999999"
BOUND = {role: f"bank-a-{role}-key-000001" for role in ("collector", "supervisor", "compliance", "qa", "system")}
B_SUPERVISOR = "bank-b-supervisor-key-0001"


def bound(role: str) -> dict[str, str]:
    """Header of a key of ``role`` bound to bank-a."""
    return {"X-API-Key": BOUND[role]}


def platform(role: str) -> dict[str, str]:
    """Header of an unbound (platform) key of ``role``."""
    return {"X-API-Key": API_KEYS[role]}


@pytest.fixture
def tdeps(var_dir: Path) -> Iterator[Deps]:
    """The portfolio split between bank-a and bank-b, with bound and unbound keys."""
    keys = [f"{key}:{role}" for role, key in API_KEYS.items()]
    keys += [f"{key}:{role}@bank-a" for role, key in BOUND.items()]
    keys.append(f"{B_SUPERVISOR}:supervisor@bank-b")
    deps = build_deps(make_settings(var_dir, api_keys=",".join(keys)))
    split_tenants(deps)
    yield deps
    deps.close()


@pytest.fixture
def tc(tdeps: Deps) -> Iterator[TestClient]:
    """The whole app over the split portfolio."""
    from server.app import create_app

    with TestClient(create_app(deps=tdeps)) as c:
        yield c


def hidden(foreign: httpx.Response, missing: httpx.Response, foreign_id: str, missing_id: str) -> None:
    """The answer for another tenant's id is the answer for an id that does not exist (status and JSON body)."""
    assert missing.status_code == 404, missing.text
    assert foreign.status_code == 404, foreign.text
    assert foreign.json() == json.loads(missing.text.replace(missing_id, foreign_id))
    assert foreign_id in foreign.text


# ---- cases -------------------------------------------------------------------------------------------------------


def test_cases_list_shows_a_bound_key_its_tenant_only(tc: TestClient) -> None:
    page = tc.get("/v1/cases", params={"limit": 500}, headers=bound("collector")).json()
    ids = [c["id"] for c in page["items"]]
    assert A in ids and B not in ids and page["total"] == 150 and all(i <= "C000150" for i in ids)
    own = tc.get("/v1/cases", params={"limit": 500, "tenant": "bank-a"}, headers=bound("collector"))
    assert own.status_code == 200 and own.json()["total"] == 150
    other = tc.get("/v1/cases", params={"tenant": "bank-b"}, headers=bound("collector"))
    assert other.status_code == 403 and "bank-a" in other.json()["detail"] and "bank-b" in other.json()["detail"]
    every = tc.get("/v1/cases", params={"limit": 500}, headers=platform("collector")).json()
    assert every["total"] == 300 and {A, B} <= {c["id"] for c in every["items"]}
    only_b = tc.get("/v1/cases", params={"limit": 500, "tenant": "bank-b"}, headers=platform("collector")).json()
    assert only_b["total"] == 150 and B in {c["id"] for c in only_b["items"]} and A not in str(only_b)
    assert tc.get("/v1/cases", params={"tenant": "no such!"}, headers=platform("qa")).status_code == 422


def test_case_detail_of_another_tenant_is_unknown(tc: TestClient) -> None:
    mine = tc.get(f"/v1/cases/{A}", headers=bound("qa"))
    assert mine.status_code == 200 and mine.json()["tenant"] == "bank-a"
    hidden(
        tc.get(f"/v1/cases/{B}", headers=bound("qa")), tc.get(f"/v1/cases/{MISSING}", headers=bound("qa")), B, MISSING
    )
    assert tc.get(f"/v1/cases/{B}", headers=platform("qa")).json()["tenant"] == "bank-b"
    assert tc.get(f"/v1/cases/{A}", headers={"X-API-Key": B_SUPERVISOR}).status_code == 404


# ---- agents ------------------------------------------------------------------------------------------------------


def test_triage_invoke(tc: TestClient) -> None:
    url = "/v1/agents/triage:invoke"
    assert tc.post(url, json={"case_id": A}, headers=bound("collector")).status_code == 200
    hidden(
        tc.post(url, json={"case_id": B}, headers=bound("collector")),
        tc.post(url, json={"case_id": MISSING}, headers=bound("collector")),
        B,
        MISSING,
    )
    assert tc.post(url, json={"case_id": B}, headers=platform("collector")).status_code == 200


def test_valuation_invoke_single_and_package(tc: TestClient) -> None:
    url = "/v1/agents/valuation:invoke"
    assert tc.post(url, json={"case_id": A, "paths": 100}, headers=bound("system")).status_code == 200
    hidden(
        tc.post(url, json={"case_id": B, "paths": 100}, headers=bound("system")),
        tc.post(url, json={"case_id": MISSING, "paths": 100}, headers=bound("system")),
        B,
        MISSING,
    )
    hidden(
        tc.post(url, json={"case_ids": [A, B], "paths": 100}, headers=bound("system")),
        tc.post(url, json={"case_ids": [A, MISSING], "paths": 100}, headers=bound("system")),
        B,
        MISSING,
    )
    lines = {"lines": [{"case_id": A}, {"case_id": B}], "paths": 100}
    assert tc.post(url, json=lines, headers=bound("system")).status_code == 404
    package = tc.post(url, json={"case_ids": [A, B], "paths": 100}, headers=platform("system"))
    assert package.status_code == 200 and package.json()["package"]["cases"] == 2


def test_redact_with_a_case(tc: TestClient) -> None:
    assert tc.post("/v1/redact", json={"text": "你好", "case_id": A}, headers=bound("collector")).status_code == 200
    hidden(
        tc.post("/v1/redact", json={"text": "你好", "case_id": B}, headers=bound("collector")),
        tc.post("/v1/redact", json={"text": "你好", "case_id": MISSING}, headers=bound("collector")),
        B,
        MISSING,
    )
    assert tc.post("/v1/redact", json={"text": "你好", "case_id": B}, headers=platform("collector")).status_code == 200


def test_redact_reuses_only_the_pseudonyms_of_a_visible_thread(tc: TestClient) -> None:
    mine = tc.post("/v1/threads", json={"case_id": A}, headers=bound("collector")).json()["thread_id"]
    theirs = tc.post("/v1/threads", json={"case_id": B}, headers=platform("collector")).json()["thread_id"]
    body = {"text": "请拨打13912345678"}
    assert tc.post("/v1/redact", json={**body, "thread_id": mine}, headers=bound("collector")).status_code == 200
    for thread_id in (theirs, "t-no-such-thread"):
        r = tc.post("/v1/redact", json={**body, "thread_id": thread_id}, headers=bound("collector"))
        assert r.status_code == 404 and r.json()["detail"] == f"unknown thread: {thread_id}"
    assert tc.post("/v1/redact", json={**body, "thread_id": theirs}, headers=platform("collector")).status_code == 200


def test_chat_with_a_case_and_a_thread(tc: TestClient) -> None:
    url = "/v1/chat?stream=false"
    mine = tc.post(url, json={"message": f"查看 {A}"}, headers=bound("collector"))
    assert mine.status_code == 200 and mine.json()["answer"]["tools"] == ["case_facts"]
    assert f"案件 {A}" in mine.json()["answer"]["text"]
    other = tc.post(url, json={"message": f"查看 {B}"}, headers=bound("collector")).json()["answer"]["text"]
    missing = tc.post(url, json={"message": f"查看 {MISSING}"}, headers=bound("collector")).json()["answer"]["text"]
    assert other.replace(B, "X") == missing.replace(MISSING, "X") and "unknown case" in other
    theirs = tc.post(url, json={"message": f"查看 {B}"}, headers=platform("collector")).json()["thread_id"]
    hidden(
        tc.post(url, json={"message": f"分析 {A}", "thread_id": theirs}, headers=bound("collector")),
        tc.post(url, json={"message": f"分析 {A}", "thread_id": "t-nope"}, headers=bound("collector")),
        theirs,
        "t-nope",
    )
    assert tc.get(f"/v1/chat/threads/{theirs}", headers=bound("collector")).status_code == 404
    assert tc.get(f"/v1/chat/threads/{theirs}", headers=platform("qa")).status_code == 200
    assert (
        f"案件 {B}"
        in tc.post(url, json={"message": f"查看 {B}"}, headers=platform("collector")).json()["answer"]["text"]
    )


def test_threads_create_run_and_state(tc: TestClient) -> None:
    theirs = tc.post("/v1/threads", json={"case_id": B}, headers=platform("collector"))
    assert theirs.status_code == 201
    tid = theirs.json()["thread_id"]
    hidden(
        tc.get(f"/v1/threads/{tid}", headers=bound("qa")),
        tc.get("/v1/threads/t-nope", headers=bound("qa")),
        tid,
        "t-nope",
    )
    hidden(
        tc.post(f"/v1/threads/{tid}/runs", json={"case_id": A}, headers=bound("collector")),
        tc.post("/v1/threads/t-nope/runs", json={"case_id": A}, headers=bound("collector")),
        tid,
        "t-nope",
    )
    assert tc.get(f"/v1/threads/{tid}", headers=platform("qa")).status_code == 200
    hidden(
        tc.post("/v1/threads", json={"case_id": B}, headers=bound("collector")),
        tc.post("/v1/threads", json={"case_id": MISSING}, headers=bound("collector")),
        B,
        MISSING,
    )
    mine = tc.post("/v1/threads", json={"case_id": A}, headers=bound("collector"))
    assert mine.status_code == 201
    own = mine.json()["thread_id"]
    hidden(
        tc.post(f"/v1/threads/{own}/runs", json={"case_id": B}, headers=bound("collector")),
        tc.post(f"/v1/threads/{own}/runs", json={"case_id": MISSING}, headers=bound("collector")),
        B,
        MISSING,
    )
    run = tc.post(f"/v1/threads/{own}/runs", json={"case_id": A}, headers=bound("collector"))
    assert run.status_code == 200 and run.json()["values"]["triage"]["case_id"] == A
    assert tc.get(f"/v1/threads/{own}", headers=bound("qa")).json()["case_id"] == A
    blank = tc.post("/v1/threads", headers=bound("collector")).json()["thread_id"]
    assert tc.get(f"/v1/threads/{blank}", headers=bound("qa")).status_code == 200


# ---- compliance --------------------------------------------------------------------------------------------------

REVIEW = {"channel": "sms", "team": "t1", "turns": [{"speaker": "bot", "text": "【华信银行】你给我等着。"}]}
PLAN = {"channel": "call", "at": "2026-03-02T10:00:00+08:00", "callee": "debtor"}


def test_compliance_invoke_and_gate(tc: TestClient) -> None:
    url = "/v1/agents/compliance:invoke"
    assert tc.post(url, json=dict(REVIEW, case_id=A), headers=bound("collector")).status_code == 200
    hidden(
        tc.post(url, json=dict(REVIEW, case_id=B), headers=bound("collector")),
        tc.post(url, json=dict(REVIEW, case_id=MISSING), headers=bound("collector")),
        B,
        MISSING,
    )
    assert tc.post(url, json=REVIEW, headers=bound("collector")).status_code == 200
    assert tc.post(url, json=dict(REVIEW, case_id=B), headers=platform("collector")).status_code == 200
    gate = "/v1/compliance/gate"
    assert tc.post(gate, json={"case_id": A, "plan": PLAN}, headers=bound("collector")).status_code == 200
    hidden(
        tc.post(gate, json={"case_id": B, "plan": PLAN}, headers=bound("collector")),
        tc.post(gate, json={"case_id": MISSING, "plan": PLAN}, headers=bound("collector")),
        B,
        MISSING,
    )
    assert tc.post(gate, json={"case_id": B, "plan": PLAN}, headers=platform("collector")).status_code == 200


def test_compliance_reports_count_the_tenants_reviews_only(tc: TestClient) -> None:
    url = "/v1/agents/compliance:invoke?save=true"
    at = {"at": "2026-03-02T10:00:00+08:00"}
    turns = [dict(REVIEW["turns"][0], **at)]  # type: ignore[index]
    ids = {}
    for name, case_id in (("a", A), ("b", B), ("none", None)):
        body = dict(REVIEW, turns=turns, case_id=case_id)
        ids[name] = tc.post(url, json=body, headers=platform("collector")).json()["review_id"]
    period = {"from": "2026-03-01", "to": "2026-03-31"}
    everything = tc.get("/v1/compliance/reports", params=period, headers=platform("compliance"))
    assert everything.json()["reviews"] == 3 and all(i in everything.text for i in ids.values())
    own = tc.get("/v1/compliance/reports", params=period, headers=bound("compliance"))
    assert own.status_code == 200 and own.json()["reviews"] == 1
    assert ids["a"] in own.text and ids["b"] not in own.text and ids["none"] not in own.text
    html = tc.get("/v1/compliance/reports", params=period | {"format": "html"}, headers=bound("compliance"))
    assert html.status_code == 200 and ids["b"] not in html.text
    refused = tc.get("/v1/compliance/reports", params=period | {"tenant": "bank-b"}, headers=bound("compliance"))
    assert refused.status_code == 403 and "bank-b" in refused.json()["detail"]
    only_b = tc.get("/v1/compliance/reports", params=period | {"tenant": "bank-b"}, headers=platform("compliance"))
    assert only_b.json()["reviews"] == 1 and ids["b"] in only_b.text and ids["a"] not in only_b.text


# ---- extraction and legal documents ------------------------------------------------------------------------------


def _upload(tc: TestClient, deps: Deps, tmp_path: Path, case_id: str, headers: dict[str, str], **data: str):
    truth = truth_from_case(deps.cases.get_case(case_id))
    path = write_contract(truth, tmp_path / f"contract-{case_id}.txt", "txt").path
    files = {"file": (path.name, path.read_bytes(), "text/plain")}
    return tc.post("/v1/agents/extraction:invoke", files=files, data={"case_id": case_id, **data}, headers=headers)


def test_extraction_and_legal_documents(tc: TestClient, tdeps: Deps, tmp_path: Path) -> None:
    assert _upload(tc, tdeps, tmp_path, A, bound("collector")).status_code == 200
    foreign = _upload(tc, tdeps, tmp_path, B, bound("collector"), store="true")
    assert foreign.status_code == 404 and foreign.json() == {"detail": f"unknown case: {B}"}
    assert _upload(tc, tdeps, tmp_path, A, platform("collector"), store="true").status_code == 200
    assert _upload(tc, tdeps, tmp_path, B, platform("collector"), store="true").status_code == 200

    url = "/v1/legal-documents"
    mine = tc.post(url, json={"case_id": A, "kind": "payment-order"}, headers=bound("collector"))
    assert mine.status_code == 201, mine.text
    hidden(
        tc.post(url, json={"case_id": B, "kind": "payment-order"}, headers=bound("collector")),
        tc.post(url, json={"case_id": MISSING, "kind": "payment-order"}, headers=bound("collector")),
        B,
        MISSING,
    )
    theirs = tc.post(url, json={"case_id": B, "kind": "payment-order"}, headers=platform("collector"))
    assert theirs.status_code == 201, theirs.text
    own_id, their_id = mine.json()["document"]["id"], theirs.json()["document"]["id"]

    assert tc.get(f"{url}/{own_id}", headers=bound("supervisor")).status_code == 200
    hidden(
        tc.get(f"{url}/{their_id}", headers=bound("supervisor")),
        tc.get(f"{url}/ld-nope", headers=bound("supervisor")),
        their_id,
        "ld-nope",
    )
    for action in ("approve", "reject"):
        hidden(
            tc.post(f"{url}/{their_id}:{action}", headers=bound("supervisor")),
            tc.post(f"{url}/ld-nope:{action}", headers=bound("supervisor")),
            their_id,
            "ld-nope",
        )
    assert tc.get(f"{url}/{their_id}", headers=bound("supervisor")).status_code == 404
    assert tc.get(f"{url}/{their_id}", headers=platform("supervisor")).headers["x-document-status"] == "pending"
    assert tc.post(f"{url}/{own_id}:approve", headers=bound("supervisor")).json()["status"] == "approved"
    assert tc.post(f"{url}/{their_id}:reject", headers={"X-API-Key": B_SUPERVISOR}).json()["status"] == "rejected"


# ---- negotiation -------------------------------------------------------------------------------------------------


def _seed_approval_and_handoff(deps: Deps, case_id: str) -> int:
    case = deps.cases.get_case(case_id)
    check = check_terms(case, OfferTerms(kind="settlement", discount=position(case).principal), "collector")
    store = NegotiationStore(deps.sessions)
    store.hand_off(case_id, reasons=["offer_above_authority"], summary="test", created_by="test")
    return store.request_approval(case_id, check, requested_by="test").id


def test_negotiation_invoke_and_threads(tc: TestClient) -> None:
    url = "/v1/agents/negotiation:invoke"
    mine = tc.post(url, json={"case_id": A, "message": "能不能分12期"}, headers=bound("collector"))
    assert mine.status_code == 200, mine.text
    hidden(
        tc.post(url, json={"case_id": B, "message": "hi"}, headers=bound("collector")),
        tc.post(url, json={"case_id": MISSING, "message": "hi"}, headers=bound("collector")),
        B,
        MISSING,
    )
    theirs = tc.post(url, json={"case_id": B, "message": "能不能分12期"}, headers=platform("collector"))
    assert theirs.status_code == 200
    their_thread = theirs.json()["thread_id"]
    hidden(
        tc.post(url, json={"case_id": A, "message": "hi", "thread_id": their_thread}, headers=bound("collector")),
        tc.post(url, json={"case_id": A, "message": "hi", "thread_id": "t-nope"}, headers=bound("collector")),
        their_thread,
        "t-nope",
    )


def test_approvals_and_handoffs(tc: TestClient, tdeps: Deps) -> None:
    own, theirs = _seed_approval_and_handoff(tdeps, A), _seed_approval_and_handoff(tdeps, B)
    approvals = "/v1/negotiation/approvals"
    assert [a["id"] for a in tc.get(approvals, headers=platform("supervisor")).json()] == [own, theirs]
    assert [a["id"] for a in tc.get(approvals, headers=bound("supervisor")).json()] == [own]
    assert tc.get(approvals, params={"case_id": B}, headers=bound("supervisor")).json() == []
    refused = tc.get(approvals, params={"tenant": "bank-b"}, headers=bound("supervisor"))
    assert refused.status_code == 403 and "bank-b" in refused.json()["detail"]
    only_b = tc.get(approvals, params={"tenant": "bank-b"}, headers=platform("supervisor")).json()
    assert [a["id"] for a in only_b] == [theirs]
    for action in ("approve", "reject"):
        hidden(
            tc.post(f"{approvals}/{theirs}:{action}", headers=bound("supervisor")),
            tc.post(f"{approvals}/999:{action}", headers=bound("supervisor")),
            str(theirs),
            "999",
        )
    assert tc.post(f"{approvals}/{own}:approve", headers=bound("supervisor")).json()["status"] == "approved"
    assert tc.post(f"{approvals}/{theirs}:reject", headers=platform("supervisor")).json()["status"] == "rejected"

    handoffs = "/v1/negotiation/handoffs"
    assert {h["case_id"] for h in tc.get(handoffs, headers=platform("qa")).json()} == {A, B}
    assert {h["case_id"] for h in tc.get(handoffs, headers=bound("qa")).json()} == {A}
    assert tc.get(handoffs, params={"case_id": B}, headers=bound("qa")).json() == []
    assert tc.get(handoffs, params={"tenant": "bank-b"}, headers=bound("qa")).status_code == 403
    assert tc.get(handoffs, params={"tenant": "bank-a"}, headers=bound("qa")).status_code == 200
    assert {h["case_id"] for h in tc.get(handoffs, params={"tenant": "bank-b"}, headers=platform("qa")).json()} == {B}
