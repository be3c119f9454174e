"""A bounded LRU cache whose entries expire: found invites live longer than misses."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

V = TypeVar("V")


@dataclass(frozen=True)
class CacheSettings:
    """How the client caches lookups.

    Args:
        ttl: Seconds a found invite is served from the cache; ``0`` turns caching off.
        not_found_ttl: Seconds an ``InviteNotFound`` is remembered; ``0`` never.
        max_size: The most entries kept; the least recently used go first.

    Raises:
        ValueError: A negative duration or a size below 1.
    """

    ttl: float = 300.0
    not_found_ttl: float = 30.0
    max_size: int = 10_000

    def __post_init__(self) -> None:
        if self.ttl < 0 or self.not_found_ttl < 0:
            raise ValueError("cache durations cannot be negative")
        if self.max_size < 1:
            raise ValueError("the cache needs room for at least one entry")


class TTLCache(Generic[V]):
    """Entries expire after the time given when they were stored; the oldest go first."""

    def __init__(self, max_size: int, clock: Callable[[], float]) -> None:
        self._entries: OrderedDict[Hashable, tuple[float, V]] = OrderedDict()
        self._max_size = max_size
        self._clock = clock

    def get(self, key: Hashable) -> V | None:
        """Return the live value for ``key``, or ``None``."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, value = entry
        if self._clock() >= expires:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return value

    def put(self, key: Hashable, value: V, ttl: float) -> None:
        """Store ``value`` for ``ttl`` seconds (not at all if ``ttl`` is 0)."""
        if ttl <= 0:
            return
        self._entries[key] = (self._clock() + ttl, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max_size:
            self._entries.popitem(last=False)

    def discard_where(self, matches: Callable[[Hashable], bool]) -> int:
        """Drop every entry whose key ``matches``; return how many went."""
        doomed = [key for key in self._entries if matches(key)]
        for key in doomed:
            del self._entries[key]
        return len(doomed)

    def clear(self) -> None:
        """Drop everything."""
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
