"""Error answers under fire: whatever status, headers and body come back, the caller gets a
typed error, and the rate-limit reading gives sane numbers or none — never an exception.

First as pure functions over arbitrary input, then over HTTP: hostile bodies served by
the emulators through the real adapters, each call under a deadline (no hangs).
"""

from __future__ import annotations

import asyncio
import math
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from invitekit import HTTPError, InviteError, RateLimited
from invitekit.errors import error_for_status
from invitekit.http import (
    DefaultRateLimits,
    RateLimitInfo,
    Response,
    Route,
    generic_error,
    parse_rate_limit_headers,
    parse_retry_after,
)
from invitekit.testing.emulation import Fault
from invitekit_discord._errors import map_error
from invitekit_discord._ratelimits import DiscordRateLimits
from invitekit_stoat import error_from_response
from invitekit_stoat._ratelimits import StoatRateLimits
from tests.http._support import ManualTime
from tests.reliability._payloads import JSON, nested
from tests.reliability._sites import PLATFORMS, DiscordSite, StoatSite

ROUTE = Route("GET", "/invites/{code}", {"code": "abc"})
HEADER_NAMES = [
    "content-type",
    "retry-after",
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    "x-ratelimit-reset-after",
    "x-ratelimit-bucket",
    "x-ratelimit-global",
    "x-ratelimit-scope",
    "cf-ray",
    "server",
    "via",
]
HEADER_VALUES = (
    st.text(max_size=30)
    | st.sampled_from(["nan", "inf", "-1", "1e400", "0", "1.5", "true", "global", "1e308"])
    | st.integers(-(2**64), 2**64).map(str)
    | st.floats().map(str)
    | st.datetimes().map(lambda d: d.strftime("%a, %d %b %Y %H:%M:%S GMT"))
)
HEADERS = st.dictionaries(st.sampled_from(HEADER_NAMES), HEADER_VALUES, max_size=8)
ERROR_SHAPED = st.fixed_dictionaries(
    {},
    optional={
        "message": JSON,
        "code": JSON,
        "errors": JSON,
        "retry_after": JSON,
        "global": JSON,
        "type": JSON | st.sampled_from(["NotFound", "MissingPermission", "TooManyServers"]),
        "error": JSON,
        "max": JSON,
        "permission": JSON,
        "location": JSON,
    },
).map(msgspec.json.encode)
BODIES = (
    ERROR_SHAPED
    | JSON.map(msgspec.json.encode)
    | st.binary(max_size=200)
    | st.sampled_from([b"", b"<html>502</html>", b"null", b"[]", b"{", nested(5_000)])
)
STATUSES = st.integers(400, 599) | st.sampled_from([400, 401, 403, 404, 409, 429, 500, 502])


def sane(value: float | None) -> bool:
    return value is None or (math.isfinite(value) and value >= 0)


def check_info(info: RateLimitInfo) -> None:
    assert isinstance(info, RateLimitInfo)
    assert sane(info.reset_after)
    assert sane(info.retry_after)
    assert info.remaining is None or info.remaining >= 0


@given(STATUSES, HEADERS, BODIES)
def test_discord_errors_are_typed_whatever_the_answer(
    status: int, headers: dict[str, str], body: bytes
) -> None:
    response = Response(status, headers, body)
    error = map_error(response, ROUTE)
    assert isinstance(error, HTTPError)
    assert error.platform == "discord"
    assert error.status == status
    assert isinstance(error, error_for_status(status)) or error.code is not None
    check_info(DiscordRateLimits().parse(response))


@given(STATUSES, HEADERS, BODIES, st.booleans())
def test_stoat_errors_are_typed_whatever_the_answer(
    status: int, headers: dict[str, str], body: bytes, invite_route: bool
) -> None:
    error = error_from_response(status, body, invite_route=invite_route)
    assert isinstance(error, HTTPError)
    assert error.platform == "stoat"
    assert error.status == status
    if isinstance(error, RateLimited):
        assert sane(error.retry_after)
    check_info(StoatRateLimits().parse(Response(status, headers, body)))


@given(STATUSES, HEADERS, BODIES)
def test_the_generic_reading_is_typed_whatever_the_answer(
    status: int, headers: dict[str, str], body: bytes
) -> None:
    response = Response(status, headers, body)
    error = generic_error(response, ROUTE, platform="any")
    assert isinstance(error, error_for_status(status))
    check_info(DefaultRateLimits().parse(response))
    check_info(parse_rate_limit_headers(headers))
    check_info(parse_rate_limit_headers(headers, unit=0.001))
    assert sane(parse_retry_after(headers))


# -- over HTTP: hostile answers through the real adapters ---------------------------------

HOSTILE: list[tuple[str, int, bytes]] = [
    ("deep errors tree", 400, b'{"code": 50035, "message": "x", "errors": ' + nested(5_000) + b"}"),
    ("deep 429", 429, b'{"retry_after": ' + nested(5_000) + b"}"),
    ("deep 500", 500, nested(100_000, kind="dict")),
    ("huge 429 delay", 429, b'{"retry_after": 1e300, "global": true}'),
    ("negative 429 delay", 429, b'{"retry_after": -5}'),
    (
        "wide errors tree",
        400,
        msgspec.json.encode(
            {
                "code": 50035,
                "errors": {str(n): {"_errors": [{"message": "m" * 50}]} for n in range(20_000)},
            }
        ),
    ),
    ("typed junk", 403, b'{"type": 12, "code": [], "message": {}, "permission": null}'),
    ("not UTF-8", 404, b'{"message": "\xff\xfe", "code": 10006}'),
]


@pytest.mark.parametrize("platform", list(PLATFORMS))
@pytest.mark.parametrize(("name", "status", "body"), HOSTILE, ids=[h[0] for h in HOSTILE])
async def test_hostile_error_bodies_over_http_give_typed_errors_promptly(
    clock: ManualTime, platform: str, name: str, status: int, body: bytes
) -> None:
    site: DiscordSite | StoatSite = PLATFORMS[platform](clock)
    options: dict[str, Any] = {"max_retries": 1, "clock": clock, "sleep": clock.sleep}
    async with site.connected(**options):
        site.inject(Fault.respond(status, body, content_type="application/json"), times=2)
        with pytest.raises(InviteError) as caught:
            await asyncio.wait_for(site.call("fetch"), 10.0)
    assert isinstance(caught.value, HTTPError)
    assert caught.value.platform == platform
    assert caught.value.status == status
    assert len(str(caught.value)) < 5_000
