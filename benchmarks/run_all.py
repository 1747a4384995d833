"""Run every benchmark in sequence (``make bench``); each prints its own throughput and peak memory.

Benchmarks run as separate processes so each one's peak RSS is its own. ``QINGSHOU_BENCH_CASES`` scales the
portfolio benchmarks down for a quick look (default one million cases).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    """Run the benchmarks that exist, sharing one synthetic portfolio between synth and triage."""
    cases = os.environ.get("QINGSHOU_BENCH_CASES", "1000000")
    with tempfile.TemporaryDirectory(prefix="qingshou-bench-") as tmp:
        db = Path(tmp) / "bench.db"
        plan: list[list[str]] = [
            ["bench_synth.py", "--cases", cases, "--db", str(db)],
            ["bench_triage.py", "--db", str(db)],
            ["bench_reminders.py"],
            ["bench_montecarlo.py"],
            ["bench_retrieval.py"],
            ["bench_extraction.py"],
            ["bench_redaction.py"],
            ["bench_gateway.py"],
            ["bench_prefix_cache.py"],
        ]
        failed = 0
        for script, *args in plan:
            path = HERE / script
            if not path.exists():
                continue
            print(f"\n=== {script} {' '.join(args)}", flush=True)
            started = time.perf_counter()
            code = subprocess.call([sys.executable, str(path), *args], cwd=HERE.parent)
            print(f"=== {script}: exit {code} in {time.perf_counter() - started:.1f} s", flush=True)
            failed += code != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
