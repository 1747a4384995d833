import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import httpx
import numpy as np
import pytest

from core.deps import Deps
from core.repository import CaseFilters
from retrieval.cases import CASES, FEATURE_DIM, CaseIndex, case_features, summarize
from retrieval.embeddings import CachedEmbedder, EmbeddingError, LocalE5Embedder, RemoteEmbedder, http_embeddings_call
from retrieval.service import RetrievalService
from retrieval.tools import RetrievalDeps, SimilarCasesInput, similar_cases
from tests.test_retrieval.conftest import HashEmbedder, make_store


@pytest.mark.parametrize("backend", ["edge", "server"])
def test_cases_store_no_pii_and_similar_cases_stay_in_tenant(backend: str, deps: Deps, tmp_path: Path) -> None:
    rows = deps.cases.list_cases(60, 0, CaseFilters())
    cases = [deps.cases.get_case(r.id) for r in rows]
    store = make_store(backend, tmp_path)
    index = CaseIndex(store)
    assert index.index(cases) == len(cases)
    stored = json.dumps(store.payloads(CASES, _all(), limit=1000), ensure_ascii=False)
    for case in cases:
        d = case.debtor
        for secret in [
            d.name,
            d.resident_id,
            d.address,
            case.loan.contract_no,
            *d.phones,
            *(c.phone for c in d.contacts),
        ]:
            assert secret not in stored, "raw PII reached the vector store"
    probe = cases[0]
    service = RetrievalService(store, HashEmbedder(), index_packs=False)
    out = similar_cases(
        RetrievalDeps(service=service, cases=deps.cases, tenant=probe.tenant), SimilarCasesInput(case_id=probe.id)
    )
    assert out.cases and all(c.case_id != probe.id for c in out.cases)
    assert all(c.summary.tenant == probe.tenant for c in out.cases)
    assert out.cases[0].score >= out.cases[-1].score
    with pytest.raises(LookupError):
        similar_cases(
            RetrievalDeps(service=service, cases=deps.cases, tenant="another-bank"), SimilarCasesInput(case_id=probe.id)
        )
    with pytest.raises(LookupError):
        similar_cases(RetrievalDeps(service=service, cases=deps.cases), SimilarCasesInput(case_id="no-such-case"))
    service.close()


def test_case_features_are_normalised_and_summary_is_banded(deps: Deps) -> None:
    case = deps.cases.get_case(deps.cases.list_cases(1, 0, CaseFilters())[0].id)
    vec = case_features(case)
    assert vec.shape == (FEATURE_DIM,) and float(vec.min()) >= 0.0 and float(vec.max()) <= 1.0
    summary = summarize(case)
    assert case.debtor.name not in summary.text and "元" in summary.text
    assert str(case.loan.outstanding_principal) not in summary.text


def _all():
    from retrieval.store.base import FilterSpec

    return FilterSpec(equals={"collection": CASES})


class _Handler(BaseHTTPRequestHandler):
    seen: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Handler.seen.append({"body": body, "auth": self.headers.get("Authorization")})
        if body["model"] == "broken":
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b"boom")
            return
        data = [
            {"object": "embedding", "index": i, "embedding": [float(len(t)), 1.0, 0.0]}
            for i, t in enumerate(body["input"])
        ]
        payload = json.dumps(
            {
                "object": "list",
                "data": data[::-1],
                "model": body["model"],
                "usage": {"prompt_tokens": 1, "total_tokens": 1},
            }
        )
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(payload.encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def embeddings_server():
    server = HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Handler.seen = []
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_remote_embedder_speaks_the_openai_shape(embeddings_server: str, tmp_path: Path) -> None:
    with httpx.Client() as client:
        call = http_embeddings_call(client, embeddings_server, "intfloat/multilingual-e5-small", api_key="sk-test")
        remote = RemoteEmbedder(call, "intfloat/multilingual-e5-small", batch_size=2)
        docs = remote.embed_documents(["a", "bbb", "cc"])
        assert docs.shape == (3, 3) and remote.dim == 3
        assert np.allclose(np.linalg.norm(docs, axis=1), 1.0)
        # Items came back in reverse order; they are put back by index.
        assert docs[1][0] > docs[2][0] > docs[0][0]
        assert _Handler.seen[0]["body"]["input"] == ["passage: a", "passage: bbb"]
        assert _Handler.seen[0]["auth"] == "Bearer sk-test"
        remote.embed_query("q")
        assert _Handler.seen[-1]["body"]["input"] == ["query: q"]
        cached = CachedEmbedder(remote, tmp_path / "cache.sqlite")
        cached.embed_documents(["x", "y"])
        before = len(_Handler.seen)
        again = cached.embed_documents(["y", "x"])
        assert len(_Handler.seen) == before and again.shape == (2, 3)
        cached.close()
        broken = RemoteEmbedder(http_embeddings_call(client, embeddings_server, "broken"), "broken")
        with pytest.raises(EmbeddingError, match="500"):
            broken.embed_documents(["a"])
        gone = RemoteEmbedder(http_embeddings_call(client, "http://127.0.0.1:9/v1", "m", timeout_s=1), "m")
        with pytest.raises(EmbeddingError, match="unreachable"):
            gone.embed_query("a")


def test_local_multilingual_model_ranks_a_paraphrase_first() -> None:
    model = LocalE5Embedder()
    docs = model.embed_documents(
        ["每日22时至次日8时不得催收", "上门催收至少两名工作人员", "No lawsuits on time-barred debt"]
    )
    assert docs.shape == (3, 384)
    q = model.embed_query("晚上十点以后还能打催收电话吗")
    assert int(np.argmax(docs @ q)) == 0
    q_en = model.embed_query("can a collector sue when the statute of limitations has run")
    assert int(np.argmax(docs @ q_en)) == 2
