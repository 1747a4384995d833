"""Benchmark: synthesise a portfolio into SQLite and report cases/s, peak memory and rows written.

Target: one million cases in under two minutes on two cores with bounded memory.

    .venv/bin/python benchmarks/bench_synth.py --cases 1000000
"""

from __future__ import annotations

import argparse
import base64
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import psutil

from core.deps import build_deps
from core.settings import Settings
from core.synth import synthesize


def _peak_rss_mib() -> tuple[float, float]:
    """Peak RSS of this process and of its (joined) worker children, in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--db", type=Path, default=None, help="SQLite file (default: a new temporary file)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk-size", type=int, default=25_000)
    parser.add_argument("--out", type=Path, default=None, help="also write the Parquet file")
    parser.add_argument("--target-s", type=float, default=120.0, help="time budget for 1M cases, scaled by --cases")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-synth-"))
    db = args.db or tmp / "bench.db"
    if db.exists():
        print(f"error: {db} exists; pass a new path", file=sys.stderr)
        return 2
    settings = Settings(var_dir=tmp, database_url=f"sqlite:///{db}", data_key=base64.b64encode(os.urandom(32)).decode())
    deps = build_deps(settings)
    last = [time.perf_counter()]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] >= 10 or done == total:
            rss = psutil.Process().memory_info().rss / 2**20
            print(f"  {done:>10,} / {total:,} cases  rss {rss:,.0f} MiB", flush=True)
            last[0] = now

    started = time.perf_counter()
    report = synthesize(
        deps.engine, deps.cipher, args.cases, args.seed, workers=args.workers, chunk_size=args.chunk_size,
        out=args.out, progress=progress,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    deps.close()
    own, children = _peak_rss_mib()
    budget = args.target_s * args.cases / 1_000_000
    print(f"cases           {report.cases:,}")
    print(f"seconds         {elapsed:.1f}  (budget {budget:.1f})")
    print(f"cases/s         {report.cases / elapsed:,.0f}")
    print(f"rows written    {report.total_rows:,}  ({report.total_rows / elapsed:,.0f} rows/s)")
    for name, count in report.rows.items():
        print(f"  {name:<18}{count:>12,}")
    print(f"peak RSS        main {own:,.0f} MiB, largest worker {children:,.0f} MiB")
    print(f"database        {db} ({db.stat().st_size / 2**20:,.0f} MiB)")
    return 0 if elapsed <= budget else 1


if __name__ == "__main__":
    sys.exit(main())
