"""Shared rate limits: what one process learns or spends, every other process obeys.

Two transports with their own ``RedisFleet`` stand for two processes. The limits run on
the tests' manual clock (``RedisRateLimitStore(clock=…)``), so waits are exact and no
test sleeps; the multi-process test of the lookup cap is in ``test_processes.py``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence

import pytest

from invitekit import InviteClient, PublicInvite, RateLimited
from invitekit.http import (
    HTTPTransport,
    MemoryRateLimitStore,
    RateLimitInfo,
    RateLimitStore,
    Route,
    RouteKey,
    Throttle,
)
from invitekit.redis import RedisFleet, RedisRateLimitStore
from invitekit.testing.emulation import Fault
from invitekit_discord import DiscordAdapter
from tests.http._support import ManualTime, Reply, ScriptedServer, serve
from tests.redis._discord import TOKEN, invite_lookups, seeded
from tests.redis._server import RedisServer

A = Route("GET", "/a")
LOOKUP = Route("GET", "/lookup/{id}", {"id": "x"}, throttle="lookups")


@pytest.fixture
def manual_time() -> ManualTime:
    return ManualTime()


@pytest.fixture
async def scripted(manual_time: ManualTime) -> AsyncIterator[ScriptedServer]:
    server = ScriptedServer(manual_time)
    async with serve(server.app()) as url:
        server.url = url
        yield server


@pytest.fixture
async def stores(
    redis_server: RedisServer, namespace: str, manual_time: ManualTime
) -> AsyncIterator[list[RedisRateLimitStore]]:
    async with (
        RedisFleet.from_url(redis_server.url, namespace=namespace) as one,
        RedisFleet.from_url(redis_server.url, namespace=namespace) as two,
    ):
        yield [RedisRateLimitStore(fleet, clock=manual_time) for fleet in (one, two)]


def transport(
    server: ScriptedServer, time: ManualTime, store: RateLimitStore, **options: object
) -> HTTPTransport:
    settings: dict[str, object] = {
        "platform": "test",
        "clock": time,
        "sleep": time.sleep,
        "rate_limit_store": store,
    }
    settings.update(options)
    return HTTPTransport(server.url, **settings)  # type: ignore[arg-type]


def bucket(remaining: int, reset_after: float, name: str = "bkt", limit: int = 5) -> dict[str, str]:
    return {
        "X-RateLimit-Bucket": name,
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset-After": str(reset_after),
    }


async def test_a_throttle_is_shared_by_every_process(
    scripted: ScriptedServer, manual_time: ManualTime, stores: list[RedisRateLimitStore]
) -> None:
    start = manual_time.now
    throttles = {"lookups": Throttle(2, 10.0)}
    async with (
        transport(scripted, manual_time, stores[0], throttles=throttles) as one,
        transport(scripted, manual_time, stores[1], throttles=throttles) as two,
    ):
        await one.request(LOOKUP)
        await two.request(LOOKUP)
        await two.request(LOOKUP)  # the third lookup of the fleet waits for the window
        await one.request(A)  # other routes are not throttled
    assert manual_time.sleeps == [10.0]
    assert [seen.at for seen in scripted.seen] == [start, start, start + 10.0, start + 10.0]


async def test_a_bucket_one_process_emptied_makes_the_other_wait(
    scripted: ScriptedServer, manual_time: ManualTime, stores: list[RedisRateLimitStore]
) -> None:
    start = manual_time.now
    scripted.script(Reply(headers=bucket(0, 2.5)), Reply(headers=bucket(4, 2.5)))
    async with (
        transport(scripted, manual_time, stores[0]) as one,
        transport(scripted, manual_time, stores[1]) as two,
    ):
        await one.request(A)
        await two.request(A)
    assert manual_time.sleeps == [2.5]
    assert [seen.at for seen in scripted.seen] == [start, start + 2.5]


async def test_requests_left_in_a_bucket_are_counted_across_processes(
    scripted: ScriptedServer, manual_time: ManualTime, stores: list[RedisRateLimitStore]
) -> None:
    scripted.script(Reply(headers=bucket(2, 5.0)))
    async with (
        transport(scripted, manual_time, stores[0]) as one,
        transport(scripted, manual_time, stores[1]) as two,
    ):
        await one.request(A)  # the bucket: 2 left
        # Responses that left before the others were counted say 2 left; the store
        # keeps its own lower count rather than believe them.
        scripted.script(Reply(headers=bucket(2, 5.0)), Reply(headers=bucket(2, 5.0)))
        await one.request(A)
        await two.request(A)
        assert manual_time.sleeps == []
        await two.request(A)
    assert manual_time.sleeps == [5.0]


async def test_a_global_429_pauses_every_process(
    scripted: ScriptedServer, manual_time: ManualTime, stores: list[RedisRateLimitStore]
) -> None:
    from invitekit.http import RetryPolicy

    scripted.script(
        Reply(
            status=429,
            body={"message": "slow"},
            headers={"Retry-After": "4", "X-RateLimit-Global": "true"},
        )
    )
    start = manual_time.now
    no_retries = RetryPolicy(max_retries=0)
    async with (
        transport(scripted, manual_time, stores[0], retry=no_retries) as one,
        transport(scripted, manual_time, stores[1]) as two,
    ):
        with pytest.raises(RateLimited):
            await one.request(A)
        await two.request(Route("GET", "/b"))
    assert manual_time.sleeps == [4.0]
    assert scripted.seen[1].at == start + 4.0


async def test_a_renamed_bucket_keeps_what_was_learnt_and_is_shared(
    stores: list[RedisRateLimitStore], manual_time: ManualTime
) -> None:
    one, two = stores
    scope, first, second = "test|x", RouteKey("GET /a"), RouteKey("GET /b")
    waits: list[tuple[float, str]] = []

    async def wait(seconds: float, why: str) -> None:
        waits.append((seconds, why))
        await manual_time.sleep(seconds)

    await one.update(scope, first, RateLimitInfo(limit=5, remaining=0, reset_after=3.0))
    await one.update(scope, first, RateLimitInfo(bucket="shared"))
    await two.update(scope, second, RateLimitInfo(bucket="shared"))
    await two.acquire(scope, second, [], wait)
    assert waits == [(3.0, "bucket 'GET /b'")]


async def test_a_stale_response_does_not_roll_a_bucket_back(
    stores: list[RedisRateLimitStore], manual_time: ManualTime
) -> None:
    store = stores[0]
    scope, key = "test|x", RouteKey("GET /a")
    waits: list[float] = []

    async def wait(seconds: float, why: str) -> None:
        waits.append(seconds)
        await manual_time.sleep(seconds)

    await store.update(scope, key, RateLimitInfo(limit=5, remaining=0, reset_after=10.0))
    # A response from the window before, arriving late: it would allow 4 more at once.
    await store.update(scope, key, RateLimitInfo(limit=5, remaining=4, reset_after=1.0))
    await store.acquire(scope, key, [], wait)
    assert waits == [10.0]


class Waits:
    """The store's waits, on the manual clock."""

    def __init__(self, time: ManualTime) -> None:
        self.time = time
        self.seconds: list[float] = []

    async def __call__(self, seconds: float, why: str) -> None:
        self.seconds.append(round(seconds, 3))
        await self.time.sleep(seconds)


