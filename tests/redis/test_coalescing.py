"""Coalescing across processes: one request per invite for the whole fleet, under a lease.

Each client here has its own ``RedisFleet`` (its own connections), as a process would;
the multi-process tests are in ``test_processes.py``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from typing import Any

import pytest

from invitekit import Coalescing, Forbidden, InviteClient, InviteNotFound, PublicInvite
from invitekit.redis import RedisCoalescing, RedisFleet
from invitekit_discord import DiscordAdapter
from invitekit_fake import FakeAdapter, FakeWorld
from tests.redis._discord import TOKEN, invite_lookups, seeded
from tests.redis._server import RedisServer


@pytest.fixture
async def fleets(redis_server: RedisServer, namespace: str) -> AsyncIterator[list[RedisFleet]]:
    """Four connections to one namespace: four processes' worth."""
    async with AsyncExitStack() as stack:
        made = [
            await stack.enter_async_context(
                RedisFleet.from_url(redis_server.url, namespace=namespace)
            )
            for _ in range(4)
        ]
        yield made


class GatedAdapter(FakeAdapter):
    """Holds every fetch until the test opens the gate, so timing plays no part."""

    def __init__(self, *args: Any, gate: asyncio.Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.gate = gate
        self.entered = 0

    async def _fetch_invite(
        self, code: str, *, with_counts: bool, event_id: str | None
    ) -> PublicInvite:
        self.entered += 1
        await self.gate.wait()
        return await super()._fetch_invite(code, with_counts=with_counts, event_id=event_id)


def one_code(world: FakeWorld) -> str:
    server = world.add_server("S", owner=world.add_user("owner"))
    return world.add_invite(server.channel("general")).code


def fetches(*adapters: FakeAdapter) -> int:
    return sum(call.verb == "fetch_invite" for adapter in adapters for call in adapter.calls)


async def until(condition: Callable[[], bool], *, limit: float = 10.0) -> None:
    """Wait until ``condition`` holds; fail after ``limit`` seconds."""
    for _ in range(int(limit / 0.005)):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("the condition never held")


async def test_four_clients_make_one_request_per_invite_against_discord(
    fleets: list[RedisFleet],
) -> None:
    emulator, codes = seeded(25)
    async with emulator.serve() as api_base, AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(
                InviteClient(
                    DiscordAdapter(TOKEN, api_base=api_base, rate_limit_store=fleet.rate_limits),
                    cache=fleet.cache(),
                    coalescing=fleet.coalescing(),
                )
            )
            for fleet in fleets
        ]
        results = await asyncio.gather(
            *(
                client.fetch_invite(codes[index % 25], platform="discord")
                for client in clients
                for index in range(250)
            )
        )
    assert [invite.code for invite in results] == [codes[i % 25] for i in range(250)] * 4
    assert sorted(invite_lookups(emulator)) == codes
    assert all(invite.adapter is not None for invite in results)


async def test_waiters_in_other_processes_receive_the_holders_invite(
    fleets: list[RedisFleet],
) -> None:
    world, gate = FakeWorld(), asyncio.Event()
    code = one_code(world)
    adapters = [GatedAdapter(world, gate=gate) for _ in fleets]
    coalescings = [fleet.coalescing() for fleet in fleets]
    assert all(isinstance(c, Coalescing) for c in coalescings)
    async with AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(InviteClient(a, cache=None, coalescing=c))
            for a, c in zip(adapters, coalescings, strict=True)
        ]
        lookups = [
            asyncio.ensure_future(client.fetch_invite(code, platform="fake"))
            for client in clients
            for _ in range(10)
        ]
        await until(lambda: sum(c.waiting for c in coalescings) == 3)
        gate.set()
        results = await asyncio.gather(*lookups)
    assert fetches(*adapters) == 1
    assert sum(c.stats.led for c in coalescings) == 1
    assert sum(c.stats.received for c in coalescings) == 3
    assert {invite.code for invite in results} == {code}
    for index, adapter in enumerate(adapters):
        assert all(invite.adapter is adapter for invite in results[index * 10 : index * 10 + 10])


