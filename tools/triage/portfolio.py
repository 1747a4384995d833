"""Bulk triage of the whole portfolio: chunks computed in forked worker processes, written back by the parent.

Each worker opens its own connection, reads a chunk of case ids, computes features, propensity, decisions and
experiment arms, and returns only the decisions; the parent writes each chunk in one transaction while the
workers compute the next ones. SQLite writes go through the raw DBAPI cursor.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pandas as pd
from pydantic import BaseModel, Field
from sqlalchemy import Engine, insert, text

from core.db import schema as s
from core.db.engine import make_engine
from tools.triage.experiments import ASSIGN_ACTION, Experiment, apply_experiments
from tools.triage.frames import load_frames
from tools.triage.model.artifact import PropensityModel
from tools.triage.models import Tier
from tools.triage.pipeline import run_batch
from tools.triage.rules import Rules

ACTOR = "triage-v2"


class PortfolioTriageSummary(BaseModel):
    """What a portfolio triage run did."""

    cases: int = Field(ge=0, description="Cases triaged")
    per_tier: dict[Tier, int] = Field(description="Cases per tier")
    rules_version: str
    written: bool = Field(description="Whether tier, queue and strategy were written to the cases table")
    seconds: float = Field(ge=0)
    propensity_source: str = Field(default="scorecard", description="'model:<version>' or 'scorecard'")
    borderline: int = Field(default=0, ge=0, description="Cases in a review band (a model would be asked)")
    borderline_share: float = Field(default=0.0, ge=0, le=1)
    review_note: str = Field(
        default="bulk triage never calls a model: borderline cases keep the rules' tier until triaged one by one",
        description="What happened to the borderline cases",
    )
    experiment_cases: dict[str, int] = Field(default_factory=dict, description="Cases assigned per experiment arm")
    workers: int = Field(default=0, ge=0, description="Worker processes used (0: computed inline)")


@dataclass(frozen=True)
class ChunkResult:
    """What a worker sends back for one chunk: decisions, experiment arms, borderline count."""

    decisions: pd.DataFrame
    assigned: pd.DataFrame
    borderline: int


@dataclass(frozen=True)
class _Job:
    url: str
    rules: Rules
    model: PropensityModel | None
    experiments: list[Experiment]


_JOB: _Job | None = None
"""Set in the parent just before forking, so workers inherit the rules and the loaded model."""
_ENGINE: Engine | None = None


def _compute(job: _Job, engine: Engine, lo: str, hi: str) -> ChunkResult:
    with engine.connect() as conn:
        raw = load_frames(conn, lo, hi)
    batch = run_batch(raw, job.rules, model=job.model)
    decisions = batch.decisions[["tier", "queue", "strategy", "channel", "limit_codes"]].copy()
    assigned = apply_experiments(decisions, job.experiments)
    return ChunkResult(decisions[["tier", "queue", "strategy"]], assigned, int(batch.borderline.sum()))


def _worker_chunk(bounds: tuple[str, str]) -> ChunkResult:
    global _ENGINE
    assert _JOB is not None
    if _ENGINE is None:
        _ENGINE = make_engine(_JOB.url)
    return _compute(_JOB, _ENGINE, *bounds)


def _bounds(engine: Engine, chunk_size: int) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        ids = [r[0] for r in conn.execute(text("SELECT id FROM cases ORDER BY id"))]
    return [(ids[i], ids[min(i + chunk_size, len(ids)) - 1]) for i in range(0, len(ids), chunk_size)]


def _results(engine: Engine, job: _Job, bounds: list[tuple[str, str]], workers: int) -> Iterator[ChunkResult]:
    global _JOB
    if workers == 0:
        for lo, hi in bounds:
            yield _compute(job, engine, lo, hi)
        return
    _JOB = job
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield from pool.imap(_worker_chunk, bounds)
    finally:
        _JOB = None


def usable_workers(engine: Engine, workers: int, chunks: int) -> int:
    """Worker processes to use: none for one chunk, an in-memory database, or where ``fork`` is missing."""
    in_memory = engine.url.get_backend_name() == "sqlite" and engine.url.database in (None, "", ":memory:")
    if workers < 1 or chunks < 2 or in_memory or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return min(workers, chunks)


def write_chunk(engine: Engine, result: ChunkResult) -> None:
    """Write one chunk's tier, queue and strategy, and its experiment audit lines, in one transaction."""
    at = dt.datetime.now(dt.UTC)
    d, a = result.decisions, result.assigned
    rows = list(zip(d["tier"], d["queue"], d["strategy"], d.index, strict=True))
    audit_rows = [
        (case_id, ACTOR, ASSIGN_ACTION, {"experiment": e, "arm": arm, "strategy": st})
        for case_id, e, arm, st in zip(a.index, a["experiment"], a["arm"], a["strategy"], strict=True)
    ]
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            stamp = at.strftime("%Y-%m-%d %H:%M:%S.%f")
            cursor.executemany(
                "UPDATE cases SET tier = ?, queue = ?, strategy = ?, updated_at = ? WHERE id = ?",
                [(t, q, st, stamp, i) for t, q, st, i in rows],
            )
            cursor.executemany(
                "INSERT INTO case_audit (case_id, at, actor, action, detail) VALUES (?, ?, ?, ?, ?)",
                [(c, stamp, actor, action, json.dumps(detail)) for c, actor, action, detail in audit_rows],
            )
            cursor.close()
            return
        conn.execute(
            text("UPDATE cases SET tier = :t, queue = :q, strategy = :s, updated_at = :at WHERE id = :id"),
            [{"t": t, "q": q, "s": st, "at": at, "id": i} for t, q, st, i in rows],
        )
        if audit_rows:
            conn.execute(
                insert(s.CaseAudit),
                [{"case_id": c, "at": at, "actor": ac, "action": an, "detail": de} for c, ac, an, de in audit_rows],
            )


def run_portfolio(
    engine: Engine,
    rules: Rules,
    model: PropensityModel | None,
    experiments: list[Experiment],
    *,
    chunk_size: int,
    write: bool,
    workers: int,
    progress: Callable[[int], None] | None,
) -> PortfolioTriageSummary:
    """Triage every case (see :func:`tools.triage.tool.triage_portfolio`, which validates the inputs)."""
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    started = dt.datetime.now(dt.UTC)
    bounds = _bounds(engine, chunk_size)
    used = usable_workers(engine, workers, len(bounds))
    job = _Job(url=engine.url.render_as_string(hide_password=False), rules=rules, model=model, experiments=experiments)
    counts = dict.fromkeys(Tier, 0)
    arms: dict[str, int] = {}
    total = borderline = 0
    for result in _results(engine, job, bounds, used):
        for (name, arm), n in result.assigned.groupby(["experiment", "arm"]).size().items():
            arms[f"{name}/{arm}"] = arms.get(f"{name}/{arm}", 0) + int(n)
        for tier, n in result.decisions["tier"].value_counts().items():
            counts[Tier(str(tier))] += int(n)
        borderline += result.borderline
        if write:
            write_chunk(engine, result)
        total += len(result.decisions)
        if progress is not None:
            progress(total)
    return PortfolioTriageSummary(
        cases=total,
        per_tier=counts,
        rules_version=rules.version,
        written=write,
        seconds=(dt.datetime.now(dt.UTC) - started).total_seconds(),
        propensity_source=f"model:{model.card.version}" if model else "scorecard",
        borderline=borderline,
        borderline_share=borderline / total if total else 0.0,
        experiment_cases=arms,
        workers=used,
    )
