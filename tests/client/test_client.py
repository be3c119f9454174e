"""InviteClient on the fake platform: coalescing, caching, concurrency, per-link errors."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from invitekit import (
    CacheSettings,
    InvalidArgument,
    InvalidInviteLink,
    InviteCache,
    InviteClient,
    InviteNotFound,
    InviteRef,
    MissingPermissions,
    PublicInvite,
    PublicServerInvite,
    UnknownPlatform,
)
from invitekit.client import LookupKey, MemoryInviteCache
from invitekit_fake import FakeAdapter, FakeServer, FakeUser, FakeWorld


class ManualClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def world() -> FakeWorld:
    return FakeWorld()


@pytest.fixture
def owner(world: FakeWorld) -> FakeUser:
    return world.add_user("owner")


@pytest.fixture
def server(world: FakeWorld, owner: FakeUser) -> FakeServer:
    return world.add_server("Bridge", owner=owner)


def codes(world: FakeWorld, server: FakeServer, count: int) -> list[str]:
    return [world.add_invite(server.channel("general")).code for _ in range(count)]


class GatedAdapter(FakeAdapter):
    """Holds every fetch until the test opens the gate, so timing plays no part."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.gate = asyncio.Event()

    async def _fetch_invite(
        self, code: str, *, with_counts: bool, event_id: str | None
    ) -> PublicInvite:
        await self.gate.wait()
        return await super()._fetch_invite(code, with_counts=with_counts, event_id=event_id)


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


def fetches(adapter: FakeAdapter) -> int:
    return sum(call.verb == "fetch_invite" for call in adapter.calls)


async def test_targets_links_refs_and_bare_codes(world: FakeWorld, server: FakeServer) -> None:
    (code,) = codes(world, server, 1)
    async with InviteClient(FakeAdapter(world)) as client:
        by_link = await client.fetch_invite(f"https://fake.invitekit.test/{code}")
        by_ref = await client.fetch_invite(InviteRef("fake", code))
        by_code = await client.fetch_invite(code, platform="fake")
        assert by_link == by_ref == by_code
        assert isinstance(by_link, PublicServerInvite)
        with pytest.raises(InvalidInviteLink):
            await client.fetch_invite(code)
        with pytest.raises(UnknownPlatform):
            await client.fetch_invite(InviteRef("discord", "abc"))


async def test_a_thousand_concurrent_lookups_of_ten_codes_make_ten_requests(
    world: FakeWorld, server: FakeServer
) -> None:
    adapter = GatedAdapter(world)
    ten = codes(world, server, 10)
    async with InviteClient(adapter, cache=None) as client:
        lookups = [
            asyncio.ensure_future(client.fetch_invite(ten[i % 10], platform="fake"))
            for i in range(1000)
        ]
        await settle()
        adapter.gate.set()
        results = await asyncio.gather(*lookups)
    assert [r.code for r in results] == [ten[i % 10] for i in range(1000)]
    assert fetches(adapter) == 10
    assert client.stats.requests == 10
    assert client.stats.coalesced == 990
    assert client.stats.lookups == 1000


async def test_cancelling_one_waiter_leaves_the_others_their_result(
    world: FakeWorld, server: FakeServer
) -> None:
    adapter = GatedAdapter(world)
    (code,) = codes(world, server, 1)
    async with InviteClient(adapter) as client:
        waiters = [
            asyncio.ensure_future(client.fetch_invite(code, platform="fake")) for _ in range(3)
        ]
        await settle()
        waiters[0].cancel()
        await settle()
        adapter.gate.set()
        first, second, third = await asyncio.gather(*waiters, return_exceptions=True)
    assert isinstance(first, asyncio.CancelledError)
    assert isinstance(second, PublicServerInvite)
    assert isinstance(third, PublicServerInvite)
    assert second.code == third.code == code
    assert fetches(adapter) == 1


async def test_failures_reach_every_waiter_as_their_own_copy(world: FakeWorld) -> None:
    adapter = GatedAdapter(world)
    async with InviteClient(adapter) as client:
        lookups = [
            asyncio.ensure_future(client.fetch_invite("gone", platform="fake")) for _ in range(5)
        ]
        await settle()
        adapter.gate.set()
        outcomes = await asyncio.gather(*lookups, return_exceptions=True)
    assert all(isinstance(o, InviteNotFound) for o in outcomes)
    assert len({id(o) for o in outcomes}) == 5
    assert fetches(adapter) == 1


