"""Benchmark: gateway overhead per call against the local fake SGLang server, at 1 and 64 concurrent calls.

Overhead is the gateway's mean latency (redaction, re-check, limiter, breaker, record) minus a bare httpx2
POST of the same body to the same server.

    .venv/bin/python benchmarks/bench_gateway.py [--calls 400]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx2  # noqa: E402

from core.gateway import ChatMessage, GatewayConfig, MemoryRecordSink, ModelGateway  # noqa: E402
from core.gateway.prompting import PromptParts, assemble  # noqa: E402
from core.privacy import KnownPII, PIIGuard  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

FACTS = "<case_facts>借款人张伟，手机13812345678，身份证11010519491231002X，欠款31,500.00元，逾期95天。</case_facts>"
KNOWN = KnownPII(names=["张伟"], phones=["13812345678"], resident_ids=["11010519491231002X"])


def messages(i: int) -> list[ChatMessage]:
    return assemble(PromptParts(case_facts=FACTS, question=f"第{i}轮：借款人说下周发工资后还一半，怎么回复？"))


async def run(concurrency: int, calls: int, fn) -> list[float]:  # type: ignore[no-untyped-def]
    latencies: list[float] = []
    gate = asyncio.Semaphore(concurrency)

    async def one(i: int) -> None:
        async with gate:
            started = time.perf_counter()
            await fn(i)
            latencies.append((time.perf_counter() - started) * 1000)

    await asyncio.gather(*(one(i) for i in range(calls)))
    return latencies


async def main_async(calls: int, base_url: str) -> None:
    url = f"{base_url}/chat/completions"
    gw = ModelGateway(GatewayConfig(base_url=base_url, max_concurrency=64), guard=PIIGuard(), sink=MemoryRecordSink())
    raw = httpx2.AsyncClient(timeout=30, limits=httpx2.Limits(max_connections=128, max_keepalive_connections=64))

    async def bare(i: int) -> None:
        body = {"model": "m", "messages": [m.wire() for m in messages(i)], "stream": False}
        (await raw.post(url, json=body)).raise_for_status()

    async def guarded(i: int) -> None:
        await gw.chat("drafting", messages(i), known_pii=KNOWN, thread_id=f"t{i % 16}")

    await run(8, 32, bare)  # warm both connection pools
    await run(8, 32, guarded)
    for concurrency in (1, 64):
        n = calls if concurrency > 1 else max(50, calls // 4)
        base = await run(concurrency, n, bare)
        ours = await run(concurrency, n, guarded)
        b, g = statistics.mean(base), statistics.mean(ours)
        p95 = statistics.quantiles(ours, n=20)[-1]
        print(f"concurrency {concurrency:>2}: {n} calls  bare {b:.2f} ms  gateway {g:.2f} ms (p95 {p95:.2f})  "
              f"overhead {g - b:.2f} ms/call")  # fmt: skip
    await raw.aclose()
    await gw.aclose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=400)
    calls = parser.parse_args().calls
    # The fake server runs in its own process so it does not share this one's GIL.
    server = subprocess.Popen([sys.executable, "-m", "tests.fakes.sglang"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        base_url = server.stdout.readline().strip()
        asyncio.run(main_async(calls, base_url))
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
