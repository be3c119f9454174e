"""The in-memory store's bookkeeping under concurrency: probes, late answers, requests in
flight.

These drive ``MemoryRateLimitStore`` directly with a hand-moved clock, so every
interleaving that could earn an avoidable 429 is pinned down without a server.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from invitekit import RateLimited
from invitekit.http import MemoryRateLimitStore, RateLimitInfo, RateLimitWait, RouteKey, Throttle

KEY = RouteKey("GET /invites/{code}")


class Clock:
    def __init__(self) -> None:
        self.now = 100.0
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def wait(self, seconds: float, why: str) -> None:
        self.waits.append(round(seconds, 6))
        self.now += seconds


def info(remaining: int, reset_after: float, limit: int = 5) -> RateLimitInfo:
    return RateLimitInfo(bucket="b", limit=limit, remaining=remaining, reset_after=reset_after)


class Tracked:
    """A store and the tickets still out; ``answer`` settles the oldest, as tests expect."""

    def __init__(self, clock: Clock, global_throttle: Throttle | None = None) -> None:
        self.store = MemoryRateLimitStore(clock)
        self.throttles = [] if global_throttle is None else [("global", global_throttle)]
        self.out: list[object] = []

    async def acquire(self, key: RouteKey, throttle: None, wait: RateLimitWait) -> object:
        ticket = await self.store.acquire("scope", key, self.throttles, wait)
        self.out.append(ticket)
        return ticket

    async def answer(
        self, key: RouteKey, info: RateLimitInfo | None, ticket: object | None = None
    ) -> None:
        """Answer ``ticket``'s request, or else the oldest one still out."""
        ticket = self.out.pop(0) if ticket is None else self.out.pop(self.out.index(ticket))
        await self.store.update("scope", key, info, ticket)


async def settled(task: asyncio.Task[Any]) -> bool:
    for _ in range(5):
        await asyncio.sleep(0)
    return task.done()


async def test_the_first_request_on_a_bucket_goes_out_alone() -> None:
    clock = Clock()
    limiter = Tracked(clock)
    await limiter.acquire(KEY, None, clock.wait)
    second = asyncio.ensure_future(limiter.acquire(KEY, None, clock.wait))
    assert not await settled(second)
    await limiter.answer(KEY, info(4, 1.0))
    assert await settled(second)


async def test_the_first_answer_lets_every_waiting_request_go_at_once() -> None:
    # Released one per turn of the event loop, 20 waiters would need 20 turns; together
    # they need the few turns a wake-up takes, however many they are.
    clock = Clock()
    limiter = Tracked(clock)
    await limiter.acquire(KEY, None, clock.wait)
    waiting = [asyncio.ensure_future(limiter.acquire(KEY, None, clock.wait)) for _ in range(20)]
    assert not any([await settled(task) for task in waiting])
    await limiter.answer(KEY, info(100, 1.0, limit=100))
    for _ in range(4):
        await asyncio.sleep(0)
    assert all(task.done() for task in waiting)
    assert clock.waits == []


async def test_a_lost_first_request_lets_the_next_one_go() -> None:
    clock = Clock()
    limiter = Tracked(clock)
    await limiter.acquire(KEY, None, clock.wait)
    second = asyncio.ensure_future(limiter.acquire(KEY, None, clock.wait))
    await limiter.answer(KEY, None)  # timed out: no headers, but no longer in flight
    assert await settled(second)


async def test_buckets_without_headers_stop_probing_after_one_answer() -> None:
    clock = Clock()
    limiter = Tracked(clock)
    await limiter.acquire(KEY, None, clock.wait)
    await limiter.answer(KEY, RateLimitInfo())
    for _ in range(20):
        await limiter.acquire(KEY, None, clock.wait)
    assert clock.waits == []


async def test_a_late_answer_never_raises_the_count_left_in_a_window() -> None:
    clock = Clock()
    limiter = Tracked(clock)
    await limiter.acquire(KEY, None, clock.wait)
    await limiter.answer(KEY, info(4, 1.0))
    for _ in range(4):
        await limiter.acquire(KEY, None, clock.wait)
    # The answer to the second request arrives after the fifth went out.
    await limiter.answer(KEY, info(3, 0.9))
    sixth = asyncio.ensure_future(limiter.acquire(KEY, None, clock.wait))
    assert await settled(sixth)
    assert clock.waits == [1.0]  # it waited for the window instead of trusting "3 left"


async def test_a_late_answer_from_an_old_window_does_not_end_the_new_one_early() -> None:
    clock = Clock()
    limiter = Tracked(clock)
    await limiter.acquire(KEY, None, clock.wait)
    await limiter.answer(KEY, info(4, 1.0))  # the window ends at 101
    old = [await limiter.acquire(KEY, None, clock.wait) for _ in range(4)]
    for ticket in old[:3]:
        await limiter.answer(KEY, info(1, 1.0), ticket)
    new = [await limiter.acquire(KEY, None, clock.wait) for _ in range(4)]  # from 101 on
    assert clock.waits == [1.0]
    await limiter.answer(KEY, info(1, 1.0), new[0])  # from the new window, ending at 102
    await limiter.answer(KEY, info(0, 0.0), old[3])  # the straggler, from the one that ended
    await limiter.acquire(KEY, None, clock.wait)
    assert clock.waits == [1.0, 1.0]  # 102, not 101: that would have sent a sixth


