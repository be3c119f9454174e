"""Rate limits in the transport: buckets from headers, 429s, the global pause, throttles."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from invitekit import InvalidArgument, RateLimited
from invitekit.http import (
    HTTPTransport,
    RateLimitInfo,
    Response,
    RetryPolicy,
    Route,
    RouteKey,
    Throttle,
    parse_rate_limit_headers,
    parse_retry_after,
)
from tests.http._support import ManualTime, Reply, ScriptedServer

A = Route("GET", "/a")
B = Route("GET", "/b")


def bucket(remaining: int, reset_after: float, name: str = "bkt", limit: int = 5) -> dict[str, str]:
    return {
        "X-RateLimit-Bucket": name,
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset-After": str(reset_after),
    }


def make(server: ScriptedServer, time: ManualTime, **options: object) -> HTTPTransport:
    settings: dict[str, object] = {"platform": "test", "clock": time, "sleep": time.sleep}
    settings.update(options)
    return HTTPTransport(server.url, **settings)  # type: ignore[arg-type]


async def test_an_empty_bucket_is_waited_out_before_the_next_request(
    server: ScriptedServer, manual_time: ManualTime
) -> None:
    start = manual_time.now
    server.script(Reply(headers=bucket(0, 2.5)), Reply(headers=bucket(4, 2.5)))
    async with make(server, manual_time) as transport:
        await transport.request(A)
        await transport.request(A)
    assert manual_time.sleeps == [2.5]
    assert [seen.at for seen in server.seen] == [start, start + 2.5]


async def test_a_bucket_with_requests_left_does_not_wait(
    server: ScriptedServer, manual_time: ManualTime
) -> None:
    server.script(Reply(headers=bucket(3, 9.0)), Reply(headers=bucket(2, 9.0)))
    async with make(server, manual_time) as transport:
        await transport.request(A)
        await transport.request(A)
        await transport.request(A)
    assert manual_time.sleeps == []


async def test_a_refilled_bucket_does_not_wait(
    server: ScriptedServer, manual_time: ManualTime
) -> None:
    server.script(Reply(headers=bucket(0, 2.0)))
    async with make(server, manual_time) as transport:
        await transport.request(A)
        manual_time.now += 3.0
        await transport.request(A)
    assert manual_time.sleeps == []


async def test_routes_reporting_the_same_bucket_share_it(
    server: ScriptedServer, manual_time: ManualTime
) -> None:
    server.script(
        Reply(headers=bucket(1, 5.0, name="shared")),
        Reply(headers=bucket(0, 5.0, name="shared")),
    )
    async with make(server, manual_time) as transport:
        await transport.request(A)
        await transport.request(B)
        await transport.request(A)
    assert manual_time.sleeps == [5.0]


async def test_separate_resources_have_separate_buckets(
    server: ScriptedServer, manual_time: ManualTime
) -> None:
    class PerChannel:
        def route_key(self, route: Route) -> RouteKey:
            return RouteKey(str(route), route.params.get("id", ""))

        def parse(self, response: Response) -> RateLimitInfo:
            return parse_rate_limit_headers(response.headers)

    def channel(id_: str) -> Route:
        return Route("GET", "/channels/{id}", {"id": id_})

    server.script(Reply(headers=bucket(0, 4.0)), Reply(headers=bucket(0, 4.0)))
    async with make(server, manual_time, rate_limits=PerChannel()) as transport:
        await transport.request(channel("1"))
        await transport.request(channel("2"))
        assert manual_time.sleeps == []
        await transport.request(channel("1"))
    assert manual_time.sleeps == [4.0]


async def test_concurrent_requests_do_not_overdraw_a_known_bucket(
    server: ScriptedServer, manual_time: ManualTime
) -> None:
    server.script(Reply(headers=bucket(1, 10.0)))
    async with make(server, manual_time) as transport:
        await transport.request(A)
        await asyncio.gather(transport.request(A), transport.request(A))
    assert manual_time.sleeps == [10.0]


async def test_a_429_is_waited_out_and_retried(
    server: ScriptedServer, manual_time: ManualTime
) -> None:
    start = manual_time.now
    server.script(Reply(429, {"message": "slow down"}, headers={"Retry-After": "3"}))
    async with make(server, manual_time) as transport:
        response = await transport.request(A)
    assert response.status == 200
    assert manual_time.sleeps == [3.0]
    assert [seen.at for seen in server.seen] == [start, start + 3.0]


async def test_a_429_on_post_is_resent_after_the_wait(
    server: ScriptedServer, manual_time: ManualTime
) -> None:
    server.script(Reply(429, headers={"Retry-After": "1"}))
    async with make(server, manual_time) as transport:
        assert (await transport.request(Route("POST", "/a"), json={})).status == 200
    assert len(server.seen) == 2


async def test_rate_limited_is_raised_when_waiting_is_disabled(
    server: ScriptedServer, manual_time: ManualTime
) -> None:
    server.script(Reply(429, {"message": "slow down"}, headers={"Retry-After": "3"}))
    async with make(server, manual_time, wait_for_rate_limits=False) as transport:
        with pytest.raises(RateLimited) as caught:
            await transport.request(A)
    assert caught.value.retry_after == 3.0
    assert caught.value.status == 429
    assert len(server.seen) == 1
    assert manual_time.sleeps == []


async def test_an_empty_bucket_raises_before_any_io_when_waiting_is_disabled(
    server: ScriptedServer, manual_time: ManualTime
) -> None:
    server.script(Reply(headers=bucket(0, 6.0)))
    async with make(server, manual_time, wait_for_rate_limits=False) as transport:
        await transport.request(A)
        with pytest.raises(RateLimited) as caught:
            await transport.request(A)
    assert caught.value.retry_after == pytest.approx(6.0)
    assert len(server.seen) == 1


async def test_a_wait_longer_than_max_wait_raises_at_once(
    server: ScriptedServer, manual_time: ManualTime
) -> None:
    server.script(Reply(429, headers={"Retry-After": "120"}))
    async with make(server, manual_time, max_wait=30.0) as transport:
        with pytest.raises(RateLimited) as caught:
            await transport.request(A)
    assert caught.value.retry_after == 120.0
    assert manual_time.sleeps == []


async def test_429s_outlasting_the_retries_raise(
    server: ScriptedServer, manual_time: ManualTime
) -> None:
    server.script(*[Reply(429, headers={"Retry-After": "1"})] * 3)
    async with make(server, manual_time, retry=RetryPolicy(max_retries=2)) as transport:
        with pytest.raises(RateLimited):
            await transport.request(A)
    assert len(server.seen) == 3
    assert manual_time.sleeps == [1.0, 1.0]


async def test_a_global_429_pauses_every_route(
    server: ScriptedServer, manual_time: ManualTime
) -> None:
    start = manual_time.now
    server.script(
        Reply(
            429,
            {"message": "global", "retry_after": 4.0, "global": True},
            headers={"Retry-After": "4", "X-RateLimit-Global": "true"},
        )
    )
    async with make(server, manual_time, retry=RetryPolicy(max_retries=0)) as transport:
        with pytest.raises(RateLimited):
            await transport.request(A)
        await transport.request(B)
    assert manual_time.sleeps == [4.0]
    assert server.seen[1].at == start + 4.0


async def test_a_throttle_caps_requests_per_window(
    server: ScriptedServer, manual_time: ManualTime
) -> None:
    start = manual_time.now
    lookups = Route("GET", "/lookup/{id}", {"id": "x"}, throttle="lookups")
    async with make(server, manual_time, throttles={"lookups": Throttle(2, 10.0)}) as transport:
        for _ in range(3):
            await transport.request(lookups)
        await transport.request(A)  # not throttled
    assert manual_time.sleeps == [10.0]
    assert [seen.at for seen in server.seen] == [start, start, start + 10.0, start + 10.0]


async def test_a_throttle_raises_before_io_when_waiting_is_disabled(
    server: ScriptedServer, manual_time: ManualTime
) -> None:
    lookups = Route("GET", "/lookup/{id}", {"id": "x"}, throttle="lookups")
    transport = make(
        server, manual_time, throttles={"lookups": Throttle(1, 600.0)}, wait_for_rate_limits=False
    )
    async with transport:
        await transport.request(lookups)
        with pytest.raises(RateLimited) as caught:
            await transport.request(lookups)
        with pytest.raises(InvalidArgument):
            await transport.request(Route("GET", "/x", throttle="nope"))
    assert caught.value.retry_after == 600.0
    assert len(server.seen) == 1


async def test_a_global_throttle_counts_every_route(
    server: ScriptedServer, manual_time: ManualTime
) -> None:
    async with make(server, manual_time, global_throttle=Throttle(2, 1.0)) as transport:
        await transport.request(A)
        await transport.request(B)
        await transport.request(A)
    assert manual_time.sleeps == [1.0]


def test_header_parsing_in_any_unit() -> None:
    headers = {
        "x-ratelimit-bucket": "abc",
        "x-ratelimit-limit": "20",
        "x-ratelimit-remaining": "19",
        "x-ratelimit-reset-after": "2500",
    }
    info = parse_rate_limit_headers(headers, unit=0.001)
    assert info == RateLimitInfo(bucket="abc", limit=20, remaining=19, reset_after=2.5)
    assert parse_rate_limit_headers({}) == RateLimitInfo()
    bad = {
        "x-ratelimit-remaining": "lots",
        "x-ratelimit-reset-after": "-1",
        "x-ratelimit-limit": "nan",
    }
    assert parse_rate_limit_headers(bad) == RateLimitInfo()
    assert parse_rate_limit_headers({"x-ratelimit-global": "true"}).is_global


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert parse_retry_after({"retry-after": "1.5"}) == 1.5
    assert parse_retry_after({}) is None
    assert parse_retry_after({"retry-after": "soon"}) is None
    past = format_datetime(datetime(2000, 1, 1, tzinfo=timezone.utc), usegmt=True)
    assert parse_retry_after({"retry-after": past}) == 0.0
    future = datetime.now(timezone.utc) + timedelta(hours=1)
    delay = parse_retry_after({"retry-after": format_datetime(future, usegmt=True)})
    assert delay is not None
    assert 3000 < delay <= 3600


def test_throttles_are_validated() -> None:
    for limit, period in [(0, 1.0), (1, 0.0), (True, 1.0), (1, float("inf"))]:
        with pytest.raises(ValueError, match="throttle"):
            Throttle(limit, period)