class Process:
    """One process's requests on the bucket of ``GET /a``, straight through its store."""

    scope, key = "test|x", RouteKey("GET /a")

    def __init__(self, store: RedisRateLimitStore, wait: Waits) -> None:
        self.store = store
        self.wait = wait

    async def take(self, throttles: Sequence[tuple[str, Throttle]] = ()) -> object:
        """Let a request out (waiting as the store says); its ticket."""
        return await self.store.acquire(self.scope, self.key, list(throttles), self.wait)

    async def answer(self, ticket: object, remaining: int, reset_after: float, limit: int) -> None:
        """Settle a request with the bucket's headers."""
        info = RateLimitInfo(bucket="b", limit=limit, remaining=remaining, reset_after=reset_after)
        await self.store.update(self.scope, self.key, info, ticket)


@pytest.fixture
def processes(stores: list[RedisRateLimitStore], manual_time: ManualTime) -> list[Process]:
    """Two processes on one Redis, sharing the clock and one record of waits."""
    wait = Waits(manual_time)
    return [Process(store, wait) for store in stores]


async def test_a_slow_answer_still_counts_in_the_window_it_landed_in(
    processes: list[Process], manual_time: ManualTime
) -> None:
    one, two = processes
    await one.answer(await one.take(), 4, 1.0, limit=5)  # the window ends at 1.0 s
    await manual_time.sleep(0.3)
    tickets = [await two.take() for _ in range(4)]  # none left
    for remaining, ticket in zip((2, 1, 0), tickets[1:], strict=True):
        await two.answer(ticket, remaining, 0.7, limit=5)
    await manual_time.sleep(0.6)
    # The first of them is answered 600 ms late. Taken as sent now, its window would
    # end 0.6 s after the known one: a later window with 3 left, and three 429s.
    await two.answer(tickets[0], 3, 0.7, limit=5)
    await one.take()
    assert one.wait.seconds == [0.1]