async def test_found_invites_are_cached_until_their_ttl(
    world: FakeWorld, server: FakeServer
) -> None:
    adapter, clock = FakeAdapter(world), ManualClock()
    (code,) = codes(world, server, 1)
    async with InviteClient(adapter, cache=CacheSettings(ttl=60), clock=clock) as client:
        await client.fetch_invite(code, platform="fake")
        clock.now += 59
        await client.fetch_invite(code, platform="fake")
        assert fetches(adapter) == 1
        assert client.stats.cache_hits == 1
        clock.now += 1
        await client.fetch_invite(code, platform="fake")
        assert fetches(adapter) == 2


async def test_misses_are_cached_for_a_shorter_time(world: FakeWorld) -> None:
    adapter, clock = FakeAdapter(world), ManualClock()
    settings = CacheSettings(ttl=300, not_found_ttl=10)
    async with InviteClient(adapter, cache=settings, clock=clock) as client:
        for _ in range(3):
            with pytest.raises(InviteNotFound) as caught:
                await client.fetch_invite("missing", platform="fake")
            assert caught.value.platform == "fake"
        assert fetches(adapter) == 1
        clock.now += 10
        with pytest.raises(InviteNotFound):
            await client.fetch_invite("missing", platform="fake")
        assert fetches(adapter) == 2


async def test_the_cache_is_bounded_lru(world: FakeWorld, server: FakeServer) -> None:
    adapter = FakeAdapter(world)
    a, b, c = codes(world, server, 3)
    async with InviteClient(adapter, cache=CacheSettings(max_size=2)) as client:
        for code in (a, b, a, c):  # touching a again makes b the least recently used
            await client.fetch_invite(code, platform="fake")
        assert fetches(adapter) == 3
        await client.fetch_invite(a, platform="fake")
        assert fetches(adapter) == 3
        await client.fetch_invite(b, platform="fake")
        assert fetches(adapter) == 4


async def test_the_cache_can_be_turned_off(world: FakeWorld, server: FakeServer) -> None:
    adapter = FakeAdapter(world)
    (code,) = codes(world, server, 1)
    async with InviteClient(adapter, cache=None) as client:
        for _ in range(3):
            await client.fetch_invite(code, platform="fake")
    assert fetches(adapter) == 3


async def test_delete_and_revoke_evict(
    world: FakeWorld, server: FakeServer, owner: FakeUser
) -> None:
    adapter = FakeAdapter(world, user=owner)
    first, second = codes(world, server, 2)
    async with InviteClient(adapter) as client:
        await client.fetch_invite(first, platform="fake")
        await client.delete(first, platform="fake", reason="spam")
        with pytest.raises(InviteNotFound):
            await client.fetch_invite(first, platform="fake")
        await client.fetch_invite(f"https://fake.invitekit.test/{second}")
        await client.revoke(f"https://fake.invitekit.test/{second}")
        with pytest.raises(InviteNotFound):
            await client.fetch_invite(second, platform="fake")
    assert fetches(adapter) == 4


async def test_accept_goes_to_the_platform_and_refreshes(
    world: FakeWorld, server: FakeServer
) -> None:
    joiner = world.add_user("joiner")
    (code,) = codes(world, server, 1)
    async with InviteClient(FakeAdapter(world, user=joiner)) as client:
        before = await client.fetch_invite(code, platform="fake")
        joined = await client.accept(before.url)
        after = await client.fetch_invite(code, platform="fake")
    assert joined.code == code
    assert isinstance(before, PublicServerInvite)
    assert isinstance(after, PublicServerInvite)
    assert (before.member_count, after.member_count) == (1, 2)


async def test_resolve_all_keeps_order_and_isolates_failures(
    world: FakeWorld, server: FakeServer
) -> None:
    good, other = codes(world, server, 2)
    text = (
        f"first fake.invitekit.test/{good}, dead fake.invitekit.test/deadbeef, "
        f"again <https://fake.invitekit.test/{good}> then fake.invitekit.test/{other} "
        "and a look-alike fake.invitekit.test.evil.com/x"
    )
    async with InviteClient(FakeAdapter(world)) as client:
        results = await client.resolve_all(text)
    assert [r.ref.code for r in results] == [good, "deadbeef", other]
    assert [r.ok for r in results] == [True, False, True]
    assert isinstance(results[1].error, InviteNotFound)
    assert results[0].invite is not None
    assert results[0].invite.code == good