async def test_errors_reach_every_waiting_process(fleets: list[RedisFleet]) -> None:
    world, gate = FakeWorld(), asyncio.Event()
    code = one_code(world)
    adapters = [GatedAdapter(world, gate=gate) for _ in fleets[:3]]
    for adapter in adapters:
        adapter.fail_next(Forbidden("the platform said no", platform="fake", code=50013))
    coalescings = [fleet.coalescing() for fleet in fleets[:3]]
    async with AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(InviteClient(a, cache=None, coalescing=c))
            for a, c in zip(adapters, coalescings, strict=True)
        ]
        lookups = [
            asyncio.ensure_future(client.fetch_invite(code, platform="fake")) for client in clients
        ]
        await until(lambda: sum(c.waiting for c in coalescings) == 2)
        gate.set()
        outcomes = await asyncio.gather(*lookups, return_exceptions=True)
    assert fetches(*adapters) == 1
    assert all(isinstance(outcome, Forbidden) for outcome in outcomes)
    assert {outcome.code for outcome in outcomes if isinstance(outcome, Forbidden)} == {50013}


async def test_a_cached_miss_answers_the_other_processes(fleets: list[RedisFleet]) -> None:
    world = FakeWorld()
    adapters = [FakeAdapter(world) for _ in fleets]
    async with AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(
                InviteClient(a, cache=f.cache(), coalescing=f.coalescing())
            )
            for a, f in zip(adapters, fleets, strict=True)
        ]
        outcomes = await asyncio.gather(
            *(client.fetch_invite("nothing", platform="fake") for client in clients),
            return_exceptions=True,
        )
    assert all(isinstance(outcome, InviteNotFound) for outcome in outcomes)
    assert fetches(*adapters) == 1


async def test_a_dead_holders_lease_runs_out_and_a_waiter_takes_over(fleet: RedisFleet) -> None:
    world = FakeWorld()
    code = one_code(world)
    coalescing = fleet.coalescing(lease=0.3)
    adapter = FakeAdapter(world)
    async with InviteClient(adapter, cache=fleet.cache(), coalescing=coalescing) as client:
        lease_key = coalescing.lease_key(client_key(code))
        # A holder that died right after taking the lease: it will never renew it.
        assert await fleet.client.set(lease_key, "dead-process", nx=True, px=300)
        invite = await client.fetch_invite(code, platform="fake")
    assert invite.code == code
    assert coalescing.stats.taken_over == 1
    assert coalescing.stats.led == 1
    assert fetches(adapter) == 1


async def test_a_holder_whose_lease_ran_out_says_so_and_still_answers(
    fleet: RedisFleet, caplog: pytest.LogCaptureFixture
) -> None:
    world, gate = FakeWorld(), asyncio.Event()
    code = one_code(world)
    adapter = GatedAdapter(world, gate=gate)
    coalescing = fleet.coalescing(lease=0.3)
    async with InviteClient(adapter, cache=None, coalescing=coalescing) as client:
        held = asyncio.ensure_future(client.fetch_invite(code, platform="fake"))
        await until(lambda: adapter.entered == 1)
        # What a stall longer than the lease leaves behind: the lease is gone.
        assert await fleet.client.delete(coalescing.lease_key(client_key(code))) == 1
        with caplog.at_level("WARNING", logger="invitekit.redis"):
            await until(lambda: coalescing.stats.lost == 1)
        gate.set()
        assert (await held).code == code
    assert coalescing.stats.lost == 1  # counted once; renewing stopped
    assert any("ran out while its lookup was still running" in m for m in caplog.messages)


async def test_a_lease_outlives_a_busy_connection_pool(
    redis_server: RedisServer, namespace: str, fleet: RedisFleet
) -> None:
    world, gate = FakeWorld(), asyncio.Event()
    code = one_code(world)
    adapter = GatedAdapter(world, gate=gate)
    async with RedisFleet.from_url(
        redis_server.url, namespace=namespace, max_connections=4, timeout=5.0
    ) as small:
        coalescing = small.coalescing(lease=0.3)
        async with InviteClient(adapter, cache=None, coalescing=coalescing) as client:
            held = asyncio.ensure_future(client.fetch_invite(code, platform="fake"))
            await until(lambda: adapter.entered == 1)
            # Every connection the pool has left is taken by a slow command for 1 s,
            # three leases long: a renewal queueing for the pool would come too late.
            busy = [
                asyncio.ensure_future(small.client.blpop([small.key("never")], timeout=1))
                for _ in range(4)
            ]
            await asyncio.sleep(0.9)
            lease_key = coalescing.lease_key(client_key(code))
            assert await fleet.client.pttl(lease_key) > 0  # read on a connection of its own
            gate.set()
            assert (await held).code == code
            await asyncio.gather(*busy)
    assert coalescing.stats.lost == 0
    assert fetches(adapter) == 1