async def test_requests_in_flight_when_a_shared_window_ends_count_against_the_next(
    processes: list[Process], manual_time: ManualTime
) -> None:
    one, two = processes
    await one.answer(await one.take(), 2, 1.0, limit=3)
    old = [await one.take(), await two.take()]
    await manual_time.sleep(1.0)  # the window ends with both still out
    await two.take()  # 3 - 2 in flight = 1 left
    blocked = asyncio.ensure_future(one.take())
    await asyncio.sleep(0.1)
    assert not blocked.done()
    # One is answered from the window that ended: the place it kept is free again.
    await one.answer(old[0], 0, 0.0, limit=3)
    await asyncio.wait_for(blocked, 2.0)
    assert one.wait.seconds == []


async def test_a_straggler_from_an_ended_window_does_not_set_the_new_ones_end(
    processes: list[Process],
) -> None:
    one, two = processes
    await one.answer(await one.take(), 1, 1.0, limit=2)
    straggler = await two.take()  # none left until 1.0 s
    fresh = await one.take()  # waits for the window, then goes
    # Answered only now, from the window that ended at 1.0 s. Its "0 left, 0 s to go"
    # once ended the new window at once, and two more went out into it.
    await two.answer(straggler, 0, 0.0, limit=2)
    await two.take()  # the place the straggler kept
    await one.answer(fresh, 1, 1.0, limit=2)  # the new window ends at 2.0 s
    await two.take()
    assert one.wait.seconds == [1.0, 1.0]


async def test_an_answer_that_may_be_from_either_window_only_lowers_the_count(
    processes: list[Process], manual_time: ManualTime
) -> None:
    one, two = processes
    await one.answer(await one.take(), 1, 1.0, limit=2)
    late = await two.take()  # the last place until 1.0 s
    await manual_time.sleep(1.0)
    fresh = await one.take()  # 2 - 1 in flight: the one place left
    # Sent before the window ended and answered after: it may have landed in either.
    # Here it landed in the new one, so the place it kept there is taken.
    await two.answer(late, 1, 1.0, limit=2)
    third = asyncio.ensure_future(two.take())
    await asyncio.sleep(0.1)
    assert not third.done()
    await one.answer(fresh, 0, 1.0, limit=2)  # the new window ends at 2.0 s
    await asyncio.wait_for(third, 2.0)
    assert one.wait.seconds == [1.0]


