"""Discord error responses map onto the core error tree, over HTTP and as pure data."""

from __future__ import annotations

import pytest

from invitekit import (
    BadRequest,
    Banned,
    Conflict,
    Forbidden,
    HTTPError,
    InviteNotFound,
    MissingPermissions,
    NotFound,
    RateLimited,
    ServerError,
    TransportError,
    Unauthorized,
)
from invitekit.http import Response, Route
from invitekit_discord import DiscordAdapter
from invitekit_discord._errors import map_error
from tests.discord.conftest import TOKEN, World
from tests.http._support import ManualTime

# status, Discord code, the class it must become
JSON_ERRORS: list[tuple[int, int, type[HTTPError]]] = [
    (404, 10006, InviteNotFound),
    (400, 10006, InviteNotFound),  # the code decides where it is specific
    (404, 10003, NotFound),
    (404, 10004, NotFound),
    (404, 10070, NotFound),
    (404, 10124, NotFound),
    (404, 10129, NotFound),
    (403, 50013, MissingPermissions),
    (403, 50001, MissingPermissions),
    (403, 40007, Banned),
    (401, 0, Unauthorized),
    (401, 40001, Unauthorized),
    (401, 50014, Unauthorized),
    (403, 40333, Forbidden),
    (403, 0, Forbidden),
    (400, 50035, BadRequest),
    (400, 30016, BadRequest),
    (400, 50024, BadRequest),
    (404, 0, NotFound),
    (409, 0, Conflict),
    (405, 0, HTTPError),
]


@pytest.mark.parametrize(("status", "code", "error"), JSON_ERRORS)
async def test_json_errors_over_http(
    world: World, discord: DiscordAdapter, status: int, code: int, error: type[HTTPError]
) -> None:
    world.emulator.fail_next(status, code=code, message="the message")
    with pytest.raises(HTTPError) as caught:
        await discord.fetch_invite(world.code)
    assert type(caught.value) is error
    assert caught.value.status == status
    assert caught.value.code == code
    assert caught.value.platform == "discord"
    assert "the message" in caught.value.message
    assert len(world.emulator.requests) == 1


async def test_server_errors_are_retried_then_raised(
    world: World, discord: DiscordAdapter, clock: ManualTime
) -> None:
    world.emulator.fail_next(500, code=0, message="500: Internal Server Error", times=4)
    with pytest.raises(ServerError) as caught:
        await discord.fetch_invite(world.code)
    assert caught.value.status == 500
    assert len(world.emulator.requests) == 4
    assert clock.sleeps == [0.5, 1.0, 2.0]


async def test_server_errors_on_create_are_not_retried(
    world: World, discord: DiscordAdapter
) -> None:
    world.emulator.fail_next(502, body="<html><body>502 Bad Gateway</body></html>")
    with pytest.raises(ServerError) as caught:
        await discord.create_invite(world.channel.id)
    assert (caught.value.status, caught.value.code) == (502, None)
    assert "non-JSON (text/html)" in caught.value.message
    assert len(world.emulator.requests) == 1
    assert world.emulator.world.audit_log == []


CLOUDFLARE_PAGE = (
    "<!DOCTYPE html><html><head><title>Access denied | discord.com used Cloudflare to "
    "restrict access</title></head><body>Error 1015 You are being rate limited</body></html>"
)


async def test_cloudflare_html_pages_become_typed_errors(
    world: World, discord: DiscordAdapter
) -> None:
    headers = {"CF-RAY": "8a1b2c3d4e5f-AMS", "Server": "cloudflare"}
    world.emulator.fail_next(403, body=CLOUDFLARE_PAGE, headers=headers)
    with pytest.raises(Forbidden) as forbidden:
        await discord.delete(world.code)
    assert type(forbidden.value) is Forbidden
    assert forbidden.value.code is None
    assert "Cloudflare" in forbidden.value.message
    world.emulator.fail_next(429, body=CLOUDFLARE_PAGE, headers={**headers, "Retry-After": "3600"})
    with pytest.raises(RateLimited) as banned:
        await discord.fetch_invite(world.code)
    assert banned.value.retry_after == 3600.0  # longer than max_wait: raised at once
    assert len(world.emulator.requests) == 2


async def test_empty_bodies_become_typed_errors(world: World, discord: DiscordAdapter) -> None:
    world.emulator.fail_next(404, body=b"", content_type="text/plain")
    with pytest.raises(NotFound) as caught:
        await discord.fetch_invite(world.code)
    assert "non-JSON (text/plain)" in caught.value.message


async def test_an_unknown_token_is_unauthorized(
    world: World, api_base: str, clock: ManualTime
) -> None:
    async with DiscordAdapter("wrong", api_base=api_base, clock=clock, sleep=clock.sleep) as bad:
        with pytest.raises(Unauthorized) as caught:
            await bad.delete(world.code)
    assert (caught.value.status, caught.value.code) == (401, 0)
    assert "wrong" not in str(caught.value)


async def test_an_unreachable_api_is_a_transport_error(clock: ManualTime) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    adapter = DiscordAdapter(
        TOKEN, api_base=f"http://127.0.0.1:{port}/api/v10", clock=clock, sleep=clock.sleep
    )
    async with adapter:
        with pytest.raises(TransportError) as caught:
            await adapter.fetch_invite("abc123")
    assert caught.value.platform == "discord"
    assert TOKEN not in str(caught.value)
    assert len(clock.sleeps) == 3  # GET is retried


async def test_a_stalled_api_times_out(world: World, api_base: str, clock: ManualTime) -> None:
    world.emulator.stall_next(10.0)
    adapter = DiscordAdapter(
        TOKEN, api_base=api_base, timeout=0.2, max_retries=0, clock=clock, sleep=clock.sleep
    )
    async with adapter:
        with pytest.raises(TransportError, match="timed out"):
            await adapter.create_invite(world.channel.id)


def _response(status: int, body: bytes, content_type: str = "application/json") -> Response:
    return Response(status, {"content-type": content_type}, body)


ROUTE = Route("GET", "/invites/{code}", {"code": "abc"})


@pytest.mark.parametrize(
    ("status", "body", "error", "code"),
    [
        (404, b'{"message": "Unknown Invite", "code": 10006}', InviteNotFound, 10006),
        (400, b'{"message": "x", "code": "not-a-number"}', BadRequest, None),
        (400, b"[1, 2]", BadRequest, None),
        (500, b"null", ServerError, None),
        (503, b"upstream connect error", ServerError, None),
        (418, b'{"message": "teapot", "code": 0}', HTTPError, 0),
        (
            400,
            b'{"code": 50035, "errors": {"a": {"b": [{"_errors": [{"message": "m"}]}]}}}',
            BadRequest,
            50035,
        ),
    ],
)
def test_map_error_reads_only_what_it_trusts(
    status: int, body: bytes, error: type[HTTPError], code: int | None
) -> None:
    mapped = map_error(_response(status, body), ROUTE)
    assert type(mapped) is error
    assert (mapped.status, mapped.code, mapped.platform) == (status, code, "discord")
    assert mapped.message.startswith("GET /invites/{code}: ")


def test_nested_field_errors_are_flattened() -> None:
    body = (
        b'{"code": 50035, "message": "Invalid Form Body", "errors": {"role_ids": {"0": '
        b'{"_errors": [{"code": "NUMBER_TYPE_COERCE", "message": "not snowflake"}]}}}}'
    )
    mapped = map_error(_response(400, body), ROUTE)
    assert "role_ids.0: not snowflake" in mapped.message