async def test_a_holder_that_gives_up_hands_over_at_once(fleets: list[RedisFleet]) -> None:
    world, gate = FakeWorld(), asyncio.Event()
    code = one_code(world)
    quitter, stayer = GatedAdapter(world, gate=gate), FakeAdapter(world)
    leaving, staying = fleets[0].coalescing(lease=60.0), fleets[1].coalescing(lease=60.0)
    async with InviteClient(stayer, cache=None, coalescing=staying) as client:
        holder = InviteClient(quitter, cache=None, coalescing=leaving)
        held = asyncio.ensure_future(holder.fetch_invite(code, platform="fake"))
        await until(lambda: quitter.entered == 1)
        waiting = asyncio.ensure_future(client.fetch_invite(code, platform="fake"))
        await until(lambda: staying.waiting == 1)
        await holder.close()  # cancels its lookup: the lease is released, not left to expire
        invite = await asyncio.wait_for(waiting, 10)
        with pytest.raises(asyncio.CancelledError):
            await held
    assert invite.code == code
    assert staying.stats.taken_over == 1
    assert fetches(stayer) == 1


async def test_a_cancelled_caller_leaves_the_shared_lookup_alone(fleet: RedisFleet) -> None:
    world, gate = FakeWorld(), asyncio.Event()
    code = one_code(world)
    adapter = GatedAdapter(world, gate=gate)
    async with InviteClient(adapter, coalescing=fleet.coalescing(), cache=None) as client:
        first = asyncio.ensure_future(client.fetch_invite(code, platform="fake"))
        second = asyncio.ensure_future(client.fetch_invite(code, platform="fake"))
        await until(lambda: adapter.entered == 1)
        first.cancel()
        gate.set()
        assert (await second).code == code
    assert first.cancelled()


async def test_closing_drops_the_subscription(fleet: RedisFleet) -> None:
    world = FakeWorld()
    code = one_code(world)
    coalescing = fleet.coalescing()
    async with InviteClient(FakeAdapter(world), coalescing=coalescing) as client:
        await client.fetch_invite(code, platform="fake")
        channels = await fleet.client.pubsub_numsub(fleet.key("outcomes"))
        assert channels[0][1] == 1
    await coalescing.close()  # a second close is harmless
    await until_async(fleet, lambda n: n == 0)
    assert coalescing.stats.led == 1


async def until_async(fleet: RedisFleet, check: Callable[[int], bool]) -> None:
    for _ in range(500):
        channels = await fleet.client.pubsub_numsub(fleet.key("outcomes"))
        if check(channels[0][1]):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the subscription count never settled")


def test_a_lease_shorter_than_fifty_milliseconds_is_refused(fleet: RedisFleet) -> None:
    from invitekit import InvalidArgument

    with pytest.raises(InvalidArgument):
        RedisCoalescing(fleet, lease=0.01)


def client_key(code: str) -> Any:
    from invitekit.client import LookupKey

    return LookupKey("fake", code, None, True)


async def test_clients_sharing_a_coalescing_get_invites_bound_to_their_own_adapter() -> None:
    from invitekit import MemoryCoalescing

    world, gate = FakeWorld(), asyncio.Event()
    code = one_code(world)
    shared = MemoryCoalescing()
    first, second = GatedAdapter(world, gate=gate), GatedAdapter(world, gate=gate)
    async with (
        InviteClient(first, cache=None, coalescing=shared) as one,
        InviteClient(second, cache=None, coalescing=shared) as two,
    ):
        lookups = [
            asyncio.ensure_future(one.fetch_invite(code, platform="fake")),
            asyncio.ensure_future(two.fetch_invite(code, platform="fake")),
        ]
        await until(lambda: first.entered + second.entered == 1)
        gate.set()
        mine, theirs = await asyncio.gather(*lookups)
    assert first.entered + second.entered == 1  # one lookup for both clients
    assert mine.adapter is first
    assert theirs.adapter is second
    assert mine is not theirs
