"""Benchmark: triage a whole SQLite portfolio (features, propensity model, rules, experiments, write-back).

Prints cases/s, peak RSS and the share of borderline cases. Target: one million cases in under 60 s on two cores.

    .venv/bin/python benchmarks/bench_triage.py --db /tmp/bench-1m.db --cases 1000000

A missing ``--db`` file is generated first with ``core.synth.synthesize`` (not timed).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from core.crypto import FieldCipher
from core.db import schema as s
from core.db.engine import make_engine
from core.db.migrate import upgrade
from core.synth import synthesize
from tools.triage.rules import load_rules
from tools.triage.tool import triage_portfolio


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    """User plus system CPU time of this process and its finished workers."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _peak_child_rss_mib() -> float:
    """Largest peak RSS of any finished worker process."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None, help="SQLite file; generated if missing (default: temp)")
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases to generate when the DB is missing")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--chunk-size", type=int, default=50_000)
    parser.add_argument("--no-write", action="store_true", help="skip the write-back (measure reading and deciding)")
    parser.add_argument("--target-s", type=float, default=60.0, help="time budget for 1M cases, scaled by size")
    parser.add_argument("--scorecard", action="store_true", help="use the v1 scorecard instead of the model")
    parser.add_argument("--workers", type=int, default=2, help="worker processes computing chunks (0: inline)")
    args = parser.parse_args()
    if args.cases < 1 or args.chunk_size < 1:
        print("error: --cases and --chunk-size must be positive", file=sys.stderr)
        return 2

    db = args.db or Path(tempfile.mkdtemp(prefix="bench-triage-")) / "bench.db"
    engine = make_engine(f"sqlite:///{db}")
    if not db.exists() or db.stat().st_size == 0:
        upgrade(engine)
        print(f"generating {args.cases:,} cases into {db} (not timed) ...", flush=True)
        t = time.perf_counter()
        synthesize(engine, FieldCipher(os.urandom(32)), args.cases, args.seed)
        print(f"  generated in {time.perf_counter() - t:.1f}s", flush=True)
    with engine.connect() as conn:
        n = int(conn.execute(select(func.count(s.Case.id))).scalar_one())
    if n == 0:
        print(f"error: {db} holds no cases", file=sys.stderr)
        return 2

    rules = load_rules()
    if args.scorecard:
        rules = rules.model_copy(update={"propensity": rules.propensity.model_copy(update={"source": "scorecard"})})
    rss_before = _peak_rss_mib()
    cpu_before = _cpu_seconds()
    last = [time.perf_counter()]

    def progress(done: int) -> None:
        now = time.perf_counter()
        if now - last[0] >= 5 or done == n:
            print(f"  {done:>10,} / {n:,} cases  peak rss {_peak_rss_mib():,.0f} MiB", flush=True)
            last[0] = now

    summary = triage_portfolio(
        engine, rules, chunk_size=args.chunk_size, write=not args.no_write, progress=progress, workers=args.workers
    )
    engine.dispose()
    rate = summary.cases / summary.seconds
    budget = args.target_s * summary.cases / 1_000_000
    print(f"triaged {summary.cases:,} cases in {summary.seconds:.1f}s: {rate:,.0f} cases/s")
    cpu = _cpu_seconds() - cpu_before
    print(f"CPU time {cpu:.1f}s (parent and workers): at least {cpu / 2:.1f}s of wall time on two idle cores")
    print(f"write-back: {summary.written}; propensity: {summary.propensity_source}")
    print(f"borderline (review band): {summary.borderline:,} cases, {summary.borderline_share:.1%}")
    print("experiment arms: " + (", ".join(f"{k}={v:,}" for k, v in summary.experiment_cases.items()) or "none"))
    print(f"load average during the run (1/5/15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"peak RSS {_peak_rss_mib():,.0f} MiB (before triage {rss_before:,.0f} MiB); workers: {summary.workers}")
    print(f"largest worker peak RSS {_peak_child_rss_mib():,.0f} MiB")
    print("per tier: " + ", ".join(f"{t.value}={c:,}" for t, c in summary.per_tier.items()))
    verdict = "within" if summary.seconds <= budget else "OVER"
    print(f"{verdict} the target of {args.target_s:.0f}s per 1M cases (budget {budget:.1f}s for this size)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
