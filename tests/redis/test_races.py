"""The orderings in which a second process could send a lookup already made (issue 14 §3).

Each test holds one step of one process back — the delivery of an outcome, a lease
attempt, the pool — as CPU contention would, and checks that the lookup still reaches
the platform once. Two clients with fleets of their own stand for two processes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any, TypeVar

import pytest

from invitekit import Forbidden, InviteClient, InviteError, PublicInvite
from invitekit.redis import RedisCoalescing, RedisFleet
from invitekit_fake import FakeAdapter, FakeWorld
from tests.redis._server import RedisServer
from tests.redis.test_coalescing import GatedAdapter, fetches, one_code, until

T = TypeVar("T")


@pytest.fixture
async def fleets(redis_server: RedisServer, namespace: str) -> AsyncIterator[list[RedisFleet]]:
    """Two processes' worth of connections to one namespace."""
    async with AsyncExitStack() as stack:
        yield [
            await stack.enter_async_context(
                RedisFleet.from_url(redis_server.url, namespace=namespace)
            )
            for _ in range(2)
        ]


def withhold_notices(coalescing: RedisCoalescing, monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Keep the outcomes published to ``coalescing``'s process from its waiters: what a
    listener that runs late (a starved process) does to them."""
    withheld: list[bytes] = []
    monkeypatch.setattr(coalescing, "_deliver", withheld.append)
    return withheld


class HeldStep:
    """Holds every ``fleet.call(what, …)`` of one kind until ``release()``."""

    def __init__(self, fleet: RedisFleet, what: str, monkeypatch: pytest.MonkeyPatch) -> None:
        self.reached = 0
        self._open = asyncio.Event()
        original = fleet.call

        async def call(
            name: str,
            operation: Callable[[Any], Awaitable[T]],
            fallback: Callable[[], Awaitable[T]],
        ) -> T:
            if name == what:
                self.reached += 1
                await self._open.wait()
            return await original(name, operation, fallback)

        monkeypatch.setattr(fleet, "call", call)

    def release(self) -> None:
        self._open.set()


def forbidden() -> Forbidden:
    return Forbidden("the platform said no", platform="fake", code=50013)


@pytest.mark.parametrize("cached", [False, True], ids=["no-cache", "redis-cache"])
@pytest.mark.parametrize("fails", [False, True], ids=["invite", "error"])
async def test_a_waiter_that_sees_the_lease_gone_before_the_outcome_arrives_sends_nothing(
    fleets: list[RedisFleet], monkeypatch: pytest.MonkeyPatch, cached: bool, fails: bool
) -> None:
    """The holder releases its lease and publishes its outcome in one step, but the waiter
    hears of the two on different connections: its next look at the lease may come
    first. It took the lease over and looked the invite up again, unless the outcome
    was one the shared cache keeps (an invite or a miss) and the cache was on."""
    world, gate = FakeWorld(), asyncio.Event()
    code = one_code(world)
    holder_adapter, waiter_adapter = GatedAdapter(world, gate=gate), FakeAdapter(world)
    if fails:
        holder_adapter.fail_next(forbidden())
    holding, waiting = fleets[0].coalescing(lease=0.5), fleets[1].coalescing(lease=0.5)
    withheld = withhold_notices(waiting, monkeypatch)
    async with AsyncExitStack() as stack:
        holder, waiter = [
            await stack.enter_async_context(
                InviteClient(adapter, cache=fleet.cache() if cached else None, coalescing=c)
            )
            for adapter, fleet, c in zip(
                (holder_adapter, waiter_adapter), fleets, (holding, waiting), strict=True
            )
        ]
        held = asyncio.ensure_future(holder.fetch_invite(code, platform="fake"))
        await until(lambda: holder_adapter.entered == 1)
        waited = asyncio.ensure_future(waiter.fetch_invite(code, platform="fake"))
        await until(lambda: waiting.waiting == 1)
        gate.set()
        outcomes = await asyncio.gather(held, waited, return_exceptions=True)
    assert withheld  # the outcome reached the waiter's process, too late to count
    assert fetches(holder_adapter, waiter_adapter) == 1
    if fails:
        assert all(isinstance(outcome, Forbidden) for outcome in outcomes)
    else:
        assert all(isinstance(o, PublicInvite) and o.code == code for o in outcomes)
    assert waiting.stats.received == 1
    assert waiting.stats.late_messages == 1  # read from Redis, not heard
    assert waiting.stats.taken_over == 0


async def test_a_lookup_that_takes_the_lease_just_after_its_release_finds_the_cached_invite(
    fleets: list[RedisFleet], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second process missed the cache before the holder stored the invite, and
    reached the lease after the holder let it go: it holds the lease, and finds the
    invite in the cache before it sends anything."""
    world, gate = FakeWorld(), asyncio.Event()
    code = one_code(world)
    first_adapter, second_adapter = GatedAdapter(world, gate=gate), FakeAdapter(world)
    take = HeldStep(fleets[1], "lease", monkeypatch)
    async with AsyncExitStack() as stack:
        first, second = [
            await stack.enter_async_context(
                InviteClient(adapter, cache=fleet.cache(), coalescing=fleet.coalescing())
            )
            for adapter, fleet in zip((first_adapter, second_adapter), fleets, strict=True)
        ]
        held = asyncio.ensure_future(first.fetch_invite(code, platform="fake"))
        await until(lambda: first_adapter.entered == 1)
        late = asyncio.ensure_future(second.fetch_invite(code, platform="fake"))
        await until(lambda: take.reached == 1)  # past its cache check, before the lease
        gate.set()
        await held
        take.release()
        invite = await late
    assert invite.code == code
    assert fetches(first_adapter, second_adapter) == 1
    assert second.stats.cache_hits == 1


async def test_an_error_is_not_shared_with_a_lookup_that_reaches_the_lease_after_it(
    fleets: list[RedisFleet], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The limit of sharing, pinned: an error is handed to the lookups that waited for it,
    and not remembered. A lookup that reaches the lease once it is released is a new
    lookup, as a caller arriving after a failed request is within one process."""
    world, gate = FakeWorld(), asyncio.Event()
    code = one_code(world)
    first_adapter, second_adapter = GatedAdapter(world, gate=gate), FakeAdapter(world)
    first_adapter.fail_next(forbidden())
    take = HeldStep(fleets[1], "lease", monkeypatch)
    async with AsyncExitStack() as stack:
        first, second = [
            await stack.enter_async_context(
                InviteClient(adapter, cache=fleet.cache(), coalescing=fleet.coalescing())
            )
            for adapter, fleet in zip((first_adapter, second_adapter), fleets, strict=True)
        ]
        held = asyncio.ensure_future(first.fetch_invite(code, platform="fake"))
        await until(lambda: first_adapter.entered == 1)
        late = asyncio.ensure_future(second.fetch_invite(code, platform="fake"))
        await until(lambda: take.reached == 1)
        gate.set()
        with pytest.raises(InviteError):
            await held
        take.release()
        assert (await late).code == code
    assert fetches(first_adapter, second_adapter) == 2


async def test_a_lease_is_renewed_while_the_pool_is_busy_from_the_moment_it_is_taken(
    redis_server: RedisServer,
    namespace: str,
    fleets: list[RedisFleet],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The renewals have a connection of their own. It used to be taken from the pool when
    the first lease was held, so a burst of lookups queued ahead of it could hold the
    renewals back until the lease ran out, and another process looked the invite up."""
    world, gate = FakeWorld(), asyncio.Event()
    code = one_code(world)
    holder_adapter, waiter_adapter = GatedAdapter(world, gate=gate), FakeAdapter(world)
    async with RedisFleet.from_url(
        redis_server.url, namespace=namespace, max_connections=4, timeout=5.0
    ) as small:
        holding, waiting = small.coalescing(lease=0.5), fleets[1].coalescing(lease=0.5)
        busy: list[asyncio.Future[Any]] = []
        original = small.call

        async def call(
            name: str,
            operation: Callable[[Any], Awaitable[T]],
            fallback: Callable[[], Awaitable[T]],
        ) -> T:
            result = await original(name, operation, fallback)
            if name == "lease" and not busy:
                # The moment the lease is held, slow commands take every connection the
                # pool has left (three before the fix, two now) for four lease lengths.
                busy.extend(
                    asyncio.ensure_future(small.client.blpop([small.key("never")], timeout=2))
                    for _ in range(3)
                )
                await asyncio.sleep(0.1)
            return result

        monkeypatch.setattr(small, "call", call)
        async with (
            InviteClient(holder_adapter, cache=None, coalescing=holding) as holder,
            InviteClient(waiter_adapter, cache=None, coalescing=waiting) as waiter,
        ):
            held = asyncio.ensure_future(holder.fetch_invite(code, platform="fake"))
            await until(lambda: holder_adapter.entered == 1)
            waited = asyncio.ensure_future(waiter.fetch_invite(code, platform="fake"))
            await until(lambda: waiting.waiting == 1 or waited.done())
            await asyncio.wait(busy, return_when=asyncio.FIRST_COMPLETED)
            gate.set()
            invites = await asyncio.gather(held, waited)
            for command in busy:
                command.cancel()
            await asyncio.gather(*busy, return_exceptions=True)
    assert {invite.code for invite in invites} == {code}
    assert fetches(holder_adapter, waiter_adapter) == 1
    assert holding.stats.lost == 0


async def test_a_lease_is_renewed_until_its_outcome_is_kept(
    fleets: list[RedisFleet], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The holder stopped renewing its lease before its finishing script ran: a finish
    held up past the lease (waiting for a pooled connection in a busy process) let the
    lease run out, and a waiter took over and looked the invite up again."""
    world, gate = FakeWorld(), asyncio.Event()
    code = one_code(world)
    holder_adapter, waiter_adapter = GatedAdapter(world, gate=gate), FakeAdapter(world)
    holding, waiting = fleets[0].coalescing(lease=0.5), fleets[1].coalescing(lease=0.5)
    finish = HeldStep(fleets[0], "lease release", monkeypatch)
    async with (
        InviteClient(holder_adapter, cache=None, coalescing=holding) as holder,
        InviteClient(waiter_adapter, cache=None, coalescing=waiting) as waiter,
    ):
        held = asyncio.ensure_future(holder.fetch_invite(code, platform="fake"))
        await until(lambda: holder_adapter.entered == 1)
        waited = asyncio.ensure_future(waiter.fetch_invite(code, platform="fake"))
        await until(lambda: waiting.waiting == 1)
        gate.set()
        await until(lambda: finish.reached == 1)
        await asyncio.sleep(1.5)  # three lease lengths
        finish.release()
        invites = await asyncio.gather(held, waited)
    assert {invite.code for invite in invites} == {code}
    assert fetches(holder_adapter, waiter_adapter) == 1
    assert holding.stats.lost == 0
    assert waiting.stats.taken_over == 0
