"""Rate-limit state at run time: buckets learnt from responses, the global pause, throttles.

A transport keeps this state in a ``RateLimitStore``. The default, ``MemoryRateLimitStore``,
keeps it in this process; a shared store (``invitekit.redis.RedisRateLimitStore``) keeps it
where several processes see it, so a fleet obeys the limits of one client.

Nothing here sleeps on its own: every wait goes through the ``RateLimitWait`` callback the
transport passes in, which either sleeps or raises ``RateLimited`` when waiting is not
allowed. In memory, waiting happens under a per-bucket lock, so requests queued behind an
empty bucket go out in order once it refills.

A bucket is counted so that a client that has the platform's headers never earns a 429:
the first request on a bucket goes out alone and the rest wait for its headers; a late
answer never raises the count left in a window; and requests still in flight when a
window ends are counted against the next one, where they may land. Every request a store
lets out is settled with ``update`` exactly once, answered or not, with the ticket
``acquire`` returned for it.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from invitekit.http._ratelimits import RateLimitInfo, RouteKey, Throttle

__all__ = ["MemoryRateLimitStore", "RateLimitStore", "RateLimitWait", "Ticket"]


class RateLimitWait(Protocol):
    """How a store waits: for ``seconds`` because of ``why``, or it raises ``RateLimited``
    when waiting is not allowed (the transport decides)."""

    def __call__(self, seconds: float, why: str, /) -> Awaitable[None]:
        """Wait, or raise ``RateLimited``."""
        ...


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
    ) -> object:
        """Wait until a request on ``key`` may go out under every limit, and count it.

        Returns a ticket to hand back to ``update`` for this request: whatever the store
        needs to settle it (``None`` does for a store that needs nothing).

        Raises:
            RateLimited: Through ``wait``, when a needed wait is not allowed.
        """

    async def update(
        self, scope: str, key: RouteKey, info: RateLimitInfo | None, ticket: object = None
    ) -> None:
        """Settle a request ``acquire`` let out, exactly once, with its ``ticket``.

        ``info`` holds the rate-limit facts of its response, or is ``None`` when no
        response came (a timeout, a reset, a cancellation): the request no longer holds
        anything up, and nothing is learnt.
        """

    async def rate_limited(
        self, scope: str, key: RouteKey, info: RateLimitInfo, retry_after: float
    ) -> None:
        """Record a 429: pause every route of ``scope`` if it is global, else the bucket."""


# Slack for comparing window ends: platforms round ``reset_after``, and the ends one
# window's answers give may differ by that much. Far shorter than any window.
_SAME_WINDOW = 0.1
_LEASE = 60.0
"""The longest wait for a request in flight to be settled, in case its ticket was lost."""


@dataclass
class _Bucket:
    limit: int | None = None
    remaining: int | None = None
    reset_at: float | None = None
    """When the known window has certainly ended; ``None`` while counting a new one."""
    earliest_end: float | None = None
    """The earliest the known window can end (see ``learn``)."""
    ended: float | None = None
    """When the window before the one being counted had certainly ended."""
    ended_earliest: float | None = None
    """The earliest that window can have ended."""
    refilled: float | None = None
    """When counting the current window began."""
    span: float = 0.0
    """The longest ``reset_after`` seen: about a window's length."""
    in_flight: int = 0
    answered: bool = False
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _answer: asyncio.Event = field(default_factory=asyncio.Event)

    async def next_answer(self) -> None:
        """Wait until a request in flight on this bucket is answered or abandoned.

        Tickets are always settled by the transport; should one be lost all the same,
        the bucket stops waiting for it after ``_LEASE`` seconds.
        """
        try:
            await asyncio.wait_for(self._answer.wait(), _LEASE)
        except asyncio.TimeoutError:
            self.in_flight, self.answered = 0, True

    def settle(self) -> None:
        """Count one request in flight as finished and wake whoever waits for it."""
        self.in_flight = max(0, self.in_flight - 1)
        self.answered = True
        self._answer.set()
        self._answer = asyncio.Event()

    def new_window(self, now: float) -> None:
        """Start counting afresh at ``now``; each request in flight keeps a place in the
        new window, where it may still land."""
        if self.reset_at is not None:
            self.ended, self.ended_earliest = self.reset_at, self.earliest_end
        self.reset_at = self.earliest_end = None
        self.refilled = now
        self.remaining = None if self.limit is None else max(0, self.limit - self.in_flight)

    def learn(self, remaining: int, sent: float, answered: float, reset_after: float) -> None:
        """Take the platform's count for the window a request landed in.

        The platform counted the request somewhere between ``sent`` and ``answered``, so
        that window ends between ``sent + reset_after`` and ``answered + reset_after``.
        Comparing these bounds, not one estimate, tells windows apart however long an
        answer took: an answer of the known window never passes for a later one (which
        would raise the count), and a straggler from a window that ended never sets the
        end of the new one. When the bounds cannot tell, the count may only go down.
        """
        earliest, latest = sent + reset_after, answered + reset_after
        self.span = max(self.span, reset_after)
        others = self.in_flight  # this request is settled already
        if self.reset_at is not None:
            if earliest > self.reset_at + _SAME_WINDOW:
                # A later window: the others in flight may land in it uncounted.
                self.remaining = max(0, remaining - others)
                self.reset_at, self.earliest_end = latest, earliest
            elif self.earliest_end is None or latest >= self.earliest_end - _SAME_WINDOW:
                # The known window: counts only go down within it.
                self.remaining = _lower(self.remaining, remaining)
                self.earliest_end = max(self.earliest_end or earliest, earliest)
            return
        if self._from_counted_window(sent, earliest):
            self.remaining = _lower(self.remaining, max(0, remaining - others))
            self.reset_at, self.earliest_end = latest, earliest
        elif self._from_ended_window(latest):
            if self.refilled is not None and sent < self.refilled and self.limit is not None:
                # It was out when counting began, and kept a place it did not take.
                self.remaining = min(self.limit, (self.remaining or 0) + 1)
        else:
            self.remaining = _lower(self.remaining, max(0, remaining - others))

    def _from_counted_window(self, sent: float, earliest: float) -> bool:
        """Whether an answer is certainly from the window being counted (or a later one)."""
        return (
            self.ended is None
            or (self.refilled is not None and sent >= self.refilled)
            or earliest > self.ended + _SAME_WINDOW
        )

    def _from_ended_window(self, latest: float) -> bool:
        """Whether an answer is certainly from the window that ended: its window ended
        before any later window could."""
        return (
            self.ended_earliest is not None
            and latest < self.ended_earliest + self.span - _SAME_WINDOW
        )


