"""Fusion of the dense and BM25 candidate lists, the BM25 numeral reading, and re-indexing on a new index version."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval import knowledge
from retrieval.fusion import dbsf_normalise, fuse
from retrieval.knowledge import Fusion
from retrieval.service import RetrievalService
from retrieval.sparse import normalise_numbers, query_vector, tokenize
from retrieval.store.base import FilterSpec, ScoredRecord
from tests.test_retrieval.conftest import HashEmbedder, make_store
from tests.test_retrieval.docs import REG_TEXT, write


def _records(*pairs: tuple[str, float]) -> list[ScoredRecord]:
    return [ScoredRecord(id=pid, score=score, payload={"chunk_id": pid}) for pid, score in pairs]


def test_dbsf_maps_mean_plus_minus_three_sd_onto_zero_one() -> None:
    scores = [0.9, 0.8, 0.7]  # mean 0.8, sample sd 0.1
    assert dbsf_normalise(scores) == pytest.approx([0.5 + 0.1 / 0.6, 0.5, 0.5 - 0.1 / 0.6])
    assert dbsf_normalise([3.2]) == [0.5]
    assert dbsf_normalise([1.0, 1.0, 1.0]) == [0.5, 0.5, 0.5]
    assert dbsf_normalise([]) == []


def test_dbsf_keeps_a_clear_dense_winner_that_rank_fusion_loses() -> None:
    # "a" is far ahead in the dense list and absent from BM25; "b" is a close second in dense and first in BM25.
    dense = _records(("a", 0.95), ("b", 0.80), ("c", 0.79), ("d", 0.78), ("e", 0.78))
    sparse = _records(("b", 9.0), ("f", 8.9), ("g", 8.8))
    by_dbsf = [r.id for r in fuse([dense, sparse], [0.7, 0.3], 3, "dbsf")]
    by_rrf = [r.id for r in fuse([dense, sparse], [0.7, 0.3], 3, "rrf")]
    assert by_dbsf[0] == "a"  # the margin counts
    assert by_rrf[0] == "b"  # ranks only: present in both lists wins


def test_fused_scores_are_the_weighted_sums() -> None:
    dense = _records(("a", 0.9), ("b", 0.8), ("c", 0.7))
    sparse = _records(("c", 6.0), ("d", 2.0))
    out = {r.id: r.score for r in fuse([dense, sparse], [0.6, 0.4], 10, "dbsf")}
    nd, ns = dbsf_normalise([0.9, 0.8, 0.7]), dbsf_normalise([6.0, 2.0])
    assert out == pytest.approx({"a": 0.6 * nd[0], "b": 0.6 * nd[1], "c": 0.6 * nd[2] + 0.4 * ns[0], "d": 0.4 * ns[1]})
    rrf = {r.id: r.score for r in fuse([dense, sparse], [1.0, 0.5], 10, "rrf")}
    assert rrf["c"] == pytest.approx(1 / 63 + 0.5 / 61) and rrf["d"] == pytest.approx(0.5 / 62)
    # a weight of zero leaves only the other list's order
    assert [r.id for r in fuse([dense, sparse], [0.0, 1.0], 2, "dbsf")] == ["c", "d"]


def test_fuse_refuses_bad_arguments() -> None:
    with pytest.raises(ValueError, match="weights"):
        fuse([_records(("a", 1.0))], [0.5, 0.5], 5)
    with pytest.raises(ValueError, match="negative"):
        fuse([_records(("a", 1.0))], [-1.0], 5)
    with pytest.raises(ValueError, match="unknown fusion"):
        fuse([_records(("a", 1.0))], [1.0], 5, "max")  # type: ignore[arg-type]


def test_fusion_weights_follow_the_list_names() -> None:
    assert Fusion(dense_weight=0.7).weights(["dense", "bm25"]) == pytest.approx([0.7, 0.3])
    with pytest.raises(ValueError):
        Fusion(dense_weight=1.5)


def test_chinese_numerals_meet_digits_in_bm25() -> None:
    assert normalise_numbers("第二十八条") == "第28条"
    assert normalise_numbers("今天聊了三次，上门要两人") == "今天聊了3次，上门要2人"
    assert normalise_numbers("一次性结清，一律") == "一次性结清，一律"  # 一 inside words stays
    assert query_vector("每日接通三次").indices == query_vector("每日接通3次").indices
    assert "3" in tokenize("三次") and tokenize("二十二时") == ["22", "时"]


def test_hybrid_ranks_the_same_on_both_backends(tmp_path: Path) -> None:
    ranked = {}
    for backend in ("edge", "server"):
        svc = RetrievalService(make_store(backend, tmp_path / backend), HashEmbedder(), index_packs=False)
        svc.ingest([write(tmp_path / "rules.txt", REG_TEXT)], "regulations")
        ranked[backend] = [
            [(h.citation.chunk_id, round(h.score, 6)) for h in svc.search(q, "regulations", limit=4)]
            for q in ("上门催收需要几个人", "晚上十点以后能打电话吗", "本办法适用于哪些贷款")
        ]
        svc.close()
    assert ranked["edge"] == ranked["server"]
    assert all(len(r) == 4 for r in ranked["edge"])


@pytest.mark.parametrize("backend", ["edge", "server"])
def test_points_of_an_older_index_version_are_rebuilt_once(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = write(tmp_path / "rules.txt", REG_TEXT)
    svc = RetrievalService(make_store(backend, tmp_path), HashEmbedder(), index_packs=False)
    monkeypatch.setattr(knowledge, "INDEX_VERSION", "old")
    assert svc.ingest([doc], "regulations").files[0].status == "indexed"
    monkeypatch.setattr(knowledge, "INDEX_VERSION", "new")
    assert svc.ingest([doc], "regulations").files[0].status == "replaced"  # same file, new index version
    store = svc.kb.store
    assert store.count("regulations") == 4
    assert store.count("regulations", FilterSpec(equals={"index_version": "new"})) == 4
    assert svc.ingest([doc], "regulations").files[0].status == "unchanged"
    svc.close()


def test_fusion_comes_from_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings) -> None:
    from core.settings import SettingsError
    from retrieval.config import load_retrieval_settings
    from retrieval.factory import build_service

    monkeypatch.setenv("QINGSHOU_FUSION", "rrf")
    monkeypatch.setenv("QINGSHOU_FUSION_DENSE_WEIGHT", "0.6")
    svc = build_service(
        settings, load_retrieval_settings(), store=make_store("edge", tmp_path), embedder=HashEmbedder()
    )
    assert svc.kb.fusion == Fusion(method="rrf", dense_weight=0.6)
    svc.close()
    monkeypatch.setenv("QINGSHOU_FUSION_DENSE_WEIGHT", "1.5")
    with pytest.raises(SettingsError, match="QINGSHOU_FUSION_DENSE_WEIGHT"):
        load_retrieval_settings()
