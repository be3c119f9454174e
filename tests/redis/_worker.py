"""One process of a bridge-bot fleet, for the multi-process tests and the fleet benchmark.

Run as ``python -m tests.redis._worker CONFIG_JSON``. It builds a Discord client on the
shared Redis (or, without ``redis`` in the config, on its own as a lone process would),
prints ``{"ready": true}``, waits for a line on stdin (so every process starts at once),
looks up ``lookups`` codes (``codes`` repeated, shuffled, all at once), and prints one
JSON line with what happened. With ``report_waiting`` it also prints
``{"waiting": true}`` once a lookup waits for another process's lease.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import sys
import time
from collections import Counter
from contextlib import AsyncExitStack
from dataclasses import asdict
from typing import Any

from invitekit import CacheSettings, InviteClient, InviteError
from invitekit.http import Throttle
from invitekit.redis import RedisFleet
from invitekit_discord import DEFAULT_LOOKUP_LIMIT, DiscordAdapter
from tests.redis._discord import TOKEN


class RetryCounter(logging.Handler):
    """Counts the transport's retries: a retried lookup reaches the emulator twice."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.retries: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith("retrying"):
            self.retries.append(message)


def emit(message: dict[str, Any]) -> None:
    print(json.dumps(message), flush=True)


async def run(config: dict[str, Any]) -> dict[str, Any]:
    cap = config.get("lookup_limit")
    retries = RetryCounter()
    transport_log = logging.getLogger("invitekit.http")
    transport_log.setLevel(logging.DEBUG)
    transport_log.addHandler(retries)
    fleet = None
    if config.get("redis") is not None:
        fleet = RedisFleet.from_url(
            config["redis"],
            namespace=config["namespace"],
            retry_interval=config.get("retry", 5.0),
            # Generous: the test machine's cores are shared, and a slow reply is no outage.
            timeout=config.get("timeout", 5.0),
        )
    adapter = DiscordAdapter(
        TOKEN,
        api_base=config["api_base"],
        lookup_limit=(
            None
            if config.get("uncapped")
            else DEFAULT_LOOKUP_LIMIT
            if cap is None
            else Throttle(*cap)
        ),
        wait_for_rate_limits=config.get("wait", True),
        max_wait=config.get("max_wait", 60.0),
        rate_limit_store=None if fleet is None else fleet.rate_limits,
    )
    coalescing = None if fleet is None else fleet.coalescing(lease=config.get("lease", 5.0))
    cache = CacheSettings() if fleet is None else fleet.cache()
    async with AsyncExitStack() as stack:
        if fleet is not None:
            await stack.enter_async_context(fleet)
        client = await stack.enter_async_context(
            InviteClient(adapter, cache=cache, coalescing=coalescing)
        )
        emit({"ready": True})
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        started = time.time()
        codes: list[str] = config["codes"]
        order = [codes[index % len(codes)] for index in range(config["lookups"])]
        random.Random(config.get("seed", 0)).shuffle(order)

        async def look_up(code: str) -> str:
            try:
                await client.fetch_invite(code, platform="discord")
            except InviteError as error:
                return type(error).__name__
            return "ok"

        lookups = asyncio.ensure_future(asyncio.gather(*(look_up(code) for code in order)))
        stalls = asyncio.ensure_future(stall_the_loop(config.get("stalls", [])))
        if config.get("report_waiting") and coalescing is not None:
            while not lookups.done() and not coalescing.waiting:  # noqa: ASYNC110 - a counter
                await asyncio.sleep(0.005)
            emit({"waiting": True})
        outcomes = await lookups
        stalls.cancel()
        finished = time.time()
    return {
        "outcomes": dict(Counter(outcomes)),
        "coalescing": asdict(coalescing.stats) if coalescing is not None else {},
        "client": asdict(client.stats),
        "fallbacks": 0 if fleet is None else fleet.fallbacks,
        "retries": retries.retries,
        "started_at": started,
        "finished_at": finished,
    }


async def stall_the_loop(stalls: list[list[float]]) -> None:
    """Block the event loop as a starved process would: ``[after, seconds]`` pairs."""
    for after, seconds in stalls:
        await asyncio.sleep(after)
        time.sleep(seconds)  # noqa: ASYNC251 - blocking the loop is the point


async def watchdog(seconds: float) -> None:
    """After ``seconds``, print every task's stack to stderr: a hung worker explains itself."""
    await asyncio.sleep(seconds)
    print(f"worker still running after {seconds}s; its tasks:", file=sys.stderr)
    for task in asyncio.all_tasks():
        task.print_stack(limit=12, file=sys.stderr)
    sys.stderr.flush()


async def supervised(config: dict[str, Any]) -> dict[str, Any]:
    dog = asyncio.ensure_future(watchdog(config.get("watchdog", 40.0)))
    try:
        return await run(config)
    finally:
        dog.cancel()


def main() -> None:
    config = json.loads(sys.argv[1])
    emit({"done": asyncio.run(supervised(config))})


if __name__ == "__main__":
    main()