async def test_injected_failures_stay_with_their_link(world: FakeWorld, server: FakeServer) -> None:
    adapter = FakeAdapter(world)
    first, second = codes(world, server, 2)
    adapter.fail_next(MissingPermissions("no", platform="fake"))
    async with InviteClient(adapter, cache=None) as client:
        results = await client.resolve_all(
            f"fake.invitekit.test/{first} fake.invitekit.test/{second}"
        )
    assert sorted(r.ok for r in results) == [False, True]


class CountingAdapter(FakeAdapter):
    """Tracks how many fetches run at once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.running = 0
        self.peak = 0

    async def _fetch_invite(
        self, code: str, *, with_counts: bool, event_id: str | None
    ) -> PublicInvite:
        self.running += 1
        self.peak = max(self.peak, self.running)
        try:
            return await super()._fetch_invite(code, with_counts=with_counts, event_id=event_id)
        finally:
            self.running -= 1


async def test_concurrency_is_bounded(world: FakeWorld, server: FakeServer) -> None:
    adapter = CountingAdapter(world, latency=0.005)
    many = codes(world, server, 30)
    async with InviteClient(adapter, per_platform_concurrency=3, cache=None) as client:
        await asyncio.gather(*(client.fetch_invite(code, platform="fake") for code in many))
    assert adapter.peak == 3
    assert fetches(adapter) == 30


async def test_close_cancels_work_in_flight_and_closes_adapters(
    world: FakeWorld, server: FakeServer
) -> None:
    adapter = GatedAdapter(world)
    (code,) = codes(world, server, 1)
    client = InviteClient(adapter)
    pending = asyncio.ensure_future(client.fetch_invite(code, platform="fake"))
    await settle()
    await client.close()
    await client.close()
    with pytest.raises(asyncio.CancelledError):
        await pending
    assert adapter.closed


async def test_adapters_by_name_take_options() -> None:
    async with InviteClient("fake", options={"fake": {"latency": 0.0}}) as client:
        assert client.platforms == ["fake"]
        adapter = client.adapter("fake")
        assert isinstance(adapter, FakeAdapter)
        with pytest.raises(InviteNotFound):
            await client.fetch_invite("nothing", platform="fake")


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((), {}),
        (("fake", "fake"), {}),
        (("fake",), {"options": {"discord": {}}}),
        (("fake",), {"max_concurrency": 0}),
        (("fake",), {"options": {"fake": {"nonsense": 1}}}),
    ],
)
def test_bad_construction_is_refused(args: tuple[str, ...], kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgument):
        InviteClient(*args, **kwargs)


def test_cache_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="negative"):
        CacheSettings(ttl=-1)
    with pytest.raises(ValueError, match="at least one"):
        CacheSettings(max_size=0)


class RecordingCache:
    """A third-party ``InviteCache``: a plain dict that remembers what it was asked."""

    def __init__(self) -> None:
        self.store: dict[LookupKey, PublicInvite | InviteNotFound] = {}
        self.log: list[str] = []
        self.closed = False

    async def get(self, key: LookupKey) -> PublicInvite | InviteNotFound | None:
        self.log.append(f"get {key.code}")
        return self.store.get(key)

    async def put(self, key: LookupKey, outcome: PublicInvite | InviteNotFound) -> None:
        self.log.append(f"put {key.code} {type(outcome).__name__}")
        self.store[key] = outcome

    async def evict(self, platform: str, code: str) -> None:
        self.log.append(f"evict {code}")
        self.store = {
            k: v for k, v in self.store.items() if (k.platform, k.code) != (platform, code)
        }

    async def close(self) -> None:
        self.closed = True


async def test_any_invite_cache_plugs_in(
    world: FakeWorld, server: FakeServer, owner: FakeUser
) -> None:
    cache = RecordingCache()
    assert isinstance(cache, InviteCache)
    assert isinstance(MemoryInviteCache(), InviteCache)
    (code,) = codes(world, server, 1)
    adapter = FakeAdapter(world, user=owner)
    async with InviteClient(adapter, cache=cache) as client:
        await client.fetch_invite(code, platform="fake")
        await client.fetch_invite(code, platform="fake")
        with pytest.raises(InviteNotFound):
            await client.fetch_invite("nope", platform="fake")
        await client.delete(code, platform="fake")
    # A miss is checked again just before the request: a shared cache may have learnt
    # the answer from another process meanwhile.
    assert cache.log == [
        f"get {code}",
        f"get {code}",
        f"put {code} PublicServerInvite",
        f"get {code}",
        "get nope",
        "get nope",
        "put nope InviteNotFound",
        f"evict {code}",
    ]
    assert fetches(adapter) == 2
    assert cache.closed