async def test_a_request_of_a_dead_process_holds_its_place_for_max_flight_only(
    redis_server: RedisServer, namespace: str, manual_time: ManualTime
) -> None:
    async with (
        RedisFleet.from_url(redis_server.url, namespace=namespace) as dead_fleet,
        RedisFleet.from_url(redis_server.url, namespace=namespace) as live_fleet,
    ):
        wait = Waits(manual_time)
        dead, live = (
            Process(RedisRateLimitStore(fleet, clock=manual_time, max_flight=5.0), wait)
            for fleet in (dead_fleet, live_fleet)
        )
        await live.answer(await live.take(), 0, 1.0, limit=1)  # one a second
        await manual_time.sleep(1.0)
        await dead.take()  # its process dies: never answered, never settled
        await manual_time.sleep(1.0)
        blocked = asyncio.ensure_future(live.take())  # its place is kept: it may land
        await asyncio.sleep(0.1)
        assert not blocked.done()
        await manual_time.sleep(4.0)  # 5 s after it went out, it cannot be in flight
        await asyncio.wait_for(blocked, 2.0)


def test_max_flight_must_be_positive(fleet: RedisFleet) -> None:
    from invitekit import InvalidArgument

    with pytest.raises(InvalidArgument):
        RedisRateLimitStore(fleet, max_flight=0.0)


async def test_a_shared_throttle_counts_a_request_until_a_period_after_its_answer(
    processes: list[Process], manual_time: ManualTime
) -> None:
    one, two = processes
    throttles = [("global", Throttle(1, 1.0))]

    async def next_one() -> float:
        await two.take(throttles)
        return manual_time.now

    slow = await one.take(throttles)
    went = asyncio.ensure_future(next_one())
    await manual_time.sleep(3.0)  # still out: each look finds it counted a period more
    answered = manual_time.now
    await one.store.update(one.scope, one.key, None, slow)  # lost, or answered without headers
    # The platform may have counted the slow one as late as its answer: the next one
    # goes a period after that, not a period after it was sent.
    assert await asyncio.wait_for(went, 5.0) >= answered + 1.0
    assert all(seconds <= 1.0 for seconds in one.wait.seconds)


async def test_a_shared_throttle_raises_before_io_when_waiting_is_disabled(
    scripted: ScriptedServer, manual_time: ManualTime, stores: list[RedisRateLimitStore]
) -> None:
    throttles = {"lookups": Throttle(1, 600.0)}
    async with (
        transport(scripted, manual_time, stores[0], throttles=throttles) as one,
        transport(
            scripted, manual_time, stores[1], throttles=throttles, wait_for_rate_limits=False
        ) as two,
    ):
        await one.request(LOOKUP)
        with pytest.raises(RateLimited) as caught:
            await two.request(LOOKUP)
    assert caught.value.retry_after == 600.0
    assert len(scripted.seen) == 1


async def test_a_global_throttle_counts_every_route_of_every_process(
    scripted: ScriptedServer, manual_time: ManualTime, stores: list[RedisRateLimitStore]
) -> None:
    cap = Throttle(2, 1.0)
    async with (
        transport(scripted, manual_time, stores[0], global_throttle=cap) as one,
        transport(scripted, manual_time, stores[1], global_throttle=cap) as two,
    ):
        await one.request(A)
        await two.request(Route("GET", "/b"))
        await one.request(A)
    assert manual_time.sleeps == [1.0]


async def test_scopes_keep_their_limits_apart(
    scripted: ScriptedServer, manual_time: ManualTime, stores: list[RedisRateLimitStore]
) -> None:
    throttles = {"lookups": Throttle(1, 600.0)}
    async with (
        transport(scripted, manual_time, stores[0], throttles=throttles) as one,
        transport(
            scripted, manual_time, stores[1], throttles=throttles, rate_limit_scope="other bot"
        ) as two,
    ):
        await one.request(LOOKUP)
        await two.request(LOOKUP)
    assert manual_time.sleeps == []


async def test_the_lookup_cap_holds_for_four_discord_clients(
    redis_server: RedisServer, namespace: str
) -> None:
    emulator, codes = seeded(40)
    cap = Throttle(10, 600.0)
    async with (
        RedisFleet.from_url(redis_server.url, namespace=namespace) as fleet,
        emulator.serve() as api_base,
    ):
        clients = [
            InviteClient(
                DiscordAdapter(
                    TOKEN,
                    api_base=api_base,
                    lookup_limit=cap,
                    rate_limit_store=RedisRateLimitStore(fleet),
                    wait_for_rate_limits=False,
                )
            )
            for _ in range(4)
        ]
        outcomes = await asyncio.gather(
            *(
                clients[index].fetch_invite(code, platform="discord")
                for index in range(4)
                for code in codes[index * 10 : index * 10 + 10]
            ),
            return_exceptions=True,
        )
        for client in clients:
            await client.close()
    found = [outcome for outcome in outcomes if not isinstance(outcome, BaseException)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, RateLimited)]
    assert (len(found), len(refused)) == (10, 30)
    assert len(invite_lookups(emulator)) == 10
    assert all(error.retry_after > 0 for error in refused)


