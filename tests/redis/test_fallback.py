"""When Redis is unreachable or goes away: a logged fallback to in-process behaviour (or a
typed error when configured so), never a crash, and shared state again once it is back."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import pytest

from invitekit import InviteClient, InviteError, PublicInvite, RateLimited, TransportError
from invitekit.http import HTTPTransport, Route, Throttle
from invitekit.redis import RedisFleet, RedisRateLimitStore, RedisUnavailable
from invitekit_discord import DiscordAdapter
from tests.http._support import ManualTime, ScriptedServer, serve
from tests.redis._discord import TOKEN, invite_lookups, seeded
from tests.redis._server import RedisServer, free_port


def fallback_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "invitekit.redis" and record.levelno == logging.WARNING
    ]


def discord_client(fleet: RedisFleet, api_base: str) -> InviteClient:
    adapter = DiscordAdapter(TOKEN, api_base=api_base, rate_limit_store=fleet.rate_limits)
    return InviteClient(adapter, cache=fleet.cache(), coalescing=fleet.coalescing(lease=1.0))


@pytest.fixture
async def nowhere() -> AsyncIterator[RedisFleet]:
    """A fleet whose Redis is not there (nothing listens on its port)."""
    url = f"redis://:hunter2@127.0.0.1:{free_port()}/0"
    async with RedisFleet.from_url(url, namespace="gone", retry_interval=60.0) as fleet:
        yield fleet


async def test_an_unreachable_redis_falls_back_in_process_and_says_so_once(
    nowhere: RedisFleet, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="invitekit.redis")
    emulator, codes = seeded(5)
    async with emulator.serve() as api_base, discord_client(nowhere, api_base) as client:
        results = await asyncio.gather(
            *(client.fetch_invite(codes[i % 5], platform="discord") for i in range(100))
        )
        again = await client.fetch_invite(codes[0], platform="discord")
    assert [invite.code for invite in results] == [codes[i % 5] for i in range(100)]
    assert again.code == codes[0]
    assert sorted(invite_lookups(emulator)) == codes  # coalesced and cached in process
    [warning] = fallback_warnings(caplog)
    assert "unreachable" in warning
    assert "falling back to in-process cache, coalescing and rate limits" in warning
    assert "hunter2" not in caplog.text
    assert nowhere.fallbacks > 0
    assert not nowhere.available


async def test_failing_instead_of_falling_back_raises_a_typed_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="invitekit.redis")
    emulator, codes = seeded(1)
    url = f"redis://:hunter2@127.0.0.1:{free_port()}/0"
    async with (
        RedisFleet.from_url(url, on_unavailable="raise") as fleet,
        emulator.serve() as api_base,
        discord_client(fleet, api_base) as client,
    ):
        with pytest.raises(RedisUnavailable) as caught:
            await client.fetch_invite(codes[0], platform="discord")
        outcomes = await client.resolve_all(f"https://discord.gg/{codes[0]}")
    assert isinstance(caught.value, TransportError)
    assert "hunter2" not in str(caught.value)
    assert isinstance(outcomes[0].error, RedisUnavailable)
    assert invite_lookups(emulator) == []
    assert "RedisUnavailable" in fallback_warnings(caplog)[0]


async def test_redis_stopped_mid_run_every_caller_gets_an_invite_or_a_typed_error(
    own_redis_server: RedisServer, namespace: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="invitekit.redis")
    emulator, codes = seeded(60)
    async with AsyncExitStack() as stack:
        api_base = await stack.enter_async_context(emulator.serve())
        fleets = [
            await stack.enter_async_context(
                RedisFleet.from_url(own_redis_server.url, namespace=namespace, retry_interval=0.2)
            )
            for _ in range(2)
        ]
        clients = [
            await stack.enter_async_context(discord_client(fleet, api_base)) for fleet in fleets
        ]

        async def look_up(index: int) -> PublicInvite | InviteError:
            try:
                return await clients[index % 2].fetch_invite(codes[index % 60], platform="discord")
            except InviteError as error:
                return error

        lookups = [asyncio.ensure_future(look_up(index)) for index in range(600)]
        for _ in range(2000):  # stop Redis while lookups are in flight
            if len(invite_lookups(emulator)) >= 10:
                break
            await asyncio.sleep(0.005)
        await asyncio.to_thread(own_redis_server.stop)
        outcomes = await asyncio.wait_for(asyncio.gather(*lookups), 60)
        assert sum(fleet.fallbacks for fleet in fleets) > 0

        # Redis comes back (empty): the fleet finds it again and shares state again.
        await asyncio.to_thread(own_redis_server.start)
        await asyncio.sleep(0.3)  # past retry_interval
        before = len(emulator.requests)
        fresh = [f"fresh{index}" for index in range(3)]
        channel = next(iter(emulator.world.channels.values()))
        for code in fresh:
            emulator.add_invite(channel, code=code, max_age=0)
        for client in clients:  # the first call after the pause finds Redis again
            await client.fetch_invite(codes[0], platform="discord")
        after_recovery = await asyncio.gather(
            *(clients[i % 2].fetch_invite(fresh[i % 3], platform="discord") for i in range(30))
        )

    assert all(isinstance(outcome, PublicInvite | InviteError) for outcome in outcomes)
    for index, outcome in enumerate(outcomes):
        if isinstance(outcome, PublicInvite):
            assert outcome.code == codes[index % 60]
        else:
            # Alone, each process keeps its own limits; the platform may answer 429 until
            # the retries run out. Nothing else can go wrong here.
            assert isinstance(outcome, RateLimited), outcome
    assert sum(isinstance(outcome, PublicInvite) for outcome in outcomes) >= 500
    warnings = fallback_warnings(caplog)
    assert any("falling back" in message for message in warnings)
    assert any("reachable again" in message for message in warnings)
    assert {invite.code for invite in after_recovery} == set(fresh)
    answered = [r.path.rsplit("/", 1)[-1] for r in emulator.requests[before:] if r.status == 200]
    assert sorted(code for code in answered if code.startswith("fresh")) == fresh


async def test_shared_limits_fall_back_to_limits_in_this_process(
    nowhere: RedisFleet, caplog: pytest.LogCaptureFixture
) -> None:
    time = ManualTime()
    server = ScriptedServer(time)
    store = RedisRateLimitStore(nowhere, clock=time)
    lookups = Route("GET", "/lookup/{id}", {"id": "x"}, throttle="lookups")
    async with (
        serve(server.app()) as url,
        HTTPTransport(
            url,
            platform="test",
            throttles={"lookups": Throttle(1, 5.0)},
            rate_limit_store=store,
            clock=time,
            sleep=time.sleep,
        ) as transport,
    ):
        await transport.request(lookups)
        await transport.request(lookups)
    assert time.sleeps == [5.0]
    assert len(fallback_warnings(caplog)) == 1


def test_a_fleet_refuses_bad_settings(redis_server: RedisServer) -> None:
    from invitekit import InvalidArgument

    for options in ({"namespace": "has space"}, {"namespace": ""}, {"retry_interval": -1.0}):
        with pytest.raises(InvalidArgument):
            RedisFleet.from_url(redis_server.url, **options)
    with pytest.raises(InvalidArgument):
        RedisFleet.from_url(redis_server.url, on_unavailable="ignore")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument):
        RedisFleet.from_url("http://not-redis")


async def test_a_fleet_refuses_a_client_that_decodes_responses(redis_server: RedisServer) -> None:
    from redis.asyncio import Redis

    from invitekit import InvalidArgument

    client = Redis.from_url(redis_server.url, decode_responses=True)
    try:
        with pytest.raises(InvalidArgument, match="decode_responses=False"):
            RedisFleet(client)
    finally:
        await client.aclose()
