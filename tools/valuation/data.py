"""Read triage features for the valuation: a whole portfolio, a list of case ids, or one decrypted case."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pandas as pd
from sqlalchemy import Engine, bindparam, text

from core import domain
from core.repository import CaseNotFoundError
from tools.triage.features import compute_features
from tools.triage.frames import frames_from_case, iter_chunks, load_frames

ID_CHUNK = 2000
"""Case ids read per range query."""


def iter_portfolio_features(engine: Engine, chunk_size: int = 20_000) -> Iterator[pd.DataFrame]:
    """Features of every case, a chunk at a time, in id order."""
    for raw in iter_chunks(engine, chunk_size):
        yield compute_features(raw)


def features_for_ids(engine: Engine, case_ids: Sequence[str]) -> pd.DataFrame:
    """Features of the given cases, in the order given.

    Args:
        engine: The database.
        case_ids: Case ids (no duplicates).

    Returns:
        A feature frame indexed by case id.

    Raises:
        CaseNotFoundError: Some id is not in the database (the first unknown one is named).
    """
    wanted = sorted(set(case_ids))
    with engine.connect() as conn:
        found: set[str] = set()
        query = text("SELECT id FROM cases WHERE id IN :ids").bindparams(bindparam("ids", expanding=True))
        for start in range(0, len(wanted), 900):
            found.update(r[0] for r in conn.execute(query, {"ids": wanted[start : start + 900]}))
        missing = [c for c in case_ids if c not in found]
        if missing:
            raise CaseNotFoundError(missing[0])
        parts = []
        for start in range(0, len(wanted), ID_CHUNK):
            block = wanted[start : start + ID_CHUNK]
            feats = compute_features(load_frames(conn, block[0], block[-1]))
            parts.append(feats.loc[block])
    if not parts:
        return pd.DataFrame()
    return pd.concat(parts).loc[list(case_ids)]


def features_for_case(case: domain.CaseFile) -> pd.DataFrame:
    """Features of one decrypted case (a frame of one row)."""
    return compute_features(frames_from_case(case))
