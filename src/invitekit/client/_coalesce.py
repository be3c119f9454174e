"""One in-flight request per key, shared by every caller that asks meanwhile.

``Coalescing`` is what the client needs of it; ``MemoryCoalescing`` shares requests
within this process (the default), and a shared implementation
(``invitekit.redis.RedisCoalescing``) shares them between processes as well.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, Protocol, TypeVar, runtime_checkable

from invitekit.client._stores import LookupKey
from invitekit.models import PublicInvite

__all__ = ["Coalescer", "Coalescing", "MemoryCoalescing"]

T = TypeVar("T")


@runtime_checkable
class Coalescing(Protocol):
    """Runs one lookup per key at a time and gives its outcome to every caller of that key."""

    async def run(
        self, key: LookupKey, load: Callable[[], Awaitable[PublicInvite]]
    ) -> PublicInvite:
        """Return the outcome of ``load`` for ``key``: run here, or by whoever runs it now.

        A caller that is cancelled leaves the lookup and every other caller alone.

        Raises:
            InviteError: What ``load`` raised (a copy per caller).
        """

    def __contains__(self, key: object) -> bool:
        """Whether a lookup of ``key`` is in flight in this process."""

    async def close(self) -> None:
        """Cancel the lookups in flight here; the client calls it when it closes."""


class Coalescer(Generic[T]):
    """Runs ``load(key)`` once per key at a time; concurrent callers share its outcome.

    Each caller waits through ``asyncio.shield``: cancelling one caller leaves the
    request and every other caller alone. Exceptions reach each caller as a copy, so one
    failure is not re-raised (and its traceback grown) once per waiter.
    """

    def __init__(self) -> None:
        self._inflight: dict[Hashable, asyncio.Task[T]] = {}

    async def run(self, key: Hashable, load: Callable[[], Awaitable[T]]) -> T:
        """Return the outcome of the in-flight ``load`` for ``key``, starting one if none."""
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.ensure_future(load())
            self._inflight[key] = task
            task.add_done_callback(lambda done: self._finished(key, done))
        try:
            return await asyncio.shield(task)
        except Exception as error:
            raise copy.copy(error) from error

    def _finished(self, key: Hashable, task: asyncio.Task[T]) -> None:
        if self._inflight.get(key) is task:
            del self._inflight[key]
        if not task.cancelled():
            task.exception()  # retrieved here, so no "never retrieved" warning if all left

    async def cancel_all(self) -> None:
        """Cancel every request in flight and wait until each has finished (used when
        the client closes, so no task outlives it)."""
        tasks = list(self._inflight.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def __contains__(self, key: object) -> bool:
        return key in self._inflight

    def __len__(self) -> int:
        return len(self._inflight)


class MemoryCoalescing(Coalescer[PublicInvite]):
    """``Coalescing`` within this process: the client's default."""

    async def close(self) -> None:
        """Cancel every lookup in flight and wait until each has ended."""
        await self.cancel_all()
