"""Fusing the dense and BM25 candidate lists of a hybrid query into one ranking.

Two methods, both pure functions over ranked lists of :class:`ScoredRecord`:

- ``dbsf`` (default): distribution-based score fusion, as in Qdrant's ``Fusion.DBSF``: each list's scores are mapped
  from ``[mean - 3 sd, mean + 3 sd]`` onto ``[0, 1]``, then a point's fused score is the weighted sum over the lists
  it appears in. Scores keep their margins: a dense hit far ahead of the rest stays ahead even when BM25 has never
  heard of it, which rank-only fusion throws away. Unlike Qdrant's built-in DBSF it takes a weight per list.
- ``rrf``: weighted reciprocal rank fusion, ``sum(w / (k + rank))``; ranks only.

Fusion runs in the knowledge base, not in the store, so Qdrant Edge and a Qdrant cluster rank identically.
Why DBSF with the dense list at 0.7 and BM25 at 0.3: ``docs/retrieval.md`` (a sweep over 245 questions; any dense
weight from 0.55 to 0.85 gave the same recall@5).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

from retrieval.store.base import ScoredRecord

FusionMethod = Literal["dbsf", "rrf"]
RRF_K = 60


def dbsf_normalise(scores: Sequence[float]) -> list[float]:
    """Scores mapped from ``mean -/+ 3 sd`` (sample standard deviation) onto 0..1.

    A list of one score, or of equal scores, carries no spread to learn from: every score becomes 0.5.
    """
    n = len(scores)
    if n < 2:
        return [0.5] * n
    mean = math.fsum(scores) / n
    sd = math.sqrt(math.fsum((s - mean) ** 2 for s in scores) / (n - 1))
    if sd == 0.0:
        return [0.5] * n
    low = mean - 3 * sd
    return [(s - low) / (6 * sd) for s in scores]


def fuse(
    lists: Sequence[Sequence[ScoredRecord]],
    weights: Sequence[float],
    limit: int,
    method: FusionMethod = "dbsf",
) -> list[ScoredRecord]:
    """One ranking from several ranked candidate lists.

    Args:
        lists: Candidate lists, each best first (as a store returns them).
        weights: One non-negative weight per list.
        limit: How many fused records to return.
        method: ``dbsf`` (weighted distribution-based score fusion) or ``rrf`` (weighted reciprocal rank fusion).

    Returns:
        Records best first, each with its fused score; ties keep the order in which points were first seen.
    """
    if len(lists) != len(weights):
        raise ValueError(f"{len(lists)} candidate lists but {len(weights)} weights")
    if any(w < 0 for w in weights):
        raise ValueError("fusion weights must not be negative")
    fused: dict[str, float] = {}
    records: dict[str, ScoredRecord] = {}
    for candidates, weight in zip(lists, weights, strict=True):
        if method == "dbsf":
            contributions = [weight * s for s in dbsf_normalise([r.score for r in candidates])]
        elif method == "rrf":
            contributions = [weight / (RRF_K + rank) for rank in range(1, len(candidates) + 1)]
        else:
            raise ValueError(f"unknown fusion method {method!r}")
        for record, contribution in zip(candidates, contributions, strict=True):
            records.setdefault(record.id, record)
            fused[record.id] = fused.get(record.id, 0.0) + contribution
    order = sorted(fused, key=lambda pid: -fused[pid])  # stable: first-seen order breaks ties
    return [records[pid].model_copy(update={"score": fused[pid]}) for pid in order[:limit]]
