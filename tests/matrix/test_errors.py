"""Matrix's errors on invitekit's one tree, and 429s waited out or raised: the mapping as
a pure function, then against a Synapse with tight rate limits."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
    Unauthorized,
)
from invitekit.http import Response, Route
from invitekit_matrix import Asked, MatrixAdapter, MatrixRateLimits, error_from_response
from tests.matrix._homeserver import Homeserver
from tests.matrix.conftest import unique


def _body(errcode: str, **extra: object) -> bytes:
    return json.dumps({"errcode": errcode, "error": "text from the server", **extra}).encode()


TABLE = [
    (404, _body("M_NOT_FOUND"), Asked.ROOM, InviteNotFound),
    (404, _body("M_UNKNOWN"), Asked.ROOM, InviteNotFound),  # a join's unknown room id
    (404, _body("M_NOT_FOUND"), Asked.ALIAS, InviteNotFound),
    (404, _body("M_NOT_FOUND"), Asked.ROOM_ALIASES, NotFound),
    (404, _body("M_UNRECOGNIZED"), Asked.ROOM, NotFound),  # an endpoint the server lacks
    (403, _body("M_FORBIDDEN"), Asked.ROOM, Forbidden),
    (403, _body("M_FORBIDDEN"), Asked.ALIAS, MissingPermissions),
    (403, _body("M_FORBIDDEN"), Asked.ROOM_ALIASES, MissingPermissions),
    (403, _body("M_BAD_STATE"), Asked.ROOM, Banned),
    (403, _body("M_BAD_STATE"), Asked.ROOM_ALIASES, Forbidden),
    (409, _body("M_UNKNOWN"), Asked.ALIAS, Conflict),
    (401, _body("M_MISSING_TOKEN"), Asked.ROOM_ALIASES, Unauthorized),
    (401, _body("M_UNKNOWN_TOKEN"), Asked.ROOM, Unauthorized),
    (403, _body("M_UNKNOWN_TOKEN"), Asked.ROOM, Unauthorized),
    (400, _body("M_INVALID_PARAM"), Asked.ALIAS, BadRequest),
    (400, _body("M_UNKNOWN"), Asked.ROOM, BadRequest),
    (502, _body("M_UNKNOWN"), Asked.ROOM, ServerError),
    (502, b"<html>Bad Gateway</html>", Asked.ROOM, ServerError),
    (404, b"", Asked.ROOM, NotFound),  # a proxy's empty page is no missing room
    (429, _body("M_LIMIT_EXCEEDED", retry_after_ms=1500), Asked.ROOM, RateLimited),
]


@pytest.mark.parametrize(("status", "body", "asked", "expected"), TABLE)
def test_errcodes_map_onto_the_tree(
    status: int, body: bytes, asked: Asked, expected: type[HTTPError]
) -> None:
    error = error_from_response(status, body, asked)
    assert type(error) is expected
    assert (error.status, error.platform) == (status, "matrix")
    if body.startswith(b"{"):
        assert error.code == json.loads(body)["errcode"]
        assert "text from the server" in error.message
    else:
        assert error.code is None


def test_a_429_says_how_long() -> None:
    error = error_from_response(429, _body("M_LIMIT_EXCEEDED", retry_after_ms=1500), Asked.ROOM)
    assert isinstance(error, RateLimited)
    assert error.retry_after == 1.5


@given(st.integers(100, 599), st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_any_body_maps_without_raising(status: int, body: bytes) -> None:
    for asked in Asked:
        assert isinstance(error_from_response(status, body, asked), HTTPError)


def _answer(status: int, body: bytes = b"", **headers: str) -> Response:
    return Response(
        status, {name.replace("_", "-"): value for name, value in headers.items()}, body
    )


@pytest.mark.parametrize(
    ("response", "seconds"),
    [
        (_answer(429, _body("M_LIMIT_EXCEEDED", retry_after_ms=250)), 0.25),
        (_answer(429, _body("M_LIMIT_EXCEEDED"), retry_after="3"), 3.0),
        (_answer(429, _body("M_LIMIT_EXCEEDED", retry_after_ms=-5), retry_after="2"), 2.0),
        (_answer(429, b"not json", retry_after="1"), 1.0),
        (_answer(429, b"not json"), None),
        (_answer(200, b"{}", retry_after="9"), None),
    ],
)
def test_the_rate_limit_policy_reads_the_wait(response: Response, seconds: float | None) -> None:
    policy = MatrixRateLimits()
    assert policy.parse(response).retry_after == seconds
    assert policy.route_key(Route("POST", "/join/{room}", {"room": "!a"})).route == (
        "POST /join/{room}"
    )


def _rooms(tight_homeserver: Homeserver, count: int) -> list[str]:
    # One owner per room: room creation is limited per account too.
    owners = [tight_homeserver.register(unique("owner")) for _ in range(count)]
    return [tight_homeserver.create_room(owner, preset="public_chat") for owner in owners]


async def test_a_join_storm_is_waited_out(tight_homeserver: Homeserver) -> None:
    rooms = _rooms(tight_homeserver, 4)
    joiner = tight_homeserver.register(unique("joiner"))
    started = time.monotonic()
    async with MatrixAdapter(joiner.token, api_base=tight_homeserver.url) as matrix:
        for room_id in rooms:
            await matrix.accept(room_id)
    # Two joins fit in the burst; the others each waited for the server's retry_after_ms.
    assert time.monotonic() - started > 0.5


async def test_rate_limited_when_it_may_not_wait(tight_homeserver: Homeserver) -> None:
    rooms = _rooms(tight_homeserver, 4)
    joiner = tight_homeserver.register(unique("joiner"))

    async def join_all(matrix: MatrixAdapter) -> None:
        for room_id in rooms:
            await matrix.accept(room_id)

    async with MatrixAdapter(
        joiner.token, api_base=tight_homeserver.url, wait_for_rate_limits=False
    ) as matrix:
        with pytest.raises(RateLimited) as caught:
            await join_all(matrix)
    assert caught.value.code == "M_LIMIT_EXCEEDED"
    assert (caught.value.status, caught.value.platform) == (429, "matrix")
    assert 0 < caught.value.retry_after <= 2
