"""``python -m benchmarks.contention [RUNS] [BUSY]``: issue 14's fleet scenario, repeated.

Four processes on one Redis resolve 300 lookups each of the same 60 codes at once, the
Discord emulator answering after 50 ms, with BUSY (2) busy-looping processes competing
for the cores. Each of the RUNS (20) runs prints the HTTP requests the emulator received
(60 is one per code) and the fleet's coalescing counters; the last line sums them up.
It measures and prints; it judges nothing. Needs a ``redis-server``, as
``benchmarks.fleet`` does.
"""

from __future__ import annotations

import asyncio
import sys
from collections import Counter

from tests.redis._contention import CODES, contended_run
from tests.redis._server import RedisServer

__all__ = ["main"]


async def run(runs: int, busy: int) -> None:
    redis = RedisServer()
    redis.start()
    requests: list[int] = []
    counters: Counter[str] = Counter()
    runs_with: Counter[str] = Counter()
    try:
        for index in range(runs):
            result = await contended_run(redis, busy=busy)
            requests.append(result.requests)
            counters.update(result.coalescing)
            runs_with.update(name for name, count in result.coalescing.items() if count)
            print(
                f"run {index + 1}: {result.requests} requests, repeated {result.repeated}, "
                f"statuses {sorted(result.statuses)}, fallbacks {sum(result.fallbacks)}, "
                f"coalescing {result.coalescing}",
                flush=True,
            )
    finally:
        redis.close()
    exact = sum(count == CODES for count in requests)
    print(
        f"{runs} runs, {busy} busy processes: {exact} of {runs} sent exactly {CODES} requests "
        f"(per run: {min(requests)} to {max(requests)}); coalescing totals {dict(counters)}; "
        f"runs with each counter above 0: {dict(runs_with)}"
    )


def main() -> None:
    """Run the scenario ``RUNS`` times (``sys.argv``) and print the figures."""
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    busy = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    asyncio.run(run(runs, busy))


if __name__ == "__main__":
    main()
