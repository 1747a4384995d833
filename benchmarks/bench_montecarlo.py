"""Benchmark: Monte Carlo recovery of a whole portfolio (default 10,000 paths x 10,000 cases; target < 30 s).

Prints the time to read features and predict, the simulation time, case-paths per second, peak RSS and the
portfolio P10/P50/P90. Run from the repository root:

    PYTHONPATH=. .venv/bin/python benchmarks/bench_montecarlo.py --cases 10000 --paths 10000

A synthetic portfolio is generated first into a temporary SQLite file (not timed).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from core.crypto import FieldCipher
from core.db.engine import make_engine
from core.db.migrate import upgrade
from core.synth import synthesize
from tools.valuation.data import iter_portfolio_features
from tools.valuation.features import outstanding_fen
from tools.valuation.montecarlo import analytic, simulate
from tools.valuation.tool import Valuator


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--paths", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42, help="portfolio seed")
    parser.add_argument("--target-s", type=float, default=30.0, help="budget for 10,000 x 10,000, scaled by size")
    args = parser.parse_args()
    if args.cases < 1 or args.paths < 100:
        print("error: --cases must be positive and --paths at least 100", file=sys.stderr)
        return 2
    db = Path(tempfile.mkdtemp(prefix="bench-mc-")) / "bench.db"
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    print(f"generating {args.cases:,} cases (not timed) ...", flush=True)
    synthesize(engine, FieldCipher(os.urandom(32)), args.cases, args.seed)
    valuator = Valuator.default()
    dist = valuator.distribution(None)

    t0 = time.perf_counter()
    feats = pd.concat(list(iter_portfolio_features(engine)))
    inputs = valuator.inputs(feats, outstanding_fen(feats) / 100.0)
    t_inputs = time.perf_counter() - t0

    t1 = time.perf_counter()
    sim = simulate(inputs, dist, args.paths, seed=20261101)
    t_sim = time.perf_counter() - t1
    exact = analytic(inputs, dist)

    work = args.cases * args.paths
    budget = args.target_s * work / 1e8
    p10, p50, p90 = np.quantile(sim.recovered, (0.1, 0.5, 0.9))
    print(f"cases {args.cases:,} x paths {args.paths:,} = {work:,} case-paths")
    print(f"features + model: {t_inputs:.2f}s; simulation: {t_sim:.2f}s ({work / t_sim / 1e6:.1f}M case-paths/s)")
    print(f"portfolio recovery mean {sim.recovered.mean():,.0f} (closed form {exact.recovered.sum():,.0f}) yuan;")
    print(f"  P10 {p10:,.0f}  P50 {p50:,.0f}  P90 {p90:,.0f}; NPV mean {sim.npv.mean():,.0f}")
    print(f"peak RSS {_peak_rss_mib():.0f} MiB; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    ok = t_sim <= budget
    print(f"{'PASS' if ok else 'FAIL'}: simulation {t_sim:.1f}s vs budget {budget:.1f}s")
    engine.dispose()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
