"""Issue 14's fleet under CPU contention, for ``test_processes.py`` and
``benchmarks.contention``.

Four processes on one Redis each resolve 300 lookups drawn from the same 60 codes, all at
once, with the fleet's defaults (1 s Redis timeout, 5 s lease). The Discord emulator
answers each after 50 ms, and busy processes compete with them for the cores.
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tests.redis._discord import invite_lookups, seeded
from tests.redis._fleet import run_fleet
from tests.redis._server import RedisServer

__all__ = ["Run", "contended_run"]

CODES = 60
LOOKUPS = 300
WORKERS = 4


@dataclass
class Run:
    """What one run sent, and what its processes report."""

    requests: int
    repeated: dict[str, int]
    """Codes requested more than once, with their counts."""
    statuses: set[int]
    outcomes: list[dict[str, int]]
    fallbacks: list[int]
    coalescing: dict[str, int] = field(default_factory=dict)
    """Every process's ``CoalescingStats``, summed."""
    reports: list[dict[str, Any]] = field(default_factory=list, repr=False)


async def contended_run(redis: RedisServer, *, busy: int = 2) -> Run:
    """One run of the scenario with ``busy`` busy-looping processes alongside."""
    emulator, codes = seeded(CODES)
    for _ in codes:
        emulator.stall_next(0.05)
    namespace = f"c{uuid.uuid4().hex[:12]}"
    spinners = [
        await asyncio.create_subprocess_exec(sys.executable, "-c", "while True: pass")
        for _ in range(busy)
    ]
    try:
        async with emulator.serve() as api_base:
            reports = await run_fleet(
                [
                    {
                        "redis": redis.url,
                        "namespace": namespace,
                        "api_base": api_base,
                        "codes": codes,
                        "lookups": LOOKUPS,
                        "seed": seed,
                        "uncapped": True,
                        "timeout": 1.0,
                    }
                    for seed in range(WORKERS)
                ]
            )
    finally:
        for spinner in spinners:
            spinner.kill()
            await spinner.wait()
    lookups = invite_lookups(emulator)
    summed: Counter[str] = Counter()
    for report in reports:
        summed.update(report["coalescing"])
    return Run(
        requests=len(lookups),
        repeated={code: n for code, n in Counter(lookups).items() if n > 1},
        statuses={request.status for request in emulator.requests},
        outcomes=[report["outcomes"] for report in reports],
        fallbacks=[report["fallbacks"] for report in reports],
        coalescing=dict(summed),
        reports=reports,
    )
