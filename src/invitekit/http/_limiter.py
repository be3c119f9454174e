"""Rate-limit state at run time: buckets learnt from responses, the global pause, throttles.

Nothing here sleeps on its own: every wait goes through the ``Wait`` callback the
transport passes in, which either sleeps or raises ``RateLimited`` when waiting is not
allowed. Waiting happens under a per-bucket lock, so requests queued behind an empty
bucket go out in order once it refills.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from invitekit.http._ratelimits import RateLimitInfo, RouteKey, Throttle

__all__ = ["Limiter", "Wait"]

Wait = Callable[[float, str], Awaitable[None]]
"""Wait ``seconds`` for ``why``, or raise ``RateLimited`` if that is not allowed."""


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

    async def acquire(self, name: str, clock: Callable[[], float], wait: Wait) -> None:
        async with self.lock:
            now = clock()
            self._expire(now)
            if len(self.sent) >= self.throttle.limit:
                await wait(self.sent[0] + self.throttle.period - now, f"throttle {name!r}")
                now = clock()
                self._expire(now)
            self.sent.append(now)


class Limiter:
    """Every limit one transport obeys.

    Args:
        clock: Monotonic seconds.
        throttles: Client-side caps by name; routes name the one they count against.
        global_throttle: A client-side cap on every request, if any.
    """

    def __init__(
        self,
        clock: Callable[[], float],
        throttles: dict[str, Throttle] | None = None,
        global_throttle: Throttle | None = None,
    ) -> None:
        self._clock = clock
        self._windows = {name: _Window(t) for name, t in (throttles or {}).items()}
        self._global_window = None if global_throttle is None else _Window(global_throttle)
        self._bucket_ids: dict[str, str] = {}
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._global_until = 0.0

    def _bucket(self, key: RouteKey) -> _Bucket:
        ident = (self._bucket_ids.get(key.route, key.route), key.resource)
        bucket = self._buckets.get(ident)
        if bucket is None:  # not setdefault: that would build a bucket and lock every call
            bucket = self._buckets[ident] = _Bucket()
        return bucket

    def has_throttle(self, name: str) -> bool:
        """Return whether a throttle called ``name`` exists."""
        return name in self._windows

    async def acquire(self, key: RouteKey, throttle: str | None, wait: Wait) -> None:
        """Wait until a request on ``key`` may go out, and count it.

        Raises:
            RateLimited: Through ``wait``, when a needed wait is not allowed.
            KeyError: ``throttle`` names no configured throttle.
        """
        if throttle is not None:
            await self._windows[throttle].acquire(throttle, self._clock, wait)
        if self._global_window is not None:
            await self._global_window.acquire("global", self._clock, wait)
        await self._wait_global(wait)
        bucket = self._bucket(key)
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
                await self._wait_global(wait)
            if bucket.remaining is not None:
                bucket.remaining -= 1

    async def _wait_global(self, wait: Wait) -> None:
        delay = self._global_until - self._clock()
        if delay > 0:
            await wait(delay, "global rate limit")

    def update(self, key: RouteKey, info: RateLimitInfo) -> None:
        """Learn from the rate-limit facts of a response to a request on ``key``."""
        if info.bucket is not None:
            previous = self._bucket_ids.get(key.route, key.route)
            if previous != info.bucket:
                self._bucket_ids[key.route] = info.bucket
                # Keep what was learnt under the provisional name: same limits, new id.
                old = self._buckets.get((previous, key.resource))
                if old is not None and (info.bucket, key.resource) not in self._buckets:
                    self._buckets[(info.bucket, key.resource)] = old
        bucket = self._bucket(key)
        if info.limit is not None:
            bucket.limit = info.limit
        if info.remaining is not None and info.reset_after is not None:
            bucket.remaining = info.remaining
            bucket.reset_at = self._clock() + info.reset_after

    def rate_limited(self, key: RouteKey, info: RateLimitInfo, retry_after: float) -> None:
        """Record a 429: pause everything if it is global, else empty the bucket."""
        until = self._clock() + retry_after
        if info.is_global:
            self._global_until = max(self._global_until, until)
            return
        bucket = self._bucket(key)
        bucket.remaining = 0
        bucket.reset_at = max(bucket.reset_at or 0.0, until)
