"""Where the client keeps what it learnt: the ``InviteCache`` protocol and its in-memory default.

A cache is consulted before every lookup and told about every outcome. Implementations
decide how long each outcome lives (found invites longer than misses). The in-memory
``MemoryInviteCache`` is the default; a shared one (Redis, say) lets several processes
act as one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import NamedTuple, Protocol, runtime_checkable

from invitekit.client._cache import CacheSettings, TTLCache
from invitekit.errors import InviteNotFound
from invitekit.models import PublicInvite

__all__ = ["InviteCache", "LookupKey", "MemoryInviteCache"]


class LookupKey(NamedTuple):
    """What identifies one lookup: the invite and the view of it that was asked for."""

    platform: str
    """The registry name of the platform."""
    code: str
    """The invite code."""
    event_id: str | None
    """The scheduled event the link pointed at, if any."""
    with_counts: bool
    """Whether member counts were asked for."""
    instance: str | None = None
    """The self-hosted instance of the platform, or ``None`` for the official one."""


@runtime_checkable
class InviteCache(Protocol):
    """The client's cache of lookup outcomes."""

    async def get(self, key: LookupKey) -> PublicInvite | InviteNotFound | None:
        """Return the live outcome stored for ``key``, or ``None``."""

    async def put(self, key: LookupKey, outcome: PublicInvite | InviteNotFound) -> None:
        """Remember ``outcome`` for as long as this cache keeps that kind of outcome."""

    async def evict(self, platform: str, code: str) -> None:
        """Forget every outcome stored for the invite ``code`` on ``platform``."""

    async def close(self) -> None:
        """Release what the cache holds (connections); the client calls it on close."""


class MemoryInviteCache:
    """An in-process, bounded LRU ``InviteCache`` with separate lifetimes for misses.

    Args:
        settings: Lifetimes and size.
        clock: Monotonic seconds (injectable for tests).
    """

    def __init__(
        self,
        settings: CacheSettings | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings or CacheSettings()
        self._entries: TTLCache[PublicInvite | InviteNotFound] = TTLCache(
            self.settings.max_size, clock
        )

    async def get(self, key: LookupKey) -> PublicInvite | InviteNotFound | None:
        """Return the outcome stored for ``key`` if it has not expired, else ``None``."""
        return self._entries.get(key)

    async def put(self, key: LookupKey, outcome: PublicInvite | InviteNotFound) -> None:
        """Store ``outcome`` for ``settings.ttl`` seconds, or ``settings.not_found_ttl`` for
        a miss; a lifetime of 0 stores nothing."""
        missing = isinstance(outcome, InviteNotFound)
        ttl = self.settings.not_found_ttl if missing else self.settings.ttl
        self._entries.put(key, outcome, ttl)

    async def evict(self, platform: str, code: str) -> None:
        """Forget every outcome stored for the invite ``code`` on ``platform``."""

        def same_invite(key: Hashable) -> bool:
            return isinstance(key, LookupKey) and (key.platform, key.code) == (platform, code)

        self._entries.discard_where(same_invite)

    async def close(self) -> None:
        """Drop every entry."""
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
