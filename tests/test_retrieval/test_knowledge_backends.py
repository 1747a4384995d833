"""The same suite on Qdrant Edge and on qdrant-client (local mode standing in for a server)."""

import datetime as dt
from pathlib import Path

import pytest

from retrieval.models import DocMeta, SearchFilters
from retrieval.service import RetrievalService
from retrieval.store.base import FilterSpec, StoreError
from tests.test_retrieval.docs import CONTRACT_TEXT, REG_TEXT, write


def _ids(hits) -> list[str]:
    return [h.citation.chunk_id for h in hits]


def test_ingest_is_idempotent_replaces_changed_files_and_deletes(service: RetrievalService, tmp_path: Path) -> None:
    doc = write(tmp_path / "docs" / "rules.txt", REG_TEXT)
    first = service.ingest([doc], "regulations")
    assert [f.status for f in first.files] == ["indexed"] and first.files[0].chunks == 4
    calls = service.kb.embedder.calls  # type: ignore[attr-defined]
    again = service.ingest([doc], "regulations")
    assert [f.status for f in again.files] == ["unchanged"]
    assert service.kb.embedder.calls == calls  # type: ignore[attr-defined]  # nothing re-embedded
    write(doc, REG_TEXT + "第五条 催收人员应当使用文明用语。\n")
    changed = service.ingest([doc], "regulations")
    assert [f.status for f in changed.files] == ["replaced"] and changed.files[0].chunks == 5
    source = str(doc.resolve())
    assert service.kb.store.count("regulations", FilterSpec(equals={"source": source})) == 5
    hits = service.search("文明用语", "regulations", mode="sparse", limit=1)
    assert hits[0].citation.article == "第五条" and hits[0].citation.source == source
    removed = service.ingest([doc], "regulations", delete=True)
    assert [f.status for f in removed.files] == ["deleted"] and removed.files[0].chunks == 5
    assert service.kb.store.count("regulations", FilterSpec(equals={"source": source})) == 0


def test_hybrid_dense_and_sparse_find_the_article_with_citation(service: RetrievalService, tmp_path: Path) -> None:
    service.ingest([write(tmp_path / "rules.txt", REG_TEXT)], "regulations", template=_meta("CN"))
    for mode in ("hybrid", "dense", "sparse"):
        hits = service.search("上门催收需要几名工作人员", "regulations", mode=mode, limit=3)
        assert hits, mode
        assert "第四条" in [h.citation.article for h in hits], mode
    top = service.search("二十二时至次日八时电话催收", "regulations", limit=2)[0]
    assert top.citation.article == "第三条"
    assert top.heading == "第二章 催收行为"
    assert top.citation.chunk_id.endswith(":2") and top.citation.title == "rules"


def test_a_tenant_never_sees_another_tenants_chunks(service: RetrievalService, tmp_path: Path) -> None:
    a = write(tmp_path / "a" / "contract.txt", CONTRACT_TEXT)
    b = write(tmp_path / "b" / "contract.txt", CONTRACT_TEXT.replace("十万元", "二十万元"))
    service.ingest([a], "contracts", tenant="bank-a")
    service.ingest([b], "contracts", tenant="bank-b")
    for tenant, own in (("bank-a", str(a.resolve())), ("bank-b", str(b.resolve()))):
        for mode in ("hybrid", "dense", "sparse"):
            hits = service.search(
                "借款金额 罚息 利率 法院", "contracts", filters=SearchFilters(tenant=tenant), mode=mode, limit=20
            )
            assert hits and {h.citation.source for h in hits} == {own}, (tenant, mode)
    # No tenant given: only shared chunks, and these contracts are not shared.
    assert service.search("借款金额", "contracts", limit=20) == []
    assert service.search("借款金额", "contracts", filters=SearchFilters(tenant="bank-c"), limit=20) == []


def test_shared_documents_are_visible_to_every_tenant(service: RetrievalService, tmp_path: Path) -> None:
    service.ingest([write(tmp_path / "rules.txt", REG_TEXT)], "regulations")
    for tenant in (None, "bank-a", "bank-b"):
        assert service.search("上门催收", "regulations", filters=SearchFilters(tenant=tenant), limit=3)


