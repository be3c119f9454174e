"""Rate limits against the emulator: the adapter waits instead of collecting 429s."""

from __future__ import annotations

from collections.abc import AsyncIterator

import msgspec
import pytest

from invitekit import RateLimited
from invitekit.http import Response, Route, RouteKey, Throttle
from invitekit_discord import DEFAULT_GLOBAL_LIMIT, DEFAULT_LOOKUP_LIMIT, DiscordAdapter
from invitekit_discord._ratelimits import DiscordRateLimits
from invitekit_discord.testing import Limit
from tests.discord.conftest import TOKEN, World
from tests.http._support import ManualTime


@pytest.fixture
async def limited(world: World) -> AsyncIterator[str]:
    emulator = world.emulator
    emulator.limits = {"invites.get": Limit(2, 10.0), "channels.invites.get": Limit(1, 5.0)}
    async with emulator.serve() as base:
        yield base


def bot(base: str, clock: ManualTime, **options: object) -> DiscordAdapter:
    return DiscordAdapter(TOKEN, api_base=base, clock=clock, sleep=clock.sleep, **options)  # type: ignore[arg-type]


async def test_the_client_waits_for_an_announced_empty_bucket_instead_of_a_429(
    world: World, limited: str, clock: ManualTime
) -> None:
    start = clock.now
    async with bot(limited, clock) as discord:
        for _ in range(3):
            await discord.fetch_invite(world.code)
    assert world.emulator.statuses() == [200, 200, 200]
    assert clock.sleeps == [10.0]
    # The third lookup went out once the window had passed, not before.
    assert clock.now == start + 10.0


async def test_without_waiting_the_client_raises_before_sending(
    world: World, limited: str, clock: ManualTime
) -> None:
    async with bot(limited, clock, wait_for_rate_limits=False) as discord:
        await discord.fetch_invite(world.code)
        await discord.fetch_invite(world.code)
        with pytest.raises(RateLimited) as caught:
            await discord.fetch_invite(world.code)
    assert caught.value.retry_after == 10.0
    assert world.emulator.statuses() == [200, 200]


async def test_all_invite_codes_share_one_bucket(
    world: World, limited: str, clock: ManualTime
) -> None:
    world.emulator.add_invite(world.channel, code="second")
    world.emulator.add_invite(world.channel, code="third")
    async with bot(limited, clock) as discord:
        for code in (world.code, "second", "third"):
            await discord.fetch_invite(code)
    assert world.emulator.statuses() == [200, 200, 200]
    assert clock.sleeps == [10.0]


async def test_channels_are_counted_separately(
    world: World, limited: str, clock: ManualTime
) -> None:
    other = world.emulator.add_channel(world.guild, "other")
    async with bot(limited, clock) as discord:
        await discord.list_invites(channel_id=world.channel.id)
        await discord.list_invites(channel_id=other.id)
        assert clock.sleeps == []
        await discord.list_invites(channel_id=world.channel.id)
    assert clock.sleeps == [5.0]
    assert 429 not in world.emulator.statuses()


async def test_an_unannounced_429_is_waited_out_and_retried(
    world: World, limited: str, clock: ManualTime
) -> None:
    # Another process drained the bucket: this client learns of it from the 429.
    async with bot(limited, clock) as first, bot(limited, clock) as second:
        await first.fetch_invite(world.code)
        await first.fetch_invite(world.code)
        invite = await second.fetch_invite(world.code)
    assert invite.code == world.code
    assert world.emulator.statuses() == [200, 200, 429, 200]
    assert clock.sleeps == [10.0]
    limited_response = world.emulator.requests[2]
    assert limited_response.status == 429


async def test_a_global_429_pauses_every_route(world: World, clock: ManualTime) -> None:
    world.emulator.global_limit = Limit(2, 1.0)
    async with (
        world.emulator.serve() as base,
        bot(base, clock) as first,
        bot(base, clock) as second,
    ):
        await first.fetch_invite(world.code)
        await first.list_invites(channel_id=world.channel.id)
        # The second bot shares the first one's token, so the same global window.
        await second.list_invites(server_id=world.guild.id)
    assert world.emulator.statuses() == [200, 200, 429, 200]
    assert clock.sleeps == [1.0]


async def test_the_lookup_cap_holds_back_invite_fetches(
    world: World, api_base: str, clock: ManualTime
) -> None:
    cap = Throttle(3, 600.0)
    async with bot(api_base, clock, lookup_limit=cap) as discord:
        for _ in range(3):
            await discord.fetch_invite(world.code)
        with pytest.raises(RateLimited) as caught:  # 600 s is more than max_wait
            await discord.fetch_invite(world.code)
        await discord.list_invites(server_id=world.guild.id)  # not a lookup
    assert caught.value.retry_after == 600.0
    assert len(world.emulator.requests) == 4
    async with bot(api_base, clock, lookup_limit=cap, max_wait=None) as patient:
        for _ in range(4):
            await patient.fetch_invite(world.code)
    assert clock.sleeps == [600.0]