def test_both_stores_satisfy_the_protocol(stores: list[RedisRateLimitStore]) -> None:
    assert isinstance(stores[0], RateLimitStore)
    assert isinstance(MemoryRateLimitStore(), RateLimitStore)


async def test_a_memory_store_is_shared_by_transports_of_one_scope(
    scripted: ScriptedServer, manual_time: ManualTime
) -> None:
    store = MemoryRateLimitStore(manual_time)
    throttles = {"lookups": Throttle(1, 5.0)}
    async with (
        transport(scripted, manual_time, store, throttles=throttles) as one,
        transport(scripted, manual_time, store, throttles=throttles) as two,
    ):
        await one.request(LOOKUP)
        await two.request(LOOKUP)
    assert manual_time.sleeps == [5.0]


def test_a_throttle_cannot_take_the_global_throttles_name() -> None:
    from invitekit import InvalidArgument

    with pytest.raises(InvalidArgument):
        HTTPTransport(
            "https://example.com",
            throttles={"global": Throttle(1, 1.0)},
            global_throttle=Throttle(5, 1.0),
        )


async def test_a_probe_that_got_no_answer_lets_the_fleet_go_at_once(
    stores: list[RedisRateLimitStore],
) -> None:
    """A probe of an unknown bucket that timed out or was cancelled ends with it, so the
    other processes do not wait out the probe's lease for an answer that never comes."""
    one, two = stores
    key = RouteKey("GET /unknown")

    async def no_wait(seconds: float, why: str) -> None:
        raise AssertionError(f"waited {seconds}s for {why}")

    ticket = await one.acquire("scope", key, [], no_wait)  # the probe
    await one.update("scope", key, None, ticket)  # lost: no answer came
    await asyncio.wait_for(two.acquire("scope", key, [], no_wait), 0.2)


async def test_answers_held_up_after_the_platform_counted_them_earn_no_429(
    redis_server: RedisServer, namespace: str
) -> None:
    # The bucket alone guards here (no client-side global cap): Discord's invite bucket
    # takes 50 a second. Two processes fill it; three answers are held back 0.6 s after
    # the platform counted them, as a busy process reads them late. Lookups made just
    # after those answers arrive must wait for the window, not believe "40 left".
    emulator, codes = seeded(60)
    for _ in range(8):
        emulator.faults.add(Fault.stall(0.0))  # a no-op: the slow answers come later
    emulator.faults.add(Fault.slow_body(0.6), times=3)
    async with (
        RedisFleet.from_url(redis_server.url, namespace=namespace) as one,
        RedisFleet.from_url(redis_server.url, namespace=namespace) as two,
        emulator.serve() as api_base,
    ):
        clients = [
            InviteClient(
                DiscordAdapter(
                    TOKEN, api_base=api_base, global_limit=None, rate_limit_store=fleet.rate_limits
                ),
                cache=None,
            )
            for fleet in (one, two)
        ]

        async def look_up(batch: list[str]) -> list[PublicInvite]:
            return await asyncio.gather(
                *(
                    clients[n % 2].fetch_invite(code, platform="discord")
                    for n, code in enumerate(batch)
                )
            )

        first = await look_up(codes[:50])
        await asyncio.sleep(0.1)  # the held answers are in; the window has ~0.2 s to go
        second = await look_up(codes[50:])
        for client in clients:
            await client.close()
    assert [invite.code for invite in first + second] == codes
    assert {request.status for request in emulator.requests} == {200}
    assert sorted(invite_lookups(emulator)) == codes
