import json
from pathlib import Path

import pytest
import typer
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import qingshou.cli.ingest as ingest_cli
import qingshou.cli.search as search_cli
from core.deps import Deps
from retrieval.service import RetrievalService
from server.routes.search import router
from tests.conftest import API_KEYS
from tests.test_retrieval.conftest import HashEmbedder, make_store
from tests.test_retrieval.docs import REG_TEXT, write


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> typer.Typer:
    monkeypatch.setenv("QINGSHOU_VAR_DIR", str(tmp_path / "var"))

    def build(settings, rs=None, **_):  # the real model is exercised elsewhere; here the CLI wiring is under test
        return RetrievalService(make_store("edge", settings.var_dir), HashEmbedder())

    monkeypatch.setattr(search_cli, "build_service", build)
    monkeypatch.setattr(ingest_cli, "build_service", build)
    app = typer.Typer()
    search_cli.register(app)
    ingest_cli.register(app)
    return app


def test_search_json_answers_from_the_shipped_pack(cli: typer.Typer) -> None:
    result = CliRunner().invoke(
        cli, ["search", "seven telephone calls within seven consecutive days", "--collection", "regulations", "--json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["hits"][0]["citation"]["chunk_id"] == "us-reg-f/1006.14b2"
    text = CliRunner().invoke(cli, ["search", "上门催收 两名", "--jurisdiction", "CN"])
    assert text.exit_code == 0 and "第二十二条" in text.output


@pytest.mark.parametrize(
    "args",
    [
        ["search", "x", "--collection", "nope"],
        ["search", "x", "--mode", "fuzzy"],
        ["search", "   "],
        ["search", "x", "--effective-on", "2025-13-40"],
        ["ingest", "a.txt", "--collection", "cases"],
        ["ingest", "a.txt", "--effective-from", "yesterday"],
    ],
)
def test_bad_usage_exits_2_with_a_message(cli: typer.Typer, args: list[str]) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "error:" in result.output or "Invalid value" in result.output


def test_ingest_reports_each_file_and_exits_2_when_one_failed(cli: typer.Typer, tmp_path: Path) -> None:
    good = write(tmp_path / "in" / "rules.txt", REG_TEXT)
    (tmp_path / "in" / "bad.pdf").write_bytes(b"%PDF-1.4\nbroken")
    result = CliRunner().invoke(cli, ["ingest", str(tmp_path / "in"), "--collection", "regulations", "--json"])
    assert result.exit_code == 2
    report = json.loads(result.output)
    status = {Path(f["path"]).name: f["status"] for f in report["files"]}
    assert status == {"bad.pdf": "error", "rules.txt": "indexed"}
    again = CliRunner().invoke(cli, ["ingest", str(good), "--json"])
    assert again.exit_code == 0 and json.loads(again.output)["files"][0]["status"] == "unchanged"
    gone = CliRunner().invoke(cli, ["ingest", str(good), "--delete"])
    assert gone.exit_code == 0 and "deleted" in gone.output


def test_get_v1_search(deps: Deps, tmp_path: Path) -> None:
    app = FastAPI()
    app.include_router(router)
    app.state.deps = deps
    app.state.retrieval = RetrievalService(make_store("server", tmp_path), HashEmbedder())
    with TestClient(app) as client:
        h = {"X-API-Key": API_KEYS["collector"]}
        assert client.get("/v1/search", params={"q": "x"}).status_code == 401
        ok = client.get("/v1/search", params={"q": "债务人失业 延期", "collection": "scripts"}, headers=h)
        assert ok.status_code == 200
        body = ok.json()
        assert body["hits"][0]["citation"]["chunk_id"] == "approved-scripts-zh/hardship-unemployment"
        for bad in (
            {"q": ""},
            {"q": "x", "collection": "cases"},
            {"q": "x", "limit": 0},
            {"q": "x", "effective_on": "soon"},
        ):
            r = client.get("/v1/search", params=bad, headers=h)
            assert r.status_code == 422, bad
        assert client.get("/v1/search", params={"q": "   "}, headers=h).status_code == 422
    app.state.retrieval.close()


def test_a_key_bound_to_a_tenant_searches_only_that_tenant(var_dir: Path, tmp_path: Path) -> None:
    from core.deps import build_deps
    from tests.conftest import make_settings
    from tests.test_retrieval.docs import CONTRACT_TEXT

    keys = "bank-a-key-0000000000001:collector@bank-a,free-key-00000000000001:supervisor"
    deps = build_deps(make_settings(var_dir, api_keys=keys))
    app = FastAPI()
    app.include_router(router)
    app.state.deps = deps
    service = RetrievalService(make_store("server", tmp_path), HashEmbedder())
    service.ingest([write(tmp_path / "a" / "contract.txt", CONTRACT_TEXT)], "contracts", tenant="bank-a")
    service.ingest([write(tmp_path / "b" / "contract.txt", CONTRACT_TEXT)], "contracts", tenant="bank-b")
    app.state.retrieval = service
    with TestClient(app) as client:
        bound = {"X-API-Key": "bank-a-key-0000000000001"}
        params = {"q": "借款金额 罚息", "collection": "contracts", "limit": 20}
        own = client.get("/v1/search", params=params, headers=bound)
        assert own.status_code == 200 and own.json()["hits"]
        assert {"/a/" in h["citation"]["source"] for h in own.json()["hits"]} == {True}
        other = client.get("/v1/search", params=params | {"tenant": "bank-b"}, headers=bound)
        assert other.status_code == 403 and "bank-a" in other.json()["detail"]
        free = client.get(
            "/v1/search", params=params | {"tenant": "bank-b"}, headers={"X-API-Key": "free-key-00000000000001"}
        )
        assert free.status_code == 200 and {"/b/" in h["citation"]["source"] for h in free.json()["hits"]} == {True}
    service.close()
    deps.close()
