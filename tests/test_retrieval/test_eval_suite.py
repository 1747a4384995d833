from pathlib import Path

import pytest

from evals.loader import load_config, load_dataset, resolve
from retrieval.eval_target import (
    Question,
    RetrievalSuiteOutput,
    hybrid_mrr,
    hybrid_mrr_gain,
    hybrid_recall_at_5,
    hybrid_recall_gain,
)
from retrieval.packs import load_pack, pack_chunks, pack_files

SUITE = Path(__file__).resolve().parents[2] / "evals" / "suites" / "retrieval"


@pytest.mark.parametrize("files", [["questions.yaml"], ["holdout.yaml", "holdout2.yaml"], ["holdout3.yaml"]])
def test_questions_are_bilingual_unique_and_answerable(files: list[str]) -> None:
    rows = [Question.model_validate(r) for f in files for r in load_dataset(SUITE / f)]
    assert len(rows) >= 60
    assert len({r.id for r in rows}) == len(rows) and len({r.question for r in rows}) == len(rows)
    assert sum(r.lang == "en" for r in rows) >= 0.15 * len(rows) and sum(r.lang == "zh" for r in rows) >= len(rows) / 2
    chunks = {c.chunk_id: c for p in pack_files() for c in pack_chunks(load_pack(p), p.read_bytes())}
    for r in rows:
        assert set(r.answers) <= set(chunks), r.id
        assert all(chunks[a].meta.collection == r.collection for a in r.answers), r.id
        # Paraphrases, not copies: no question appears verbatim in its answer.
        assert all(r.question not in chunks[a].text for a in r.answers), r.id


def test_suite_config_resolves_and_asks_at_least_150_questions() -> None:
    config = load_config(SUITE)
    assert config.name == "retrieval"
    assert config.params["datasets"] == config.datasets
    assert sum(len(load_dataset(SUITE / f)) for f in config.datasets) >= 150
    assert {"questions.yaml", "holdout.yaml", "holdout2.yaml", "holdout3.yaml"} <= set(config.datasets)
    ids = [r["id"] for f in config.datasets for r in load_dataset(SUITE / f)]
    assert len(set(ids)) == len(ids)
    for metric in config.metrics:
        assert callable(resolve(metric.evaluator))
    assert callable(resolve(config.target))


def test_metrics_compute_recall_mrr_and_gains() -> None:
    out = RetrievalSuiteOutput(
        ranks={"hybrid": [1, 2, 6, 0], "dense": [1, 0, 3, 0], "sparse": [2, 5, 0, 0]},
        ids=["a", "b", "c", "d"],
        langs=["zh", "en", "zh", "en"],
        sets=["main", "main", "held", "held"],
    )
    assert hybrid_recall_at_5(out).score == pytest.approx(0.5)
    assert hybrid_mrr(out).score == pytest.approx((1 + 0.5 + 1 / 6) / 4)
    assert hybrid_recall_gain(out).score == pytest.approx(0.0)
    assert hybrid_mrr_gain(out).score == pytest.approx((1 + 0.5 + 1 / 6) / 4 - (1 + 1 / 3) / 4)
    assert "missed@5: c, d" in hybrid_recall_at_5(out).comment
    assert "main: 1.000 on 2; held: 0.000 on 2" in hybrid_recall_at_5(out).comment
