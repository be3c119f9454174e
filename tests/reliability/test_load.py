"""Load: many concurrent callers against each emulator, rate limits on, faults sprinkled.

Every caller gets an invite or a typed error (0 lost, 0 hung: each round runs under a
deadline), no 429 is earned while the client has the headers, and memory stays flat
across rounds. CI runs a small size; ``INVITEKIT_LOAD=full`` runs the full one, 10,000
lookups of 1,000 codes at concurrency 200, and ``INVITEKIT_LOAD_REPORT=path.json`` keeps
the figures ``docs/reliability.md`` quotes.
"""

from __future__ import annotations

import json
import os
import tracemalloc
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from tests.reliability._load import (
    LoadSize,
    RoundResult,
    load_platform,
    loaded_client,
    memory_held_by_invitekit,
    run_round,
    traced_memory,
)

pytestmark = pytest.mark.load

FULL = os.environ.get("INVITEKIT_LOAD") == "full"
CACHED = LoadSize(lookups=10_000, codes=1_000, rounds=1) if FULL else LoadSize(1_000, 100, rounds=1)
UNCACHED = LoadSize(10_000, 1_000, rounds=4) if FULL else LoadSize(400, 200, rounds=3)
DEADLINE = 900.0 if FULL else 60.0
"""Seconds one round may take; a round still running then has hung callers."""
MEMORY_GROWTH = 512 * 1024
"""Bytes the whole traced heap may grow from the second round to the last (aiohttp's and
asyncio's pools and tables move by some 100 KiB between rounds either way)."""
OWN_GROWTH = 16 * 1024
OWN_GROWTH_PER_LOOKUP = 2
"""What invitekit's own code holds may grow over the same rounds by 16 KiB (its bounded
tables: in-flight requests, throttle windows, a URL-parsing cache) plus 2 bytes per
lookup: at the full size, keeping 3 bytes per lookup exceeds it; at the CI size, 45."""
TYPED_FAILURES = {"PayloadError", "NotFound", "ServerError", "TransportError"}
"""What the sprinkled faults may leave a caller with, besides ``InviteNotFound``."""

REPORT: dict[str, Any] = {}


@pytest.fixture(scope="module", autouse=True)
def report() -> Iterator[None]:
    yield
    path = os.environ.get("INVITEKIT_LOAD_REPORT")
    if path and REPORT:
        Path(path).write_text(json.dumps(REPORT, indent=2, sort_keys=True), encoding="utf-8")


def check(result: RoundResult, size: LoadSize) -> None:
    assert result.lost == 0
    assert result.untyped == []
    assert result.wrong == 0
    assert set(result.errors) <= TYPED_FAILURES, result.errors
    assert result.invites + result.not_found + sum(result.errors.values()) == size.lookups
    # The faults hit about one request in a hundred; nearly every known code resolves.
    assert result.invites >= 0.85 * size.lookups
    assert result.rate_limited == 0


def figures(result: RoundResult) -> dict[str, Any]:
    record = asdict(result)
    record["errors"] = dict(result.errors)  # asdict would turn the Counter inside out
    record["lookups_per_second"] = round(result.lookups / result.seconds)
    record["seconds"] = round(result.seconds, 2)
    return record


@pytest.mark.parametrize("name", ["discord", "stoat"])
async def test_cached_lookups_lose_nothing(name: str) -> None:
    platform = load_platform(name, CACHED.codes)
    async with loaded_client(platform, CACHED, cache=True) as client:
        result = await run_round(client, platform, CACHED, seed=1, deadline=DEADLINE)
        stats = client.stats
    check(result, CACHED)
    # One request per code, give or take the retries the faults cost: the rest were
    # answered from the cache or shared a request already in flight.
    assert CACHED.codes <= result.requests <= CACHED.codes * 1.1
    assert stats.lookups == CACHED.lookups
    REPORT[f"{name}-cached"] = figures(result) | {"coalesced": stats.coalesced}


@pytest.mark.parametrize("name", ["discord", "stoat"])
async def test_uncached_rounds_lose_nothing_and_keep_memory_flat(name: str) -> None:
    platform = load_platform(name, UNCACHED.codes)
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    memory: list[int] = []
    own: list[int] = []
    rounds: list[dict[str, Any]] = []
    try:
        async with loaded_client(platform, UNCACHED, cache=False) as client:
            for number in range(UNCACHED.rounds):
                result = await run_round(client, platform, UNCACHED, seed=number, deadline=DEADLINE)
                check(result, UNCACHED)
                memory.append(traced_memory())
                own.append(memory_held_by_invitekit())
                rounds.append(figures(result))
    finally:
        if started:
            tracemalloc.stop()
    # The first round warms up (connections, parsers, buckets); later ones must not grow.
    growth, own_growth = memory[-1] - memory[1], own[-1] - own[1]
    REPORT[f"{name}-uncached"] = {
        "rounds": rounds,
        "memory": memory,
        "growth": growth,
        "invitekit_memory": own,
        "invitekit_growth": own_growth,
    }
    assert growth <= MEMORY_GROWTH, memory
    lookups_between = UNCACHED.lookups * (UNCACHED.rounds - 2)
    assert own_growth <= OWN_GROWTH + OWN_GROWTH_PER_LOOKUP * lookups_between, own
