"""The model step through the gateway (fake SGLang): quotes verified, disagreements kept, no raw PII sent; CLI."""

from __future__ import annotations

import json
import random
from pathlib import Path

from typer.testing import CliRunner

from agents.extraction import extract_contract
from agents.extraction.store import ExtractionStore
from core.deps import build_deps
from core.synth.contracts import draw_truth, write_contract
from qingshou.cli import app
from tests.conftest import make_settings
from tests.fakes.sglang import FakeSGLang, Reply, Status


def _contract(tmp_path: Path) -> tuple[Path, object]:
    truth = draw_truth(random.Random(9), 1, "consumer_loan")
    return write_contract(truth, tmp_path / "c.txt", "txt").path, truth


async def test_model_fills_gaps_and_disagreements_are_flagged(var_dir: Path, tmp_path: Path) -> None:
    path, truth = _contract(tmp_path)
    answer = {
        "term_months": {"value": "999", "quote": f"借款期限为{truth.term_months}个月"},  # type: ignore[attr-defined]
        "guarantee": {"value": "无", "quote": "这句话不在合同里"},
        "special_clauses": [{"value": "债权可转让", "quote": "借款人同意贷款人将本合同项下的债权转让给第三方"}],
    }
    with FakeSGLang() as server:
        server.push(Reply(content=json.dumps(answer, ensure_ascii=False)))
        deps = build_deps(make_settings(var_dir, llm_base_url=server.base_url, llm_timeout_s=3))
        result, _ = await extract_contract(path, deps.gateway)
        await deps.aclose()
        body = server.chat_bodies()[0].decode()
    assert result.model_used and result.model_chunks == 1
    assert [d.field for d in result.disagreements] == ["term_months"]
    assert result.terms.term_months is not None and result.terms.term_months.origin == "rules"
    assert any(n.field == "guarantee" and "not found" in n.reason for n in result.notes)
    has_clause = "债权转让给第三方" in path.read_text(encoding="utf-8")
    assert bool(result.terms.special_clauses) == has_clause
    for secret in (truth.borrower.name, truth.borrower.resident_id):  # type: ignore[attr-defined]
        assert secret not in body


async def test_model_failure_keeps_rules(var_dir: Path, tmp_path: Path) -> None:
    path, truth = _contract(tmp_path)
    with FakeSGLang(default=Status(500, body="{}")) as server:
        deps = build_deps(make_settings(var_dir, llm_base_url=server.base_url, llm_timeout_s=3))
        result, _ = await extract_contract(path, deps.gateway)
        await deps.aclose()
    assert not result.model_used
    assert result.terms.principal is not None
    assert any("model call failed" in n.reason for n in result.notes)


def test_cli_extract_json_store_and_errors(env_for_cli: Path, tmp_path: Path) -> None:
    path, truth = _contract(tmp_path)
    runner = CliRunner()
    ok = runner.invoke(app, ["extract", str(path), "--json", "--case", "C000001", "--store"])
    assert ok.exit_code == 0, ok.output
    payload = json.loads(ok.output)
    assert payload["terms"]["principal"]["value"]["amount"] == f"{truth.principal:.2f}"  # type: ignore[attr-defined]
    assert payload["extraction_id"].startswith("x-") and payload["case_id"] == "C000001"
    deps = build_deps(make_settings(env_for_cli))
    stored, vault = ExtractionStore(deps.sessions, deps.cipher).load(payload["extraction_id"])
    assert vault.reveal("<PERSON_1>") == truth.borrower.name  # type: ignore[attr-defined]
    assert stored.terms.contract_no is not None
    deps.close()
    missing_case = runner.invoke(app, ["extract", str(path), "--case", "C999999", "--store"])
    assert missing_case.exit_code == 2 and "no case" in missing_case.output
    bad = tmp_path / "en.txt"
    bad.write_text("This is an English loan agreement between Lender and Borrower.\n" * 10)
    refused = runner.invoke(app, ["extract", str(bad)])
    assert refused.exit_code == 2 and "English" in refused.output
