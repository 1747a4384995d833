"""Canary identities planted in a stored case must not leave through any agent path that reads the database."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from agents.case_workflow.context import Context
from core.db import schema as s
from core.deps import Deps, build_deps
from core.gateway.records import ModelCall
from graphs.case_workflow import compile_graph
from server.app import create_app
from tests.conftest import API_KEYS, make_settings
from tests.fakes.sglang import FakeSGLang, Reply
from tests.test_gateway_canary import (
    ADDRESS,
    CANARIES,
    CONTACT,
    CONTACT_PHONE,
    DEBTOR,
    EMAIL,
    MOBILE,
    MOBILE_SPACED,
    RESIDENT_ID,
)
from tools.triage.tool import triage_casefile


def borderline_case(deps: Deps) -> str:
    """A case whose propensity falls in a review band, so its triage asks the model for a second opinion."""
    for row in deps.cases.list_cases(300, 0):
        if triage_casefile(deps.cases.get_case(row.id)).borderline:
            return row.id
    raise AssertionError("no borderline case in the test portfolio")


def plant(deps: Deps, case_id: str) -> None:
    """Overwrite the debtor of the case with canary identities (encrypted, as the generator would)."""
    enc = deps.cipher.encrypt
    with deps.sessions.begin() as session:
        case = session.get_one(s.Case, case_id)
        debtor = session.get_one(s.Debtor, case.debtor_id)
        debtor.name_enc = enc(DEBTOR, "debtors.name_enc")
        debtor.resident_id_enc = enc(RESIDENT_ID, "debtors.resident_id_enc")
        debtor.phones_enc = enc(json.dumps([MOBILE]), "debtors.phones_enc")
        debtor.address_enc = enc(ADDRESS, "debtors.address_enc")
        contacts = [{"name": CONTACT, "relation": "同事", "phone": CONTACT_PHONE}]
        debtor.contacts_enc = enc(json.dumps(contacts, ensure_ascii=False), "debtors.contacts_enc")
        case.notes = f"{DEBTOR}称下周还款；备用号码{MOBILE_SPACED}，邮箱{EMAIL}。"


async def via_workflow(deps: Deps, case_id: str, server: FakeSGLang) -> None:
    state = await compile_graph().ainvoke({"case_id": case_id}, context=Context(deps=deps))
    assert state["triage"].borderline and state["triage"].review is not None


async def via_chat_endpoint(deps: Deps, case_id: str, server: FakeSGLang) -> None:
    # The copilot's model plans: it asks for the triage (whose borderline review calls the model again) and the case
    # facts with the people on it (masked); then the default reply is its answer.
    sections = ["overview", "guarantors", "contacts"]
    calls = [
        {"name": "triage", "arguments": {"case_id": case_id}},
        {"name": "case_facts", "arguments": {"case_id": case_id, "sections": sections}},
    ]
    server.push(Reply(content=None, tool_calls=calls))
    with TestClient(create_app(deps=deps)) as client:
        r = client.post(
            "/v1/chat?stream=false", json={"message": f"分析案件 {case_id}"}, headers={"X-API-Key": API_KEYS["qa"]}
        )
        assert r.status_code == 200
        assert DEBTOR not in r.text and MOBILE not in r.text  # qa may not see PII in the answer either


PATHS: dict[str, Callable[[Deps, str, FakeSGLang], Awaitable[None]]] = {
    "case_workflow (triage review + brief)": via_workflow,
    "server./v1/chat": via_chat_endpoint,
}


@pytest.mark.parametrize("name", list(PATHS))
async def test_no_canary_leaves_through_stored_case(name: str, var_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    reply = json.dumps({"summary_zh": "按规则处理。", "summary_en": "Handle per the rules."}, ensure_ascii=False)
    with FakeSGLang(default=Reply(content=reply)) as server:
        deps = build_deps(make_settings(var_dir, llm_base_url=server.base_url, llm_timeout_s=3))
        case_id = borderline_case(deps)
        plant(deps, case_id)
        await PATHS[name](deps, case_id, server)
        await deps.aclose()
    bodies = "\n".join(b.decode("utf-8") for b in server.chat_bodies())
    assert len(server.chat_bodies()) >= 2, "expected the triage review and the brief to call the model"
    with deps.sessions() as session:
        stored = "\n".join(repr(r.__dict__) for r in session.scalars(select(ModelCall)))
    checkpoints = b"".join(p.read_bytes() for p in var_dir.glob("checkpoints.db*")).decode("utf-8", "replace")
    for where, text in {"request": bodies, "log": caplog.text, "records": stored, "checkpoints": checkpoints}.items():
        for canary in CANARIES:
            assert canary not in text, f"{name}: {canary!r} leaked into the {where}"
