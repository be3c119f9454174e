"""The shared cache: keys, lifetimes, views, eviction, and clients that share it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest

from invitekit import CacheSettings, InviteCache, InviteClient, InviteNotFound, PublicServerInvite
from invitekit.client import LookupKey
from invitekit.redis import RedisFleet, RedisInviteCache
from invitekit_fake import FakeAdapter, FakeServer, FakeWorld
from tests.redis._server import RedisServer


def fetches(adapter: FakeAdapter) -> int:
    return sum(call.verb == "fetch_invite" for call in adapter.calls)


@pytest.fixture
def world() -> FakeWorld:
    return FakeWorld()


@pytest.fixture
def server(world: FakeWorld) -> FakeServer:
    return world.add_server("Bridge", owner=world.add_user("owner"))


@pytest.fixture
def code(world: FakeWorld, server: FakeServer) -> str:
    return world.add_invite(server.channel("general")).code


@pytest.fixture
async def second_fleet(redis_server: RedisServer, namespace: str) -> AsyncIterator[RedisFleet]:
    """Another connection to the same namespace: what a second process would have."""
    async with RedisFleet.from_url(redis_server.url, namespace=namespace) as made:
        yield made


def key(code: str, *, with_counts: bool = True, event_id: str | None = None) -> LookupKey:
    return LookupKey("fake", code, event_id, with_counts)


async def test_found_and_missing_invites_are_stored_under_the_namespace(
    fleet: RedisFleet, world: FakeWorld, code: str, namespace: str
) -> None:
    cache = fleet.cache(CacheSettings(ttl=300, not_found_ttl=30))
    assert isinstance(cache, InviteCache)
    invite = await FakeAdapter(world).fetch_invite(code)
    await cache.put(key(code), invite)
    await cache.put(key("gone"), InviteNotFound("no such invite", platform="fake"))

    assert cache.key("fake", code) == f"{namespace}:invite:fake:{code}"
    stored: dict[bytes, bytes] = await fleet.client.hgetall(cache.key("fake", code))  # type: ignore[assignment]
    payload = next(value for field, value in stored.items() if field.startswith(b"v"))
    assert json.loads(payload)[1] == "server"  # msgspec JSON, readable with redis-cli

    found_ttl = await fleet.client.pttl(cache.key("fake", code))
    missing_ttl = await fleet.client.pttl(cache.key("fake", "gone"))
    assert 290_000 < found_ttl <= 300_000
    assert 20_000 < missing_ttl <= 30_000

    back = await cache.get(key(code))
    assert isinstance(back, PublicServerInvite)
    assert isinstance(invite, PublicServerInvite)
    assert back.server == invite.server
    missing = await cache.get(key("gone"))
    assert isinstance(missing, InviteNotFound)
    assert missing.message == "no such invite"
    assert await cache.get(key("never")) is None


async def test_a_zero_lifetime_stores_nothing(
    fleet: RedisFleet, world: FakeWorld, code: str
) -> None:
    cache = fleet.cache(CacheSettings(ttl=0, not_found_ttl=0))
    await cache.put(key(code), await FakeAdapter(world).fetch_invite(code))
    await cache.put(key("gone"), InviteNotFound("no", platform="fake"))
    assert await fleet.client.keys(f"{fleet.namespace}:*") == []


async def test_entries_expire_with_their_own_lifetime(
    fleet: RedisFleet, world: FakeWorld, code: str
) -> None:
    cache = fleet.cache(CacheSettings(ttl=0.05, not_found_ttl=30))
    await cache.put(key(code), await FakeAdapter(world).fetch_invite(code))
    await cache.put(key(code, with_counts=False), InviteNotFound("no", platform="fake"))
    await asyncio.sleep(0.1)
    assert await cache.get(key(code)) is None  # expired, though its key lives on
    assert isinstance(await cache.get(key(code, with_counts=False)), InviteNotFound)


async def test_views_are_apart_and_eviction_drops_them_all(
    fleet: RedisFleet, world: FakeWorld, code: str
) -> None:
    cache = fleet.cache()
    invite = await FakeAdapter(world).fetch_invite(code)
    await cache.put(key(code), invite)
    assert await cache.get(key(code, with_counts=False)) is None
    assert await cache.get(key(code, event_id="42")) is None
    await cache.put(key(code, event_id="42"), invite)
    assert await cache.get(key(code, event_id="42")) is not None

    await cache.evict("fake", code)
    assert await cache.get(key(code)) is None
    assert await cache.get(key(code, event_id="42")) is None
    assert not await fleet.client.exists(cache.key("fake", code))


async def test_an_entry_that_does_not_decode_is_a_miss(fleet: RedisFleet, code: str) -> None:
    cache = fleet.cache()
    await fleet.client.hset(cache.key("fake", code), mapping={"e[null,true]": "9" * 15})
    await fleet.client.hset(cache.key("fake", code), "v[null,true]", b"\x80\x04pickled")
    assert await cache.get(key(code)) is None


async def test_a_cached_error_other_than_not_found_is_ignored(fleet: RedisFleet) -> None:
    from invitekit import Forbidden
    from invitekit.redis import encode_outcome

    cache = fleet.cache()
    await fleet.client.hset(
        cache.key("fake", "x"),
        mapping={"e[null,true]": "9" * 15, "v[null,true]": encode_outcome(Forbidden("no"))},
    )
    assert await cache.get(key("x")) is None


async def test_a_second_process_is_served_from_the_shared_cache(
    fleet: RedisFleet, second_fleet: RedisFleet, world: FakeWorld, code: str
) -> None:
    first, second = FakeAdapter(world), FakeAdapter(world)
    async with (
        InviteClient(first, cache=fleet.cache()) as one,
        InviteClient(second, cache=second_fleet.cache()) as two,
    ):
        fetched = await one.fetch_invite(code, platform="fake")
        served = await two.fetch_invite(code, platform="fake")
        with pytest.raises(InviteNotFound):
            await one.fetch_invite("missing", platform="fake")
        with pytest.raises(InviteNotFound):
            await two.fetch_invite("missing", platform="fake")
    assert (fetches(first), fetches(second)) == (2, 0)
    assert two.stats.cache_hits == 2
    assert served == fetched
    assert served.adapter is second  # bound to the client that returned it
    assert fetched.adapter is first


async def test_delete_evicts_for_every_process(
    fleet: RedisFleet, second_fleet: RedisFleet, world: FakeWorld, code: str
) -> None:
    owner = world.servers[next(iter(world.servers))].owner
    first, second = FakeAdapter(world, user=owner), FakeAdapter(world)
    async with (
        InviteClient(first, cache=fleet.cache()) as one,
        InviteClient(second, cache=second_fleet.cache()) as two,
    ):
        await two.fetch_invite(code, platform="fake")
        await one.delete(code, platform="fake")
        with pytest.raises(InviteNotFound):
            await two.fetch_invite(code, platform="fake")
    assert fetches(second) == 2


def test_repr_names_the_namespace_only(fleet: RedisFleet) -> None:
    cache: RedisInviteCache = fleet.cache()
    assert fleet.namespace in repr(cache)
    assert "127.0.0.1" in repr(fleet)
