import datetime as dt
from pathlib import Path

import pytest
import yaml

from retrieval.models import SearchFilters
from retrieval.packs import load_pack, pack_chunks, pack_files
from retrieval.rule_params import load_rule_params, rule_params
from retrieval.service import RetrievalService
from retrieval.tools import (
    TOOLS,
    FindScriptsInput,
    RetrievalDeps,
    SearchContractsInput,
    SearchRegulationsInput,
    find_scripts,
    search_contracts,
    search_regulations,
)
from tests.test_retrieval.conftest import HashEmbedder, make_store
from tests.test_retrieval.docs import CONTRACT_TEXT, write


def _all_chunk_ids() -> set[str]:
    return {c.chunk_id for p in pack_files() for c in pack_chunks(load_pack(p), p.read_bytes())}


def test_packs_validate_and_cover_the_required_sources() -> None:
    docs = {load_pack(p).id: load_pack(p) for p in pack_files()}
    assert {
        "cn-nifa-standard-2025",
        "cn-cba-2026",
        "cn-cbirc-consumer-2023",
        "cn-jrt0171-2020",
        "cn-pipl",
        "us-reg-f",
    } <= set(docs)
    assert {e.article for e in docs["cn-pipl"].entries} >= {"第二十一条", "第二十三条", "第二十八条"}
    assert {e.article for e in docs["us-reg-f"].entries} >= {
        "§ 1006.6(b)(1)(i)",
        "§ 1006.14(b)(2)",
        "§ 1006.26(b)",
        "§ 1006.34",
    }
    assert {e.id for e in docs["cn-jrt0171-2020"].entries} >= {"c1", "c2", "c3"}
    scripts = docs["approved-scripts-zh"]
    assert {e.category for e in scripts.entries} >= {"reminder", "negotiation", "hardship"}
    assert all(d.citation for d in docs.values())


def test_unverified_facts_are_labelled_as_such() -> None:
    chunks = {c.chunk_id: c for p in pack_files() for c in pack_chunks(load_pack(p), p.read_bytes())}
    otp = chunks["cn-jrt0171-2020/otp-unverified"]
    assert not otp.meta.verified and "未核实" in otp.article
    assert not chunks["cn-nifa-interim/quiet-hours"].meta.verified
    assert (
        chunks["cn-cba-2026/field-visits"].article == "第二十二条" and chunks["cn-cba-2026/field-visits"].meta.verified
    )


def test_rule_params_point_at_pack_entries_and_carry_the_known_limits() -> None:
    params = rule_params()
    ids = _all_chunk_ids()
    for p in params.params:
        assert set(p.rules) <= ids, p.key
    assert params.get("cn.quiet_hours").value == {"start": "22:00", "end": "08:00"}
    assert params.get("cn.max_connected_calls_per_day").value["max"] == 3
    assert params.get("cn.max_unanswered_dials_per_number_per_day").value["max"] == 6
    assert (
        params.get("us.call_frequency").value["max"] == 7 and params.get("us.call_frequency").value["period_days"] == 7
    )
    assert params.get("cn.field_visit_min_staff").value["min"] == 2
    assert params.get("cn.private_lending_interest_cap").verified is False
    with pytest.raises(KeyError):
        params.get("cn.nope")


def test_a_bad_rule_params_file_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "p.yaml"
    bad.write_text(yaml.safe_dump({"version": 1, "params": [{"key": "Bad Key", "kind": "time_window"}]}))
    with pytest.raises(ValueError, match="key"):
        load_rule_params(bad)


@pytest.mark.parametrize("backend", ["edge", "server"])
def test_packs_index_on_first_use_and_tools_answer_with_citations(backend: str, tmp_path: Path) -> None:
    service = RetrievalService(make_store(backend, tmp_path), HashEmbedder())
    deps = RetrievalDeps(service=service, tenant="bank-a")
    out = search_regulations(
        deps, SearchRegulationsInput(query="1006.14(b)(2) seven calls within seven days", jurisdiction="US")
    )
    assert out.hits[0].citation.chunk_id == "us-reg-f/1006.14b2"
    assert (
        out.hits[0].citation.article == "§ 1006.14(b)(2)" and out.hits[0].citation.source == "pack:regulations/us-reg-f"
    )
    assert all(h.jurisdiction == "US" for h in out.hits)
    # Rules not yet in force on a date are filtered out (the CBA guideline is from 2026-01-30).
    early = search_regulations(
        deps,
        SearchRegulationsInput(
            query="银行业协会 个人消费类贷款催收工作指引", effective_on=dt.date(2025, 6, 1), limit=20
        ),
    )
    assert early.hits and not any(h.citation.chunk_id.startswith("cn-cba-2026/") for h in early.hits)
    scripts = find_scripts(deps, FindScriptsInput(query="债务人失业 延期还款 离职证明"))
    assert scripts.hits[0].citation.chunk_id == "approved-scripts-zh/hardship-unemployment"
    service.ingest([write(tmp_path / "c.txt", CONTRACT_TEXT)], "contracts", tenant="bank-a")
    clause = search_contracts(deps, SearchContractsInput(query="逾期 罚息 加收"))
    assert clause.hits[0].citation.article == "第三条"
    other = search_contracts(
        RetrievalDeps(service=service, tenant="bank-b"), SearchContractsInput(query="逾期 罚息 加收")
    )
    assert other.hits == []
    # Second service on the same store: packs are already there and are not rewritten.
    count = service.kb.store.count("regulations")
    service.close()
    again = RetrievalService(make_store(backend, tmp_path), HashEmbedder())
    assert again.ensure_packs("regulations") == 0
    assert again.kb.store.count("regulations") == count
    again.close()
    assert [t.__name__ for t in TOOLS] == ["search_regulations", "search_contracts", "find_scripts", "similar_cases"]


def test_tool_inputs_validate() -> None:
    with pytest.raises(ValueError):
        SearchRegulationsInput(query="")
    with pytest.raises(ValueError):
        SearchRegulationsInput(query="x", limit=0)
    with pytest.raises(ValueError):
        SearchRegulationsInput(query="x", jurisdiction="FR")  # type: ignore[arg-type]
    assert SearchFilters().tenant is None
