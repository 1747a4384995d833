"""Borderline review over real HTTP against the fake SGLang server: adjust, agree, reject, skip, share."""

from __future__ import annotations

import json

import pytest

from core.gateway import GatewayConfig, MemoryRecordSink, ModelGateway
from core.privacy import PIIGuard
from prompts.triage import REVIEW_FACTS, REVIEW_POLICY, REVIEW_QUESTION, REVIEW_SCHEMA, REVIEW_SYSTEM
from tests.fakes.sglang import FakeSGLang, Reply, Status
from tools.triage.models import ReviewStatus, Tier
from tools.triage.rules import ScoreBand, load_rules
from tools.triage.tool import triage_case, triage_casefile


@pytest.fixture(scope="module")
def guard():
    return PIIGuard()


def _gateway(server, guard):
    config = GatewayConfig(base_url=server.base_url, max_retries=0, backoff_base_s=0, timeout_s=5)
    return ModelGateway(config, guard=guard, sink=MemoryRecordSink())


def _everyone_borderline():
    rules = load_rules()
    review = rules.review.model_copy(update={"bands": [ScoreBand(min=0.0, max=1.0)]})
    return rules.model_copy(update={"review": review})


def _opinion(tier, cited=("rpc_rate",)):
    return json.dumps(
        {"tier": tier, "cited_features": list(cited), "rationale_zh": "接通率高", "rationale_en": "Reachable"}
    )


def _first_reviewable(deps, rules):
    for i in range(1, 300):
        case = deps.cases.get_case(f"C{i:06d}")
        result = triage_casefile(case, rules)
        if result.tier in (Tier.DIGITAL, Tier.AGENT_CALL):
            return case, result
    raise AssertionError("no digital or agent_call case")


def test_adjusts_one_tier_and_sends_no_pii(deps, guard):
    rules = _everyone_borderline()
    case, plain = _first_reviewable(deps, rules)
    assert plain.borderline and plain.review.status is ReviewStatus.SKIPPED and not plain.model_used
    assert "no model server" in plain.review.detail and plain.tier is plain.review.final_tier
    target = Tier.SENIOR_NEGOTIATION if plain.tier is Tier.AGENT_CALL else Tier.AGENT_CALL
    with FakeSGLang() as server:
        server.push(Reply(content=_opinion(target.value, ("rpc_rate", "dpd"))))
        result = triage_casefile(case, rules, gateway=_gateway(server, guard))
        body = server.chat_bodies()[0].decode()
    assert result.review.status is ReviewStatus.ADJUSTED and result.tier is target and result.model_used
    assert result.queue == rules.treatments[target].queue and result.review.rules_tier is plain.tier
    assert case.debtor.name not in body and case.debtor.resident_id not in body
    assert "rpc_rate = " in body and "<case_features>" in body and "json_schema" in body


@pytest.mark.parametrize(
    ("reply", "status", "detail"),
    [
        ("same", ReviewStatus.AGREED, ""),
        ("two_steps", ReviewStatus.REJECTED, "more than one tier"),
        ("unknown_feature", ReviewStatus.REJECTED, "do not exist"),
        ("not_json", ReviewStatus.REJECTED, "schema"),
    ],
)
def test_checks_the_answer(deps, guard, reply, status, detail):
    rules = _everyone_borderline()
    case, plain = _first_reviewable(deps, rules)
    far = Tier.LEGAL if plain.tier is Tier.DIGITAL else Tier.REMINDER
    content = {
        "same": _opinion(plain.tier.value),
        "two_steps": _opinion(far.value),
        "unknown_feature": _opinion(plain.tier.value, ("credit_score_secret",)),
        "not_json": "I think it is fine.",
    }[reply]
    with FakeSGLang() as server:
        server.push(Reply(content=content))
        result = triage_casefile(case, rules, gateway=_gateway(server, guard))
    assert result.review.status is status and detail in result.review.detail
    assert result.tier is plain.tier and result.queue == plain.queue


def test_server_down_skips_and_rules_stand(deps, guard):
    rules = _everyone_borderline()
    case, plain = _first_reviewable(deps, rules)
    with FakeSGLang() as server:
        server.push(Status(503))
        result = triage_casefile(case, rules, gateway=_gateway(server, guard))
    assert result.review.status is ReviewStatus.SKIPPED and "unavailable" in result.review.detail
    assert result.tier is plain.tier


def test_cases_outside_the_band_never_call_the_model(deps, guard):
    rules = load_rules()
    review = rules.review.model_copy(update={"bands": [ScoreBand(min=0.999, max=1.0)]})
    rules = rules.model_copy(update={"review": review})
    with FakeSGLang() as server:
        gateway = _gateway(server, guard)
        results = [triage_case(deps.cases, f"C{i:06d}", rules, gateway=gateway) for i in range(1, 21)]
        assert server.chat_bodies() == []
    assert all(r.review is None and not r.borderline and not r.model_used for r in results)


def test_overridden_cases_are_never_reviewed(deps):
    rules = _everyone_borderline()
    for i in range(1, 300):
        result = triage_casefile(deps.cases.get_case(f"C{i:06d}"), rules)
        if result.tier is Tier.HUMAN_REVIEW:
            assert not result.borderline and result.review is None
            return
    raise AssertionError("the session portfolio has no overridden case")


def test_review_prompts_format_with_their_placeholders():
    assert "{" not in REVIEW_SYSTEM
    assert "reminder" in REVIEW_POLICY.format(tier_order="reminder, digital")
    assert "x" in REVIEW_SCHEMA.format(schema="x")
    facts = REVIEW_FACTS.format(features="a = 1", tier="t", rule="r", propensity="0.5", source="s", contributions="c")
    assert facts.startswith("<case_features>") and "{" not in facts
    assert "digital" in REVIEW_QUESTION.format(tier="digital")
