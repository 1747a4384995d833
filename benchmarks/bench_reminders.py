"""Benchmark: the nightly reminder batch (triage, plan, gate, fill the approved script, review by rules).

Generates a portfolio (not timed), then times ``reminder_lines``: a vectorised triage of every case and, for each
case on an automated tier, the plan, the gate, the draft, the rule-layer review and two audit rows. Prints automated
cases/s and the status counts. No model server.

    .venv/bin/python benchmarks/bench_reminders.py --cases 20000
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from agents.case_workflow.outbox import reminder_lines
from core.deps import build_deps
from core.settings import Settings
from core.synth import synthesize

BATCH_TIME = dt.datetime(2026, 11, 3, 1, 0, tzinfo=dt.UTC)  # the portfolio's as_of is 2026-11-01


async def _run(deps_dir: Path) -> tuple[int, Counter[str], float]:
    deps = build_deps(_settings(deps_dir))
    counts: Counter[str] = Counter()
    started = time.perf_counter()
    async for line in reminder_lines(deps, now=BATCH_TIME):
        counts[line.status] += 1
    seconds = time.perf_counter() - started
    await deps.aclose()
    return sum(counts.values()), counts, seconds


def _settings(var_dir: Path) -> Settings:
    key = "qingshou-bench-key:system"
    return Settings(_env_file=None, var_dir=var_dir, api_keys=key, llm_base_url=None)  # type: ignore[call-arg]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=int(os.environ.get("QINGSHOU_BENCH_REMINDER_CASES", "20000")))
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    if args.cases < 1:
        print("error: --cases must be positive", file=sys.stderr)
        return 2
    var_dir = Path(tempfile.mkdtemp(prefix="bench-reminders-"))
    deps = build_deps(_settings(var_dir))
    print(f"generating {args.cases:,} cases (not timed) ...", flush=True)
    synthesize(deps.engine, deps.cipher, args.cases, args.seed)
    deps.close()
    n, counts, seconds = asyncio.run(_run(var_dir))
    print(f"reminder batch: {n:,} automated cases in {seconds:.1f} s = {n / seconds:,.0f} cases/s")
    print("  " + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