async def test_a_slow_answer_still_counts_in_the_window_it_landed_in() -> None:
    clock = Clock()
    limiter = Tracked(clock)
    await limiter.acquire(KEY, None, clock.wait)
    await limiter.answer(KEY, info(4, 1.0))  # the window ends at 101
    clock.now += 0.3
    tickets = [await limiter.acquire(KEY, None, clock.wait) for _ in range(4)]  # none left
    for remaining, ticket in zip((2, 1, 0), tickets[1:], strict=True):
        await limiter.answer(KEY, info(remaining, 0.7), ticket)
    clock.now += 0.6
    # The first of them is answered 600 ms late. Taken as sent now, its window would
    # end at 101.6: a later window with 3 left, and three 429s before 101.
    await limiter.answer(KEY, info(3, 0.7), tickets[0])
    await limiter.acquire(KEY, None, clock.wait)
    assert clock.waits == [0.1]  # it waited for 101


async def test_a_straggler_answered_first_does_not_set_the_new_windows_end() -> None:
    clock = Clock()
    limiter = Tracked(clock)
    await limiter.acquire(KEY, None, clock.wait)
    await limiter.answer(KEY, info(1, 1.0, limit=2))  # the window ends at 101
    straggler = await limiter.acquire(KEY, None, clock.wait)
    fresh = await limiter.acquire(KEY, None, clock.wait)  # waits for 101, then goes
    # From the window that ended; its "0 s to go" once ended the new window at once.
    await limiter.answer(KEY, info(0, 0.0, limit=2), straggler)
    await limiter.acquire(KEY, None, clock.wait)  # the place the straggler kept
    await limiter.answer(KEY, info(1, 1.0, limit=2), fresh)  # the new window ends at 102
    await limiter.acquire(KEY, None, clock.wait)
    assert clock.waits == [1.0, 1.0]


async def test_requests_in_flight_when_a_window_ends_count_against_the_next() -> None:
    clock = Clock()
    limiter = Tracked(clock)
    await limiter.acquire(KEY, None, clock.wait)
    await limiter.answer(KEY, info(2, 1.0, limit=3))
    await limiter.acquire(KEY, None, clock.wait)
    await limiter.acquire(KEY, None, clock.wait)  # two in flight, none left
    clock.now += 1.0  # the window ends with both still unanswered
    await limiter.acquire(KEY, None, clock.wait)  # 3 - 2 in flight = 1 left
    blocked = asyncio.ensure_future(limiter.acquire(KEY, None, clock.wait))
    assert not await settled(blocked)
    await limiter.answer(KEY, info(0, 0.0, limit=3))  # one answered, from the old window
    assert await settled(blocked)
    assert clock.waits == []


async def test_an_exhausted_bucket_with_nothing_in_flight_starts_afresh() -> None:
    clock = Clock()
    limiter = Tracked(clock)
    await limiter.acquire(KEY, None, clock.wait)
    await limiter.answer(KEY, info(0, 1.0, limit=1))
    clock.now += 1.0
    await limiter.acquire(KEY, None, clock.wait)
    await limiter.answer(KEY, RateLimitInfo())  # answered without headers
    clock.now += 1.0
    await asyncio.wait_for(limiter.acquire(KEY, None, clock.wait), 1.0)


async def test_a_wait_that_is_refused_leaves_nothing_counted() -> None:
    clock = Clock()
    limiter = Tracked(clock)
    await limiter.acquire(KEY, None, clock.wait)
    await limiter.answer(KEY, info(0, 5.0))

    async def refuse(seconds: float, why: str) -> None:
        raise RateLimited(why, retry_after=seconds)

    with pytest.raises(RateLimited):
        await limiter.acquire(KEY, None, refuse)
    await limiter.acquire(KEY, None, clock.wait)
    assert clock.waits == [5.0]


async def test_a_throttle_counts_a_request_until_a_period_after_its_answer() -> None:
    clock = Clock()
    limiter = Tracked(clock, global_throttle=Throttle(1, 1.0))
    await limiter.acquire(KEY, None, clock.wait)  # sent at 100, answered only at 103
    clock.now += 3.0
    await limiter.answer(KEY, RateLimitInfo())
    await limiter.acquire(KEY, None, clock.wait)
    # The platform may have counted the slow one at 103: the next may go at 104, not 101.
    assert clock.waits == [1.0]
    assert clock.now == 104.0


async def test_a_refused_wait_gives_back_what_the_throttles_counted() -> None:
    clock = Clock()
    limiter = Tracked(clock, global_throttle=Throttle(2, 1.0))
    await limiter.acquire(KEY, None, clock.wait)
    await limiter.answer(KEY, info(0, 30.0))

    async def refuse(seconds: float, why: str) -> None:
        raise RateLimited(why, retry_after=seconds)

    for _ in range(5):
        with pytest.raises(RateLimited):
            await limiter.acquire(KEY, None, refuse)
    clock.now += 30.0
    await limiter.acquire(KEY, None, clock.wait)
    assert clock.waits == []  # the five refusals left no count behind in the throttle
