"""``LeaseKeeper``: keeps alive every lease one process holds.

A lease must outlive its holder's work, or another process repeats the lookup. So the
renewals do not queue for the shared connection pool behind a burst of lookups: one
task renews every held lease in one script call per third of the lease, on a connection
of its own (taken from the fleet's pool once, when the first lease is held).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from redis.asyncio import Redis

from invitekit.redis._fleet import FAILURES, RedisFleet

__all__ = ["LeaseKeeper"]

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
        self._client: Redis | None = None
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    def hold(self, key: str, token: str) -> None:
        """Keep the lease ``key`` (owned with ``token``) alive until ``release``."""
        self._held[key] = token
        if (self._task is None or self._task.done()) and not self._stop.is_set():
            self._task = asyncio.ensure_future(self._keep())

    def release(self, key: str) -> None:
        """Stop renewing ``key``; safe for a lease that was lost or never held."""
        self._held.pop(key, None)

    async def _keep(self) -> None:
        if self._client is None:
            self._client = Redis(
                connection_pool=self.fleet.client.connection_pool, single_connection_client=True
            )
        own = self._client
        renew_all = own.register_script(_RENEW_ALL)

        async def connect(client: Redis) -> None:
            await own.initialize()  # takes its connection now, before the pool is busy

        await self.fleet.call("lease keeper connection", connect, _nothing)
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
                    self._on_lost(key)

    async def close(self) -> None:
        """Stop renewing, wait for the renewal under way, and give the connection back."""
        self._stop.set()
        self._held.clear()
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
