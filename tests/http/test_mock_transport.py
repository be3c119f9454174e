"""``MockTransport``: canned answers under an adapter, with its rate limiting, retries and
error mapping running as they do over the network (issue 15, section 2)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterator

import pytest

from invitekit import InviteNotFound, PublicServerInvite, RateLimited, TransportError, get_adapter
from invitekit.errors import InvalidArgument, ServerError
from invitekit.http import MockTransport, Request, Response, Transport, TransportOptions
from invitekit_discord import DiscordAdapter
from invitekit_stoat import StoatAdapter
from tests.http._support import ManualTime

DISCORD_INVITE = {
    "type": 0,
    "code": "abc",
    "guild": {"id": "81384788765712384", "name": "Mocked"},
    "channel": {"id": "81384788765712385", "name": "general", "type": 0},
    "approximate_member_count": 7,
}
STOAT_INVITE = {
    "type": "Server",
    "code": "w2PDnFm6",
    "server_id": "01J71HFE865V215DE1CTEWH0AV",
    "server_name": "Mocked",
    "channel_id": "01J71HFE86QZ0X0E9F5T1V6RY8",
    "channel_name": "general",
    "user_name": "someone",
    "member_count": 7,
}
JSON = {"content-type": "application/json"}


def answers(*responses: Response) -> Callable[[Request], Response]:
    """A handler that gives ``responses`` in turn."""
    queue: Iterator[Response] = iter(responses)
    return lambda request: next(queue)


def ok(body: object) -> Response:
    return Response(200, JSON, json.dumps(body).encode())


def discord(transport: MockTransport, time: ManualTime | None = None) -> DiscordAdapter:
    time = time or ManualTime()
    return DiscordAdapter(
        "fake-token", transport=transport, clock=time, sleep=time.sleep, lookup_limit=None
    )


def stoat(transport: MockTransport, time: ManualTime | None = None) -> StoatAdapter:
    time = time or ManualTime()
    # A user session, not a bot: Stoat bots cannot accept invites.
    return StoatAdapter("fake-token", bot=False, transport=transport, clock=time, sleep=time.sleep)


def test_the_mock_is_a_transport() -> None:
    assert isinstance(MockTransport(answers()), Transport)
    with pytest.raises(TypeError):
        MockTransport("not a function")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="transport"):
        DiscordAdapter(transport=object())  # type: ignore[arg-type]


async def test_discord_429_with_headers_is_waited_out_then_answered() -> None:
    limited = Response(
        429,
        {**JSON, "retry-after": "2", "x-ratelimit-scope": "user"},
        b'{"message": "You are being rate limited.", "retry_after": 2.0, "global": false}',
    )
    transport, time = MockTransport(answers(limited, ok(DISCORD_INVITE))), ManualTime()
    async with discord(transport, time) as adapter:
        invite = await adapter.fetch_invite("https://discord.gg/abc")
    assert isinstance(invite, PublicServerInvite)
    assert (invite.server.name, invite.member_count) == ("Mocked", 7)
    assert [r.path for r in transport.requests] == ["/api/v10/invites/abc"] * 2
    assert transport.requests[0].query == {"with_counts": "true"}
    assert transport.requests[0].header("authorization") == "Bot fake-token"
    assert sum(time.sleeps) >= 2.0  # the 429's Retry-After, waited out
    assert transport.closed


async def test_discord_429_beyond_the_retries_is_rate_limited() -> None:
    limited = Response(429, {**JSON, "retry-after": "1"}, b'{"retry_after": 1.0, "global": false}')
    transport = MockTransport(lambda request: limited)
    async with discord(transport) as adapter:
        with pytest.raises(RateLimited):
            await adapter.fetch_invite("abc")
    assert len(transport.requests) == 4  # the first attempt and three retries


async def test_discord_5xx_then_success_is_retried_for_a_lookup() -> None:
    transport = MockTransport(answers(Response(502, {}, b"bad gateway"), ok(DISCORD_INVITE)))
    async with discord(transport) as adapter:
        invite = await adapter.fetch_invite("abc")
    assert invite.code == "abc"
    assert len(transport.requests) == 2


async def test_discord_404_is_typed() -> None:
    missing = Response(404, JSON, b'{"message": "Unknown Invite", "code": 10006}')
    transport = MockTransport(answers(missing))
    async with discord(transport) as adapter:
        with pytest.raises(InviteNotFound) as caught:
            await adapter.fetch_invite("abc")
    assert (caught.value.status, caught.value.platform) == (404, "discord")


async def test_stoat_429_with_headers_is_waited_out_then_answered() -> None:
    limited = Response(
        429,
        {
            **JSON,
            "x-ratelimit-limit": "20",
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset-after": "1500",
            "x-ratelimit-bucket": "invites",
        },
        b'{"retry_after": 1500}',
    )
    transport, time = MockTransport(answers(limited, ok(STOAT_INVITE))), ManualTime()
    async with stoat(transport, time) as adapter:
        invite = await adapter.fetch_invite("https://stt.gg/w2PDnFm6")
    assert isinstance(invite, PublicServerInvite)
    assert invite.server.name == "Mocked"
    assert [r.path for r in transport.requests] == ["/invites/w2PDnFm6"] * 2
    assert transport.requests[0].header("x-session-token") == "fake-token"
    assert sum(time.sleeps) >= 1.5  # X-RateLimit-Reset-After is in milliseconds


async def test_stoat_5xx_then_success_and_a_typed_404() -> None:
    transport = MockTransport(
        answers(
            Response(503, {}, b""),
            ok(STOAT_INVITE),
            Response(404, JSON, b'{"type": "NotFound", "location": "crates/x.rs:1:1"}'),
        )
    )
    async with stoat(transport) as adapter:
        assert (await adapter.fetch_invite("w2PDnFm6")).code == "w2PDnFm6"
        with pytest.raises(InviteNotFound) as caught:
            await adapter.fetch_invite("Gone1234")
    assert caught.value.platform == "stoat"
    assert len(transport.requests) == 3


async def test_a_server_error_that_stays_is_typed_and_a_post_is_not_resent() -> None:
    transport = MockTransport(lambda request: Response(500, {}, b""))
    async with stoat(transport) as adapter:
        with pytest.raises(ServerError):
            await adapter.accept("w2PDnFm6")
    assert [r.method for r in transport.requests] == ["POST"]


async def test_an_async_handler_and_a_transport_failure() -> None:
    calls: list[str] = []

    async def handler(request: Request) -> Response:
        calls.append(request.method)
        if len(calls) == 1:
            raise TransportError("connection reset")
        return ok(DISCORD_INVITE)

    handle: Callable[[Request], Awaitable[Response]] = handler
    transport = MockTransport(handle)
    async with discord(transport) as adapter:
        assert (await adapter.fetch_invite("abc")).code == "abc"
    assert calls == ["GET", "GET"]  # a failed lookup is sent again


async def test_a_handler_must_answer_with_a_response() -> None:
    transport = MockTransport(lambda request: {"status": 200})  # type: ignore[arg-type, return-value]
    async with discord(transport) as adapter:
        with pytest.raises(TypeError, match="Response"):
            await adapter.fetch_invite("abc")


async def test_the_shared_options_reach_the_transport() -> None:
    transport = MockTransport(lambda request: Response(500, {}, b""))
    time = ManualTime()
    adapter = StoatAdapter(max_retries=1, transport=transport, clock=time, sleep=time.sleep)
    async with adapter:
        with pytest.raises(ServerError):
            await adapter.fetch_invite("w2PDnFm6")
    assert len(transport.requests) == 2  # one retry, as asked
    assert time.sleeps  # the backoff went through the given sleep


def test_an_unknown_option_is_refused_and_a_bad_one_is_an_invalid_argument() -> None:
    with pytest.raises(TypeError, match="colour"):
        DiscordAdapter(colour="blue")  # type: ignore[call-arg]
    with pytest.raises(InvalidArgument, match="colour"):
        get_adapter("stoat", colour="blue")
    with pytest.raises(InvalidArgument, match="max_retries"):
        TransportOptions(max_retries=-1).build("https://example.com", platform="test")
