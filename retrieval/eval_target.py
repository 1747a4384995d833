"""Eval suite ``retrieval``: index the shipped packs, ask every question in three modes, score recall@5 and MRR."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from core.settings import load_settings
from evals.models import EvalScore, SuiteContext
from evals.targets.base import TargetOutput
from retrieval.config import load_retrieval_settings
from retrieval.factory import build_embedder
from retrieval.knowledge import Fusion
from retrieval.models import Collection, SearchHit, SearchMode
from retrieval.service import RetrievalService
from retrieval.store.base import VectorStore
from retrieval.store.edge import EdgeStore

MODES: tuple[SearchMode, ...] = ("hybrid", "dense", "sparse")
DEPTH = 10


class Question(BaseModel):
    """One row of ``questions.yaml``."""

    id: str
    collection: Literal["regulations", "scripts"]
    lang: Literal["zh", "en"]
    question: str = Field(min_length=1)
    answers: list[str] = Field(min_length=1)


class RetrievalParams(BaseModel):
    """``params`` of the suite."""

    datasets: list[str] = Field(default_factory=lambda: ["questions.yaml"], min_length=1)
    backend: Literal["edge", "server"] = "edge"


RRF_BASELINE = Fusion(method="rrf", dense_weight=2 / 3)
"""The fusion shipped before DBSF (weighted RRF, BM25 at half the dense weight), reported beside it for comparison."""


class RetrievalSuiteOutput(TargetOutput):
    """Rank (1-based) of the first correct chunk per question and mode; 0 when not in the top ``DEPTH``."""

    ranks: dict[str, list[int]]
    ids: list[str]
    langs: list[str]
    sets: list[str] = Field(default_factory=list, description="Dataset file of each question")


def _store(backend: str, workdir: Path) -> VectorStore:
    if backend == "server":
        from qdrant_client import QdrantClient

        from retrieval.store.server import ServerStore

        return ServerStore(QdrantClient(path=str(workdir / "qdrant-local")))
    return EdgeStore(workdir / "edge")


def run_retrieval(context: SuiteContext) -> RetrievalSuiteOutput:
    """Index the packs into a scratch store (vectors come from the cache under ``var/``) and run the questions."""
    params = RetrievalParams.model_validate(context.config.params)
    rows = [(name, row) for name in params.datasets for row in context.datasets[name]]
    questions = [Question.model_validate(row) for _, row in rows]
    settings = load_settings()
    embedder = build_embedder(settings, load_retrieval_settings())
    service = RetrievalService(_store(params.backend, context.workdir), embedder)
    started = time.perf_counter()
    collections: set[Collection] = {q.collection for q in questions}
    for collection in sorted(collections):
        service.ensure_packs(collection)
    indexed_s = time.perf_counter() - started
    ranks: dict[str, list[int]] = {mode: [] for mode in MODES}
    rrf_ranks: list[int] = []
    started = time.perf_counter()
    try:
        for q in questions:
            for mode in MODES:
                hits = service.search(q.question, q.collection, mode=mode, limit=DEPTH)
                ranks[mode].append(_first_correct(hits, q.answers))
            baseline = service.kb.search(q.question, q.collection, limit=DEPTH, fusion=RRF_BASELINE)
            rrf_ranks.append(_first_correct(baseline, q.answers))
    finally:
        service.close()
    per_query_ms = (time.perf_counter() - started) / max(len(questions) * len(MODES), 1) * 1000
    return RetrievalSuiteOutput(
        ranks=ranks,
        ids=[q.id for q in questions],
        langs=[q.lang for q in questions],
        sets=[Path(name).stem for name, _ in rows],
        facts={
            "questions": len(questions),
            "english_questions": sum(q.lang == "en" for q in questions),
            "backend": params.backend,
            "embedder": embedder.name,
            "fusion": f"{service.kb.fusion.method}, dense weight {service.kb.fusion.dense_weight:g}",
            "rrf_baseline_recall_at_5": round(_recall(rrf_ranks), 3),
            "rrf_baseline_mrr": round(_mrr(rrf_ranks), 3),
            "index_seconds": round(indexed_s, 2),
            "mean_query_ms": round(per_query_ms, 1),
        },
    )


def _first_correct(hits: list[SearchHit], answers: list[str]) -> int:
    found = [h.rank for h in hits if h.citation.chunk_id in answers]
    return found[0] if found else 0


def _recall(ranks: list[int], k: int = 5) -> float:
    return sum(1 for r in ranks if 0 < r <= k) / len(ranks) if ranks else 0.0


def _mrr(ranks: list[int]) -> float:
    return sum(1.0 / r for r in ranks if r > 0) / len(ranks) if ranks else 0.0


def _by_lang(output: RetrievalSuiteOutput, mode: str) -> str:
    parts = []
    for lang in ("zh", "en"):
        sub = [r for r, lg in zip(output.ranks[mode], output.langs, strict=True) if lg == lang]
        parts.append(f"{lang}: recall@5 {_recall(sub):.3f} on {len(sub)}")
    for name in dict.fromkeys(output.sets):
        sub = [r for r, s in zip(output.ranks[mode], output.sets, strict=True) if s == name]
        parts.append(f"{name}: {_recall(sub):.3f} on {len(sub)}")
    misses = [i for i, r in zip(output.ids, output.ranks[mode], strict=True) if not 0 < r <= 5]
    return "; ".join(parts) + f"; missed@5: {', '.join(misses[:12]) or 'none'}"


def _metric(output: RetrievalSuiteOutput, mode: str, kind: str) -> EvalScore:
    ranks = output.ranks[mode]
    score = _recall(ranks) if kind == "recall_at_5" else _mrr(ranks)
    return EvalScore(key=f"{mode}_{kind}", score=score, comment=_by_lang(output, mode))


def hybrid_recall_at_5(output: RetrievalSuiteOutput) -> EvalScore:
    """Share of questions with a correct chunk in the hybrid top 5."""
    return _metric(output, "hybrid", "recall_at_5")


def dense_recall_at_5(output: RetrievalSuiteOutput) -> EvalScore:
    """Share of questions with a correct chunk in the dense-only top 5."""
    return _metric(output, "dense", "recall_at_5")


def sparse_recall_at_5(output: RetrievalSuiteOutput) -> EvalScore:
    """Share of questions with a correct chunk in the BM25-only top 5."""
    return _metric(output, "sparse", "recall_at_5")


def hybrid_mrr(output: RetrievalSuiteOutput) -> EvalScore:
    """Mean reciprocal rank of the first correct chunk, hybrid (0 beyond rank 10)."""
    return _metric(output, "hybrid", "mrr")


def dense_mrr(output: RetrievalSuiteOutput) -> EvalScore:
    """Mean reciprocal rank, dense only."""
    return _metric(output, "dense", "mrr")


def sparse_mrr(output: RetrievalSuiteOutput) -> EvalScore:
    """Mean reciprocal rank, BM25 only."""
    return _metric(output, "sparse", "mrr")


def hybrid_recall_gain(output: RetrievalSuiteOutput) -> EvalScore:
    """Hybrid recall@5 minus the better of dense-only and sparse-only (0 is a tie, negative a loss)."""
    hybrid, dense, sparse = (_recall(output.ranks[m]) for m in MODES)
    return EvalScore(
        key="hybrid_recall_gain",
        score=hybrid - max(dense, sparse),
        comment=f"recall@5: hybrid {hybrid:.3f}, dense {dense:.3f}, sparse {sparse:.3f}",
    )


def hybrid_mrr_gain(output: RetrievalSuiteOutput) -> EvalScore:
    """Hybrid MRR minus the better of dense-only and sparse-only (positive: hybrid ranks answers higher)."""
    hybrid, dense, sparse = (_mrr(output.ranks[m]) for m in MODES)
    return EvalScore(
        key="hybrid_mrr_gain",
        score=hybrid - max(dense, sparse),
        comment=f"MRR: hybrid {hybrid:.3f}, dense {dense:.3f}, sparse {sparse:.3f}",
    )
