"""``POST /v1/redact`` and ``qingshou redact``: same output, clear errors on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from core.deps import Deps
from qingshou.cli import app as cli_app
from tests.conftest import API_KEYS

TEXT = "借款人张伟手机13812345678，欠款12,345.67元，合同HT2023010100012345。"


def test_redact_endpoint(client: TestClient) -> None:
    response = client.post("/v1/redact", json={"text": TEXT}, headers={"X-API-Key": API_KEYS["collector"]})
    assert response.status_code == 200
    body = response.json()
    assert body["text"] == "借款人<PERSON_1>手机<CN_MOBILE_1>，欠款12,345.67元，合同HT2023010100012345。"
    assert body["entities"] == [
        {"type": "PERSON", "start": 3, "end": 5, "score": 0.85, "class": "C2"},
        {"type": "CN_MOBILE", "start": 7, "end": 18, "score": 0.9, "class": "C2"},
    ]


def test_redact_endpoint_with_case_values(client: TestClient, deps: Deps) -> None:
    case_id = deps.cases.list_cases(limit=1, offset=0)[0].id
    case = deps.cases.get_case(case_id)
    text = f"{case.debtor.name}说会还"
    response = client.post(
        "/v1/redact", json={"text": text, "case_id": case_id, "mode": "mask"}, headers={"X-API-Key": API_KEYS["qa"]}
    )
    assert response.status_code == 200
    assert case.debtor.name not in response.json()["text"]


@pytest.mark.parametrize(
    ("payload", "code"),
    [({}, 422), ({"text": 5}, 422), ({"text": "x", "mode": "reveal"}, 422), ({"text": "x", "case_id": "C999999"}, 404)],
)
def test_redact_endpoint_bad_input(client: TestClient, payload: dict[str, object], code: int) -> None:
    response = client.post("/v1/redact", json=payload, headers={"X-API-Key": API_KEYS["collector"]})
    assert response.status_code == code
    assert "detail" in response.json()


def test_redact_endpoint_needs_a_key(client: TestClient) -> None:
    assert client.post("/v1/redact", json={"text": TEXT}).status_code == 401


def test_cli_json_matches_endpoint(tmp_path: Path, client: TestClient) -> None:
    source = tmp_path / "note.txt"
    source.write_text(TEXT, encoding="utf-8")
    result = CliRunner().invoke(cli_app, ["redact", str(source), "--json"])
    assert result.exit_code == 0, result.output
    api = client.post("/v1/redact", json={"text": TEXT}, headers={"X-API-Key": API_KEYS["collector"]}).json()
    assert json.loads(result.output) == api


def test_cli_stdin_and_mask() -> None:
    result = CliRunner().invoke(cli_app, ["redact", "-", "--mode", "mask"], input=TEXT)
    assert result.exit_code == 0
    assert result.output.strip() == "借款人张*手机138****5678，欠款12,345.67元，合同HT2023010100012345。"


@pytest.mark.parametrize(
    ("args", "message"),
    [(["redact", "/no/such/file"], "no such file"), (["redact", "-", "--mode", "reveal"], "--mode")],
)
def test_cli_bad_input_exits_2(args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli_app, args, input="x")
    assert result.exit_code == 2
    assert message in result.output


def test_cli_rejects_binary(tmp_path: Path) -> None:
    source = tmp_path / "bin.dat"
    source.write_bytes(b"\xff\xfe\x00bad")
    result = CliRunner().invoke(cli_app, ["redact", str(source)])
    assert result.exit_code == 2 and "UTF-8" in result.output