async def test_the_lookup_cap_can_be_disabled(
    world: World, api_base: str, clock: ManualTime
) -> None:
    async with bot(api_base, clock, lookup_limit=None) as discord:
        for _ in range(DEFAULT_LOOKUP_LIMIT.limit + 5):
            await discord.fetch_invite(world.code, with_counts=False)
    # Only the per-second limits (the global 50/s and the emulator's bucket) paused it.
    assert clock.sleeps
    assert max(clock.sleeps) <= 1.0
    assert 429 not in world.emulator.statuses()


async def test_the_global_cap_is_configurable(
    world: World, api_base: str, clock: ManualTime
) -> None:
    async with bot(api_base, clock, lookup_limit=None, global_limit=Throttle(2, 1.0)) as capped:
        for _ in range(3):
            await capped.fetch_invite(world.code)
    assert clock.sleeps == [1.0]
    async with bot(api_base, clock, lookup_limit=None, global_limit=None) as free:
        for _ in range(DEFAULT_GLOBAL_LIMIT.limit + 1):
            await free.list_invites(server_id=world.guild.id)
    assert clock.sleeps == [1.0, 1.0]  # only the emulator's own 50/s bucket, once


def test_the_default_lookup_cap_is_well_under_the_reported_ban_threshold() -> None:
    per_ten_minutes = DEFAULT_LOOKUP_LIMIT.limit * 600.0 / DEFAULT_LOOKUP_LIMIT.period
    assert per_ten_minutes <= 250 / 2


def test_route_keys_follow_discord_major_parameters() -> None:
    policy = DiscordRateLimits()
    fetch_a = policy.route_key(Route("GET", "/invites/{code}", {"code": "a"}))
    fetch_b = policy.route_key(Route("GET", "/invites/{code}", {"code": "b"}))
    assert fetch_a == fetch_b == RouteKey("GET /invites/{code}")
    channel = policy.route_key(Route("GET", "/channels/{channel_id}/invites", {"channel_id": "1"}))
    assert channel == RouteKey("GET /channels/{channel_id}/invites", "channel_id=1")
    guild = policy.route_key(Route("GET", "/guilds/{guild_id}/invites", {"guild_id": "2"}))
    assert guild.resource == "guild_id=2"


def test_429_parsing_prefers_the_body_and_sees_global_scope() -> None:
    policy = DiscordRateLimits()
    body = b'{"message": "You are being rate limited.", "retry_after": 1.25, "global": true}'
    info = policy.parse(Response(429, {"retry-after": "2"}, body))
    assert (info.retry_after, info.is_global) == (1.25, True)
    html = policy.parse(Response(429, {"retry-after": "30", "x-ratelimit-scope": "global"}, b"<"))
    assert (html.retry_after, html.is_global) == (30.0, True)
    headers = {
        "x-ratelimit-bucket": "abcd",
        "x-ratelimit-limit": "5",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset-after": "1.5",
    }
    ok = policy.parse(Response(200, headers, b"{}"))
    assert (ok.bucket, ok.limit, ok.remaining, ok.reset_after) == ("abcd", 5, 0, 1.5)
    assert ok.retry_after is None
    assert not ok.is_global
    scoped = policy.parse(Response(200, {**headers, "x-ratelimit-scope": "global"}, b"{}"))
    assert scoped.is_global
    assert (scoped.bucket, scoped.remaining, scoped.retry_after) == ("abcd", 0, None)


async def test_the_emulator_announces_windows_and_429s_like_discord(
    world: World, limited: str, clock: ManualTime
) -> None:
    async with bot(limited, clock) as first, bot(limited, clock) as second:
        await first.fetch_invite(world.code)
        await first.fetch_invite(world.code)
        await second.fetch_invite(world.code)
    opened, drained, refused, _ = world.emulator.requests
    assert opened.response_headers["X-RateLimit-Limit"] == "2"
    assert opened.response_headers["X-RateLimit-Remaining"] == "1"
    assert opened.response_headers["X-RateLimit-Reset-After"] == "10.000"
    assert drained.response_headers["X-RateLimit-Remaining"] == "0"
    assert (
        opened.response_headers["X-RateLimit-Bucket"]
        == drained.response_headers["X-RateLimit-Bucket"]
    )
    assert refused.status == 429
    assert refused.response_headers["Retry-After"] == "10"
    assert refused.response_headers["X-RateLimit-Scope"] == "user"
    assert msgspec.json.decode(refused.response_body) == {
        "message": "You are being rate limited.",
        "retry_after": 10.0,
        "global": False,
    }
