"""Fill a database with a synthetic portfolio: blocks drawn and encrypted in worker processes, loaded in order."""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import time
from collections import deque
from collections.abc import Callable, Iterator
from multiprocessing.pool import AsyncResult
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from core.crypto import FieldCipher
from core.synth.block import BLOCK_SIZE, generate_block
from core.synth.features import block_features
from core.synth.property_writer import write_property_market
from core.synth.rows import COLUMNS, ChunkRows, Dialect, block_rows
from core.synth.writer import ChunkWriter, clear_portfolio, dialect_of, existing_cases

GENERATOR_VERSION = "1.0"
DEFAULT_AS_OF = dt.date(2026, 11, 1)
MAX_CASES = 50_000_000
_EPOCH = dt.date(1970, 1, 1)

Progress = Callable[[int, int], None]
"""Called with ``(cases written, cases requested)`` after each chunk."""


class SynthError(ValueError):
    """The request cannot be carried out (bad size, or a portfolio already present)."""


class SynthReport(BaseModel):
    """What a synthesis run wrote."""

    cases: int = Field(description="Cases generated.")
    seed: int = Field(description="Seed of the random streams.")
    as_of: dt.date = Field(description="Snapshot date of DPD and balances.")
    rows: dict[str, int] = Field(description="Rows inserted per table.")
    seconds: float = Field(description="Wall time of the run.")
    out: Path | None = Field(default=None, description="Parquet file written, if any.")
    replaced_cases: int = Field(default=0, description="Cases deleted first because of replace.")

    @property
    def total_rows(self) -> int:
        """Rows inserted across tables."""
        return sum(self.rows.values())


_worker_cipher: FieldCipher | None = None


def _init_worker(cipher: FieldCipher) -> None:
    global _worker_cipher
    _worker_cipher = cipher


def _chunk(
    seed: int, blocks: list[tuple[int, int]], as_of_day: int, dialect: Dialect, features: bool
) -> tuple[ChunkRows, pa.Table | None]:
    """Draw and encode a run of blocks (runs in a worker, or inline without one)."""
    assert _worker_cipher is not None
    rows, tables = ChunkRows(), []
    for index, size in blocks:
        block = generate_block(seed, index, size, as_of_day)
        rows.extend(block_rows(block, _worker_cipher, dialect))
        if features:
            tables.append(block_features(block))
    return rows, (pa.concat_tables(tables) if tables else None)


class _Sink:
    """Receives drawn chunks in order: database rows to the writer, features to Parquet, counts, progress."""

    def __init__(self, out: Path | None, total: int, progress: Progress | None) -> None:
        self.out, self.total, self.progress = out, total, progress
        self.counts = dict.fromkeys(COLUMNS, 0)
        self.done = 0
        self._parquet: pq.ParquetWriter | None = None

    def take(self, writer: ChunkWriter, rows: ChunkRows, table: pa.Table | None) -> None:
        writer.write(rows)
        for name, r in rows.tables.items():
            self.counts[name] += len(r)
        if table is not None and self.out is not None:
            if self._parquet is None:
                self.out.parent.mkdir(parents=True, exist_ok=True)
                self._parquet = pq.ParquetWriter(self.out, table.schema)
            self._parquet.write_table(table)
        self.done += len(rows.tables["cases"])
        if self.progress is not None:
            self.progress(self.done, self.total)

    def close(self) -> None:
        if self._parquet is not None:
            self._parquet.close()
            self._parquet = None


def _plan(n_cases: int, chunk_size: int) -> Iterator[list[tuple[int, int]]]:
    per_chunk = max(1, chunk_size // BLOCK_SIZE)
    blocks = [(b, min(BLOCK_SIZE, n_cases - b * BLOCK_SIZE)) for b in range(-(-n_cases // BLOCK_SIZE))]
    for i in range(0, len(blocks), per_chunk):
        yield blocks[i : i + per_chunk]


def synthesize(
    engine: Engine,
    cipher: FieldCipher,
    n_cases: int,
    seed: int,
    *,
    as_of: dt.date | None = None,
    out: Path | None = None,
    replace: bool = False,
    chunk_size: int = 25_000,
    workers: int = 2,
    progress: Progress | None = None,
) -> SynthReport:
    """Generate ``n_cases`` cases into the (migrated) database behind ``engine``.

    Args:
        engine: the database; it must already be at the head migration.
        cipher: encrypts the PII columns and computes the lookup hashes.
        n_cases: number of cases, at least 1.
        seed: seed of the random streams; the same seed gives the same data whatever the workers or chunk size.
        as_of: snapshot date (default 2026-11-01).
        out: optional Parquet file, one flat PII-free row per case.
        replace: delete an existing portfolio first instead of refusing.
        chunk_size: cases per worker task and per transaction (rounded to whole blocks of 5,000).
        workers: worker processes (0 draws inline); forked, so only where ``fork`` exists.
        progress: called after each chunk with ``(written, n_cases)``.

    Returns:
        Counts of what was written.

    Raises:
        SynthError: ``n_cases`` out of range, or a portfolio exists and ``replace`` is false.
    """
    if not 1 <= n_cases <= MAX_CASES:
        raise SynthError(f"--cases must be between 1 and {MAX_CASES:,}, got {n_cases}")
    as_of = as_of or DEFAULT_AS_OF
    started = time.perf_counter()
    present = existing_cases(engine)
    if present and not replace:
        raise SynthError(f"the database already holds a portfolio of {present:,} cases; pass --replace to regenerate")
    if present:
        clear_portfolio(engine)
    dialect = dialect_of(engine)
    as_of_day = (as_of - _EPOCH).days
    sink = _Sink(out, n_cases, progress)
    use_pool = workers > 0 and "fork" in mp.get_all_start_methods()
    pool = mp.get_context("fork").Pool(workers, _init_worker, (cipher,)) if use_pool else None
    if pool is None:
        _init_worker(cipher)
    try:
        with ChunkWriter(engine) as writer:
            pending: deque[AsyncResult[tuple[ChunkRows, pa.Table | None]]] = deque()
            for blocks in _plan(n_cases, chunk_size):
                args = (seed, blocks, as_of_day, dialect, out is not None)
                if pool is None:
                    sink.take(writer, *_chunk(*args))
                    continue
                pending.append(pool.apply_async(_chunk, args))
                # Bounded memory: at most one chunk per worker plus one waiting for the writer.
                if len(pending) > workers:
                    sink.take(writer, *pending.popleft().get())
            while pending:
                sink.take(writer, *pending.popleft().get())
            writer.write_meta(
                {
                    "seed": str(seed),
                    "cases": str(n_cases),
                    "as_of": as_of.isoformat(),
                    "generator_version": GENERATOR_VERSION,
                    "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                }
            )
        # The housing market reads the collateral rows back, so it is written once the load is complete.
        market_rows = write_property_market(engine, seed, as_of_day)
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        sink.close()
    counts = sink.counts | market_rows
    counts["portfolio_meta"] = 5
    return SynthReport(
        cases=n_cases,
        seed=seed,
        as_of=as_of,
        rows=counts,
        seconds=round(time.perf_counter() - started, 3),
        out=out,
        replaced_cases=present,
    )
