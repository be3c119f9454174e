"""Leases on lookups: the scripts that take, watch and finish one, and ``LeaseKeeper``,
which keeps alive every lease one process holds.

A lease's value is its holder's token. A lease must outlive its holder's work, or
another process repeats the lookup. So the renewals do not queue for the shared
connection pool behind a burst of lookups: one task renews every held lease in one
script call per third of the lease, on a connection of its own, taken from the fleet's
pool before the process takes its first lease.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from redis.asyncio import Redis

from invitekit.redis._fleet import FAILURES, RedisFleet

__all__ = ["FINISH", "TAKE", "WATCH", "LeaseKeeper"]

TAKE = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {1} end
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then return {1} end
return {0, holder or ''}
"""
"""Take the lease ``KEYS[1]`` for the token ``ARGV[1]`` (``ARGV[2]`` ms): ``{1}``, or
``{0, holder}`` with the token of the holder to wait for. Taking a lease one already
holds succeeds: a take whose reply timed out is made again (see ``RedisFleet.call``),
and must not find its own lease taken by someone else."""

WATCH = """
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then return {0, redis.call('PTTL', KEYS[1])} end
local outcome = redis.call('GET', KEYS[2])
if outcome then return {1, outcome} end
return {2}
"""
"""Look at the lease ``KEYS[1]`` of the holder ``ARGV[1]``, whose outcome key is
``KEYS[2]``: ``{0, ms}`` while it holds the lease, ``{1, outcome}`` once it finished,
``{2}`` when its lease ended without an outcome."""

FINISH = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
if ARGV[4] ~= '' then redis.call('SET', KEYS[2], ARGV[4], 'PX', ARGV[5]) end
return redis.call('PUBLISH', ARGV[2], ARGV[3])
"""
"""End the holder ``ARGV[1]``'s lease ``KEYS[1]`` in one step: drop it (unless it ran out
and another process holds it now), keep the outcome ``ARGV[4]`` under ``KEYS[2]`` for
``ARGV[5]`` ms (none when the holder gave up: ``''``), and publish the message ``ARGV[3]``
on the channel ``ARGV[2]``. Waiters that see the lease gone before the message arrives
read the kept outcome."""

_RENEW_ALL = """
local lost = {}
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[i + 1] then
    redis.call('PEXPIRE', key, ARGV[1])
  else
    lost[#lost + 1] = key
  end
end
return lost
"""


class LeaseKeeper:
    """Renews the leases ``hold`` is told of until ``release``.

    Args:
        fleet: The Redis and its failure policy.
        lease: Seconds a lease lasts without renewal.
        on_lost: Called with a lease's key when it ran out before its renewal (the
            process stalled longer than the lease); it is no longer renewed.
    """

    def __init__(self, fleet: RedisFleet, lease: float, on_lost: Callable[[str], None]) -> None:
        self.fleet = fleet
        self.lease = lease
        self._lease_ms = max(1, round(lease * 1000))
        self._on_lost = on_lost
        self._held: dict[str, str] = {}
        self._finishing: set[str] = set()
        self._client: Redis | None = None
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    @property
    def connected(self) -> bool:
        """Whether the renewals have their connection."""
        return self._client is not None and self._client.connection is not None

    async def connect(self) -> None:
        """Take the renewals' connection from the fleet's pool, if not taken yet.

        Called before the first lease is taken: taken when a lease is already held, the
        connection could queue behind a burst of lookups while the lease ran out.

        Raises:
            redis.RedisError, OSError, asyncio.TimeoutError: Redis failed.
        """
        if self._client is None:
            self._client = Redis(
                connection_pool=self.fleet.client.connection_pool, single_connection_client=True
            )
        await self._client.initialize()

    def hold(self, key: str, token: str) -> None:
        """Keep the lease ``key`` (owned with ``token``) alive until ``release``."""
        self._held[key] = token
        if (self._task is None or self._task.done()) and not self._stop.is_set():
            self._task = asyncio.ensure_future(self._keep())

    def finishing(self, key: str) -> None:
        """Keep renewing ``key`` while its holder ends it, and no longer call it lost
        when it is gone: the holder's finishing script is what ends it."""
        self._finishing.add(key)

    def release(self, key: str) -> None:
        """Stop renewing ``key``; safe for a lease that was lost or never held."""
        self._held.pop(key, None)
        self._finishing.discard(key)

    async def _keep(self) -> None:
        if not self.connected:

            async def connect(client: Redis) -> None:
                await self.connect()

            await self.fleet.call("lease keeper connection", connect, _nothing)
        if self._client is None:  # closed meanwhile
            return
        renew_all = self._client.register_script(_RENEW_ALL)
        while self._held:
            # Stopped by an event, not by cancellation: a cancellation that lands inside
            # a Redis call's own timeout can be swallowed, and the loop would never end.
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.lease / 3)
            if self._stop.is_set():
                return
            held = dict(self._held)
            if not held:
                return

            async def renew(client: Redis, held: dict[str, str] = held) -> list[bytes | str]:
                lost: list[bytes | str] = await renew_all(
                    keys=list(held), args=[self._lease_ms, *held.values()]
                )
                return lost

            for raw in await self.fleet.call("lease renewal", renew, _none_lost):
                key = raw.decode() if isinstance(raw, bytes) else raw
                # A lease released meanwhile is not lost: its holder let it go.
                if self._held.get(key) == held.get(key):
                    del self._held[key]
                    if key not in self._finishing:
                        self._on_lost(key)

    async def close(self) -> None:
        """Stop renewing, wait for the renewal under way, and give the connection back."""
        self._stop.set()
        self._held.clear()
        self._finishing.clear()
        task, self._task = self._task, None
        if task is not None:
            # Bounded: a cancellation swallowed inside redis-py must not hang close().
            await asyncio.wait([task], timeout=2.0)
            task.cancel()
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(*FAILURES):
                await client.aclose()


async def _nothing() -> None:
    return None


async def _none_lost() -> list[bytes | str]:
    return []
