"""The limiter's bookkeeping under concurrency: probes, late answers, requests in flight.

These drive ``Limiter`` directly with a hand-moved clock, so every interleaving that
could earn an avoidable 429 is pinned down without a server.
"""

from __future__ import annotations

import asyncio

import pytest

from invitekit import RateLimited
from invitekit.http import RateLimitInfo, RouteKey
from invitekit.http._limiter import Limiter

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


async def settled(task: asyncio.Task[None]) -> bool:
    for _ in range(5):
        await asyncio.sleep(0)
    return task.done()


async def test_the_first_request_on_a_bucket_goes_out_alone() -> None:
    clock = Clock()
    limiter = Limiter(clock)
    await limiter.acquire(KEY, None, clock.wait)
    second = asyncio.ensure_future(limiter.acquire(KEY, None, clock.wait))
    assert not await settled(second)
    limiter.update(KEY, info(4, 1.0))
    assert await settled(second)


async def test_a_lost_first_request_lets_the_next_one_go() -> None:
    clock = Clock()
    limiter = Limiter(clock)
    await limiter.acquire(KEY, None, clock.wait)
    second = asyncio.ensure_future(limiter.acquire(KEY, None, clock.wait))
    limiter.update(KEY, None)  # timed out: no headers, but no longer in flight
    assert await settled(second)


async def test_buckets_without_headers_stop_probing_after_one_answer() -> None:
    clock = Clock()
    limiter = Limiter(clock)
    await limiter.acquire(KEY, None, clock.wait)
    limiter.update(KEY, RateLimitInfo())
    for _ in range(20):
        await limiter.acquire(KEY, None, clock.wait)
    assert clock.waits == []


async def test_a_late_answer_never_raises_the_count_left_in_a_window() -> None:
    clock = Clock()
    limiter = Limiter(clock)
    await limiter.acquire(KEY, None, clock.wait)
    limiter.update(KEY, info(4, 1.0))
    for _ in range(4):
        await limiter.acquire(KEY, None, clock.wait)
    # The answer to the second request arrives after the fifth went out.
    limiter.update(KEY, info(3, 0.9))
    sixth = asyncio.ensure_future(limiter.acquire(KEY, None, clock.wait))
    assert await settled(sixth)
    assert clock.waits == [1.0]  # it waited for the window instead of trusting "3 left"


async def test_a_late_answer_from_an_old_window_does_not_end_the_new_one_early() -> None:
    clock = Clock()
    limiter = Limiter(clock)
    await limiter.acquire(KEY, None, clock.wait)
    limiter.update(KEY, info(4, 1.0))
    for _ in range(4):
        await limiter.acquire(KEY, None, clock.wait)
    for _ in range(3):
        limiter.update(KEY, info(1, 0.5))
    for _ in range(4):  # the first waits out the window; one of the old is still out
        await limiter.acquire(KEY, None, clock.wait)
    assert clock.waits == [1.0]
    limiter.update(KEY, info(1, 1.0))  # an answer from the new window, ending at 102
    limiter.update(KEY, info(0, 0.0))  # the straggler, from the window that ended at 101
    await limiter.acquire(KEY, None, clock.wait)
    assert clock.waits == [1.0, 1.0]  # 102, not 101: that would have sent a sixth


async def test_requests_in_flight_when_a_window_ends_count_against_the_next() -> None:
    clock = Clock()
    limiter = Limiter(clock)
    await limiter.acquire(KEY, None, clock.wait)
    limiter.update(KEY, info(2, 1.0, limit=3))
    await limiter.acquire(KEY, None, clock.wait)
    await limiter.acquire(KEY, None, clock.wait)  # two in flight, none left
    clock.now += 1.0  # the window ends with both still unanswered
    await limiter.acquire(KEY, None, clock.wait)  # 3 - 2 in flight = 1 left
    blocked = asyncio.ensure_future(limiter.acquire(KEY, None, clock.wait))
    assert not await settled(blocked)
    limiter.update(KEY, info(0, 0.0, limit=3))  # one answered, from the old window
    assert await settled(blocked)
    assert clock.waits == []


async def test_an_exhausted_bucket_with_nothing_in_flight_starts_afresh() -> None:
    clock = Clock()
    limiter = Limiter(clock)
    await limiter.acquire(KEY, None, clock.wait)
    limiter.update(KEY, info(0, 1.0, limit=1))
    clock.now += 1.0
    await limiter.acquire(KEY, None, clock.wait)
    limiter.update(KEY, RateLimitInfo())  # answered without headers
    clock.now += 1.0
    await asyncio.wait_for(limiter.acquire(KEY, None, clock.wait), 1.0)


async def test_a_wait_that_is_refused_leaves_nothing_counted() -> None:
    clock = Clock()
    limiter = Limiter(clock)
    await limiter.acquire(KEY, None, clock.wait)
    limiter.update(KEY, info(0, 5.0))

    async def refuse(seconds: float, why: str) -> None:
        raise RateLimited(why, retry_after=seconds)

    with pytest.raises(RateLimited):
        await limiter.acquire(KEY, None, refuse)
    await limiter.acquire(KEY, None, clock.wait)
    assert clock.waits == [5.0]
