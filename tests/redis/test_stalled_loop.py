"""A process whose event loop stalls (CPU starvation, a long GC, a blocking call) is not a
Redis outage: the fleet must not fall back, and no invite may be looked up twice.

A stall longer than the fleet's command timeout makes every Redis call in flight time
out when the loop resumes, although Redis answered long before: asyncio runs the expired
timers in the same turn as the data that arrived meanwhile. Before the fix the fleet took
those timeouts for an outage, fell back to per-process coalescing and caching, and the
processes looked up the same codes again.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from contextlib import AsyncExitStack

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeout

from invitekit import InviteClient
from invitekit.redis import RedisFleet
from invitekit_discord import DiscordAdapter
from tests.redis._discord import TOKEN, invite_lookups, seeded
from tests.redis._server import RedisServer

TIMEOUT = 0.3
"""The fleets' command timeout; the stall lasts three times as long."""


async def _stall_after(turns: int) -> None:
    """Let the loop run ``turns`` times (every lookup is then inside a Redis call), then
    block it, as a starved process would be."""
    for _ in range(turns):
        await asyncio.sleep(0)
    time.sleep(3 * TIMEOUT)  # noqa: ASYNC251 - blocking the loop is the point


async def test_a_stalled_loop_is_not_an_outage_and_looks_nothing_up_twice(
    redis_server: RedisServer, namespace: str
) -> None:
    emulator, codes = seeded(30)
    async with AsyncExitStack() as stack:
        api_base = await stack.enter_async_context(emulator.serve())
        fleets = [
            await stack.enter_async_context(
                RedisFleet.from_url(redis_server.url, namespace=namespace, timeout=TIMEOUT)
            )
            for _ in range(3)
        ]
        coalescings = [fleet.coalescing(lease=5.0) for fleet in fleets]
        clients = [
            await stack.enter_async_context(
                InviteClient(
                    DiscordAdapter(
                        TOKEN,
                        api_base=api_base,
                        lookup_limit=None,
                        rate_limit_store=fleet.rate_limits,
                    ),
                    cache=fleet.cache(),
                    coalescing=coalescing,
                )
            )
            for fleet, coalescing in zip(fleets, coalescings, strict=True)
        ]
        lookups = asyncio.ensure_future(
            asyncio.gather(
                *(
                    client.fetch_invite(code, platform="discord")
                    for client in clients
                    for code in codes * 3
                )
            )
        )
        await _stall_after(3)
        invites = await lookups
    assert {invite.code for invite in invites} == set(codes)
    repeated = {code: n for code, n in Counter(invite_lookups(emulator)).items() if n > 1}
    assert repeated == {}
    assert [fleet.fallbacks for fleet in fleets] == [0, 0, 0]
    assert [c.stats.lost for c in coalescings] == [0, 0, 0]
    assert [c.stats.local for c in coalescings] == [0, 0, 0]
    assert sorted(invite_lookups(emulator)) == sorted(codes)


async def _fallback() -> str:
    return "fallback"


async def test_a_timeout_while_redis_answers_is_made_again(fleet: RedisFleet) -> None:
    attempts: list[int] = []

    async def operation(client: Redis) -> str:
        attempts.append(len(attempts))
        if len(attempts) == 1:
            raise RedisTimeout("the reply came after the timeout")
        return str(await client.ping())

    assert await fleet.call("test", operation, _fallback) == "True"
    assert attempts == [0, 1]
    assert fleet.fallbacks == 0
    assert fleet.available


async def test_a_timeout_made_again_that_times_out_again_is_an_outage(fleet: RedisFleet) -> None:
    async def operation(client: Redis) -> str:
        raise asyncio.TimeoutError

    assert await fleet.call("test", operation, _fallback) == "fallback"
    assert fleet.fallbacks == 1
    assert not fleet.available


async def test_a_timeout_with_redis_gone_falls_back_at_once(own_redis_server: RedisServer) -> None:
    attempts: list[int] = []

    async def operation(client: Redis) -> str:
        attempts.append(1)
        raise RedisTimeout("no reply")

    async with RedisFleet.from_url(own_redis_server.url, timeout=TIMEOUT) as fleet:
        own_redis_server.stop()
        assert await fleet.call("test", operation, _fallback) == "fallback"
    assert attempts == [1]
    assert fleet.fallbacks == 1


async def test_a_failure_that_stays_while_redis_answers_is_made_once_more(
    fleet: RedisFleet,
) -> None:
    attempts: list[int] = []

    async def operation(client: Redis) -> str:
        attempts.append(1)
        raise RedisConnectionError("closed by server")

    assert await fleet.call("test", operation, _fallback) == "fallback"
    assert attempts == [1, 1]
    assert fleet.fallbacks == 1


async def test_failures_during_stalls_are_made_again_without_asking_redis(
    fleet: RedisFleet,
) -> None:
    """Two stalls in a row, each longer than the timeout, each failing the call in
    flight: both are this process's own doing, and the third attempt answers."""
    attempts: list[int] = []

    async def operation(client: Redis) -> str:
        attempts.append(1)
        if len(attempts) < 3:
            time.sleep(3 * TIMEOUT)  # noqa: ASYNC251 - the stall is the point
            raise RedisTimeout("the reply came after the timeout")
        return "answered"

    assert await fleet.call("test", operation, _fallback) == "answered"
    assert attempts == [1, 1, 1]
    assert fleet.fallbacks == 0
