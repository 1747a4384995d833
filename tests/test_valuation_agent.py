"""Valuation agent: HTTP endpoint, template narrative, grounding of model narratives, workflow hooks."""

import asyncio
from decimal import Decimal
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from agents.valuation import narrative as narrative_mod
from agents.valuation.node import needs_valuation, value_case_node
from agents.valuation.state import Narrative, ValuationRequest
from agents.valuation.tools import TOOLS
from core.deps import Deps
from prompts.valuation import VALUATION_FACTS, VALUATION_QUESTION
from tests.conftest import API_KEYS
from tools.triage.models import Tier, TriageResult
from tools.valuation.policy import load_policy
from tools.valuation.tool import value_case


def h(role: str) -> dict[str, str]:
    return {"X-API-Key": API_KEYS[role]}


def test_invoke_case_and_package(client: TestClient):
    r = client.post("/v1/agents/valuation:invoke", json={"case_id": "C000010", "paths": 1000}, headers=h("supervisor"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["kind"] == "case" and body["model_used"] is False and body["case"]["case_id"] == "C000010"
    assert body["case"]["expected_recovery"] in body["narrative"]["summary_zh"]
    assert body["case"]["expected_recovery"] in body["narrative"]["summary_en"]
    pkg = {"case_ids": ["C000001", "C000002", "C000003"], "discount_rate": 0.1, "paths": 1000}
    r = client.post("/v1/agents/valuation:invoke", json=pkg, headers=h("system"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["kind"] == "package" and body["package"]["discount_rate"] == 0.1
    assert body["package"]["bid_high"] in body["narrative"]["summary_zh"]


def test_invoke_bad_input_is_4xx(client: TestClient):
    url = "/v1/agents/valuation:invoke"
    assert client.post(url, json={"case_id": "C999999"}, headers=h("supervisor")).status_code == 404
    assert client.post(url, json={"case_ids": ["C000001", "C999999"]}, headers=h("supervisor")).status_code == 404
    for body in (
        {},
        {"case_id": "C000001", "case_ids": ["C000002"]},
        {"case_ids": ["C000001", "C000001"]},
        {"case_ids": ["C000001"], "discount_rate": -0.1},
        {"lines": [{"case_id": "C000001", "claim": "-1"}]},
        {"case_ids": []},
    ):
        r = client.post(url, json=body, headers=h("supervisor"))
        assert r.status_code == 422, (body, r.text)
        assert "detail" in r.json()
    assert client.post(url, json={"case_id": "C000001"}, headers=h("collector")).status_code == 403
    assert client.post(url, json={"case_id": "C000001"}).status_code == 401


def test_missing_artifact_is_503(client: TestClient, monkeypatch, tmp_path):
    from tools.valuation import recovery_model

    monkeypatch.setattr(recovery_model, "DEFAULT_ARTIFACT", tmp_path / "gone.json")
    r = client.post("/v1/agents/valuation:invoke", json={"case_id": "C000001"}, headers=h("supervisor"))
    assert r.status_code == 503 and "artifact not found" in r.json()["detail"]


class _FakeGateway:
    available = True

    def __init__(self, answer: Narrative) -> None:
        self.answer = answer
        self.calls = 0

    async def structured(self, role, messages, output_type, **kwargs):
        self.calls += 1
        assert role == "valuation" and output_type is Narrative
        assert "<valuation" in messages[-2].content
        return self.answer


def test_model_narrative_is_grounded_or_rejected(deps: Deps):
    v = value_case(deps.cases, deps.engine, "C000020", paths=1000)
    good = Narrative(summary_zh=f"预期回收 {v.expected_recovery} 元。", summary_en=f"Expected {v.expected_recovery}.")
    fake = SimpleNamespace(gateway=_FakeGateway(good), cases=deps.cases)
    from agents.valuation.service import explain

    result = asyncio.run(explain(fake, v))
    assert result.model_used is True and result.narrative == good
    bad = Narrative(summary_zh="预期回收 123456789.12 元。", summary_en="Expected 123456789.12.")
    result = asyncio.run(explain(SimpleNamespace(gateway=_FakeGateway(bad), cases=deps.cases), v))
    assert result.model_used is False and "123456789.12" in result.notes[0]
    assert result.narrative == narrative_mod.case_template(v)


def test_prompts_format_with_their_placeholders():
    assert '<valuation kind="case">' in VALUATION_FACTS.format(kind="case", valuation_json="{}")
    assert "package" in VALUATION_QUESTION.format(kind_zh="资产包", kind_en="package")


def test_tools_have_descriptions():
    names = [t.name for t in TOOLS]
    assert names == ["value_one_case", "price_package", "describe_policy"]
    for tool in TOOLS:
        assert tool.description


def test_needs_valuation_and_node(deps: Deps):
    policy = load_policy()
    case = deps.cases.get_case("C000001")
    small = case.model_copy(deep=True)
    small.legal_status = small.legal_status.__class__("none")
    small.loan.outstanding_principal, small.loan.outstanding_interest = Decimal("100.00"), Decimal("0.00")
    small.loan.outstanding_penalty = Decimal("0.00")
    calm = TriageResult.model_construct(case_id="C000001", tier=Tier.AGENT_CALL)
    assert needs_valuation(calm, small, policy) is False
    assert needs_valuation(TriageResult.model_construct(tier=Tier.LEGAL), small, policy) is True
    small.legal_status = small.legal_status.__class__("litigation")
    assert needs_valuation(calm, small, policy) is True
    small.legal_status = small.legal_status.__class__("none")
    small.loan.outstanding_principal = Decimal(str(policy.trigger.min_outstanding_yuan))
    assert needs_valuation(None, small, policy) is True
    from agents.case_workflow.cards import case_card

    assert needs_valuation(None, case_card(small), policy) is True
    small.loan.outstanding_principal = Decimal("100.00")
    assert needs_valuation(calm, case_card(small), policy) is False

    runtime = SimpleNamespace(context=SimpleNamespace(deps=deps))
    out = asyncio.run(value_case_node(SimpleNamespace(case_id="C000001"), runtime))
    assert out["valuation"].case.case_id == "C000001" and out["valuation"].model_used is False


def test_request_model_validation():
    with pytest.raises(ValueError):
        ValuationRequest()
    assert ValuationRequest(case_ids=["C1x", "C2x"]).package_lines()[1].case_id == "C2x"


def test_request_refuses_more_simulation_than_one_request_may_ask() -> None:
    from pydantic import ValidationError

    from agents.valuation.state import ValuationRequest

    ok = ValuationRequest(case_ids=[f"C{i:06d}" for i in range(1, 2001)], paths=100_000)
    assert ok.paths == 100_000
    with pytest.raises(ValidationError, match="exceeds"):
        ValuationRequest(case_ids=[f"C{i:06d}" for i in range(1, 20_002)], paths=100_000)
