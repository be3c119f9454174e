"""Rate-limit state at run time: buckets learnt from responses, the global pause, throttles.

A transport keeps this state in a ``RateLimitStore``. The default, ``MemoryRateLimitStore``,
keeps it in this process; a shared store (``invitekit.redis.RedisRateLimitStore``) keeps it
where several processes see it, so a fleet obeys the limits of one client.

Nothing here sleeps on its own: every wait goes through the ``RateLimitWait`` callback the
transport passes in, which either sleeps or raises ``RateLimited`` when waiting is not
allowed. In memory, waiting happens under a per-bucket lock, so requests queued behind an
empty bucket go out in order once it refills.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from invitekit.http._ratelimits import RateLimitInfo, RouteKey, Throttle

__all__ = ["MemoryRateLimitStore", "RateLimitStore", "RateLimitWait", "Wait"]


class RateLimitWait(Protocol):
    """How a store waits: for ``seconds`` because of ``why``, or it raises ``RateLimited``
    when waiting is not allowed (the transport decides)."""

    def __call__(self, seconds: float, why: str, /) -> Awaitable[None]:
        """Wait, or raise ``RateLimited``."""
        ...


Wait = RateLimitWait


@runtime_checkable
class RateLimitStore(Protocol):
    """Where a transport keeps what it knows about rate limits.

    Every call names a ``scope``: transports with the same scope (one platform and
    account, across processes for a shared store) share buckets, the global pause and
    throttles. Throttles are passed with every ``acquire`` as ``(name, Throttle)``
    pairs, so a store needs no configuration of its own.
    """

    async def acquire(
        self,
        scope: str,
        key: RouteKey,
        throttles: Sequence[tuple[str, Throttle]],
        wait: RateLimitWait,
    ) -> None:
        """Wait until a request on ``key`` may go out under every limit, and count it.

        Raises:
            RateLimited: Through ``wait``, when a needed wait is not allowed.
        """

    async def update(self, scope: str, key: RouteKey, info: RateLimitInfo) -> None:
        """Learn from the rate-limit facts of a response to a request on ``key``."""

    async def rate_limited(
        self, scope: str, key: RouteKey, info: RateLimitInfo, retry_after: float
    ) -> None:
        """Record a 429: pause every route of ``scope`` if it is global, else the bucket."""


@dataclass
class _Bucket:
    limit: int | None = None
    remaining: int | None = None
    reset_at: float | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class _Window:
    """A sliding-window log: the send times of the last ``limit`` requests."""

    def __init__(self, throttle: Throttle) -> None:
        self.throttle = throttle
        self.sent: deque[float] = deque()
        self.lock = asyncio.Lock()

    def _expire(self, now: float) -> None:
        while self.sent and self.sent[0] <= now - self.throttle.period:
            self.sent.popleft()

    async def acquire(self, name: str, clock: Callable[[], float], wait: RateLimitWait) -> None:
        async with self.lock:
            now = clock()
            self._expire(now)
            if len(self.sent) >= self.throttle.limit:
                await wait(self.sent[0] + self.throttle.period - now, f"throttle {name!r}")
                now = clock()
                self._expire(now)
            self.sent.append(now)


class _Scope:
    """Everything one scope has learnt: bucket ids, buckets, windows, the global pause."""

    def __init__(self) -> None:
        self.windows: dict[str, _Window] = {}
        self.bucket_ids: dict[str, str] = {}
        self.buckets: dict[tuple[str, str], _Bucket] = {}
        self.global_until = 0.0

    def window(self, name: str, throttle: Throttle) -> _Window:
        window = self.windows.get(name)
        if window is None:
            window = self.windows[name] = _Window(throttle)
        window.throttle = throttle
        return window

    def bucket(self, key: RouteKey) -> _Bucket:
        ident = (self.bucket_ids.get(key.route, key.route), key.resource)
        bucket = self.buckets.get(ident)
        if bucket is None:  # not setdefault: that would build a bucket and lock every call
            bucket = self.buckets[ident] = _Bucket()
        return bucket


class MemoryRateLimitStore:
    """A ``RateLimitStore`` in this process: the default of every transport.

    Args:
        clock: Monotonic seconds.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._scopes: dict[str, _Scope] = {}

    def _scope(self, scope: str) -> _Scope:
        state = self._scopes.get(scope)
        if state is None:
            state = self._scopes[scope] = _Scope()
        return state

    async def acquire(
        self,
        scope: str,
        key: RouteKey,
        throttles: Sequence[tuple[str, Throttle]],
        wait: RateLimitWait,
    ) -> None:
        """Wait for each throttle, a global pause and the bucket in turn, and count the request.

        Raises:
            RateLimited: Through ``wait``, when a needed wait is not allowed.
        """
        state = self._scope(scope)
        for name, throttle in throttles:
            await state.window(name, throttle).acquire(name, self._clock, wait)
        await self._wait_global(state, wait)
        bucket = state.bucket(key)
        if not bucket.lock.locked():
            # Nobody is waiting on this bucket: if it has room, count the request without
            # taking the lock (nothing below awaits, so this is as atomic as the lock).
            now = self._clock()
            if bucket.reset_at is not None and bucket.reset_at <= now:
                bucket.remaining, bucket.reset_at = bucket.limit, None
            if bucket.remaining is None:
                return
            if bucket.remaining > 0:
                bucket.remaining -= 1
                return
        async with bucket.lock:
            now = self._clock()
            if bucket.reset_at is not None and bucket.reset_at <= now:
                bucket.remaining, bucket.reset_at = bucket.limit, None
            if bucket.remaining is not None and bucket.remaining <= 0:
                delay = (bucket.reset_at or now) - now
                await wait(delay, f"bucket {key.route!r}")
                bucket.remaining, bucket.reset_at = bucket.limit, None
                # A global pause may have started while this request slept.
                await self._wait_global(state, wait)
            if bucket.remaining is not None:
                bucket.remaining -= 1

    async def _wait_global(self, state: _Scope, wait: RateLimitWait) -> None:
        delay = state.global_until - self._clock()
        if delay > 0:
            await wait(delay, "global rate limit")

    async def update(self, scope: str, key: RouteKey, info: RateLimitInfo) -> None:
        """Learn a response's bucket id, limit, remaining requests and reset time."""
        state = self._scope(scope)
        if info.bucket is not None:
            previous = state.bucket_ids.get(key.route, key.route)
            if previous != info.bucket:
                state.bucket_ids[key.route] = info.bucket
                # Keep what was learnt under the provisional name: same limits, new id.
                old = state.buckets.get((previous, key.resource))
                if old is not None and (info.bucket, key.resource) not in state.buckets:
                    state.buckets[(info.bucket, key.resource)] = old
        bucket = state.bucket(key)
        if info.limit is not None:
            bucket.limit = info.limit
        if info.remaining is not None and info.reset_after is not None:
            bucket.remaining = info.remaining
            bucket.reset_at = self._clock() + info.reset_after

    async def rate_limited(
        self, scope: str, key: RouteKey, info: RateLimitInfo, retry_after: float
    ) -> None:
        """Record a 429: pause the scope if it is global, else empty the bucket."""
        state = self._scope(scope)
        until = self._clock() + retry_after
        if info.is_global:
            state.global_until = max(state.global_until, until)
            return
        bucket = state.bucket(key)
        bucket.remaining = 0
        bucket.reset_at = max(bucket.reset_at or 0.0, until)