def test_jurisdiction_and_effective_date_filters(service: RetrievalService, tmp_path: Path) -> None:
    cn = write(tmp_path / "cn.txt", REG_TEXT)
    us = write(
        tmp_path / "us.txt", "§ 1006.6(b)(1) No calls before 8 a.m.\n§ 1006.14(b)(2) Seven calls in seven days.\n"
    )
    old = write(tmp_path / "old.txt", "第一条 旧规定：夜间二十一时后不得催收。\n第二条 旧规定第二条。\n")
    service.ingest([cn], "regulations", template=_meta("CN", dt.date(2025, 3, 13)))
    service.ingest([us], "regulations", template=_meta("US", dt.date(2021, 11, 30)))
    service.ingest([old], "regulations", template=_meta("CN", dt.date(2010, 1, 1), dt.date(2020, 12, 31)))
    us_only = service.search("calls 催收", "regulations", filters=SearchFilters(jurisdiction="US"), limit=20)
    assert us_only and {h.jurisdiction for h in us_only} == {"US"}
    in_2024 = service.search(
        "催收 calls", "regulations", filters=SearchFilters(effective_on=dt.date(2024, 1, 1)), limit=20
    )
    assert {h.citation.source for h in in_2024} == {str(us.resolve())}
    in_2015 = service.search(
        "催收 calls", "regulations", filters=SearchFilters(effective_on=dt.date(2015, 6, 1)), limit=20
    )
    assert {h.citation.source for h in in_2015} == {str(old.resolve())}
    in_2026 = service.search(
        "催收 calls", "regulations", filters=SearchFilters(effective_on=dt.date(2026, 1, 1)), limit=20
    )
    assert {h.citation.source for h in in_2026} == {str(cn.resolve()), str(us.resolve())}


def test_bad_files_are_reported_and_the_batch_goes_on(service: RetrievalService, tmp_path: Path) -> None:
    good = write(tmp_path / "batch" / "b-good.txt", REG_TEXT)
    (tmp_path / "batch" / "a-corrupt.pdf").write_bytes(b"%PDF-1.4\nbroken")
    (tmp_path / "batch" / "c-empty.txt").write_bytes(b"")
    (tmp_path / "batch" / "d-table.xlsx").write_bytes(b"PK\x03\x04")
    report = service.ingest([tmp_path / "batch"], "regulations")
    status = {Path(f.path).name: f.status for f in report.files}
    assert status == {
        "a-corrupt.pdf": "error",
        "b-good.txt": "indexed",
        "c-empty.txt": "error",
        "d-table.xlsx": "error",
    }
    assert all(f.error for f in report.files if f.status == "error")
    assert report.failed == 3 and report.chunks_written == 4
    assert service.kb.store.count("regulations") == 4
    assert {h.citation.source for h in service.search("催收", "regulations", limit=20)} == {str(good.resolve())}


def test_a_failed_write_leaves_nothing_half_ingested(service: RetrievalService, tmp_path: Path, monkeypatch) -> None:
    doc = write(tmp_path / "rules.txt", REG_TEXT)
    store = service.kb.store
    real_upsert = store.upsert

    def half_then_fail(collection, points):
        real_upsert(collection, points[:2])
        raise StoreError("disk full")

    monkeypatch.setattr(store, "upsert", half_then_fail)
    report = service.ingest([doc], "regulations")
    assert report.files[0].status == "error" and "disk full" in (report.files[0].error or "")
    assert store.count("regulations") == 0


def test_collection_built_for_another_embedding_size_is_refused(backend: str, tmp_path: Path) -> None:
    from tests.test_retrieval.conftest import HashEmbedder, make_store

    first = RetrievalService(make_store(backend, tmp_path), HashEmbedder(), index_packs=False)
    first.ingest([write(tmp_path / "rules.txt", REG_TEXT)], "regulations")
    first.close()

    class Wider(HashEmbedder):
        dim = 32

    second = RetrievalService(make_store(backend, tmp_path), Wider(), index_packs=False)
    with pytest.raises(StoreError, match="vectors"):
        second.search("催收", "regulations")
    second.close()


def test_empty_query_and_cases_text_search_are_refused(service: RetrievalService) -> None:
    with pytest.raises(ValueError, match="empty"):
        service.search("  ", "regulations")
    with pytest.raises(ValueError, match="similar_cases"):
        service.search("逾期", "cases")


def _meta(jurisdiction: str, start: dt.date | None = None, end: dt.date | None = None) -> DocMeta:
    return DocMeta(
        collection="regulations", source="", title="", jurisdiction=jurisdiction, effective_from=start, effective_to=end
    )


def test_a_second_opener_of_an_embedded_store_gets_a_clear_error(tmp_path: Path) -> None:
    from retrieval.store.edge import EdgeStore
    from tests.test_retrieval.conftest import HashEmbedder

    first = RetrievalService(EdgeStore(tmp_path / "q"), HashEmbedder(), index_packs=False)
    first.kb.ensure("regulations")
    first.close()
    holder = RetrievalService(EdgeStore(tmp_path / "q"), HashEmbedder(), index_packs=False)
    holder.kb.ensure("regulations")
    other = RetrievalService(EdgeStore(tmp_path / "q"), HashEmbedder(), index_packs=False)
    with pytest.raises(StoreError, match="open in another process"):
        other.search("催收", "regulations")
    holder.close()
