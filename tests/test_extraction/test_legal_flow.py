"""Extract, store, draft, approve: through the CLI and HTTP, with roles, audit lines and clear 4xx/exit-2 errors."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from core.deps import Deps
from core.synth.contracts import truth_from_case, write_contract
from qingshou.cli import app as cli
from tests.conftest import API_KEYS
from tools.legal.documents import docx_text

CASE = "C000001"


def _contract(deps: Deps, tmp_path: Path, case_id: str = CASE, *, fmt: str = "docx", **changes: object) -> Path:
    truth = truth_from_case(deps.cases.get_case(case_id)).model_copy(update=changes)
    return write_contract(truth, tmp_path / f"contract-{case_id}.{fmt}", fmt).path  # type: ignore[arg-type]


def _h(role: str) -> dict[str, str]:
    return {"X-API-Key": API_KEYS[role]}


def test_cli_extract_store_draft_approve(env_for_cli: Path, deps: Deps, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "complaint.docx"
    missing = runner.invoke(cli, ["draft-legal", CASE, "--kind", "complaint", "--out", str(out)])
    assert missing.exit_code == 2 and f"qingshou extract FILE --case {CASE} --store" in missing.output
    assert not out.exists()
    stored = runner.invoke(cli, ["extract", str(_contract(deps, tmp_path)), "--case", CASE, "--store"])
    assert stored.exit_code == 0, stored.output
    drafted = runner.invoke(cli, ["draft-legal", CASE, "--kind", "complaint", "--out", str(out), "--to", "2026-12-01"])
    assert drafted.exit_code == 0, drafted.output
    case = deps.cases.get_case(CASE)
    assert case.debtor.name not in drafted.output and case.debtor.resident_id not in drafted.output
    assert "pending" in drafted.output and "UNVERIFIED" in drafted.output
    text = docx_text(out.read_bytes())
    assert "民事起诉状" in text and case.debtor.name in text and "DRAFT" in text
    doc_id = drafted.output.split("drafted complaint ")[1].split()[0]
    refused = runner.invoke(cli, ["legal-docs", "approve", doc_id, "--api-key", API_KEYS["collector"]])
    assert refused.exit_code == 2 and "supervisors only" in refused.output
    final = tmp_path / "final.docx"
    approved = runner.invoke(
        cli, ["legal-docs", "approve", doc_id, "--api-key", API_KEYS["supervisor"], "--out", str(final)]
    )
    assert approved.exit_code == 0, approved.output
    assert '"final": true' in approved.output and "APPROVED" in docx_text(final.read_bytes())
    again = runner.invoke(cli, ["legal-docs", "reject", doc_id, "--api-key", API_KEYS["supervisor"]])
    assert again.exit_code == 2 and "already approved" in again.output
    actions = [a.action for a in deps.cases.get_case(CASE).audit]
    assert {"contract_extracted", "legal_document_drafted", "legal_document_approved"} <= set(actions)


def test_cli_bad_input_exits_2(env_for_cli: Path, deps: Deps, tmp_path: Path) -> None:
    runner = CliRunner()
    bad_kind = runner.invoke(cli, ["draft-legal", CASE, "--kind", "letter", "--out", str(tmp_path / "x.docx")])
    assert bad_kind.exit_code == 2
    bad_out = runner.invoke(cli, ["draft-legal", CASE, "--kind", "complaint", "--out", str(tmp_path / "x.pdf")])
    assert bad_out.exit_code == 2 and ".docx" in bad_out.output
    unknown = runner.invoke(cli, ["draft-legal", "C999999", "--kind", "complaint", "--out", str(tmp_path / "x.docx")])
    assert unknown.exit_code == 2 and "no case" in unknown.output
    arbitration = _contract(deps, tmp_path, dispute_forum="arbitration", dispute_venue="上海仲裁委员会")
    assert runner.invoke(cli, ["extract", str(arbitration), "--case", CASE, "--store"]).exit_code == 0
    refused = runner.invoke(cli, ["draft-legal", CASE, "--kind", "complaint", "--out", str(tmp_path / "x.docx")])
    assert refused.exit_code == 2 and "arbitration" in refused.output
    other = _contract(deps, tmp_path, "C000002", fmt="txt")
    assert runner.invoke(cli, ["extract", str(other), "--case", CASE, "--store"]).exit_code == 0
    mismatch = runner.invoke(cli, ["draft-legal", CASE, "--kind", "complaint", "--out", str(tmp_path / "x.docx")])
    assert mismatch.exit_code == 2 and "is not the case's loan contract" in mismatch.output
    assert not (tmp_path / "x.docx").exists()


def test_http_upload_draft_download_approve(client: TestClient, deps: Deps, tmp_path: Path) -> None:
    path = _contract(deps, tmp_path, fmt="pdf")
    files = {"file": (path.name, path.read_bytes(), "application/pdf")}
    extracted = client.post(
        "/v1/agents/extraction:invoke", files=files, data={"case_id": CASE, "store": "true"}, headers=_h("collector")
    )
    assert extracted.status_code == 200, extracted.text
    body = extracted.json()
    assert body["extraction_id"] and body["case_id"] == CASE and body["terms"]["principal"]["span"]["page"] == 1
    assert deps.cases.get_case(CASE).debtor.name not in extracted.text
    created = client.post(
        "/v1/legal-documents", json={"case_id": CASE, "kind": "payment-order"}, headers=_h("collector")
    )
    assert created.status_code == 201, created.text
    record = created.json()["document"]
    assert record["status"] == "pending" and not record["final"] and record["claims"]["lines"][0]["item"] == "principal"
    doc_id = record["id"]
    assert client.get(f"/v1/legal-documents/{doc_id}", headers=_h("collector")).status_code == 403
    assert client.post(f"/v1/legal-documents/{doc_id}:approve", headers=_h("collector")).status_code == 403
    download = client.get(f"/v1/legal-documents/{doc_id}", headers=_h("compliance"))
    assert download.status_code == 200 and download.headers["x-document-status"] == "pending"
    assert "支付令申请书" in "\n".join(p.text for p in Document(io.BytesIO(download.content)).paragraphs)
    approved = client.post(f"/v1/legal-documents/{doc_id}:approve", json={"note": "ok"}, headers=_h("supervisor"))
    assert approved.status_code == 200 and approved.json()["final"] is True
    assert approved.json()["approved_by"] == "api:supervisor"
    assert client.post(f"/v1/legal-documents/{doc_id}:reject", headers=_h("supervisor")).status_code == 409
    final = client.get(f"/v1/legal-documents/{doc_id}", headers=_h("supervisor"))
    assert final.headers["x-document-status"] == "approved" and "APPROVED" in docx_text(final.content)


def test_http_bad_uploads_are_4xx_and_store_nothing(client: TestClient, deps: Deps, tmp_path: Path) -> None:
    def post(name: str, content: bytes, **data: str) -> int:
        files = {"file": (name, content, "application/octet-stream")}
        return client.post("/v1/agents/extraction:invoke", files=files, data=data, headers=_h("collector")).status_code

    assert post("c.xlsx", b"PK") == 415
    assert post("c.txt", b"This loan agreement is in English only. " * 50) == 422
    assert post("c.txt", "今天天气很好，我们去公园散步。".encode() * 20) == 422
    assert post("c.pdf", b"%PDF-1.4 not really a pdf") == 422
    assert post("c.txt", b"x" * (20 * 2**20 + 1)) == 413
    good = _contract(deps, tmp_path, fmt="txt").read_bytes()
    assert post("c.txt", good, store="true") == 422  # store without a case
    assert post("c.txt", good, case_id="C999999", store="true") == 404
    no_extraction = client.post(
        "/v1/legal-documents", json={"case_id": "C000002", "kind": "complaint"}, headers=_h("supervisor")
    )
    assert no_extraction.status_code == 409 and "qingshou extract" in no_extraction.json()["detail"]
    assert client.post("/v1/legal-documents", json={"case_id": CASE, "kind": "x"}, headers=_h("qa")).status_code == 403
    assert client.get("/v1/legal-documents/ld-nope", headers=_h("supervisor")).status_code == 404
    assert client.post("/v1/legal-documents/ld-nope:approve", headers=_h("supervisor")).status_code == 404
    from agents.extraction.store import ExtractionStore

    assert ExtractionStore(deps.sessions, deps.cipher).latest_for_case(CASE) is None