def _lower(count: int | None, other: int) -> int:
    return other if count is None or other < count else count


class _Window:
    """A client-side cap as a sliding window over when requests were *answered*.

    The platform counts a request when it arrives, which can be any time between its
    sending and its answer; counting it from the answer, and counting it the whole time
    it is in flight, keeps a slow request from landing in a window the client thought
    it had left.
    """

    def __init__(self, throttle: Throttle) -> None:
        self.throttle = throttle
        self.answered: deque[float] = deque()
        self.in_flight = 0
        self.lock = asyncio.Lock()

    def _expire(self, now: float) -> None:
        while self.answered and self.answered[0] <= now - self.throttle.period:
            self.answered.popleft()

    async def acquire(self, name: str, clock: Callable[[], float], wait: RateLimitWait) -> None:
        async with self.lock:
            while True:
                now = clock()
                self._expire(now)
                if self.in_flight + len(self.answered) < self.throttle.limit:
                    break
                # With every counted request still out, a period is the least to wait.
                oldest = self.answered[0] if self.answered else now
                await wait(oldest + self.throttle.period - now, f"throttle {name!r}")
            self.in_flight += 1

    def settle(self, now: float | None) -> None:
        """Count a request out of flight: answered at ``now``, or never sent (``None``)."""
        self.in_flight -= 1
        if now is not None:
            self.answered.append(now)


