"""Stoat's rate limits through the core transport, against the emulator, on manual time.

The emulator counts fixed 10-second windows per token, bucket and resource, and says so
in milliseconds; the adapter must wait exactly that long, never a thousand times longer.
"""

from __future__ import annotations

import aiohttp
import pytest

from invitekit import RateLimited
from invitekit.http import Response, Route, RouteKey
from invitekit_stoat import StoatRateLimits
from invitekit_stoat.testing import RateLimitConfig, StoatEmulator
from tests.http._support import ManualTime
from tests.stoat.conftest import Connect, Scene


def set_limits(stoat: StoatEmulator, *, window: float = 10.0, **limits: int) -> None:
    stoat.rate_limits = RateLimitConfig(
        window=window, limits={"any": 20, "channels": 15, "servers": 5, **limits}
    )


async def test_headers_are_sent_in_milliseconds(
    api_base: str, scene: Scene, connect: Connect
) -> None:
    await connect().fetch_invite(scene.server_invite.code)
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{api_base}/invites/{scene.server_invite.code}") as response,
    ):
        assert response.headers["X-RateLimit-Limit"] == "20"
        assert response.headers["X-RateLimit-Remaining"] == "18"
        assert response.headers["X-RateLimit-Reset-After"] == "10000"
        assert response.headers["X-RateLimit-Bucket"].isdigit()


async def test_waits_before_the_limit_is_hit(
    stoat: StoatEmulator, scene: Scene, connect: Connect, clock: ManualTime
) -> None:
    set_limits(stoat, any=2)
    adapter = connect(max_wait=30)
    for _ in range(5):
        await adapter.fetch_invite(scene.server_invite.code)
    assert stoat.rate_limited == 0
    # Two windows were used up: the adapter slept through the rest of each, in seconds.
    assert clock.sleeps == [pytest.approx(10.0), pytest.approx(10.0)]


async def test_a_429_is_waited_out_and_retried(
    stoat: StoatEmulator, scene: Scene, connect: Connect, clock: ManualTime
) -> None:
    set_limits(stoat, any=1)
    first, second = connect(), connect()  # same client address, separate bookkeeping
    await first.fetch_invite(scene.server_invite.code)
    clock.now += 2.5
    invite = await second.fetch_invite(scene.group_invite.code)
    assert invite.code == scene.group_invite.code
    assert stoat.rate_limited == 1
    assert clock.sleeps == [pytest.approx(7.5)]  # {"retry_after": 7500}


async def test_without_waiting_a_429_raises(
    stoat: StoatEmulator, scene: Scene, connect: Connect, clock: ManualTime
) -> None:
    set_limits(stoat, any=1)
    await connect().fetch_invite(scene.server_invite.code)
    clock.now += 4
    with pytest.raises(RateLimited) as caught:
        await connect(wait_for_rate_limits=False).fetch_invite(scene.server_invite.code)
    assert caught.value.retry_after == pytest.approx(6.0)
    assert caught.value.status == 429
    assert clock.sleeps == []


async def test_without_waiting_an_empty_bucket_raises_before_sending(
    stoat: StoatEmulator, scene: Scene, connect: Connect, clock: ManualTime
) -> None:
    set_limits(stoat, servers=1)
    adapter = connect(scene.alice, wait_for_rate_limits=False)
    await adapter.list_invites(server_id=scene.devs.id)
    sent = len(stoat.requests)
    with pytest.raises(RateLimited) as caught:
        await adapter.list_invites(server_id=scene.devs.id)
    assert caught.value.retry_after == pytest.approx(10.0)
    assert len(stoat.requests) == sent
    assert stoat.rate_limited == 0


async def test_servers_are_counted_separately(
    stoat: StoatEmulator, scene: Scene, connect: Connect, clock: ManualTime
) -> None:
    set_limits(stoat, servers=1)
    other = stoat.add_server("Other", owner=scene.alice)
    adapter = connect(scene.alice, wait_for_rate_limits=False)
    await adapter.list_invites(server_id=scene.devs.id)
    await adapter.list_invites(server_id=other.id)
    await adapter.fetch_invite(scene.server_invite.code)  # the "any" bucket is apart too
    assert stoat.rate_limited == 0


async def test_long_waits_are_refused(
    stoat: StoatEmulator, scene: Scene, connect: Connect, clock: ManualTime
) -> None:
    set_limits(stoat, any=1)
    adapter = connect(max_wait=5)
    await adapter.fetch_invite(scene.server_invite.code)
    with pytest.raises(RateLimited) as caught:
        await adapter.fetch_invite(scene.server_invite.code)
    assert caught.value.retry_after == pytest.approx(10.0)
    assert clock.sleeps == []


async def test_a_join_is_retried_after_a_429_only(
    stoat: StoatEmulator, scene: Scene, connect: Connect, clock: ManualTime
) -> None:
    # A 429 is refused before anything happens, so even a POST may go again.
    stoat.fail_next(
        429,
        {"retry_after": 1200},
        headers={"X-RateLimit-Reset-After": "1200", "X-RateLimit-Remaining": "0"},
    )
    joined = await connect(scene.bob).accept(scene.server_invite.code)
    assert joined.code == scene.server_invite.code
    assert clock.sleeps == [pytest.approx(1.2)]


def test_route_keys_follow_the_backend_buckets() -> None:
    policy = StoatRateLimits()
    assert policy.route_key(Route("GET", "/invites/{code}", {"code": "x"})) == RouteKey("any")
    assert policy.route_key(Route("POST", "/invites/{code}", {"code": "y"})) == RouteKey("any")
    assert policy.route_key(
        Route("POST", "/channels/{channel}/invites", {"channel": "C1"})
    ) == RouteKey("channels", "C1")
    assert policy.route_key(
        Route("GET", "/servers/{server}/invites", {"server": "S1"})
    ) == RouteKey("servers", "S1")


@pytest.mark.parametrize(
    ("status", "headers", "body", "expected"),
    [
        (
            200,
            {
                "x-ratelimit-limit": "5",
                "x-ratelimit-remaining": "4",
                "x-ratelimit-reset-after": "9500",
            },
            b"",
            (5, 4, 9.5, None),
        ),
        (
            429,
            {"x-ratelimit-remaining": "0", "x-ratelimit-reset-after": "250"},
            b'{"retry_after": 250}',
            (None, 0, 0.25, 0.25),
        ),
        (429, {}, b"<html>busy</html>", (None, None, None, None)),
        (429, {}, b'{"retry_after": -5}', (None, None, None, None)),
        (200, {"x-ratelimit-reset-after": "soon"}, b"", (None, None, None, None)),
    ],
)
def test_parse(
    status: int, headers: dict[str, str], body: bytes, expected: tuple[object, ...]
) -> None:
    info = StoatRateLimits().parse(Response(status, headers, body))
    assert (info.limit, info.remaining, info.reset_after, info.retry_after) == expected
    assert info.bucket is None
    assert info.is_global is False
