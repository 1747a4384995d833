"""Benchmark: contract extraction of a ~100,000-character contract without a model, and parsing pages/s.

Writes synthetic contracts padded with boilerplate to just under the 100,000-character limit (one per file format),
times parsing alone (``load_contract``: partition + layout + checks) and the whole extraction without a model server
(parse, deterministic rules, pseudonymisation, limit checks), and prints peak RSS.

    .venv/bin/python benchmarks/bench_extraction.py [--repeat 3] [--formats pdf,docx,txt]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

from agents.extraction import extract_contract  # noqa: E402
from core.synth.contracts import draw_truth, write_contract  # noqa: E402
from core.synth.contracts.generate import FileFormat  # noqa: E402
from tools.extraction.document import load_contract  # noqa: E402


def _peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def bench(file_format: FileFormat, folder: Path, repeat: int) -> None:
    """Time parsing and rules-only extraction of one long contract in ``file_format``."""
    truth = draw_truth(random.Random(11), 0, "property_backed", long=True)
    sample = write_contract(truth, folder / f"long.{file_format}", file_format, seed=11)
    parse_times, extract_times = [], []
    pages = chars = 0
    for _ in range(repeat):
        started = time.perf_counter()
        document = load_contract(sample.path)
        parse_times.append(time.perf_counter() - started)
        pages, chars = document.pages, len(document.text)
        started = time.perf_counter()
        result, _ = asyncio.run(extract_contract(sample.path, None))
        extract_times.append(time.perf_counter() - started)
    found = sum(1 for _, value in result.terms if value not in (None, []))
    parse_s, extract_s = statistics.median(parse_times), statistics.median(extract_times)
    print(f"{file_format}: {chars:,} chars, {pages} page(s), {found} fields found")
    rate = f"{pages / parse_s:.1f} pages/s" if file_format == "pdf" else "no pages in this format"
    print(f"  parsing: {parse_s:.2f} s -> {rate}, {chars / parse_s:,.0f} chars/s")
    print(f"  extraction without a model (parse + rules + checks): {extract_s:.2f} s")


def main() -> None:
    """Run the benchmark for each format asked for."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="Runs per format; the median is printed")
    parser.add_argument("--formats", default="pdf,docx,txt", help="Comma-separated: pdf, docx, txt")
    args = parser.parse_args()
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    unknown = [f for f in formats if f not in ("pdf", "docx", "txt")]
    if unknown or args.repeat < 1:
        parser.error(f"bad --formats {unknown} or --repeat {args.repeat}")
    with tempfile.TemporaryDirectory(prefix="bench-extraction-") as folder:
        for file_format in formats:
            bench(file_format, Path(folder), args.repeat)  # type: ignore[arg-type]
    load = os.getloadavg()[0]
    print(
        f"peak RSS: {_peak_rss_mib():.0f} MiB; load average {load:.1f} on {os.cpu_count()} cores (timings vary with it)"
    )


if __name__ == "__main__":
    main()
