"""The semantic layer through the gateway (fake SGLang over real HTTP): validation, merge, redaction, failures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.deps import Deps, build_deps
from tests.conftest import make_settings
from tests.fakes.sglang import FakeSGLang, Reply, Status
from tests.test_compliance.conftest import make_case
from tools.compliance.models import Transcript
from tools.compliance.review import review_with_model
from tools.compliance.semantic import ModelFindings, validate_model_findings

OPENER = "您好，我是华信银行信用卡中心的工作人员，工号1234。"


def transcript(contact_phone: str) -> Transcript:
    return Transcript.model_validate(
        {
            "channel": "call",
            "case_id": "C1",
            "turns": [
                {"speaker": "agent", "text": OPENER},
                {"speaker": "debtor", "text": "我没钱。"},
                {"speaker": "agent", "text": "你家孩子放学一个人回家吧？路上车多，要注意安全啊。"},
                {"speaker": "agent", "text": f"你给我等着。我们会打{contact_phone}找人。"},
            ],
        }
    )


def model_deps(tmp_path: Path, base_url: str | None) -> Deps:
    return build_deps(make_settings(tmp_path / "var", llm_base_url=base_url, llm_timeout_s=3))


def finding(category: str, turn: int, speaker: str, quote: str) -> dict[str, object]:
    return {"category": category, "turn": turn, "speaker": speaker, "quote": quote, "severity": "high", "reason": "r"}


async def test_model_findings_are_validated_merged_and_unmasked(tmp_path: Path) -> None:
    case = make_case()
    phone = case.debtor.contacts[0].phone
    answer = {
        "findings": [
            finding("threat", 2, "agent", "路上车多，要注意安全啊"),  # veiled threat: kept
            finding("threat", 3, "agent", "你给我等着"),  # the rules have it already: merged away
            finding("privacy_leak", 3, "agent", "我们会打<CN_MOBILE_1>找人"),  # pseudonym restored, duplicate of rule
            finding("insult", 1, "debtor", "我没钱。"),  # the debtor's turn: rejected
            finding("insult", 9, "agent", "x"),  # no such turn: rejected
            finding("extra_fee", 0, "agent", "交五百块催收费"),  # not in that turn: rejected
        ]
    }
    with FakeSGLang() as server:
        deps = model_deps(tmp_path, server.base_url)
        server.push(Reply(content=json.dumps(answer, ensure_ascii=False)))
        result = await review_with_model(transcript(phone), deps=deps, case=case)
        await deps.aclose()
    assert result.semantic_layer.status == "ran"
    assert result.semantic_layer.rejected == 3 and result.semantic_layer.findings == 1
    model = [f for f in result.findings if f.source == "model"]
    assert [(f.category.value, f.turn, f.rule_id) for f in model] == [("threat", 2, "model.threat")]
    assert model[0].citation.rule == "cn-cba-2026/no-threats"
    rule = {(f.category.value, f.turn) for f in result.findings if f.source == "rule"}
    assert {("threat", 3), ("privacy_leak", 3)} <= rule
    body = server.chat_bodies()[0].decode()
    request = json.loads(body)
    assert request["response_format"]["type"] == "json_schema"
    assert phone not in body and case.debtor.name not in body
    assert "<rule_findings>" in request["messages"][1]["content"]


@pytest.mark.parametrize("failure", [Status(500, body="{}"), Status(400, body="{}")])
async def test_model_failure_keeps_the_rule_layer(tmp_path: Path, failure: Status) -> None:
    with FakeSGLang(default=failure) as server:
        deps = model_deps(tmp_path, server.base_url)
        result = await review_with_model(transcript("13987654321"), deps=deps)
        await deps.aclose()
    assert result.semantic_layer.status == "failed" and "Error" in result.semantic_layer.reason
    assert result.verdict == "fail" and all(f.source == "rule" for f in result.findings)


async def test_without_a_model_server_the_layer_is_skipped(tmp_path: Path) -> None:
    deps = model_deps(tmp_path, None)
    result = await review_with_model(transcript("13987654321"), deps=deps, case=make_case())
    await deps.aclose()
    assert result.semantic_layer.status == "skipped" and "QINGSHOU_LLM_BASE_URL" in result.semantic_layer.reason
    assert {f.category.value for f in result.findings} >= {"threat", "privacy_leak"}


def test_validation_needs_a_verbatim_quote_from_a_collector_turn() -> None:
    t = transcript("13987654321")
    answer = ModelFindings.model_validate(
        {"findings": [finding("threat", 2, "bot", "路上车多"), finding("threat", 2, "agent", "  路上车多  ")]}
    )
    kept, rejected = validate_model_findings(answer, t)
    assert rejected == 1 and [f.quote for f in kept] == ["路上车多"]