class Ticket:
    """What ``RateLimitStore.acquire`` hands out for one request; give it back to ``update``.

    It remembers what counted the request — its bucket, even if the platform renames
    it while the request is out, and the throttles.
    """

    __slots__ = ("_bucket", "_sent", "_windows")

    def __init__(self, bucket: _Bucket, windows: list[_Window], sent: float) -> None:
        self._bucket = bucket
        self._windows = windows
        self._sent = sent


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
    ) -> Ticket:
        """Wait for each throttle, a global pause and the bucket in turn, and count the request.

        Returns the ``Ticket`` to settle the request with (see ``update``).

        Raises:
            RateLimited: Through ``wait``, when a needed wait is not allowed.
        """
        state = self._scope(scope)
        counted: list[_Window] = []
        try:
            for name, throttle in throttles:
                window = state.window(name, throttle)
                await window.acquire(name, self._clock, wait)
                counted.append(window)
            await self._wait_global(state, wait)
            bucket = await self._take(state, key, wait)
        except BaseException:
            for window in counted:
                window.settle(None)  # never sent: it counts nowhere
            raise
        return Ticket(bucket, counted, self._clock())

    async def _take(self, state: _Scope, key: RouteKey, wait: RateLimitWait) -> _Bucket:
        bucket = state.bucket(key)
        while not bucket.lock.locked():
            # Nobody is waiting on this bucket: if it has room, count the request without
            # taking the lock (nothing below awaits, so this is as atomic as the lock).
            now = self._clock()
            if bucket.reset_at is not None and bucket.reset_at <= now:
                bucket.new_window(now)
            if not bucket.answered and bucket.in_flight:
                # The first request on a bucket brings its headers. Its answer wakes every
                # request waiting here at once; queued on the lock instead, they would
                # leave one per turn of the event loop, and stay staggered for good.
                await bucket.next_answer()
                continue
            if bucket.remaining is None or bucket.remaining > 0:
                bucket.in_flight += 1
                if bucket.remaining is not None:
                    bucket.remaining -= 1
                return bucket
            break
        async with bucket.lock:
            while True:
                now = self._clock()
                if bucket.reset_at is not None and bucket.reset_at <= now:
                    bucket.new_window(now)
                if not bucket.answered and bucket.in_flight:
                    # The first request on a bucket brings its headers; wait for them.
                    await bucket.next_answer()
                    continue
                if bucket.remaining is None or bucket.remaining > 0:
                    break
                if bucket.reset_at is not None:
                    await wait(bucket.reset_at - now, f"bucket {key.route!r}")
                    # A global pause may have started while this request slept.
                    await self._wait_global(state, wait)
                    # Answers that came meanwhile may have moved the window's end: look
                    # again rather than assume it is over.
                    continue
                if bucket.in_flight:
                    # The window ended with this many still out: their answers tell more.
                    await bucket.next_answer()
                else:
                    bucket.remaining = bucket.limit
            bucket.in_flight += 1
            if bucket.remaining is not None:
                bucket.remaining -= 1
            return bucket

    async def _wait_global(self, state: _Scope, wait: RateLimitWait) -> None:
        delay = state.global_until - self._clock()
        if delay > 0:
            await wait(delay, "global rate limit")

    async def update(
        self, scope: str, key: RouteKey, info: RateLimitInfo | None, ticket: object = None
    ) -> None:
        """Settle the request ``ticket`` stands for, and learn from its response, if any:
        the bucket id, the limit, and the requests left in the window until its reset."""
        state = self._scope(scope)
        now = self._clock()
        sent = now  # without a ticket, as late as it can have been
        if isinstance(ticket, Ticket):
            ticket._bucket.settle()
            sent = ticket._sent
            # Answered or lost, the platform may have counted it as late as now.
            for window in ticket._windows:
                window.settle(now)
        if info is None:
            return
        if info.bucket is not None:
            previous = state.bucket_ids.get(key.route, key.route)
            if previous != info.bucket:
                state.bucket_ids[key.route] = info.bucket
                # Keep what was learnt under the provisional name, for every resource:
                # same limits, new id.
                for (name, resource), old in list(state.buckets.items()):
                    if name == previous:
                        state.buckets.setdefault((info.bucket, resource), old)
        bucket = state.bucket(key)
        if info.limit is not None and info.limit > 0:
            bucket.limit = info.limit
        reset_after, remaining = info.reset_after, info.remaining
        # Only sane facts are learnt: a NaN or negative one would wedge the bucket.
        if (
            remaining is not None
            and remaining >= 0
            and reset_after is not None
            and math.isfinite(reset_after)
            and reset_after >= 0
        ):
            bucket.learn(remaining, sent, now, reset_after)

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
